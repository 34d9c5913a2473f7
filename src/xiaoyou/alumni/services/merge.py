"""合并重复档案: merge two records of one person, field by field; restore a merged record.

Rule: the actor must be allowed to change both records (an admin cannot merge a record outside
their scope). The kept record takes, for each field, the value the actor chose ("keep" or
"other"); every differing value of both records enters the kept record's history (one
RecordChange per field, source "admin", old_value {"kept": ..., "merged": ..., "record": id}),
so nothing is lost. Degrees, contacts, tags, memberships, claims and the account link move to
the kept record; the other record is soft-deleted with merged_into = kept.

Undo: `record_merge_undo` brings the other record back (deleted_at and merged_into cleared) with
the field values it had, except its student number if the kept record took it (the number is
unique); the rows that moved stay on the kept record, and its history shows what came from
where, so staff move anything back by hand.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.alumni import policy as alumni_policy
from xiaoyou.alumni.models import (
    AlumniRecord,
    ContactPoint,
    DegreeEntry,
    DuplicateCandidate,
    DuplicateStatus,
    RecordClaim,
    RecordSource,
)
from xiaoyou.alumni.services.history import history_write
from xiaoyou.core import audit
from xiaoyou.core.errors import ApplicationError, register_messages

register_messages(
    {
        "merge_same_record": _("A record cannot be merged with itself."),
        "merge_record_deleted": _("One of the records has been deleted or merged already."),
        "merge_two_accounts": _("Both records belong to accounts; unlink one first."),
        "merge_bad_choice": _("Unknown field or choice in the merge."),
        "restore_not_deleted": _("This record is not deleted."),
        "candidate_decided": _("This pair has already been decided."),
    }
)

# Fields chosen one by one in a merge (the national ID number moves as one: its three columns).
MERGE_FIELDS: tuple[str, ...] = (
    "name",
    "former_name",
    "english_name",
    "gender",
    "birth_date",
    "lunar_birth_date",
    "student_id",
    "department",
    "major",
    "class_name",
    "degree_level",
    "enrollment_year",
    "graduation_year",
    "phone",
    "email",
    "wechat",
    "address",
    "city",
    "province",
    "country",
    "employer",
    "position",
    "industry",
    "national_id",
    "status",
    "is_key_alumnus",
)
NATIONAL_ID_COLUMNS = ("national_id_encrypted", "national_id_hash", "national_id_last4")
Choice = Literal["keep", "other"]


def _get(record: AlumniRecord, name: str) -> Any:
    if name == "national_id":
        return record.national_id_hash
    if name in ("department", "major"):
        return getattr(record, f"{name}_id")
    return getattr(record, name)


def _set(record: AlumniRecord, source: AlumniRecord, name: str) -> list[str]:
    if name == "national_id":
        for column in NATIONAL_ID_COLUMNS:
            setattr(record, column, getattr(source, column))
        return list(NATIONAL_ID_COLUMNS)
    column = f"{name}_id" if name in ("department", "major") else name
    setattr(record, column, getattr(source, column))
    return [column]


def merge_preview(keep: AlumniRecord, other: AlumniRecord) -> list[dict[str, Any]]:
    """The merge page's rows: each field with both values and whether they differ."""
    rows = []
    for name in MERGE_FIELDS:
        first, second = _get(keep, name), _get(other, name)
        if name in ("department", "major"):
            first, second = getattr(keep, name), getattr(other, name)
        if name == "national_id":
            first = f"****{keep.national_id_last4}" if keep.national_id_hash else ""
            second = f"****{other.national_id_last4}" if other.national_id_hash else ""
        # TextChoices fields show their labels (foreign keys are shown by their own str()).
        model_field = (
            AlumniRecord._meta.get_field(name)
            if name not in ("national_id", "department", "major")
            else None
        )
        choices = dict(getattr(model_field, "choices", None) or ())
        if choices:
            first, second = choices.get(first, first), choices.get(second, second)
        if name == "is_key_alumnus":
            first, second = (_("Yes") if value else _("No") for value in (first, second))
            label: Any = _("key alumnus")
        elif name == "national_id":
            label = _("ID number")
        else:
            label = getattr(AlumniRecord._meta.get_field(name), "verbose_name", name)
        rows.append(
            {
                "field": name,
                "label": label,
                "keep": first,
                "other": second,
                "differs": _get(keep, name) != _get(other, name),
                # Default: keep's value unless it is empty and the other has one.
                "default": "other"
                if _get(keep, name) in (None, "") and _get(other, name) not in (None, "")
                else "keep",
            }
        )
    return rows


@transaction.atomic
def records_merge(
    *,
    actor: Any,
    keep: AlumniRecord,
    other: AlumniRecord,
    choices: dict[str, Choice] | None = None,
) -> AlumniRecord:
    """Merges `other` into `keep` (see the module doc); returns the kept record."""
    if keep.pk == other.pk:
        raise ApplicationError("merge_same_record")
    locked = {
        record.pk: record
        for record in AlumniRecord.objects.select_for_update().filter(pk__in=[keep.pk, other.pk])
    }
    keep, other = locked[keep.pk], locked[other.pk]
    alumni_policy.record_require(actor, "change", keep)
    alumni_policy.record_require(actor, "change", other)
    if keep.deleted_at is not None or other.deleted_at is not None:
        raise ApplicationError("merge_record_deleted", status=409)
    if keep.user_id and other.user_id and keep.user_id != other.user_id:
        raise ApplicationError("merge_two_accounts", status=409)
    choices = dict(choices or {})
    if any(
        name not in MERGE_FIELDS or value not in ("keep", "other")
        for name, value in choices.items()
    ):
        raise ApplicationError("merge_bad_choice")

    history: dict[str, tuple[Any, Any]] = {}
    changed: list[str] = []
    take_student_id = choices.get("student_id") == "other" and other.student_id
    if take_student_id:
        # The number is unique per organization: the merged record gives it up first.
        other.student_id, other_student_id = "", other.student_id
        other.save(update_fields=["student_id", "updated_at"])
        other.student_id = other_student_id
    for name in MERGE_FIELDS:
        kept_value, other_value = _get(keep, name), _get(other, name)
        if kept_value == other_value:
            continue
        chosen = choices.get(name, "keep")
        if chosen == "other":
            changed += _set(keep, other, name)
        history[name] = (
            {"kept": kept_value, "merged": other_value, "record": other.pk},
            other_value if chosen == "other" else kept_value,
        )
    # Custom fields: the kept record's values win; the other's fill the gaps.
    extra = {
        k: v for k, v in (other.custom_data or {}).items() if k not in (keep.custom_data or {})
    }
    if extra:
        history["custom_data"] = (keep.custom_data, {**keep.custom_data, **extra})
        keep.custom_data = {**keep.custom_data, **extra}
        changed.append("custom_data")
    if other.user_id and not keep.user_id:
        user_id = other.user_id
        other.user = None
        other.save(update_fields=["user", "updated_at"])
        keep.user_id = user_id
        keep.verification = other.verification
        changed += ["user", "verification"]
        history["user"] = (None, user_id)
    if "name" in changed:
        from xiaoyou.alumni.names import name_keys

        keep.name_pinyin, keep.name_initials = name_keys(keep.name)
        changed += ["name_pinyin", "name_initials"]
    if changed:
        keep.save(update_fields=[*dict.fromkeys(changed), "updated_at"])

    moved = _move_related(keep=keep, other=other)
    history["merged_from"] = (None, other.pk)
    history_write(record=keep, changes=history, source=RecordSource.ADMIN, actor=actor)

    other.deleted_at = timezone.now()
    other.merged_into = keep
    if take_student_id:
        other.student_id = ""
    other.save(update_fields=["deleted_at", "merged_into", "student_id", "updated_at"])
    history_write(
        record=other,
        changes={"merged_into": (None, keep.pk), "deleted": (False, True)},
        source=RecordSource.ADMIN,
        actor=actor,
    )
    first, second = sorted((keep.pk, other.pk))
    DuplicateCandidate.objects.filter(first_id=first, second_id=second).update(
        status=DuplicateStatus.MERGED, updated_at=timezone.now()
    )
    audit.record(
        actor=actor,
        action="alumni.record.merge",
        obj=keep,
        changes={"merged": [None, other.pk], "fields": [None, sorted(set(changed))], **moved},
    )
    return keep


def _move_related(*, keep: AlumniRecord, other: AlumniRecord) -> dict[str, list[int]]:
    from xiaoyou.organizations.models import JoinRequest, Membership

    degrees = DegreeEntry.objects.filter(record=other)
    if degrees.filter(is_primary=True).exists() and keep.degrees.filter(is_primary=True).exists():
        degrees.update(is_primary=False)  # the kept record's primary degree stays primary
    moved_degrees = degrees.update(record=keep)
    existing = set(keep.contacts.values_list("kind", "value"))
    contacts = list(ContactPoint.objects.filter(record=other))
    moved_contacts = 0
    for contact in contacts:
        if (contact.kind, contact.value) in existing:
            continue  # the same value already on the kept record
        contact.record = keep
        contact.save(update_fields=["record"])
        moved_contacts += 1
    keep.tags.add(*other.tags.all())
    moved_memberships = Membership.objects.filter(alumni_record=other).update(alumni_record=keep)
    JoinRequest.objects.filter(matched_record=other).update(matched_record=keep)
    moved_claims = RecordClaim.objects.filter(record=other).update(record=keep)
    return {
        "degrees": [0, moved_degrees],
        "contacts": [0, moved_contacts],
        "memberships": [0, moved_memberships],
        "claims": [0, moved_claims],
    }


@transaction.atomic
def record_merge_undo(*, actor: Any, record: AlumniRecord) -> AlumniRecord:
    """Brings a soft-deleted (or merged) record back; see the module doc for what stays moved."""
    record = AlumniRecord.objects.select_for_update().get(pk=record.pk)
    alumni_policy.record_require(actor, "change", record)
    if record.deleted_at is None:
        raise ApplicationError("restore_not_deleted", status=409)
    merged_into = record.merged_into_id
    record.deleted_at = None
    record.merged_into = None
    record.save(update_fields=["deleted_at", "merged_into", "updated_at"])
    history_write(
        record=record,
        changes={"merged_into": (merged_into, None), "deleted": (True, False)},
        source=RecordSource.ADMIN,
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="alumni.record.restore",
        obj=record,
        changes={"merged_into": [merged_into, None]},
    )
    return record


@transaction.atomic
def duplicate_dismiss(*, actor: Any, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """Marks a pair "not duplicates": detection never proposes it again."""
    candidate = (
        DuplicateCandidate.objects.select_for_update()
        .select_related("first", "second")
        .get(pk=candidate.pk)
    )
    alumni_policy.record_require(actor, "change", candidate.first)
    alumni_policy.record_require(actor, "change", candidate.second)
    if candidate.status != DuplicateStatus.OPEN:
        raise ApplicationError("candidate_decided", status=409)
    candidate.status = DuplicateStatus.DISMISSED
    candidate.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="alumni.duplicate.dismiss",
        obj=candidate,
        org=candidate.first.org,
        changes={"status": [DuplicateStatus.OPEN.value, DuplicateStatus.DISMISSED.value]},
    )
    return candidate
