"""校友招聘: verified alumni post jobs (reviewed in the core queue), alumni apply with a resume,
the poster reads the applications."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from xiaoyou.core import audit, policy, reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.discovery.models import (
    JobApplication,
    JobPosting,
    PostingKind,
    PostingStatus,
)

POSTING_REVIEW_KIND = "discovery.job_posting"
RESUME_MAX_MB = 5
# Extension -> the first bytes every such file starts with (PDF, OOXML zip, OLE2 compound file).
RESUME_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}


def posting_org_for(user: Any) -> Any:
    """The association a verified alumnus posts to: the keeper of their verified record."""
    from xiaoyou.alumni.models import AlumniRecord, VerificationState

    record = (
        AlumniRecord.objects.filter(
            user_id=user.pk, deleted_at__isnull=True, verification=VerificationState.VERIFIED
        )
        .select_related("org")
        .first()
    )
    return record.org if record is not None else None


@transaction.atomic
def job_posting_create(
    *,
    actor: Any,
    company: str,
    title: str,
    kind: str,
    city: str,
    industry: str,
    salary: str,
    description: str,
) -> JobPosting:
    """Creates a posting waiting for review by its organization's admins; verified alumni only."""
    org = posting_org_for(actor)
    if org is None:
        raise ApplicationError("discovery_may_not_post", status=403)
    if not title.strip():
        raise ApplicationError("discovery_job_title_required")
    posting = JobPosting(
        org=org,
        poster=actor,
        company=company.strip()[:120],
        title=title.strip()[:120],
        kind=kind if kind in PostingKind.values else PostingKind.JOB,
        city=city.strip()[:60],
        industry=industry.strip()[:60],
        salary=salary.strip()[:60],
        description=description.strip(),
    )
    policy.require(actor, "post", posting)
    posting.save()
    reviews.review_submit(
        obj=posting,
        submitter=actor,
        org=org,
        kind=POSTING_REVIEW_KIND,
        summary=f"{posting.title} · {posting.company} · {posting.city}",
    )
    return posting


@transaction.atomic
def job_posting_close(*, actor: Any, posting: JobPosting) -> JobPosting:
    """The poster (or an admin) stops taking applications; audited."""
    posting = JobPosting.objects.select_for_update().get(pk=posting.pk)
    policy.require(actor, "manage", posting)
    before = posting.status
    if before == PostingStatus.PENDING:
        reviews.review_withdraw(obj=posting, actor=actor, reason="closed")
    posting.status = PostingStatus.CLOSED
    posting.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="discovery.job.close",
        obj=posting,
        org=posting.org,
        changes={"status": [before, PostingStatus.CLOSED]},
    )
    return posting


def _check_resume(resume: UploadedFile) -> str:
    name = resume.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in RESUME_SIGNATURES:
        raise ApplicationError("discovery_resume_type")
    if resume.size is None or resume.size > RESUME_MAX_MB * 1024 * 1024:
        raise ApplicationError("discovery_resume_size", limit=RESUME_MAX_MB)
    resume.seek(0)
    head = resume.read(8)
    resume.seek(0)
    if not any(head.startswith(signature) for signature in RESUME_SIGNATURES[extension]):
        raise ApplicationError("discovery_resume_type")
    return name


@transaction.atomic
def job_apply(
    *, actor: Any, posting: JobPosting, resume: UploadedFile, message: str = ""
) -> JobApplication:
    """Applies for a published job with a resume (PDF or Word, checked by content, at most
    RESUME_MAX_MB); once per person and job, never one's own."""
    posting = JobPosting.objects.select_for_update().get(pk=posting.pk)
    if posting.status != PostingStatus.PUBLISHED:
        raise ApplicationError("discovery_job_not_open", status=409)
    if posting.poster_id == actor.pk:
        raise ApplicationError("discovery_own_job", status=409)
    policy.require(actor, "apply", posting)
    name = _check_resume(resume)
    if JobApplication.objects.filter(posting=posting, applicant=actor).exists():
        raise ApplicationError("discovery_already_applied", status=409)
    application = JobApplication(
        posting=posting, applicant=actor, resume_name=name[:200], message=message.strip()[:2000]
    )
    application.resume.save(name, resume, save=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ApplicationError("discovery_already_applied", status=409) from None
    return application


# --- Review queue -------------------------------------------------------------------------------


def _approve(posting: JobPosting, *, item: Any, actor: Any, reason: str) -> None:
    JobPosting.objects.filter(pk=posting.pk).update(
        status=PostingStatus.PUBLISHED, published_at=timezone.now(), updated_at=timezone.now()
    )


def _reject(posting: JobPosting, *, item: Any, actor: Any, reason: str) -> None:
    JobPosting.objects.filter(pk=posting.pk).update(
        status=PostingStatus.REJECTED, updated_at=timezone.now()
    )


def _details(posting: JobPosting) -> list[tuple[Any, Any]]:
    from django.utils.translation import gettext_lazy as _

    return [
        (_("Company"), posting.company),
        (_("Job title"), posting.title),
        (_("Type"), posting.get_kind_display()),
        (_("City"), posting.city),
        (_("Industry"), posting.industry),
        (_("Salary"), posting.salary),
        (_("Description"), posting.description),
        (_("Posted by"), str(posting.poster)),
    ]


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    reviews.register(
        POSTING_REVIEW_KIND,
        model=JobPosting,
        label=_("Job postings"),
        on_approve=_approve,
        on_reject=_reject,
        details=_details,
        order=90,
    )
