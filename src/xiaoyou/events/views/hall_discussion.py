"""Hall: an event's discussion (活动讨论) — post a comment or a reply, delete one's own — and
the favorite star (收藏). Forms post normally and get a redirect back to the event page; with
htmx the discussion section (or the star) is swapped in place."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events.models import DiscussionMode, Event, EventComment, EventStatus
from xiaoyou.events.services.discussion import COMMENT_MAX_LENGTH
from xiaoyou.events.views.hall_events import visible_event

PAGE_SIZE = 20
PAGE_PARAM = "comments"
SECTION_TEMPLATE = "events/hall/_discussion_section.html"
STAR_TEMPLATE = "events/hall/_favorite_star.html"


def discussion_context(
    request: HttpRequest, event: Event, *, body: str = "", error: str = "", reply_to: int = 0
) -> dict[str, Any]:
    """What the discussion section shows: a page of the thread (replies prefetched), whether the
    visitor may comment, and the form state after a failed post."""
    from xiaoyou.events.selectors_engagement import discussion_thread

    user = request.user
    is_open = event.status == EventStatus.PUBLISHED and event.discussion != DiscussionMode.CLOSED
    page = Paginator(discussion_thread(event, user), PAGE_SIZE).get_page(
        request.GET.get(PAGE_PARAM)
    )
    return {
        "event": event,
        "page": page,
        "page_param": PAGE_PARAM,
        "is_open": is_open,
        "is_moderated": event.discussion == DiscussionMode.MODERATED,
        "may_comment": is_open and policy.can(user, "comment", event),
        "is_manager": policy.can(user, "manage", event),
        "body": body,
        "error": error,
        "reply_to": reply_to,
        "max_length": COMMENT_MAX_LENGTH,
        "login_url": reverse("account_login") + "?next=" + reverse("hall:event", args=[event.pk]),
        "user": user,
        "pending": ModerationStatus.PENDING,
    }


def star_context(request: HttpRequest, event: Event) -> dict[str, Any]:
    from xiaoyou.events.selectors_engagement import is_favorite

    return {
        "event": event,
        "is_favorite": is_favorite(request.user, event),
        "is_signed_in": request.user.is_authenticated,
        "user": request.user,
    }


def _back(event: Event, anchor: str = "discussion") -> HttpResponse:
    return redirect(reverse("hall:event", args=[event.pk]) + f"#{anchor}")


def _section(request: HttpRequest, event: Event, **state: Any) -> HttpResponse:
    return render(request, SECTION_TEMPLATE, discussion_context(request, event, **state))


@require_POST
@login_required
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Posts a comment, or a reply when `parent` names a comment of this event."""
    from xiaoyou.events.services.discussion import comment_post

    event = visible_event(request, pk)
    body = request.POST.get("body", "")
    parent = None
    parent_id = request.POST.get("parent", "")
    if parent_id.isdigit():
        parent = EventComment.objects.filter(pk=int(parent_id), event=event).first()
        if parent is None:
            raise Http404
    try:
        comment = comment_post(actor=request.user, event=event, body=body, parent=parent)
    except ApplicationError as error:
        if request.htmx:  # type: ignore[attr-defined]
            response = _section(
                request,
                event,
                body=body,
                error=error.text(),
                reply_to=parent.pk if parent else 0,
            )
            response.status_code = error.status
            return response
        messages.error(request, error.text())
        return _back(event)
    if request.htmx:  # type: ignore[attr-defined]
        return _section(request, event)
    if comment.status == ModerationStatus.PENDING:
        messages.success(request, _("Thank you. Your comment appears once it is reviewed."))
    else:
        messages.success(request, _("Your comment is posted."))
    return _back(event, f"comment-{comment.parent_id or comment.pk}")


@require_POST
@login_required
def comment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """The author deletes their own comment or reply."""
    from xiaoyou.events.services.discussion import comment_delete

    comment = EventComment.objects.select_related("event").filter(pk=pk).first()
    if comment is None:
        raise Http404
    event = visible_event(request, comment.event_id)
    try:
        comment_delete(actor=request.user, comment=comment)
    except PermissionDenied:
        raise Http404 from None
    if request.htmx:  # type: ignore[attr-defined]
        return _section(request, event)
    messages.success(request, _("Your comment is deleted."))
    return _back(event)


@require_POST
@login_required
def favorite(request: HttpRequest, pk: int) -> HttpResponse:
    """Stars or unstars the event."""
    from xiaoyou.events.services.favorites import favorite_toggle

    event = visible_event(request, pk)
    is_favorite = favorite_toggle(actor=request.user, event=event)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, STAR_TEMPLATE, star_context(request, event))
    messages.success(
        request, _("Added to your favorites.") if is_favorite else _("Removed from favorites.")
    )
    return redirect("hall:event", pk=event.pk)
