"""Staff decisions on candidates: confirm (a notable alumnus), reject, link to a record."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from xiaoyou.alumni.models import AlumniRecord
from xiaoyou.alumni.policy import record_scope
from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.discovery.models import (
    CandidateStatus,
    NotableAlumnus,
    NotableCandidate,
    Visibility,
)


def _lock(candidate: NotableCandidate) -> NotableCandidate:
    return NotableCandidate.objects.select_for_update().select_related("org").get(pk=candidate.pk)


def _visible_record(actor: Any, record_id: int | None) -> AlumniRecord | None:
    """The live record `record_id` if `actor` may see it; 404 otherwise (None for no id)."""
    if record_id is None:
        return None
    # Staff see a record kept by their organization or filed under one of its departments.
    records = record_scope(AlumniRecord.objects.select_related("department"), actor)
    record = records.filter(pk=record_id, deleted_at__isnull=True).first()
    if record is None:
        raise ApplicationError("discovery_record_not_found", status=404)
    return record


@transaction.atomic
def candidate_confirm(
    *,
    actor: Any,
    candidate: NotableCandidate,
    visibility: str = Visibility.INTERNAL,
    record_id: int | None = None,
) -> NotableAlumnus:
    """Makes an open candidate a notable alumnus (public or internal profile), linked to the
    record staff chose, else to the matched one; admins of its organization, audited."""
    candidate = _lock(candidate)
    policy.require(actor, "review", candidate)
    if candidate.status != CandidateStatus.NEW:
        raise ApplicationError("discovery_candidate_decided", status=409)
    record = _visible_record(actor, record_id or candidate.matched_record_id)
    if visibility not in Visibility.values:
        visibility = Visibility.INTERNAL
    candidate.status = CandidateStatus.CONFIRMED
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    if record is not None and record.pk != candidate.matched_record_id:
        candidate.matched_record = record
        candidate.match_reasons = ["linked_by_staff"]
    candidate.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "matched_record",
            "match_reasons",
            "updated_at",
        ]
    )
    notable = NotableAlumnus.objects.create(
        org=candidate.org,
        candidate=candidate,
        record=record,
        name=candidate.name,
        photo_url=candidate.photo_url,
        title=candidate.title,
        summary=candidate.summary,
        evidence=candidate.evidence,
        source_url=candidate.source_url,
        field=candidate.field,
        graduation_year=(record.graduation_year if record else None) or candidate.graduation_year,
        department=record.department if record else None,
        visibility=visibility,
    )
    audit.record(
        actor=actor,
        action="discovery.candidate.confirm",
        obj=candidate,
        org=candidate.org,
        changes={
            "status": [CandidateStatus.NEW, CandidateStatus.CONFIRMED],
            "record": [None, record.pk if record else None],
            "visibility": [None, visibility],
        },
    )
    return notable


@transaction.atomic
def candidate_reject(*, actor: Any, candidate: NotableCandidate) -> NotableCandidate:
    """Marks an open candidate as not an alumnus (a namesake, a visiting speaker); audited."""
    candidate = _lock(candidate)
    policy.require(actor, "review", candidate)
    if candidate.status != CandidateStatus.NEW:
        raise ApplicationError("discovery_candidate_decided", status=409)
    candidate.status = CandidateStatus.REJECTED
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit.record(
        actor=actor,
        action="discovery.candidate.reject",
        obj=candidate,
        org=candidate.org,
        changes={"status": [CandidateStatus.NEW, CandidateStatus.REJECTED]},
    )
    return candidate


@transaction.atomic
def candidate_link(*, actor: Any, candidate: NotableCandidate, record_id: int) -> NotableCandidate:
    """Links a candidate (and its notable alumnus, once confirmed) to the alumni record staff
    identified; the record must be one the actor may see. Audited."""
    candidate = _lock(candidate)
    policy.require(actor, "review", candidate)
    record = _visible_record(actor, record_id)
    assert record is not None
    before = candidate.matched_record_id
    candidate.matched_record = record
    candidate.match_reasons = ["linked_by_staff"]
    candidate.save(update_fields=["matched_record", "match_reasons", "updated_at"])
    NotableAlumnus.objects.filter(candidate=candidate).update(
        record=record,
        department=record.department,
        graduation_year=record.graduation_year or candidate.graduation_year,
        updated_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action="discovery.candidate.link",
        obj=candidate,
        org=candidate.org,
        changes={"record": [before, record.pk]},
    )
    return candidate


@transaction.atomic
def notable_set_visibility(
    *, actor: Any, notable: NotableAlumnus, visibility: str
) -> NotableAlumnus:
    """Shows a notable alumnus's profile in the hall (public) or keeps it for staff; audited."""
    notable = NotableAlumnus.objects.select_for_update().get(pk=notable.pk)
    policy.require(actor, "change", notable)
    if visibility not in Visibility.values:
        raise ApplicationError("invalid_input")
    before = notable.visibility
    notable.visibility = visibility
    notable.save(update_fields=["visibility", "updated_at"])
    audit.record(
        actor=actor,
        action="discovery.notable.visibility",
        obj=notable,
        org=notable.org,
        changes={"visibility": [before, visibility]},
    )
    return notable
