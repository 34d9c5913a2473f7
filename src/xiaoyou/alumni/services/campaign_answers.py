"""信息采集: what happens to a campaign's answers.

Rules of a response (response_submit):
- the record answered for: the signed-in person's own record, else a certain match
  (xiaoyou.alumni.matching) among the records the campaign's organization reaches, else none
  (status "unmatched": kept for staff, who link it to a record or create one from it);
- per asked field: an empty archive value takes the answer (history source "campaign"); an
  equal value changes nothing; a different value of a verified record, or one that came from
  staff, an import or the registrar, is a conflict: nothing is overwritten, the response goes to
  the review queue ("alumni.campaign_conflict") whose approval applies the answers (the old
  values stay in the history) and whose rejection keeps the archive; the alumnus's own record's
  contact and work fields are replaced like the self-service profile does (source "self");
- answering again updates the same response (per account, per record, or per unmatched name).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xiaoyou.alumni import matching
from xiaoyou.alumni import policy as alumni_policy
from xiaoyou.alumni.models import (
    AlumniRecord,
    CollectionCampaign,
    CollectionResponse,
    RecordChange,
    RecordSource,
    ResponseStatus,
    VerificationState,
)
from xiaoyou.alumni.names import name_keys
from xiaoyou.alumni.selectors_campaigns import campaign_records
from xiaoyou.alumni.services.campaigns import (
    ASKABLE_FIELDS,
    CONFLICT_REVIEW_KIND,
    PROTECTED_SOURCES,
    is_open,
)
from xiaoyou.alumni.services.history import history_write
from xiaoyou.alumni.services.records import CONTACT_FIELDS, SELF_FIELDS, _set_contact
from xiaoyou.core import audit, policy, reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import ReviewItem, ReviewStatus

# --- Answers ------------------------------------------------------------------------------------


def _comparable(field: str, value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.strip()
        if field == "phone":
            text = re.sub(r"^\+86", "", re.sub(r"[\s-]", "", text))
        if field == "email":
            text = text.lower()
        return text
    return value


def _archive_value(record: AlumniRecord, field: str) -> Any:
    if field.startswith("custom:"):
        return (record.custom_data or {}).get(field.removeprefix("custom:"))
    return getattr(record, field)


def _is_protected(record: AlumniRecord, field: str) -> bool:
    if record.verification == VerificationState.VERIFIED:
        return True
    last = (
        RecordChange.objects.filter(record=record, field=field)
        .order_by("-created_at", "-id")
        .values_list("source", flat=True)
        .first()
    )
    return (last or record.source) in PROTECTED_SOURCES


def _write(
    *, record: AlumniRecord, values: Mapping[str, Any], source: str, actor: Any, campaign: Any
) -> None:
    """Sets the values on the record with one history row each and one audit entry."""
    if not values:
        return
    history: dict[str, tuple[Any, Any]] = {}
    columns: list[str] = []
    for field, new in values.items():
        old = _archive_value(record, field)
        if field.startswith("custom:"):
            data = dict(record.custom_data or {})
            data[field.removeprefix("custom:")] = new
            record.custom_data = data
            columns.append("custom_data")
        else:
            setattr(record, field, new)
            columns.append(field)
        history[field] = (old, new)
    if "name" in history:
        record.name_pinyin, record.name_initials = name_keys(record.name)
        columns += ["name_pinyin", "name_initials"]
    record.save(update_fields=[*dict.fromkeys(columns), "updated_at"])
    for field in values:
        if field in CONTACT_FIELDS:
            old, new = history[field]
            _set_contact(record, CONTACT_FIELDS[field], old or "", new or "", source)
    history_write(record=record, changes=history, source=source, actor=actor)
    audit.record(
        actor=actor,
        action="alumni.campaign.apply",
        obj=record,
        changes=audit.mask_changes(
            {"campaign": [None, campaign.pk], **{k: [o, n] for k, (o, n) in history.items()}}
        ),
    )


def _student_id_taken(record: AlumniRecord, value: str) -> bool:
    return (
        AlumniRecord.objects.filter(org_id=record.org_id, student_id=value)
        .exclude(pk=record.pk)
        .exists()
    )


def _apply_answers(
    *, response: CollectionResponse, record: AlumniRecord, user: Any, actor: Any
) -> None:
    """Applies what may be applied, keeps the rest as conflicts and sets the status."""
    record = AlumniRecord.objects.select_for_update().get(pk=record.pk)
    own = user is not None and record.user_id is not None and record.user_id == user.pk
    answers = (response.answers or {}).get("fields", {})
    apply_campaign: dict[str, Any] = {}
    apply_self: dict[str, Any] = {}
    conflicts: dict[str, dict[str, Any]] = {}
    for field, answer in answers.items():
        if answer in (None, "", []):
            continue
        archive = _archive_value(record, field)
        if _comparable(field, archive) == _comparable(field, answer):
            continue
        if field == "student_id" and _student_id_taken(record, answer):
            conflicts[field] = {"archive": archive, "answer": answer}
        elif own and field in SELF_FIELDS:
            apply_self[field] = answer
        elif archive in (None, "", []):
            apply_campaign[field] = answer
        elif _is_protected(record, field):
            conflicts[field] = {"archive": archive, "answer": answer}
        else:
            apply_campaign[field] = answer
    _write(
        record=record,
        values=apply_self,
        source=RecordSource.SELF,
        actor=actor,
        campaign=response.campaign,
    )
    _write(
        record=record,
        values=apply_campaign,
        source=RecordSource.CAMPAIGN,
        actor=actor,
        campaign=response.campaign,
    )
    response.record = record
    response.conflicts = conflicts
    response.status = ResponseStatus.CONFLICT if conflicts else ResponseStatus.APPLIED
    response.save()
    if conflicts:
        _submit_for_review(response, record, user)


def _submit_for_review(response: CollectionResponse, record: AlumniRecord, user: Any) -> None:
    pending = ReviewItem.objects.filter(
        kind=CONFLICT_REVIEW_KIND, object_id=str(response.pk), status=ReviewStatus.PENDING
    ).exists()
    if pending:
        return  # the decision reads the response's current conflicts
    reviews.review_submit(
        obj=response,
        submitter=user,
        org=response.campaign.org,
        kind=CONFLICT_REVIEW_KIND,
        summary=f"{response.campaign.title}: {record.name} #{record.pk} "
        f"({', '.join(response.conflicts)})",
    )


def _evidence(identity: Mapping[str, Any], campaign: CollectionCampaign) -> matching.Evidence:
    return matching.Evidence.from_dict(
        {
            "name": identity.get("name") or "",
            "student_id": identity.get("student_id") or "",
            "enrollment_year": identity.get("enrollment_year"),
            "department": identity.get("department") or "",
        }
    )


def _match(
    campaign: CollectionCampaign, facts: matching.Evidence
) -> tuple[AlumniRecord | None, int]:
    candidates = matching.match_candidates(facts)
    reachable = set(
        campaign_records(campaign)
        .filter(pk__in=[c.record.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    # Only records the campaign may write to count, rivals included.
    certain = matching.certain_match([c for c in candidates if c.record.pk in reachable])
    if certain is None:
        best = max((c.score for c in candidates if c.record.pk in reachable), default=0)
        return None, best
    return certain.record, certain.score


@transaction.atomic
def response_submit(
    *,
    campaign: CollectionCampaign,
    user: Any,
    identity: Mapping[str, Any],
    answers: Mapping[str, Any],
) -> CollectionResponse:
    """Records one person's answers (validated by the form) and applies them; see the module.

    `user` is the signed-in account or None; `identity` holds name, student_id,
    enrollment_year, department (needed unless the account is linked to a record).
    """
    campaign = CollectionCampaign.objects.select_for_update().get(pk=campaign.pk)
    if not is_open(campaign):
        raise ApplicationError("campaign_closed", status=410)
    signed_in = user if getattr(user, "is_authenticated", False) else None
    own = (
        campaign_records(campaign).filter(user=signed_in).first() if signed_in is not None else None
    )
    facts = _evidence(identity, campaign)
    record, confidence = (own, 100) if own is not None else (None, 0)
    if record is None:
        if not facts.name or not (facts.student_id or (facts.enrollment_year and facts.department)):
            raise ApplicationError("campaign_identity_required")
        record, confidence = _match(campaign, facts)
    stored = {
        "identity": facts.as_json() if own is None else {"name": own.name, "account": True},
        "fields": dict(answers),
    }
    responses = CollectionResponse.objects.select_for_update().filter(campaign=campaign)
    response = None
    if signed_in is not None:
        response = responses.filter(user=signed_in).first()
    if response is None and record is not None:
        response = responses.filter(record=record).first()
    if response is None and record is None:
        response = responses.filter(
            record__isnull=True,
            answers__identity__name=facts.name,
            answers__identity__student_id=facts.student_id,
        ).first()
    if response is None:
        response = CollectionResponse(campaign=campaign)
    response.user = signed_in or response.user
    response.answers = stored
    response.confidence = confidence
    if record is None:
        response.record = None
        response.status = ResponseStatus.UNMATCHED
        response.conflicts = {}
        response.save()
        return response
    response.save()
    _apply_answers(response=response, record=record, user=signed_in, actor=signed_in)
    return response


def _require_staff(actor: Any, response: CollectionResponse) -> None:
    policy.require(actor, "change", response.campaign)


@transaction.atomic
def response_link(
    *, actor: Any, response: CollectionResponse, record: AlumniRecord
) -> CollectionResponse:
    """Staff link an unmatched response to a record; its answers then apply by the usual rules."""
    _require_staff(actor, response)
    if response.record_id is not None:
        raise ApplicationError("campaign_response_linked", status=409)
    if not campaign_records(response.campaign).filter(pk=record.pk).exists():
        raise ApplicationError("campaign_record_out_of_reach", status=404)
    alumni_policy.record_require(actor, "change", record)
    response.confidence = 100
    _apply_answers(response=response, record=record, user=None, actor=actor)
    audit.record(
        actor=actor,
        action="alumni.campaign.response_link",
        obj=response,
        org=response.campaign.org,
        changes={"record": [None, record.pk]},
    )
    return response


@transaction.atomic
def response_create_record(*, actor: Any, response: CollectionResponse) -> AlumniRecord:
    """Staff create a record from an unmatched response (filed under the campaign's audience),
    with the answers and the identity given."""
    from xiaoyou.alumni.models import Department
    from xiaoyou.alumni.services.records import record_create

    _require_staff(actor, response)
    if response.record_id is not None:
        raise ApplicationError("campaign_response_linked", status=409)
    campaign = response.campaign
    identity = (response.answers or {}).get("identity", {})
    fields = (response.answers or {}).get("fields", {})
    data: dict[str, Any] = {"name": fields.get("name") or identity.get("name") or ""}
    if fields.get("student_id") or identity.get("student_id"):
        data["student_id"] = fields.get("student_id") or identity.get("student_id")
    data.update({k: v for k, v in fields.items() if k in ASKABLE_FIELDS and k not in data and v})
    custom = {k.removeprefix("custom:"): v for k, v in fields.items() if k.startswith("custom:")}
    if custom:
        data["custom_data"] = custom
    audience = campaign.audience or {}
    department = (
        Department.objects.filter(pk=audience["department"]).first()
        if audience.get("department")
        else None
    )
    degree = {
        "level": "bachelor",
        "department": department,
        "class_name": audience.get("class_name", ""),
        "student_id": data.get("student_id", ""),
        "enrollment_year": identity.get("enrollment_year"),
        "graduation_year": audience.get("graduation_year"),
        "is_primary": True,
    }
    # Kept by the campaign's organization, as the console keeps records an admin creates.
    record = record_create(
        actor=actor, org=campaign.org, data=data, degrees=[degree], source=RecordSource.CAMPAIGN
    )
    response.record = record
    response.status = ResponseStatus.NEW
    response.confidence = 100
    response.conflicts = {}
    response.save(update_fields=["record", "status", "confidence", "conflicts", "updated_at"])
    audit.record(
        actor=actor,
        action="alumni.campaign.response_new_record",
        obj=response,
        org=campaign.org,
        changes={"record": [None, record.pk]},
    )
    return record


# --- Review of conflicts ----------------------------------------------------------------------


def _decided(response: CollectionResponse, decision: str) -> None:
    response.conflicts = {
        field: {**value, "decision": decision}
        for field, value in (response.conflicts or {}).items()
    }
    response.status = ResponseStatus.APPLIED
    response.save(update_fields=["conflicts", "status", "updated_at"])


def _approve(response: CollectionResponse, *, item: Any, actor: Any, reason: str) -> None:
    if response.status != ResponseStatus.CONFLICT or response.record_id is None:
        raise ApplicationError("campaign_not_in_conflict", status=409)
    record = AlumniRecord.objects.select_for_update().get(pk=response.record_id)
    if not alumni_policy.record_can(actor, "change", record):
        raise PermissionDenied("change denied")
    values = {
        field: value["answer"]
        for field, value in (response.conflicts or {}).items()
        if _comparable(field, _archive_value(record, field)) != _comparable(field, value["answer"])
        and not (field == "student_id" and _student_id_taken(record, value["answer"]))
    }
    _write(
        record=record,
        values=values,
        source=RecordSource.CAMPAIGN,
        actor=actor,
        campaign=response.campaign,
    )
    _decided(response, "approved")


def _reject(response: CollectionResponse, *, item: Any, actor: Any, reason: str) -> None:
    if response.status != ResponseStatus.CONFLICT:
        raise ApplicationError("campaign_not_in_conflict", status=409)
    _decided(response, "rejected")


def _details(response: CollectionResponse) -> list[tuple[Any, Any]]:
    from xiaoyou.alumni.forms_campaigns import field_label

    rows: list[tuple[Any, Any]] = [(_("Campaign"), response.campaign.title)]
    if response.record is not None:
        rows.append((_("Record"), f"{response.record.name} #{response.record.pk}"))
    for field, value in (response.conflicts or {}).items():
        rows.append(
            (
                field_label(field),
                _("Archive: %(archive)s → Answer: %(answer)s")
                % {"archive": value.get("archive") or "—", "answer": value.get("answer") or "—"},
            )
        )
    return rows
