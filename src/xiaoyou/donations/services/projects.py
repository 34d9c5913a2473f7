"""发起项目: projects of an organization (its admins and the admins above manage them), their
usage reports (项目报告) and the progress updates sent to donors."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.richtext import sanitize
from xiaoyou.donations import errors
from xiaoyou.donations.models import DonationProject, ProjectReport, ProjectStatus

PROJECT_FIELDS = {
    "title", "summary", "story", "cover", "beneficiary", "beneficiary_org", "target_amount",
    "starts_at", "ends_at", "preset_amounts", "allow_custom_amount", "min_amount", "max_amount",
    "ask_class", "allow_anonymous", "offer_receipt", "visibility", "thank_you_text",
    "is_recommended",
}  # fmt: skip
MAX_PRESETS = 8


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - PROJECT_FIELDS
    if unknown:
        raise TypeError(f"unknown project fields: {sorted(unknown)}")
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            raise ApplicationError(errors.TITLE_REQUIRED)
    if "story" in fields:
        fields["story"] = sanitize(fields["story"] or "")
    if "preset_amounts" in fields:
        presets = fields["preset_amounts"] or []
        if len(presets) > MAX_PRESETS or any(
            isinstance(value, bool) or not isinstance(value, int) or value <= 0 for value in presets
        ):
            raise ApplicationError(errors.PRESETS_INVALID)
        fields["preset_amounts"] = sorted(set(presets))
    return fields


def _dates_check(project: DonationProject) -> None:
    if project.starts_at and project.ends_at and project.ends_at <= project.starts_at:
        raise ApplicationError(errors.DATES_INVALID)


def _changes(project: DonationProject, fields: dict[str, Any]) -> dict[str, list[Any]]:
    changes = {}
    for name, value in fields.items():
        old = getattr(project, name)
        if old != value and name != "cover":
            changes[name] = [str(old)[:100], str(value)[:100]]
    return changes


@transaction.atomic
def project_create(*, actor: Any, org: Any, **fields: Any) -> DonationProject:
    """A draft project of `org` (its admins and the admins above)."""
    policy.require(actor, "manage", DonationProject, org=org)
    fields = _clean(fields)
    project = DonationProject(org=org, created_by=actor, **fields)
    _dates_check(project)
    project.save()
    audit.record(
        actor=actor,
        action="donations.project.create",
        obj=project,
        changes={"title": [None, project.title]},
    )
    return project


@transaction.atomic
def project_update(*, actor: Any, project: DonationProject, **fields: Any) -> DonationProject:
    policy.require(actor, "manage", project)
    fields = _clean(fields)
    changes = _changes(project, fields)
    for name, value in fields.items():
        setattr(project, name, value)
    _dates_check(project)
    project.save()
    audit.record(actor=actor, action="donations.project.update", obj=project, changes=changes)
    return project


@transaction.atomic
def project_publish(*, actor: Any, project: DonationProject) -> DonationProject:
    policy.require(actor, "manage", project)
    project.status = ProjectStatus.PUBLISHED
    project.published_at = project.published_at or timezone.now()
    project.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(actor=actor, action="donations.project.publish", obj=project)
    return project


@transaction.atomic
def project_close(*, actor: Any, project: DonationProject) -> DonationProject:
    """Stops taking gifts (the project stays visible with its totals and reports)."""
    policy.require(actor, "manage", project)
    project.status = ProjectStatus.CLOSED
    project.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action="donations.project.close", obj=project)
    return project


@transaction.atomic
def report_add(
    *,
    actor: Any,
    project: DonationProject,
    title: str,
    body: str = "",
    file: Any = None,
    spent_amount: int = 0,
    period: str = "",
    notify_donors: bool = True,
) -> ProjectReport:
    """项目报告: a usage report (text, a PDF or an image, money spent); donors are told."""
    from xiaoyou.donations.tasks import project_update_notify

    policy.require(actor, "manage", project)
    title = title.strip()
    if not title:
        raise ApplicationError(errors.TITLE_REQUIRED)
    report = ProjectReport.objects.create(
        project=project,
        title=title[:120],
        body=body.strip(),
        file=file or "",
        spent_amount=max(int(spent_amount or 0), 0),
        period=period.strip()[:40],
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="donations.report.add",
        obj=report,
        changes={"title": [None, report.title], "spent": [None, report.spent_amount]},
    )
    if notify_donors:
        url = reverse("hall:donation_transparency", args=[project.pk])
        transaction.on_commit(lambda: project_update_notify.delay(project.pk, report.title, url))
    return report
