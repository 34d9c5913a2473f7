"""Crawl runs: starting one (a background job with progress) and storing what it found."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoyou.core import audit, jobs, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.jobs import JobContext
from xiaoyou.discovery.crawling.base import PersonFound, School, all_sources
from xiaoyou.discovery.crawling.fetcher import Fetcher
from xiaoyou.discovery.crawling.runner import LogLine, crawl
from xiaoyou.discovery.matching import PersonFacts, match_person
from xiaoyou.discovery.models import (
    CandidateStatus,
    CrawlLogEntry,
    CrawlRun,
    CrawlStatus,
    NotableCandidate,
)
from xiaoyou.organizations.models import Organization

CRAWL_JOB = "discovery.crawl"


def school_for(org: Organization) -> School:
    """The school an organization's crawls look for: its (or its root's) school name, the
    configured aliases and Wikidata item."""
    names: list[str] = []
    if org.school_name:
        names.append(org.school_name)
    root_id = next((part for part in org.path.split("/") if part), "")
    if root_id.isdigit() and int(root_id) != org.pk:
        root = Organization.objects.filter(pk=int(root_id)).only("school_name").first()
        if root is not None and root.school_name and root.school_name not in names:
            names.append(root.school_name)
    for alias in settings.DISCOVERY_SCHOOL_ALIASES:
        if alias not in names:
            names.append(alias)
    return School(names=tuple(names), wikidata_qid=settings.DISCOVERY_SCHOOL_QID)


def crawl_start(*, actor: Any, org: Organization, sources: list[str]) -> CrawlRun:
    """Queues a crawl of `sources` for `org` as a background job; admins of `org` only."""
    known = {source.key for source in all_sources()}
    if not sources:
        raise ApplicationError("discovery_no_source")
    if any(key not in known for key in sources):
        raise ApplicationError("discovery_unknown_source")
    policy.require(actor, "crawl", CrawlRun(org=org))
    with transaction.atomic():
        run = CrawlRun.objects.create(org=org, sources=list(sources), started_by=actor)
        job = jobs.job_create(
            kind=CRAWL_JOB,
            title=_("Crawl public sources"),
            actor=actor,
            org=org,
            params={"run_id": run.pk},
        )
        run.job = job
        run.save(update_fields=["job", "updated_at"])
        audit.record(
            actor=actor,
            action="discovery.crawl.start",
            obj=run,
            org=org,
            changes={"sources": sources},
        )
    return run


def crawls_start_scheduled() -> list[CrawlRun]:
    """The weekly crawl: every source, for each main association (a root organization) that
    names its school. Started by the system (no actor), so no permission applies; a school
    whose previous run is still queued or running is skipped."""
    runs = []
    keys = [source.key for source in all_sources()]
    roots = Organization.objects.filter(parent__isnull=True, is_active=True).exclude(school_name="")
    for org in roots:
        if CrawlRun.objects.filter(
            org=org, status__in=[CrawlStatus.QUEUED, CrawlStatus.RUNNING]
        ).exists():
            continue
        with transaction.atomic():
            run = CrawlRun.objects.create(org=org, sources=keys)
            run.job = jobs.job_create(
                kind=CRAWL_JOB,
                title=_("Crawl public sources"),
                actor=None,
                org=org,
                params={"run_id": run.pk},
            )
            run.save(update_fields=["job", "updated_at"])
        runs.append(run)
    return runs


def _candidate_store(run: CrawlRun, source: str, person: PersonFound) -> NotableCandidate:
    facts = PersonFacts(
        name=person.name,
        enrollment_year=person.enrollment_year,
        graduation_year=person.graduation_year,
        department=person.department,
    )
    result = match_person(facts)
    best = result.best or (result.ranked[0] if result.ranked else None)
    values = {
        "run": run,
        "name": person.name[:60],
        "photo_url": person.photo_url[:1000],
        "title": person.title[:200],
        "summary": person.summary,
        "evidence": person.evidence,
        "source_url": person.source_url[:1000],
        "retrieved_at": timezone.now(),
        "confidence": person.confidence,
        "field": person.field or "other",
        "enrollment_year": person.enrollment_year,
        "graduation_year": person.graduation_year,
        "department_text": person.department[:100],
    }
    candidate = NotableCandidate.objects.filter(
        org=run.org, source=source, external_key=person.external_key[:300]
    ).first()
    if candidate is None:
        candidate = NotableCandidate(
            org=run.org, source=source, external_key=person.external_key[:300]
        )
    for name, value in values.items():
        setattr(candidate, name, value)
    # A link staff made by hand stays; a new crawl only refreshes the suggestion of an open one.
    if candidate.status == CandidateStatus.NEW and not candidate.decided_by_id:
        candidate.matched_record = result.record
        candidate.match_score = best.score if best else 0
        candidate.match_reasons = best.reasons if best else []
    candidate.save()
    return candidate


def crawl_execute(run_id: int, *, on_progress: Any = None) -> dict[str, Any]:
    """Runs a queued crawl (called by its job); safe to run again (candidates are upserted)."""
    run = CrawlRun.objects.select_related("org").get(pk=run_id)
    CrawlRun.objects.filter(pk=run.pk).update(
        status=CrawlStatus.RUNNING, pages_fetched=0, candidates_found=0, problem_count=0
    )
    run.log_entries.all().delete()  # a retry starts the log again

    def write_log(line: LogLine) -> None:
        CrawlLogEntry.objects.create(
            run=run,
            source=line.source,
            level=line.level,
            kind=line.kind,
            url=line.url[:1000],
            message=line.message[:500],
        )
        if line.level != "info":
            CrawlRun.objects.filter(pk=run.pk).update(problem_count=F("problem_count") + 1)

    fetcher = Fetcher()
    try:
        outcome = crawl(
            list(run.sources),
            school_for(run.org),
            fetcher=fetcher,
            on_progress=on_progress,
            on_log=write_log,
        )
    finally:
        fetcher.close()
    from xiaoyou.discovery.services.enterprises import enterprise_store_found

    stored = {_candidate_store(run, source, person).pk for source, person in outcome.people}
    enterprises = {
        enterprise_store_found(org=run.org, found=found).pk
        for _source, found in outcome.enterprises
    }
    CrawlRun.objects.filter(pk=run.pk).update(
        status=CrawlStatus.FINISHED,
        pages_fetched=outcome.pages,
        candidates_found=len(stored),
        finished_at=timezone.now(),
    )
    return {
        "pages": outcome.pages,
        "candidates": len(stored),
        "enterprises": len(enterprises),
        "problems": outcome.problems,
    }


def _run_job(context: JobContext) -> dict[str, Any]:
    return crawl_execute(int(context.params["run_id"]), on_progress=context.progress)


def register_jobs() -> None:
    from django.utils.translation import gettext_lazy

    from xiaoyou.discovery.policy import may_crawl

    jobs.register_job(
        CRAWL_JOB, _run_job, gettext_lazy("Crawl public sources"), may_crawl, max_retries=1
    )
