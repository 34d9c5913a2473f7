"""Console: the message boards of the current organization and below — list with filters
(status, visibility, unanswered), a thread with the official reply form, moderation; and the
community settings of the current organization.

console/urls.py wraps every view in console_required; objects are looked up through the
policy-scoped selector, so another organization's message is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.community import selectors
from xiaoyou.community.forms import ReplyForm, SettingsForm
from xiaoyou.community.models import BoardMessage, BoardReply, BoardVisibility, ModerationStatus
from xiaoyou.community.services import board as services
from xiaoyou.community.services.settings import community_settings_update
from xiaoyou.console.context import current_org, in_current_org
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import Column, DataTable, Filter

UNANSWERED_CHOICES = [
    ("1", gettext_lazy("Awaiting an official reply")),
    ("0", gettext_lazy("Officially replied")),
]


def _get(request: HttpRequest, pk: int) -> BoardMessage:
    message = selectors.board_console(request.user).filter(pk=pk).first()
    if message is None:
        raise Http404
    return message


def _answered(message: BoardMessage) -> str:
    return _("Officially replied") if message.answered_at else _("Awaiting an official reply")


def board_table(request: HttpRequest) -> DataTable:
    def detail_url(message: BoardMessage) -> str:
        return reverse("console:community_message", args=[message.pk])

    return DataTable(
        request,
        in_current_org(selectors.board_console(request.user), request),
        columns=[
            Column("created_at", gettext_lazy("Posted"), sort="created_at"),
            Column("title", gettext_lazy("Title"), link=detail_url),
            Column("org__name", gettext_lazy("Organization"), sort="org__path"),
            Column("author", gettext_lazy("Author"), accessor=lambda m: str(m.author)),
            Column(
                "visibility",
                gettext_lazy("Visibility"),
                accessor=lambda m: m.get_visibility_display(),
            ),
            Column(
                "status",
                gettext_lazy("Status"),
                accessor=lambda m: m.get_status_display(),
                badge=True,
            ),
            Column("answered_at", gettext_lazy("Answer"), accessor=_answered),
            Column("reply_count", gettext_lazy("Replies"), sort="reply_count", align="num"),
        ],
        filters=[
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=[c for c in ModerationStatus.choices if c[0] != ModerationStatus.DELETED],
            ),
            Filter(
                "visibility",
                gettext_lazy("Visibility"),
                kind="select",
                lookup="visibility",
                choices=BoardVisibility.choices,
            ),
            Filter(
                "unanswered",
                gettext_lazy("Answer"),
                kind="select",
                lookup=selectors.board_filter_unanswered,
                choices=UNANSWERED_CHOICES,
            ),
        ],
        search_fields=["title", "body"],
        search_placeholder=gettext_lazy("Title or text"),
        default_sort="-created_at",
        empty_title=gettext_lazy("No messages yet"),
        empty_text=gettext_lazy(
            "Messages and questions alumni post to your organization show here."
        ),
    )


def board_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "community/console/board_list.html",
        {"table": board_table(request), "org": current_org(request)},
    )


def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = _get(request, pk)
    return render(
        request,
        "community/console/message_detail.html",
        {
            "message": message,
            "replies": list(selectors.board_replies(message, include_hidden=True)),
            "form": ReplyForm(),
            "may_reply": policy.can(request.user, "reply", message),
        },
    )


@require_POST
def message_reply(request: HttpRequest, pk: int) -> HttpResponse:
    message = _get(request, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.board_reply_post(
                actor=request.user, message=message, body=form.cleaned_data["body"]
            )
        except ApplicationError as error:
            messages.error(request, error.text())
        else:
            messages.success(request, _("Your official reply was posted."))
    else:
        messages.error(request, _("Please write your reply."))
    return redirect("console:community_message", pk=message.pk)


@require_POST
def message_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    message = _get(request, pk)
    try:
        services.board_message_moderate(
            actor=request.user, message=message, action=request.POST.get("action", "")
        )
    except ApplicationError as error:
        messages.error(request, error.text())
        return redirect("console:community_message", pk=message.pk)
    messages.success(request, _("Saved."))
    if request.POST.get("action") == "delete":
        return redirect("console:community_board")
    return redirect("console:community_message", pk=message.pk)


@require_POST
def reply_hide(request: HttpRequest, pk: int) -> HttpResponse:
    reply = (
        BoardReply.objects.filter(
            pk=pk, message__in=selectors.board_console(request.user).values("pk")
        )
        .select_related("message")
        .first()
    )
    if reply is None:
        raise Http404
    services.board_reply_set_hidden(
        actor=request.user, reply=reply, hidden=request.POST.get("hidden", "1") == "1"
    )
    messages.success(request, _("Saved."))
    return redirect("console:community_message", pk=reply.message_id)


def settings_page(request: HttpRequest) -> HttpResponse:
    """社区设置 of the current organization: moderation of the board and of mutual help."""
    org = current_org(request)
    if org is None:
        raise PermissionDenied
    current = selectors.settings_for(org)
    policy.require(request.user, "change", current)
    form = SettingsForm(
        request.POST or None,
        initial={
            "board_review_mode": current.board_review_mode,
            "help_review_mode": current.help_review_mode,
            "report_hide_threshold": current.report_hide_threshold,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            community_settings_update(actor=request.user, org=org, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Saved."))
            return redirect("console:community_settings")
    return render(
        request,
        "community/console/settings.html",
        {"form": form, "org": org, "org_default": org.get_content_review_mode_display()},
    )
