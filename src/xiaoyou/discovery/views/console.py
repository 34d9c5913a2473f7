"""Console: crawl runs (start one, its progress and log), candidates to confirm, reject or link,
and the notable alumni, each list with filters and export.

console/urls.py wraps every view in console_required; objects are looked up through the
policy-scoped selectors, so another organization's object is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.alumni.models import AlumniRecord, Department
from xiaoyou.alumni.policy import record_scope
from xiaoyou.console.context import current_org, in_current_org
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.discovery import selectors
from xiaoyou.discovery.crawling.base import all_sources
from xiaoyou.discovery.forms import ConfirmForm, CrawlForm, LinkForm
from xiaoyou.discovery.matching import PersonFacts, match_person
from xiaoyou.discovery.models import (
    CandidateStatus,
    CrawlRun,
    Enterprise,
    EnterpriseOrigin,
    EnterpriseStatus,
    Field,
    NotableAlumnus,
    NotableCandidate,
    Visibility,
)
from xiaoyou.discovery.services import candidates as candidate_services
from xiaoyou.discovery.services.crawls import crawl_start


def _source_choices() -> list[tuple[str, Any]]:
    return [(source.key, source.label) for source in all_sources()]


def _source_label(key: str) -> Any:
    return dict(_source_choices()).get(key, key)


def _department_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Department.objects.values_list("pk", "name")]


def _year(field: str) -> Any:
    def narrow(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        return queryset.filter(**{field: int(value)}) if value.strip().isdigit() else queryset

    return narrow


# --- Crawl runs -------------------------------------------------------------------------------


def crawl_list(request: HttpRequest) -> HttpResponse:
    org = current_org(request)
    runs = in_current_org(selectors.crawl_runs_for(request.user), request)
    if request.method == "POST":
        form = CrawlForm(request.POST)
        if org is not None and form.is_valid():
            try:
                run = crawl_start(
                    actor=request.user, org=org, sources=list(form.cleaned_data["sources"])
                )
            except ApplicationError as error:
                messages.error(request, error.text())
            else:
                messages.success(request, _("The crawl has started."))
                return redirect("console:discovery_crawl", pk=run.pk)
    else:
        form = CrawlForm()
    may_crawl = org is not None and policy.can(request.user, "crawl", CrawlRun(org=org))
    return render(
        request,
        "discovery/console/crawl_list.html",
        {"runs": runs[:50], "form": form, "may_crawl": may_crawl, "org": org},
    )


def crawl_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.crawl_runs_for(request.user).filter(pk=pk).first()
    if run is None:
        raise Http404
    problems_only = request.GET.get("problems") == "1"
    return render(
        request,
        "discovery/console/crawl_detail.html",
        {
            "run": run,
            "job": run.job,
            "entries": list(selectors.crawl_log(run, problems_only=problems_only)[:1000]),
            "problems_only": problems_only,
            "source_labels": [_source_label(key) for key in run.sources],
        },
    )


# --- Candidates -------------------------------------------------------------------------------


def _candidate_table(request: HttpRequest) -> DataTable:
    def detail_url(candidate: NotableCandidate) -> str:
        return reverse("console:discovery_candidate", args=[candidate.pk])

    def record_text(candidate: NotableCandidate) -> str:
        record = candidate.matched_record
        if record is None:
            return ""
        return f"{record.name} #{record.pk} ({record.graduation_year or '—'})"

    return DataTable(
        request,
        in_current_org(selectors.candidates_for(request.user), request),
        columns=[
            Column("name", gettext_lazy("Name"), sort="name", link=detail_url),
            Column("title", gettext_lazy("Position")),
            Column("field", gettext_lazy("Sector")),
            Column(
                "source",
                gettext_lazy("Source"),
                accessor=lambda c: _source_label(c.source),
                sort="source",
            ),
            Column(
                "evidence", gettext_lazy("Evidence sentence"), accessor=lambda c: c.evidence[:80]
            ),
            Column("confidence", gettext_lazy("Source confidence"), sort="confidence", align="num"),
            Column("matched_record", gettext_lazy("Matched record"), accessor=record_text),
            Column("match_score", gettext_lazy("Match score"), sort="match_score", align="num"),
            Column("graduation_year", gettext_lazy("Year of graduation"), sort="graduation_year"),
            Column("status", gettext_lazy("Status"), badge=True),
            Column("source_url", gettext_lazy("Source address"), accessor=lambda c: c.source_url),
            Column("retrieved_at", gettext_lazy("Retrieved at"), sort="retrieved_at"),
        ],
        filters=[
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=CandidateStatus.choices,
            ),
            Filter(
                "field",
                gettext_lazy("Sector"),
                kind="select",
                lookup="field",
                choices=Field.choices,
            ),
            Filter(
                "source",
                gettext_lazy("Source"),
                kind="select",
                lookup="source",
                choices=_source_choices(),
            ),
            Filter("year", gettext_lazy("Year of graduation"), lookup=_year("graduation_year")),
            Filter(
                "college",
                gettext_lazy("College"),
                kind="select",
                lookup="matched_record__department_id",
                choices=_department_choices(),
            ),
        ],
        search_fields=["name", "title", "evidence"],
        search_placeholder=gettext_lazy("Name, title or evidence"),
        default_sort="-confidence",
        export_formats=("xlsx", "csv"),
        empty_title=gettext_lazy("No candidates yet"),
        empty_text=gettext_lazy("Run a crawl to find notable alumni in public sources."),
    )


def candidate_list(request: HttpRequest) -> HttpResponse:
    table = _candidate_table(request)
    if table.export_format:
        return table.export_response("notable-alumni-candidates")
    return render(
        request,
        "discovery/console/candidate_list.html",
        {"table": table, "org": current_org(request)},
    )


def _candidate(request: HttpRequest, pk: int) -> NotableCandidate:
    candidate = selectors.candidates_for(request.user).filter(pk=pk).first()
    if candidate is None:
        raise Http404
    return candidate


def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    result = match_person(
        PersonFacts(
            candidate.name,
            candidate.enrollment_year,
            candidate.graduation_year,
            candidate.department_text,
        ),
        record_scope(AlumniRecord.objects.all(), request.user),
    )
    return render(
        request,
        "discovery/console/candidate_detail.html",
        {
            "candidate": candidate,
            "source_label": _source_label(candidate.source),
            "possible": result.ranked[:10],
            "confirm_form": ConfirmForm(),
            "link_form": LinkForm(),
            "may_review": policy.can(request.user, "review", candidate),
            "notable": NotableAlumnus.objects.filter(candidate=candidate).first(),
        },
    )


@require_POST
def candidate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    action = request.POST.get("action")
    try:
        if action == "confirm":
            form = ConfirmForm(request.POST)
            visibility = form.cleaned_data["visibility"] if form.is_valid() else Visibility.INTERNAL
            record = request.POST.get("record", "")
            candidate_services.candidate_confirm(
                actor=request.user,
                candidate=candidate,
                visibility=visibility,
                record_id=int(record) if record.isdigit() else None,
            )
            messages.success(request, _("Confirmed as a notable alumnus."))
        elif action == "reject":
            candidate_services.candidate_reject(actor=request.user, candidate=candidate)
            messages.success(request, _("The candidate was rejected."))
        elif action == "link":
            link = LinkForm(request.POST)
            if not link.is_valid():
                raise ApplicationError("discovery_record_not_found", status=404)
            candidate_services.candidate_link(
                actor=request.user, candidate=candidate, record_id=link.cleaned_data["record"]
            )
            messages.success(request, _("Linked to the alumni record."))
        else:
            raise ApplicationError("invalid_input")
    except ApplicationError as error:
        messages.error(request, error.text())
    return redirect("console:discovery_candidate", pk=candidate.pk)


# --- Notable alumni ---------------------------------------------------------------------------


def _notable_table(request: HttpRequest) -> DataTable:
    def source_link(notable: NotableAlumnus) -> str:
        return notable.source_url

    return DataTable(
        request,
        in_current_org(selectors.notables_for(request.user), request),
        columns=[
            Column("name", gettext_lazy("Name"), sort="name"),
            Column("title", gettext_lazy("Position")),
            Column("field", gettext_lazy("Sector")),
            Column("graduation_year", gettext_lazy("Year of graduation"), sort="graduation_year"),
            Column("department__name", gettext_lazy("College")),
            Column(
                "record",
                gettext_lazy("Alumni record"),
                accessor=lambda n: f"#{n.record_id}" if n.record_id else "",
            ),
            Column("visibility", gettext_lazy("Profile visibility"), badge=True),
            Column(
                "evidence", gettext_lazy("Evidence sentence"), accessor=lambda n: n.evidence[:80]
            ),
            Column("source_url", gettext_lazy("Source address"), link=source_link),
        ],
        filters=[
            Filter(
                "field",
                gettext_lazy("Sector"),
                kind="select",
                lookup="field",
                choices=Field.choices,
            ),
            Filter("year", gettext_lazy("Year of graduation"), lookup=_year("graduation_year")),
            Filter(
                "college",
                gettext_lazy("College"),
                kind="select",
                lookup="department_id",
                choices=_department_choices(),
            ),
            Filter(
                "visibility",
                gettext_lazy("Profile visibility"),
                kind="select",
                lookup="visibility",
                choices=Visibility.choices,
            ),
        ],
        search_fields=["name", "title"],
        default_sort="name",
        export_formats=("xlsx", "csv"),
        empty_title=gettext_lazy("No notable alumni yet"),
        empty_text=gettext_lazy("Confirmed candidates become notable alumni."),
    )


def notable_list(request: HttpRequest) -> HttpResponse:
    table = _notable_table(request)
    if table.export_format:
        return table.export_response("notable-alumni")
    return render(
        request,
        "discovery/console/notable_list.html",
        {"table": table, "org": current_org(request)},
    )


@require_POST
def notable_visibility(request: HttpRequest, pk: int) -> HttpResponse:
    notable = selectors.notables_for(request.user).filter(pk=pk).first()
    if notable is None:
        raise Http404
    try:
        candidate_services.notable_set_visibility(
            actor=request.user, notable=notable, visibility=request.POST.get("visibility", "")
        )
    except ApplicationError as error:
        messages.error(request, error.text())
    return redirect("console:discovery_notables")


# --- Alumni enterprises -------------------------------------------------------------------------


def _people_text(enterprise: Enterprise) -> str:
    return "; ".join(
        f"{person.name} {person.role}".strip()
        + (f" #{person.record_id}" if person.record_id else "")
        for person in enterprise.people.all()
    )


def enterprise_list(request: HttpRequest) -> HttpResponse:
    table = DataTable(
        request,
        in_current_org(selectors.enterprises_for(request.user), request),
        columns=[
            Column("name", gettext_lazy("Company"), sort="name"),
            Column("stock_code", gettext_lazy("Stock code")),
            Column("industry", gettext_lazy("Industry")),
            Column("city", gettext_lazy("City")),
            Column("origin", gettext_lazy("Origin")),
            Column("people", gettext_lazy("Alumni"), accessor=_people_text),
            Column("status", gettext_lazy("Status"), badge=True),
            Column("source_url", gettext_lazy("Source address")),
        ],
        filters=[
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=EnterpriseStatus.choices,
            ),
            Filter(
                "origin",
                gettext_lazy("Origin"),
                kind="select",
                lookup="origin",
                choices=EnterpriseOrigin.choices,
            ),
            Filter("city", gettext_lazy("City"), lookup="city__icontains"),
            Filter("industry", gettext_lazy("Industry"), lookup="industry__icontains"),
        ],
        search_fields=["name", "stock_code"],
        default_sort="name",
        export_formats=("xlsx", "csv"),
        empty_title=gettext_lazy("No alumni enterprises yet"),
        empty_text=gettext_lazy(
            "Enterprises registered by alumni and found in annual reports show here."
        ),
    )
    if table.export_format:
        return table.export_response("alumni-enterprises")
    return render(
        request,
        "discovery/console/enterprise_list.html",
        {"table": table, "org": current_org(request)},
    )


# --- Alumni news (校友动态) ---------------------------------------------------------------------


def _since_days(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
    from datetime import timedelta

    from django.utils import timezone

    if not value.isdigit():
        return queryset
    return queryset.filter(published_at__gte=timezone.now() - timedelta(days=int(value)))


def news_digest(request: HttpRequest) -> HttpResponse:
    """The staff digest: relevant stories, newest first, with whom they mention."""
    from xiaoyou.core.models import Job
    from xiaoyou.discovery.services.news import NEWS_JOB, news_collect_start

    org = current_org(request)
    if request.method == "POST" and org is not None:
        try:
            news_collect_start(actor=request.user, org=org)
        except ApplicationError as error:
            messages.error(request, error.text())
        else:
            messages.success(request, _("News collection has started."))
        return redirect("console:discovery_news")
    table = DataTable(
        request,
        in_current_org(selectors.news_for(request.user), request),
        columns=[
            Column("published_at", gettext_lazy("Published at"), sort="published_at"),
            Column("title", gettext_lazy("Headline"), link=lambda item: item.url),
            Column("mentions", gettext_lazy("Mentions"), accessor=lambda i: "、".join(i.mentions)),
            Column("summary", gettext_lazy("Summary"), accessor=lambda i: i.summary[:120]),
            Column("url", gettext_lazy("Address"), accessor=lambda i: i.url),
        ],
        filters=[
            Filter(
                "days",
                gettext_lazy("Period"),
                kind="select",
                lookup=_since_days,
                choices=[
                    ("1", gettext_lazy("Last day")),
                    ("7", gettext_lazy("Last week")),
                    ("30", gettext_lazy("Last month")),
                ],
            ),
        ],
        search_fields=["title", "summary"],
        default_sort="-published_at",
        export_formats=("xlsx", "csv"),
        empty_title=gettext_lazy("No news yet"),
        empty_text=gettext_lazy(
            "Stories from the configured feeds that mention notable alumni or alumni "
            "enterprises show here."
        ),
    )
    if table.export_format:
        return table.export_response("alumni-news")
    last_job = Job.objects.filter(kind=NEWS_JOB, org=org).order_by("-id").first() if org else None
    may_collect = org is not None and policy.can(request.user, "crawl", CrawlRun(org=org))
    return render(
        request,
        "discovery/console/news.html",
        {"table": table, "org": org, "last_job": last_job, "may_collect": may_collect},
    )
