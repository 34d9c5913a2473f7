"""Reads of information campaigns (信息采集): who sees which campaign, the audience of a
campaign in the archive and how far it has got (overall, per class, per classmate)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from xiaoyou.alumni.models import (
    AlumniRecord,
    CollectionCampaign,
    CollectionResponse,
    Department,
    ResponseStatus,
)
from xiaoyou.core import policy


def campaigns_visible_to(user: Any) -> QuerySet[CollectionCampaign]:
    """Campaigns of the organizations the user administers (and below), newest first."""
    return policy.scoped(
        CollectionCampaign.objects.select_related("org", "created_by"), user, "view"
    ).order_by("-created_at", "-id")


def campaigns_followed_by(user: Any) -> QuerySet[CollectionCampaign]:
    """Campaigns the user follows in the hall: as a liaison (联络人) or as their creator."""
    if not getattr(user, "is_authenticated", False):
        return CollectionCampaign.objects.none()
    ids = CollectionCampaign.objects.filter(Q(liaisons=user) | Q(created_by=user)).values("pk")
    return (
        CollectionCampaign.objects.filter(pk__in=ids)
        .select_related("org")
        .order_by("-created_at", "-id")
    )


def campaign_by_code(code: str) -> CollectionCampaign | None:
    return CollectionCampaign.objects.select_related("org").filter(code=code).first()


def org_records_q(org: Any) -> Q:
    """Records an organization's admins reach (policy.record_scope_q, for an organization
    instead of a user): kept by the organization or below, or filed under a department linked
    to one of those organizations (two unit levels down, or merged into it)."""
    kept = Q(org__path__startswith=org.path)
    linked = Department.objects.filter(org__path__startswith=org.path).values("pk")
    units = Department.objects.filter(
        Q(pk__in=linked)
        | Q(parent__in=linked)
        | Q(parent__parent__in=linked)
        | Q(merged_into__in=linked)
    ).values("pk")
    return kept | Q(department_id__in=units)


def campaign_records(campaign: CollectionCampaign) -> QuerySet[AlumniRecord]:
    """Live records a campaign may write to: those in reach of the campaign's organization."""
    return AlumniRecord.objects.filter(org_records_q(campaign.org), deleted_at__isnull=True)


def audience_q(audience: dict[str, Any]) -> Q:
    query = Q()
    if audience.get("graduation_year"):
        query &= Q(graduation_year=int(audience["graduation_year"]))
    if audience.get("department"):
        department = int(audience["department"])
        query &= Q(
            Q(department_id=department)
            | Q(department__parent_id=department)
            | Q(department__merged_into_id=department)
        )
    if audience.get("class_name"):
        query &= Q(class_name=str(audience["class_name"]))
    return query


def audience_records(campaign: CollectionCampaign) -> QuerySet[AlumniRecord]:
    """The archive's records the campaign is meant for (its audience, in its reach)."""
    return campaign_records(campaign).filter(audience_q(campaign.audience or {}))


def responses_of(campaign: CollectionCampaign) -> QuerySet[CollectionResponse]:
    return (
        CollectionResponse.objects.filter(campaign=campaign)
        .select_related("record", "user")
        .order_by("-updated_at", "-id")
    )


@dataclass
class ClassProgress:
    class_name: str
    total: int
    answered: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


@dataclass
class Progress:
    audience: int
    answered: int  # audience records with a response
    responses: int
    by_status: dict[str, int] = field(default_factory=dict)
    classes: list[ClassProgress] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.answered / self.audience)) if self.audience else 0


def campaign_progress(campaign: CollectionCampaign, *, with_classes: bool = True) -> Progress:
    """Audience size, answered (distinct audience records with a response), responses by
    status and the per-class breakdown; a fixed number of queries whatever the sizes."""
    answered_ids = CollectionResponse.objects.filter(
        campaign=campaign, record__isnull=False
    ).values("record_id")
    audience = audience_records(campaign)
    by_status = dict(
        CollectionResponse.objects.filter(campaign=campaign)
        .order_by()
        .values_list("status")
        .annotate(total=Count("id"))
        .values_list("status", "total")
    )
    progress = Progress(
        audience=audience.count(),
        answered=audience.filter(pk__in=answered_ids).count(),
        responses=sum(by_status.values()),
        by_status={status: by_status.get(status, 0) for status in ResponseStatus.values},
    )
    if with_classes:
        rows = (
            audience.order_by()
            .values("class_name")
            .annotate(
                total=Count("id", distinct=True),
                answered=Count("id", filter=Q(pk__in=answered_ids), distinct=True),
            )
            .order_by("class_name")
        )
        progress.classes = [
            ClassProgress(row["class_name"] or "", row["total"], row["answered"]) for row in rows
        ]
    return progress


@dataclass
class Classmate:
    name: str
    class_name: str
    phone: str  # raw; templates show it masked
    answered: bool


def liaison_roster(campaign: CollectionCampaign, limit: int = 500) -> list[Classmate]:
    """The audience by name with whether each has answered (names and masked phones only)."""
    answered_ids = set(
        CollectionResponse.objects.filter(campaign=campaign, record__isnull=False).values_list(
            "record_id", flat=True
        )
    )
    rows = audience_records(campaign).order_by("class_name", "name", "id")[:limit]
    return [
        Classmate(
            name=row.name,
            class_name=row.class_name,
            phone=row.phone,
            answered=row.pk in answered_ids,
        )
        for row in rows.only("id", "name", "class_name", "phone")
    ]
