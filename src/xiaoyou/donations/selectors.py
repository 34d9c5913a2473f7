"""Reads of donation projects and gifts, scoped by the policy rules of donations/policy.py."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from xiaoyou.core import policy
from xiaoyou.donations.models import (
    Donation,
    DonationProject,
    DonationStatus,
    ProjectReport,
    ProjectStatus,
)

COUNTED = (DonationStatus.PAID, DonationStatus.REFUNDED)


def projects_managed_by(user: Any) -> QuerySet[DonationProject]:
    """Projects of the organizations the user administers (and their sub-organizations)."""
    return policy.scoped(DonationProject.objects.select_related("org"), user, "manage")


def projects_public() -> QuerySet[DonationProject]:
    """Projects the hall lists: raising first (recommended on top), then closed ones."""
    return DonationProject.objects.filter(
        status__in=[ProjectStatus.PUBLISHED, ProjectStatus.CLOSED]
    ).select_related("org")


def donations_managed_by(user: Any) -> QuerySet[Donation]:
    return policy.scoped(
        Donation.objects.select_related("project", "project__org", "payment"), user, "manage"
    )


def donor_wall(project: DonationProject, *, limit: int = 50) -> list[Donation]:
    """捐赠名录: the latest paid gifts (anonymous ones under "Anonymous alumnus")."""
    return list(
        Donation.objects.filter(project=project, status=DonationStatus.PAID)
        .only(
            "donor_name",
            "is_anonymous",
            "amount",
            "refunded_amount",
            "message",
            "class_label",
            "paid_at",
            "status",
            "project_id",
        )
        .order_by("-paid_at", "-id")[:limit]
    )


def donor_count(project: DonationProject) -> int:
    """Distinct donors of the project's paid gifts: accounts, else phones, else names."""
    gifts = Donation.objects.filter(project=project, status=DonationStatus.PAID)
    with_account = gifts.filter(user__isnull=False).values("user_id").distinct().count()
    without = (
        gifts.filter(user__isnull=True).values("phone", "email", "donor_name").distinct().count()
    )
    return with_account + without


def my_donations(user: Any) -> QuerySet[Donation]:
    return (
        Donation.objects.filter(user=user)
        .filter(Q(status__in=COUNTED) | Q(status=DonationStatus.PENDING))
        .select_related("project", "payment")
        .order_by("-created_at", "-id")
    )


def transparency(project: DonationProject) -> dict[str, Any]:
    """Raised (net of refunds), spent (the reports' sums) and the reports, newest first."""
    reports = list(ProjectReport.objects.filter(project=project).order_by("-created_at", "-id"))
    spent = sum(report.spent_amount for report in reports)
    return {
        "raised": project.raised_amount,
        "spent": spent,
        "balance": project.raised_amount - spent,
        "reports": reports,
    }


def totals_check(project: DonationProject) -> dict[str, int]:
    """The project's counters against its gifts (for tests, the console and benchmarks)."""
    row = Donation.objects.filter(project=project, status__in=COUNTED).aggregate(
        paid=Sum("amount"),
        refunded=Sum("refunded_amount"),
        gifts=Count("id", filter=Q(status=DonationStatus.PAID)),
    )
    return {
        "raised_amount": project.raised_amount,
        "gifts_net": int(row["paid"] or 0) - int(row["refunded"] or 0),
        "donation_count": project.donation_count,
        "gifts_paid": int(row["gifts"] or 0),
    }
