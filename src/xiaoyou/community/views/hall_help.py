"""Hall pages of mutual help (互助): the list with filters, posting, a post with its replies,
closing as solved, reporting abuse, my posts; and the registry entries."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from xiaoyou.community import selectors
from xiaoyou.community.forms import HelpPostForm, ReplyForm, ReportForm
from xiaoyou.community.models import (
    ContactPreference,
    HelpCategory,
    HelpKind,
    HelpPost,
    ModerationStatus,
)
from xiaoyou.community.services import help as services
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError

PAGE_SIZE = 20


def _post_or_404(request: HttpRequest, pk: int) -> HelpPost:
    post = selectors.help_post_for(request.user, pk)
    if post is None:
        raise Http404
    return post


@login_required
def help_list(request: HttpRequest) -> HttpResponse:
    """互助: published posts, open ones first, filtered by type, category, city and text."""
    kind = request.GET.get("kind", "")
    category = request.GET.get("category", "")
    filters = selectors.HelpFilters(
        kind=kind if kind in HelpKind.values else "",
        category=category if category in HelpCategory.values else "",
        city=request.GET.get("city", "").strip()[:60],
        text=request.GET.get("q", "").strip()[:100],
    )
    page = Paginator(selectors.help_public(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "community/hall/help_list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": HelpKind.choices,
            "categories": HelpCategory.choices,
            "may_post": selectors.is_verified_alumnus(request.user),
        },
    )


@login_required
def help_create(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "create", HelpPost(author=cast(Any, request.user))):
        return render(request, "community/hall/help_verified_only.html", status=403)
    form = HelpPostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.help_post_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            if post.status == ModerationStatus.PENDING:
                messages.info(request, gettext("Thank you. Your post will show once approved."))
            else:
                messages.success(request, gettext("Your post is published."))
            return redirect("hall:community_help_detail", pk=post.pk)
    return render(request, "community/hall/help_form.html", {"form": form})


@login_required
def help_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(request, pk)
    is_author = post.author_id == request.user.pk
    show_contact = post.contact_preference == ContactPreference.SHOW_CONTACT and (
        is_author or selectors.is_verified_alumnus(request.user)
    )
    return render(
        request,
        "community/hall/help_detail.html",
        {
            "post": post,
            "replies": list(selectors.help_replies(post)),
            "is_author": is_author,
            "show_contact": show_contact,
            "may_reply": policy.can(request.user, "reply", post),
            "may_close": policy.can(request.user, "close", post) and not post.is_solved,
            "may_report": policy.can(request.user, "report", post) and not is_author,
            "form": ReplyForm(),
            "report_form": ReportForm(),
        },
    )


@login_required
@require_POST
def help_reply(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Please write your reply."))
        return redirect("hall:community_help_detail", pk=post.pk)
    try:
        services.help_reply_post(actor=request.user, post=post, body=form.cleaned_data["body"])
    except PermissionDenied:
        messages.error(request, gettext("Only verified alumni may reply to an open post."))
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, gettext("Your reply was posted."))
    return redirect("hall:community_help_detail", pk=post.pk)


@login_required
@require_POST
def help_close(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(request, pk)
    try:
        services.help_post_close(actor=request.user, post=post)
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, gettext("Closed as solved. Thank you for letting everyone know."))
    return redirect("hall:community_help_detail", pk=post.pk)


@login_required
@require_POST
def help_report(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(request, pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Please say why you report this post."))
        return redirect("hall:community_help_detail", pk=post.pk)
    try:
        services.help_report_submit(
            actor=request.user, post=post, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, gettext("Thank you. The association will look at your report."))
    if selectors.help_post_for(request.user, pk) is None:
        return redirect("hall:community_help")
    return redirect("hall:community_help_detail", pk=post.pk)


@login_required
def my_help_posts(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.help_by_author(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "community/hall/my_help.html", {"page": page})


# --- Registry entries ---------------------------------------------------------------------------


def home_section(request: HttpRequest) -> str:
    """The 5 latest open mutual-help posts on the hall home (one query)."""
    if not request.user.is_authenticated:
        return ""
    items = selectors.home_help_posts()
    if not items:
        return ""
    return render_to_string(
        "community/hall/_home_help.html", {"help_posts": items}, request=request
    )


def my_help_entry(request: HttpRequest) -> str:
    if not request.user.is_authenticated:
        return ""
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:community_my_help"),
            "label": _("My help posts"),
            "text": gettext("Requests and offers I posted, replies, solved"),
            "icon": "heart",
        },
        request=request,
    )
