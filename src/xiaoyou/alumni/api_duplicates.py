"""API of duplicate records (疑似重复): the candidate pairs, the detection job, the side-by-side
comparison, merge with field-by-field choice, dismiss, and restore of merged records.

The same reads and services as the console pages (views/console_duplicates.py): pairs come
through `candidates_visible_to` (both records in the caller's `record_scope`, else 404), merged
records through `record_scope`; the services check the policy again and write the audit log.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Literal, get_type_hints

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.pagination import paginate

from xiaoyou.alumni import duplicates
from xiaoyou.alumni.api_records import RecordOut, _record_out
from xiaoyou.alumni.models import AlumniRecord, DuplicateCandidate
from xiaoyou.alumni.policy import record_scope
from xiaoyou.alumni.services import merge as merge_services
from xiaoyou.api.pagination import PageNumber
from xiaoyou.core import jobs
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations.selectors import administered_organizations

router = Router(tags=["alumni duplicates"])


# --- Schemas ------------------------------------------------------------------------------------


class RecordBrief(Schema):
    id: int
    name: str
    student_id: str
    department: str
    enrollment_year: int | None
    graduation_year: int | None
    birth_date: datetime.date | None


class CandidateOut(Schema):
    id: int
    score: int = Field(..., description="0..100")
    reasons: list[str] = Field(..., description='Codes such as "phone" or "same_name+birth_date"')
    reason_labels: list[str] = Field(..., description="The reasons in the user's language")
    status: str = Field(..., description="open, dismissed or merged")
    first: RecordBrief
    second: RecordBrief


class FieldPairOut(Schema):
    field: str = Field(..., description="A merge field name (the keys of MergeIn.choices)")
    label: str
    first: Any = Field(None, description="The first record's value (ID number masked)")
    second: Any = Field(None, description="The second record's value")
    differs: bool
    suggested: Literal["first", "second"] = Field(
        ..., description="The first's value, unless it is empty and the second has one"
    )


class CandidateDetailOut(CandidateOut):
    fields: list[FieldPairOut]
    first_custom_data: dict[str, Any]
    second_custom_data: dict[str, Any]


class MergeIn(Schema):
    keep: int | None = Field(
        None, description="The id of the record to keep (one of the pair); default: the first."
    )
    choices: dict[str, Literal["keep", "other"]] = Field(
        default_factory=dict,
        description='Per field: "keep" (the kept record\'s value, the default) or "other".',
    )


class DetectIn(Schema):
    org_id: int | None = Field(
        None, description="The organization starting the job; default: the top one you manage."
    )


class JobOut(Schema):
    id: int
    kind: str
    status: str
    done: int
    total: int
    percent: int
    error: str
    result: dict[str, Any]
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


class MergedRecordOut(Schema):
    id: int
    name: str
    student_id: str
    merged_into_id: int
    merged_into_name: str
    merged_at: datetime.datetime | None


# --- Helpers ------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or request.user


def _resolved_annotations(view: Any) -> Any:
    # ninja reads a paginated view's parameters through the paginator's wrapper, whose module
    # cannot resolve this module's string annotations: hand it the real types.
    view.__annotations__ = get_type_hints(view)
    return view


def _candidate(request: HttpRequest, candidate_id: int) -> DuplicateCandidate:
    candidate = duplicates.candidates_visible_to(_user(request)).filter(pk=candidate_id).first()
    if candidate is None:
        raise ApplicationError("not_found", status=404)
    return candidate


def _brief(record: AlumniRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "name": record.name,
        "student_id": record.student_id,
        "department": record.department.name if record.department else "",
        "enrollment_year": record.enrollment_year,
        "graduation_year": record.graduation_year,
        "birth_date": record.birth_date,
    }


def _candidate_out(candidate: DuplicateCandidate) -> dict[str, Any]:
    reasons = [str(reason) for reason in candidate.reasons or []]
    return {
        "id": candidate.pk,
        "score": candidate.score,
        "reasons": reasons,
        "reason_labels": [duplicates.reason_text(reason) for reason in reasons],
        "status": candidate.status,
        "first": _brief(candidate.first),
        "second": _brief(candidate.second),
    }


def _plain(value: Any) -> Any:
    """A preview value as JSON: model instances by their name, lazy texts as strings."""
    if value is None or isinstance(value, bool | int | float | datetime.date):
        return value
    if hasattr(value, "name") and hasattr(value, "pk"):
        return value.name
    return str(value)


def _field_pairs(first: AlumniRecord, second: AlumniRecord) -> list[dict[str, Any]]:
    return [
        {
            "field": row["field"],
            "label": str(row["label"]),
            "first": _plain(row["keep"]),
            "second": _plain(row["other"]),
            "differs": row["differs"],
            "suggested": "first" if row["default"] == "keep" else "second",
        }
        for row in merge_services.merge_preview(first, second)
    ]


def _job_out(job: Any) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "error": job.error,
        "result": job.result or {},
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def _merged_out(record: AlumniRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "name": record.name,
        "student_id": record.student_id,
        "merged_into_id": record.merged_into_id,
        "merged_into_name": record.merged_into.name if record.merged_into else "",
        "merged_at": record.deleted_at,
    }


def _merged(user: Any) -> QuerySet[AlumniRecord]:
    return record_scope(AlumniRecord.objects.all(), user).filter(
        merged_into__isnull=False, deleted_at__isnull=False
    )


# --- Endpoints ----------------------------------------------------------------------------------


@router.get(
    "/alumni/duplicates",
    response=list[CandidateOut],
    summary="Probable duplicate pairs in your scope, best score first",
)
@paginate(PageNumber)
@_resolved_annotations
def candidate_list(
    request: HttpRequest,
    status: Literal["open", "dismissed", "merged"] = Query("open"),
    min_score: int = Query(0, ge=0, le=100, description="Only pairs scored at least this."),
) -> Any:
    candidates = duplicates.candidates_visible_to(_user(request), status=status)
    if min_score:
        candidates = candidates.filter(score__gte=min_score)
    return _LazyPage(candidates, _candidate_out)


# The paginator counts and slices what a view returns: a lazy sequence renders only the page.
class _LazyPage:
    def __init__(self, queryset: QuerySet[Any], render: Callable[[Any], dict[str, Any]]) -> None:
        self.queryset, self.render = queryset, render

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [self.render(item) for item in self.queryset[key]]


@router.post(
    "/alumni/duplicates/detect",
    response={202: JobOut},
    summary="Start finding duplicate records (a background job over the whole archive)",
)
def detection_start(request: HttpRequest, payload: DetectIn) -> Any:
    user = _user(request)
    managed = administered_organizations(user)
    if payload.org_id is not None:
        org = managed.filter(pk=payload.org_id).first()
        if org is None:
            raise ApplicationError("permission_denied", status=403)
    else:
        org = managed.order_by("depth", "path").first()
    if not jobs.may_start(user, duplicates.FIND_DUPLICATES_JOB, org):
        raise ApplicationError("permission_denied", status=403)
    try:
        job = duplicates.duplicates_detection_start(actor=user, org=org)
    except PermissionDenied:
        raise ApplicationError("permission_denied", status=403) from None
    job.refresh_from_db()
    return Status(202, _job_out(job))


@router.get(
    "/alumni/duplicates/jobs/{job_id}",
    response=JobOut,
    summary="Progress and result of a duplicate detection job",
)
def detection_job(request: HttpRequest, job_id: int) -> Any:
    job = (
        jobs.jobs_visible_to(_user(request))
        .filter(kind=duplicates.FIND_DUPLICATES_JOB, pk=job_id)
        .first()
    )
    if job is None:
        raise ApplicationError("not_found", status=404)
    return _job_out(job)


@router.get(
    "/alumni/duplicates/{candidate_id}",
    response=CandidateDetailOut,
    summary="One pair with both records' comparable fields side by side",
)
def candidate_detail(request: HttpRequest, candidate_id: int) -> Any:
    candidate = _candidate(request, candidate_id)
    first, second = candidate.first, candidate.second
    return {
        **_candidate_out(candidate),
        "fields": _field_pairs(first, second),
        "first_custom_data": first.custom_data or {},
        "second_custom_data": second.custom_data or {},
    }


@router.post(
    "/alumni/duplicates/{candidate_id}/merge",
    response=RecordOut,
    summary="Merge the pair into one record, choosing field by field; returns the kept record",
)
def candidate_merge(request: HttpRequest, candidate_id: int, payload: MergeIn) -> Any:
    candidate = _candidate(request, candidate_id)
    if payload.keep in (None, candidate.first_id):
        keep, other = candidate.first, candidate.second
    elif payload.keep == candidate.second_id:
        keep, other = candidate.second, candidate.first
    else:
        raise ValidationError(
            [{"loc": ["body", "keep"], "msg": "not a record of this pair", "type": "value_error"}]
        )
    unknown = sorted(set(payload.choices) - set(merge_services.MERGE_FIELDS))
    if unknown:
        raise ValidationError(
            [
                {"loc": ["body", "choices", name], "msg": "unknown field", "type": "value_error"}
                for name in unknown
            ]
        )
    kept = merge_services.records_merge(
        actor=_user(request),
        keep=keep,
        other=other,
        choices=dict(payload.choices),
    )
    return _record_out(AlumniRecord.objects.get(pk=kept.pk))


@router.post(
    "/alumni/duplicates/{candidate_id}/dismiss",
    response=CandidateOut,
    summary="Mark a pair as not duplicates (detection will not propose it again)",
)
def candidate_dismiss(request: HttpRequest, candidate_id: int) -> Any:
    candidate = merge_services.duplicate_dismiss(
        actor=_user(request), candidate=_candidate(request, candidate_id)
    )
    return _candidate_out(candidate)


@router.get(
    "/alumni/merged-records",
    response=list[MergedRecordOut],
    summary="Records merged into another, newest first (each restorable)",
)
@paginate(PageNumber)
@_resolved_annotations
def merged_list(request: HttpRequest) -> Any:
    records = _merged(_user(request)).select_related("merged_into").order_by("-deleted_at", "-pk")
    return _LazyPage(records, _merged_out)


@router.post(
    "/alumni/merged-records/{record_id}/restore",
    response=RecordOut,
    summary="Bring a merged record back (what moved to the kept record stays there)",
)
def merged_restore(request: HttpRequest, record_id: int) -> Any:
    user = _user(request)
    record = _merged(user).filter(pk=record_id).first()
    if record is None:
        raise ApplicationError("not_found", status=404)
    restored = merge_services.record_merge_undo(actor=user, record=record)
    return _record_out(AlumniRecord.objects.get(pk=restored.pk))
