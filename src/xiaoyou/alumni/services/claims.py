"""认证校友身份: a registered user claims their alumni record.

A certain match (see xiaoyou.alumni.matching) links the record to the account at once and
marks it verified; an ambiguous or medium one becomes a pending RecordClaim in the review queue
("alumni.claim") of the record's organization. A record linked to another account is never
linked automatically: the claim goes to review, where an admin sees who holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xiaoyou.alumni import matching
from xiaoyou.alumni.models import (
    AlumniRecord,
    ClaimStatus,
    RecordClaim,
    RecordSource,
    VerificationState,
)
from xiaoyou.alumni.services.history import history_write
from xiaoyou.core import audit, reviews
from xiaoyou.core.errors import ApplicationError, register_messages

CLAIM_REVIEW_KIND = "alumni.claim"

register_messages(
    {
        "claim_name_required": _("Please enter your name."),
        "claim_already_verified": _("Your account is already linked to an alumni record."),
        "claim_pending": _("Your claim is already under review."),
        "claim_record_taken": _("This record belongs to another account."),
        "claim_not_pending": _("This claim has already been decided."),
    }
)


@dataclass(frozen=True)
class ClaimResult:
    """`status`: "matched" (linked now), "pending" (under review) or "not_found"."""

    status: str
    claim: RecordClaim | None = None
    record: AlumniRecord | None = None


def _link(*, record: AlumniRecord, user: Any, actor: Any, source: str) -> None:
    if record.user_id is not None and record.user_id != user.pk:
        raise ApplicationError("claim_record_taken", status=409)
    if AlumniRecord.objects.filter(user=user).exclude(pk=record.pk).exists():
        raise ApplicationError("claim_already_verified", status=409)
    before = {"user": record.user_id, "verification": record.verification}
    record.user = user
    record.verification = VerificationState.VERIFIED
    record.save(update_fields=["user", "verification", "updated_at"])
    changes = {
        "user": (before["user"], user.pk),
        "verification": (before["verification"], VerificationState.VERIFIED.value),
    }
    history_write(record=record, changes=changes, source=source, actor=actor)
    audit.record(
        actor=actor,
        action="alumni.record.claim_link",
        obj=record,
        changes={key: list(value) for key, value in changes.items()},
    )


@transaction.atomic
def claim_submit(*, actor: Any, evidence: dict[str, Any] | matching.Evidence) -> ClaimResult:
    """Matches the actor's evidence against the archive.

    Rule: one unambiguous candidate at matching.AUTOMATIC or above, not linked to another
    account -> linked and verified now; otherwise the best candidate at matching.REVIEW or above
    -> a pending claim in the record organization's review queue; else "not found" (nothing
    written). An account already linked, or with a claim under review, cannot claim again.
    """
    facts = (
        evidence
        if isinstance(evidence, matching.Evidence)
        else matching.Evidence.from_dict(evidence)
    )
    if not facts.name:
        raise ApplicationError("claim_name_required")
    if AlumniRecord.objects.filter(user=actor, deleted_at__isnull=True).exists():
        raise ApplicationError("claim_already_verified", status=409)
    if RecordClaim.objects.filter(user=actor, status=ClaimStatus.PENDING).exists():
        raise ApplicationError("claim_pending", status=409)
    candidates = matching.match_candidates(facts)
    certain = matching.certain_match(candidates)
    evidence_json = facts.as_json()
    evidence_json["candidates"] = [
        {"record": c.record.pk, "score": c.score, "reasons": c.reasons} for c in candidates[:5]
    ]
    if certain is not None and certain.record.user_id is None:
        record = AlumniRecord.objects.select_for_update().get(pk=certain.record.pk)
        claim = RecordClaim.objects.create(
            user=actor,
            record=record,
            evidence=evidence_json,
            score=certain.score,
            status=ClaimStatus.MATCHED,
        )
        _link(record=record, user=actor, actor=actor, source=RecordSource.SELF)
        return ClaimResult(status="matched", claim=claim, record=record)
    if not candidates or candidates[0].score < matching.REVIEW:
        return ClaimResult(status="not_found")
    best = candidates[0]
    claim = RecordClaim.objects.create(
        user=actor,
        record=best.record,
        evidence=evidence_json,
        score=best.score,
        status=ClaimStatus.PENDING,
    )
    if best.record.verification == VerificationState.UNVERIFIED and best.record.user_id is None:
        best.record.verification = VerificationState.PENDING
        best.record.save(update_fields=["verification", "updated_at"])
    reviews.review_submit(
        obj=claim,
        submitter=actor,
        org=best.record.org,
        kind=CLAIM_REVIEW_KIND,
        summary=f"{facts.name} → {best.record.name} #{best.record.pk} ({best.score})",
    )
    audit.record(
        actor=actor,
        action="alumni.claim.submit",
        obj=claim,
        org=best.record.org,
        changes={"record": [None, best.record.pk], "score": [None, best.score]},
    )
    return ClaimResult(status="pending", claim=claim, record=best.record)


def _approve(claim: RecordClaim, *, item: Any, actor: Any, reason: str) -> None:
    if claim.status != ClaimStatus.PENDING or claim.record_id is None:
        raise ApplicationError("claim_not_pending", status=409)
    record = AlumniRecord.objects.select_for_update().get(pk=claim.record_id)
    _link(record=record, user=claim.user, actor=actor, source=RecordSource.ADMIN)
    claim.status = ClaimStatus.APPROVED
    claim.save(update_fields=["status", "updated_at"])


def _reject(claim: RecordClaim, *, item: Any, actor: Any, reason: str) -> None:
    if claim.status != ClaimStatus.PENDING:
        raise ApplicationError("claim_not_pending", status=409)
    claim.status = ClaimStatus.REJECTED
    claim.save(update_fields=["status", "updated_at"])
    record = claim.record
    if (
        record is not None
        and record.user_id is None
        and record.verification == VerificationState.PENDING
        and not RecordClaim.objects.filter(record=record, status=ClaimStatus.PENDING).exists()
    ):
        record.verification = VerificationState.UNVERIFIED
        record.save(update_fields=["verification", "updated_at"])


def _details(claim: RecordClaim) -> list[tuple[Any, Any]]:
    evidence = claim.evidence or {}
    record = claim.record
    rows: list[tuple[Any, Any]] = [
        (_("Name given"), evidence.get("name") or "—"),
        (_("Student number given"), evidence.get("student_id") or "—"),
        (_("Year of enrollment given"), evidence.get("enrollment_year") or "—"),
        (_("Department given"), evidence.get("department") or "—"),
        (_("Date of birth given"), evidence.get("birth_date") or "—"),
        (_("Confidence"), claim.score),
    ]
    if record is not None:
        rows += [
            (_("Record"), f"{record.name} #{record.pk}"),
            (_("Record student number"), record.student_id or "—"),
            (_("Record year of enrollment"), record.enrollment_year or "—"),
            (_("Record date of birth"), record.birth_date or "—"),
        ]
        if record.user_id is not None and record.user_id != claim.user_id:
            rows.append((_("Warning"), _("This record belongs to another account.")))
    return rows


def register_review_kind() -> None:
    reviews.register(
        CLAIM_REVIEW_KIND,
        model=RecordClaim,
        label=_("Alumni identity claims"),
        on_approve=_approve,
        on_reject=_reject,
        details=_details,
        order=60,
    )
