"""Hall pages of the message board (留言/咨询): the board, posting, a thread, my messages; and
the registry entries (hall home section, personal-center entry)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from xiaoyou.community import selectors
from xiaoyou.community.forms import MessageForm, ReplyForm
from xiaoyou.community.models import ModerationStatus
from xiaoyou.community.services import board as services
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations.models import Organization
from xiaoyou.organizations.selectors import root_organization
from xiaoyou.organizations.selectors_membership import hall_organization

PAGE_SIZE = 20


def postable_orgs(user: Any) -> list[Organization]:
    """Where the user may post: the main association and the organizations they belong to."""
    from django.db.models import Q

    from xiaoyou.organizations.models import MembershipStatus

    root = root_organization()
    query = Q(memberships__user=user, memberships__status=MembershipStatus.ACTIVE) | Q(
        roles__user=user
    )
    if root is not None:
        query |= Q(pk=root.pk)
    return list(
        Organization.objects.filter(query, is_active=True, archived_at__isnull=True)
        .distinct()
        .order_by("path")
    )


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """留言板: published public messages, of one organization (?org=) or of all listed ones."""
    org = None
    org_id = request.GET.get("org", "")
    if org_id.isdigit():
        org = hall_organization(request.user, int(org_id))
        if org is None:
            raise Http404
    page = Paginator(selectors.board_public(org), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "community/hall/board.html", {"page": page, "org": org})


@login_required
def message_create(request: HttpRequest) -> HttpResponse:
    orgs = postable_orgs(request.user)
    initial_org = request.GET.get("org", "")
    form = MessageForm(
        request.POST or None,
        orgs=orgs,
        initial={"org": int(initial_org) if initial_org.isdigit() else None},
    )
    if request.method == "POST" and form.is_valid():
        org = next(item for item in orgs if item.pk == form.cleaned_data["org"])
        try:
            message = services.board_message_post(
                actor=request.user,
                org=org,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                visibility=form.cleaned_data["visibility"],
            )
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            if message.status == ModerationStatus.PENDING:
                messages.info(request, gettext("Thank you. Your message will show once approved."))
            else:
                messages.success(request, gettext("Your message was posted."))
            return redirect("hall:community_message", pk=message.pk)
    return render(request, "community/hall/message_form.html", {"form": form})


@login_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.board_message_for(request.user, pk)
    if message is None:
        raise Http404
    return render(
        request,
        "community/hall/message_detail.html",
        {
            "message": message,
            "replies": list(selectors.board_replies(message)),
            "may_reply": policy.can(request.user, "reply", message),
            "is_author": message.author_id == request.user.pk,
            "form": ReplyForm(),
        },
    )


@login_required
@require_POST
def message_reply(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.board_message_for(request.user, pk)
    if message is None:
        raise Http404
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.board_reply_post(
                actor=request.user, message=message, body=form.cleaned_data["body"]
            )
        except ApplicationError as error:
            messages.error(request, error.text())
        else:
            messages.success(request, gettext("Your reply was posted."))
    else:
        messages.error(request, gettext("Please write your reply."))
    return redirect("hall:community_message", pk=message.pk)


@login_required
def my_messages(request: HttpRequest) -> HttpResponse:
    """我的留言: my messages with their status and whether the organization has answered."""
    page = Paginator(selectors.board_by_author(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "community/hall/my_messages.html", {"page": page})


# --- Registry entries ---------------------------------------------------------------------------


def home_section(request: HttpRequest) -> str:
    """The 5 latest board messages on the hall home (one query); nothing when there are none."""
    if not request.user.is_authenticated:
        return ""
    items = selectors.home_board_messages()
    if not items:
        return ""
    return render_to_string(
        "community/hall/_home_board.html", {"board_messages": items}, request=request
    )


def my_messages_entry(request: HttpRequest) -> str:
    if not request.user.is_authenticated:
        return ""
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:community_my_messages"),
            "label": _("My messages"),
            "text": gettext("Messages and questions to the association, with official replies"),
            "icon": "message",
        },
        request=request,
    )
