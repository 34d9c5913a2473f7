"""Hall: an invitation's page (/invite/<code>/) and the WeChat JS-SDK signature for share cards."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from xiaoyou.core import ratelimit
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations import sharing
from xiaoyou.organizations.models import Invitation, InvitationKind, OrgRole, Role
from xiaoyou.organizations.services import invitations as invitation_services

# The hall join view (membership) takes the invitation code in this query parameter.
INVITATION_PARAM = "invitation"
# Signatures are cheap but each may fetch a ticket when the cache is cold: cap them per client.
JS_CONFIG_RATE = (120, 3600)


def join_form_url(invitation: Invitation) -> str:
    """The organization's join form with the invitation attached."""
    for name in ("hall:org_join", "hall:organization_join", "hall:join"):
        try:
            base = reverse(name, kwargs={"pk": invitation.org_id})
        except NoReverseMatch:
            continue
        return f"{base}?{urlencode({INVITATION_PARAM: invitation.code})}"
    return ""


def org_page_url(invitation: Invitation) -> str:
    for name in ("hall:org_detail", "hall:organization_detail", "hall:org"):
        try:
            return reverse(name, kwargs={"pk": invitation.org_id})
        except NoReverseMatch:
            continue
    return reverse("hall:me")


@never_cache
def invitation_accept(request: HttpRequest, code: str) -> HttpResponse:
    """Shows the org and the offer; signed-in people accept (role) or go on to the join form."""
    try:
        invitation = invitation_services.invitation_by_code(code)
    except ApplicationError as error:
        return _problem(request, None, error)

    problem: ApplicationError | None = None
    try:
        invitation_services.invitation_check(invitation)
    except ApplicationError as error:
        problem = error

    if request.method == "POST" and problem is None:
        if not request.user.is_authenticated:
            return redirect(_sign_in_url(request, "account_login"))
        if invitation.kind == InvitationKind.JOIN:
            return redirect(join_form_url(invitation) or request.path)
        try:
            invitation_services.invitation_accept(actor=request.user, code=invitation.code)
        except ApplicationError as error:
            problem = error
        else:
            messages.success(
                request,
                _("You are now %(role)s of %(org)s.")
                % {"role": Role(invitation.role).label, "org": invitation.org.name},
            )
            return redirect(org_page_url(invitation))

    context: dict[str, Any] = {
        "invitation": invitation,
        "org": invitation.org,
        "problem": problem,
        "is_join": invitation.kind == InvitationKind.JOIN,
        "role_label": Role(invitation.role).label,
        "join_url": join_form_url(invitation),
        "org_url": org_page_url(invitation),
        "login_url": _sign_in_url(request, "account_login"),
        "code_login_url": _sign_in_url(request, "account_request_login_code"),
        "signup_url": _sign_in_url(request, "account_signup"),
        "share_card": sharing.invitation_share_card(request, invitation),
        "already_holds": request.user.is_authenticated
        and invitation.kind == InvitationKind.ROLE
        and OrgRole.objects.filter(
            user=request.user, org=invitation.org, role=invitation.role
        ).exists(),
        "phone_hint": invitation.phone[-4:] if invitation.phone else "",
    }
    status = problem.status if problem is not None and request.method == "GET" else 200
    if problem is not None and request.method == "POST":
        status = 400
    return render(request, "organizations/hall/invitations/accept.html", context, status=status)


def _problem(
    request: HttpRequest, invitation: Invitation | None, error: ApplicationError
) -> HttpResponse:
    return render(
        request,
        "organizations/hall/invitations/accept.html",
        {"invitation": invitation, "problem": error, "org": None},
        status=error.status,
    )


def _sign_in_url(request: HttpRequest, url_name: str) -> str:
    # Back to this very page afterwards (allauth reads `next` on sign-in, code and sign-up).
    return f"{reverse(url_name)}?{urlencode({'next': request.path})}"


@require_GET
def wechat_js_config(request: HttpRequest) -> HttpResponse:
    """{appId, timestamp, nonceStr, signature} for wx.config() on the page at ?url=.

    Only pages of this site are signed (WeChat would refuse others anyway: the JS-SDK checks
    its safe-domain list too).
    """
    from django.conf import settings

    from xiaoyou.core import wechat
    from xiaoyou.core.middleware import client_ip

    if not settings.WECHAT_APP_ID:
        return JsonResponse({"error": {"code": "not_configured"}}, status=404)
    url = request.GET.get("url", "").split("#", 1)[0]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != request.get_host():
        return JsonResponse({"error": {"code": "invalid_input"}}, status=400)
    if not ratelimit.hit(f"wechat:jsconfig:{client_ip(request)}", *JS_CONFIG_RATE):
        return JsonResponse({"error": {"code": "rate_limited"}}, status=429)
    try:
        config = wechat.get_client().js_sdk_config(url)
    except wechat.WeChatError:
        return JsonResponse({"error": {"code": "wechat_unavailable"}}, status=502)
    response = JsonResponse(config)
    response["Cache-Control"] = "no-store"
    return response
