"""Console: an event's discussion (评论管理) — every comment and reply with filters by status and
kind and a search; publish, hide or delete in bulk; one comment's page with its replies, where
staff moderate and reply officially."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import BulkAction, Column, DataTable, Filter
from xiaoyou.events.models import Event, EventComment
from xiaoyou.events.services.discussion import COMMENT_MAX_LENGTH, MODERATION_ACTIONS
from xiaoyou.events.views.console_events import managed_event

KINDS = [
    ("comment", gettext_lazy("Comments")),
    ("reply", gettext_lazy("Replies")),
    ("official", gettext_lazy("Official")),
]


def _kind_filter(queryset: QuerySet[EventComment], value: Any) -> QuerySet[EventComment]:
    if value == "comment":
        return queryset.filter(parent__isnull=True)
    if value == "reply":
        return queryset.filter(parent__isnull=False)
    return queryset.filter(is_official=True)


def _comments(event: Event) -> QuerySet[EventComment]:
    from xiaoyou.events.selectors_engagement import comments_for_console

    return comments_for_console(event)


def _excerpt(comment: EventComment) -> str:
    text = " ".join(comment.body.split())
    return text if len(text) <= 60 else text[:59] + "…"


def _answered(comment: EventComment) -> str:
    return _excerpt(comment.parent) if comment.parent is not None else ""


def discussion_list(request: HttpRequest, pk: int) -> HttpResponse:
    """评论管理: one query for the page (authors, answered comment and moderator joined)."""
    event = managed_event(request, pk)

    def detail_url(comment: EventComment) -> str:
        target = comment.parent_id or comment.pk
        return reverse("console:event_comment", args=[event.pk, target])

    table = DataTable(
        request,
        _comments(event),
        columns=[
            Column("created_at", gettext_lazy("Posted"), sort="created_at"),
            Column("author", gettext_lazy("Author")),
            Column("body", gettext_lazy("Comment"), accessor=_excerpt, link=detail_url),
            Column("parent", gettext_lazy("In reply to"), accessor=_answered),
            Column("is_official", gettext_lazy("Official")),
            Column("status", gettext_lazy("Status"), badge=True, sort="status"),
            Column("moderated_by", gettext_lazy("Moderated by")),
        ],
        filters=[
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=ModerationStatus.choices,
            ),
            Filter("kind", gettext_lazy("Kind"), kind="select", lookup=_kind_filter, choices=KINDS),
        ],
        search_fields=["body", "author__display_name"],
        search_placeholder=gettext_lazy("Text or author"),
        default_sort="-created_at",
        bulk_actions=[
            BulkAction("publish", gettext_lazy("Publish")),
            BulkAction("hide", gettext_lazy("Hide")),
            BulkAction("delete", gettext_lazy("Delete"), is_destructive=True),
        ],
        bulk_url=reverse("console:event_discussion_bulk", args=[event.pk]),
        empty_title=gettext_lazy("No comments yet"),
        empty_text=gettext_lazy("Comments and replies on the event page appear here."),
        row_actions=lambda comment: [(_("Open"), detail_url(comment))],
    )
    pending = _comments(event).filter(status=ModerationStatus.PENDING).count()
    return render(
        request,
        "events/console/discussion_list.html",
        {"event": event, "table": table, "pending": pending},
    )


def _next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def discussion_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    """Publishes, hides or deletes the selected comments (only this event's)."""
    from xiaoyou.events.services.discussion import comment_moderate

    event = managed_event(request, pk)
    action = request.POST.get("action", "")
    if action not in MODERATION_ACTIONS:
        raise Http404
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
    done = 0
    for comment in _comments(event).filter(pk__in=ids):
        try:
            comment_moderate(actor=request.user, comment=comment, action=action)
        except (ApplicationError, PermissionDenied) as error:
            text = error.text() if isinstance(error, ApplicationError) else str(error)
            messages.error(request, text)
        else:
            done += 1
    if done:
        messages.success(request, _("Done for %(count)s comments.") % {"count": done})
    return redirect(_next(request, reverse("console:event_discussion", args=[event.pk])))


def _comment(event: Event, comment_pk: int) -> EventComment:
    comment = _comments(event).filter(pk=comment_pk).first()
    if comment is None:
        raise Http404
    return comment


def comment_detail(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    """A comment with all its replies (any status), moderation buttons and the reply form."""
    event = managed_event(request, pk)
    comment = _comment(event, comment_pk)
    if comment.parent_id is not None:
        return redirect("console:event_comment", pk=event.pk, comment_pk=comment.parent_id)
    replies = list(_comments(event).filter(parent=comment).order_by("created_at", "id"))
    return render(
        request,
        "events/console/discussion_comment.html",
        {
            "event": event,
            "comment": comment,
            "replies": replies,
            "may_reply": comment.status == ModerationStatus.PUBLISHED,
            "max_length": COMMENT_MAX_LENGTH,
        },
    )


@require_POST
def comment_moderate_view(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    from xiaoyou.events.services.discussion import comment_moderate

    event = managed_event(request, pk)
    comment = _comment(event, comment_pk)
    try:
        comment_moderate(actor=request.user, comment=comment, action=request.POST.get("action", ""))
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Done."))
    target = comment.parent_id or comment.pk
    return redirect("console:event_comment", pk=event.pk, comment_pk=target)


@require_POST
def comment_reply(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    """An official reply (the event's managers speak for its organization)."""
    from xiaoyou.events.services.discussion import comment_post

    event = managed_event(request, pk)
    comment = _comment(event, comment_pk)
    try:
        comment_post(
            actor=request.user, event=event, body=request.POST.get("body", ""), parent=comment
        )
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Your official reply is published."))
    return redirect(
        "console:event_comment", pk=event.pk, comment_pk=comment.parent_id or comment.pk
    )
