"""Console: repeat an event as a series of dates and add sessions to it (the card at the foot
of the event's page)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from xiaoyou.core.errors import ApplicationError
from xiaoyou.events.views.console_events import managed_event


@require_POST
def event_series_extend(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.events.services.series import event_series_extend as extend

    event = managed_event(request, pk)
    count = request.POST.get("count", "")
    try:
        created = extend(
            actor=request.user,
            event=event,
            frequency=request.POST.get("frequency", ""),
            count=int(count) if count.isdigit() else 0,
        )
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d date added as a draft.", "%(count)d dates added as drafts.", len(created)
            )
            % {"count": len(created)},
        )
    return redirect("console:event_edit", pk=event.pk)


@require_POST
def event_session_add(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.events.services.series import event_session_add as add

    event = managed_event(request, pk)
    try:
        session = add(actor=request.user, parent=event, title=request.POST.get("title", ""))
    except ApplicationError as error:
        messages.error(request, error.text())
        return redirect("console:event_edit", pk=event.pk)
    messages.success(request, _("Session added as a draft: set its time, place and tickets."))
    return redirect("console:event_edit", pk=session.pk)
