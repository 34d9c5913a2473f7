"""Console: notices to an event's registrants (群发通知) — channels, audience and message, the
recipient count before sending, then a background job with a progress bar; past notices."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xiaoyou.core.errors import ApplicationError
from xiaoyou.events.forms_notices import NoticeForm
from xiaoyou.events.models import EventNotice
from xiaoyou.events.views.console_events import managed_event

HISTORY_SIZE = 20


def notices(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form and past notices. POST action=preview: the recipient count (and texts to
    pay for); action=send: the notice is sent by a job, shown with its progress bar."""
    from xiaoyou.events.services.registrant_notices import notice_preview, notice_send

    event = managed_event(request, pk)
    form = NoticeForm(request.POST or None, event=event)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("action") == "send":
                notice_send(
                    actor=request.user,
                    event=event,
                    title=data["title"],
                    body=data["body"],
                    channels=data["channels"],
                    audience=form.audience(),
                )
            else:
                preview = notice_preview(
                    actor=request.user,
                    event=event,
                    audience=form.audience(),
                    channels=data["channels"],
                    title=data.get("title") or "",
                    body=data.get("body") or "",
                )
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            if preview is None:
                messages.success(request, _("The notice is being sent."))
                return redirect("console:event_notices", pk=event.pk)
    history = list(
        EventNotice.objects.filter(event=event)
        .select_related("job", "created_by")
        .order_by("-created_at", "-id")[:HISTORY_SIZE]
    )
    return render(
        request,
        "events/console/notices.html",
        {"event": event, "form": form, "preview": preview, "notices": history},
    )
