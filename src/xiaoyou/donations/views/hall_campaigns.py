"""Hall: a giving day's page (捐赠日: totals, challenges, leaderboards by class year and by
college, refreshed every 10 s by htmx from `giving_day_live`), a beneficiary's form to post
thanks or an update to a project's donors, and a donor's reply to such a post
(捐赠人与受益人的社交圈)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.donations.forms_giving import PostForm
from xiaoyou.donations.forms_pledges import ReplyForm
from xiaoyou.donations.models import BeneficiaryPost, GivingDay, PostStatus
from xiaoyou.donations.selectors_campaigns import day_projects, giving_day_figures
from xiaoyou.donations.selectors_community import posts_of_author
from xiaoyou.donations.views.hall_projects import _visible_project

LIVE_SECONDS = 10


def _visible_day(request: HttpRequest, pk: int) -> GivingDay:
    day = GivingDay.objects.select_related("org").filter(pk=pk).first()
    if day is None or not policy.can(request.user, "view", day):
        raise Http404
    return day


def _live_context(day: GivingDay) -> dict[str, Any]:
    now = timezone.now()
    return {
        "day": day,
        "figures": giving_day_figures(day, other_label=_("Other")),
        "is_live": day.status == "published" and day.starts_at <= now < day.ends_at,
        "is_over": now >= day.ends_at or day.status == "closed",
        "live_seconds": LIVE_SECONDS,
    }


@require_GET
def giving_day_page(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.organizations import sharing

    day = _visible_day(request, pk)
    card = sharing.share_card(
        request,
        title=day.title,
        description=day.summary,
        image="",
        url=reverse("hall:giving_day", args=[day.pk]),
    )
    return render(
        request,
        "donations/hall/giving_day.html",
        {**_live_context(day), "projects": day_projects(day), "share_card": card},
    )


@require_GET
def giving_day_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The live part of the page (totals, challenges, leaderboards), polled every 10 s."""
    day = _visible_day(request, pk)
    return render(request, "donations/hall/_giving_day_live.html", _live_context(day))


def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A beneficiary writes to the project's donors; the post waits for review."""
    from xiaoyou.donations.services.community import post_create as create

    project = _visible_project(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not policy.can(request.user, "post_thanks", project):
        raise Http404
    form = PostForm(request.POST or None, request.FILES or None)
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            create(
                actor=request.user,
                project=project,
                body=form.cleaned_data["body"],
                photo=form.cleaned_data.get("photo"),
            )
        except ApplicationError as error:
            problem = error.text()
        else:
            messages.success(request, _("Thank you! Your post is shown once the staff review it."))
            return redirect("hall:donation_post_create", pk=project.pk)
    return render(
        request,
        "donations/hall/post_form.html",
        {
            "project": project,
            "form": form,
            "problem": problem,
            "mine": list(posts_of_author(project, request.user).order_by("-created_at")[:20]),
        },
        status=400 if problem else 200,
    )


@require_POST
def reply_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A donor replies to a published post of a project they gave to; it waits for review."""
    from xiaoyou.donations.services.replies import reply_create as create

    post = (
        BeneficiaryPost.objects.select_related("project", "project__org")
        .filter(pk=pk, status=PostStatus.PUBLISHED)
        .first()
    )
    if post is None or not policy.can(request.user, "view", post.project):
        raise Http404
    back = reverse("hall:donation_project", args=[post.project_id]) + f"#post-{post.pk}"
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write a few words (at most 500 characters)."))
        return redirect(back)
    try:
        create(actor=request.user, post=post, body=form.cleaned_data["body"])
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Thank you! Your reply is shown once the staff review it."))
    return redirect(back)
