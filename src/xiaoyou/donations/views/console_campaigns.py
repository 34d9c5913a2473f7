"""Console: 捐赠日 — giving days of the current organization and below: list, create and edit
(projects, dates, goal), publish and close, challenges; and the beneficiaries of a project
(named by staff) with the moderation of their posts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.console.context import current_org, in_current_org, org_choices
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.donations.forms_giving import ChallengeForm, GivingDayForm
from xiaoyou.donations.models import (
    BeneficiaryPost,
    GivingChallenge,
    GivingDay,
    GivingDayStatus,
    PostReply,
    PostStatus,
    ProjectBeneficiary,
)
from xiaoyou.donations.selectors import projects_managed_by
from xiaoyou.donations.selectors_campaigns import giving_day_figures, giving_days_managed_by
from xiaoyou.donations.views.console_projects import managed_project


def managed_day(request: HttpRequest, pk: int) -> GivingDay:
    day = giving_days_managed_by(request.user).filter(pk=pk).first()
    if day is None:
        raise Http404
    return day


def giving_day_list(request: HttpRequest) -> HttpResponse:
    def edit_url(day: GivingDay) -> str:
        return reverse("console:giving_day", args=[day.pk])

    table = DataTable(
        request,
        in_current_org(giving_days_managed_by(request.user), request),
        columns=[
            Column("title", gettext_lazy("Name"), link=edit_url, sort="title"),
            Column("org__name", gettext_lazy("Organization")),
            Column("starts_at", gettext_lazy("Starts at"), sort="starts_at"),
            Column("ends_at", gettext_lazy("Ends at"), sort="ends_at"),
            Column("status", gettext_lazy("Status"), badge=True),
        ],
        filters=[
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=GivingDayStatus.choices,
            ),
        ],
        search_fields=["title"],
        default_sort="-starts_at",
        empty_title=gettext_lazy("No giving days yet"),
        empty_text=gettext_lazy("A giving day gathers projects for a day of giving."),
    )
    return render(request, "donations/console/giving_day_list.html", {"table": table})


def giving_day_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


def giving_day_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, managed_day(request, pk))


def _edit(request: HttpRequest, day: GivingDay | None) -> HttpResponse:
    from xiaoyou.donations.services.campaigns import giving_day_create, giving_day_update

    projects = list(in_current_org(projects_managed_by(request.user), request).order_by("title"))
    if day is None:
        org = current_org(request)
        initial: dict[str, Any] = {"org": getattr(org, "pk", "")}
    else:
        initial = {
            "org": day.org_id,
            "title": day.title,
            "summary": day.summary,
            "starts_at": day.starts_at,
            "ends_at": day.ends_at,
            "goal": f"{day.goal_amount / 100:.2f}" if day.goal_amount else "",
            "projects": [str(pk) for pk in day.projects.values_list("pk", flat=True)],
        }
    form = GivingDayForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        orgs=org_choices(request),
        projects=projects,
    )
    if day is not None:
        form.fields["org"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            if day is None:
                day = giving_day_create(
                    actor=request.user,
                    org=form.cleaned_data["org"],
                    projects=form.cleaned_data["projects"],
                    **form.day_fields(),
                )
            else:
                giving_day_update(
                    actor=request.user,
                    day=day,
                    projects=form.cleaned_data["projects"],
                    **form.day_fields(),
                )
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Saved."))
            return redirect("console:giving_day", pk=day.pk)
    context: dict[str, Any] = {"day": day, "form": form}
    if day is not None:
        context["figures"] = giving_day_figures(day, other_label=_("Other"))
        context["challenge_form"] = ChallengeForm()
    return render(request, "donations/console/giving_day_form.html", context)


@require_POST
def giving_day_status(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.donations.services.campaigns import giving_day_close, giving_day_publish

    day = managed_day(request, pk)
    if request.POST.get("action") == "close":
        giving_day_close(actor=request.user, day=day)
        messages.success(request, _("The giving day is closed."))
    else:
        giving_day_publish(actor=request.user, day=day)
        messages.success(request, _("The giving day is published."))
    return redirect("console:giving_day", pk=day.pk)


@require_POST
def challenge_add(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.donations.services.campaigns import challenge_add as add

    day = managed_day(request, pk)
    form = ChallengeForm(request.POST)
    if not form.is_valid():
        errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, " ".join(errors))
        return redirect("console:giving_day", pk=day.pk)
    try:
        add(
            actor=request.user,
            day=day,
            title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
            threshold=form.cleaned_data["threshold"],
            reward=form.cleaned_data.get("reward") or "",
        )
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Challenge added."))
    return redirect("console:giving_day", pk=day.pk)


@require_POST
def challenge_remove(request: HttpRequest, pk: int, challenge_pk: int) -> HttpResponse:
    from xiaoyou.donations.services.campaigns import challenge_remove as remove

    day = managed_day(request, pk)
    challenge = GivingChallenge.objects.filter(pk=challenge_pk, giving_day=day).first()
    if challenge is None:
        raise Http404
    remove(actor=request.user, challenge=challenge)
    messages.success(request, _("Challenge removed."))
    return redirect("console:giving_day", pk=day.pk)


# --- Beneficiaries and their posts ---------------------------------------------------------------


def beneficiaries(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's beneficiaries and their posts with the donors' replies, to name people and
    moderate posts and replies."""
    project = managed_project(request, pk)
    status = request.GET.get("status", "")
    replies = PostReply.objects.select_related("author").order_by("created_at", "id")
    posts = (
        BeneficiaryPost.objects.filter(project=project)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="all_replies"))
    )
    if status in PostStatus.values:
        posts = posts.filter(status=status)
    return render(
        request,
        "donations/console/beneficiaries.html",
        {
            "project": project,
            "beneficiaries": list(
                ProjectBeneficiary.objects.filter(project=project).select_related("user")
            ),
            "posts": list(posts.order_by("-created_at", "-id")[:200]),
            "status": status,
            "statuses": PostStatus.choices,
        },
    )


@require_POST
def beneficiary_add(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.donations.services.community import beneficiary_add as add

    project = managed_project(request, pk)
    contact = request.POST.get("contact", "").strip()
    user = None
    if contact:
        user = (
            get_user_model()
            .objects.filter(Q(phone=contact) | Q(email__iexact=contact), is_active=True)
            .first()
        )
    try:
        add(actor=request.user, project=project, user=user, note=request.POST.get("note", ""))
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Beneficiary added: they may now post thanks and updates."))
    return redirect("console:donation_beneficiaries", pk=project.pk)


@require_POST
def beneficiary_remove(request: HttpRequest, pk: int, beneficiary_pk: int) -> HttpResponse:
    from xiaoyou.donations.services.community import beneficiary_remove as remove

    project = managed_project(request, pk)
    beneficiary = ProjectBeneficiary.objects.filter(pk=beneficiary_pk, project=project).first()
    if beneficiary is None:
        raise Http404
    remove(actor=request.user, beneficiary=beneficiary)
    messages.success(request, _("Beneficiary removed."))
    return redirect("console:donation_beneficiaries", pk=project.pk)


@require_POST
def post_moderate(request: HttpRequest, pk: int, post_pk: int) -> HttpResponse:
    from xiaoyou.donations.services.community import post_moderate as moderate

    project = managed_project(request, pk)
    post = BeneficiaryPost.objects.filter(pk=post_pk, project=project).first()
    if post is None:
        raise Http404
    try:
        moderate(actor=request.user, post=post, action=request.POST.get("action", ""))
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Done."))
    return redirect("console:donation_beneficiaries", pk=project.pk)
