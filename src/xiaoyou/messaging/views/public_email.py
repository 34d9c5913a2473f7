"""Public endpoints of sent mail (/m/): the open pixel, tracked links, unsubscribe (RFC 8058
one-click POST without cookies or CSRF token, and a page with a confirm button), the bounce
intake. The signed token in the URL is the only authority."""

from __future__ import annotations

import base64

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from xiaoyou.messaging import email_bounces, email_settings, email_tracking
from xiaoyou.messaging.services import email_feedback

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
MAX_BOUNCE_BYTES = 10 * 1024 * 1024


@never_cache
def email_open(request: HttpRequest, token: str) -> HttpResponse:
    message_id = email_tracking.message_id_of(token)
    if message_id is not None:
        email_feedback.email_open_record(message_id=message_id)
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0"
    return response


@never_cache
def email_click(request: HttpRequest, token: str, index: int) -> HttpResponseBase:
    message_id = email_tracking.message_id_of(token)
    url = (
        email_feedback.email_click_record(message_id=message_id, index=index)
        if message_id is not None
        else None
    )
    if url is None or not url.startswith(("http://", "https://")):
        raise Http404
    return HttpResponseRedirect(url)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def email_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page asking to confirm. POST: unsubscribes at once, from our page's button or a
    mail client's one-click request (body "List-Unsubscribe=One-Click", no cookies)."""
    message_id = email_tracking.message_id_of(token)
    if message_id is None:
        raise Http404
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        message = email_feedback.email_unsubscribe(
            message_id=message_id, via="one-click" if one_click else "page"
        )
        if message is None:
            raise Http404
        return render(
            request, "messaging/email/unsubscribe.html", {"done": True, "message": message}
        )
    from xiaoyou.messaging.models import EmailMessage

    message = EmailMessage.objects.select_related("campaign__org").filter(pk=message_id).first()
    if message is None:
        raise Http404
    return render(request, "messaging/email/unsubscribe.html", {"done": False, "message": message})


@csrf_exempt
@require_POST
def email_bounce_intake(request: HttpRequest) -> HttpResponse:
    """Raw returned messages POSTed by a mail gateway with the shared MESSAGING_BOUNCE_TOKEN."""
    expected = email_settings.bounce_token()
    given = request.headers.get("X-Bounce-Token") or request.GET.get("token", "")
    if not expected or not constant_time_compare(given, expected):
        return HttpResponse(status=403)
    body = request.body
    if len(body) > MAX_BOUNCE_BYTES:
        return HttpResponse(status=413)
    return JsonResponse(email_bounces.ingest(body))
