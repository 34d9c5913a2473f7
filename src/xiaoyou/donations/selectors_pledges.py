"""Reads of monthly pledges (月捐): the donor's own list and a project's list in the console,
each one query with the number of paid months counted in the database."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from xiaoyou.core import policy
from xiaoyou.donations.models import (
    Donation,
    DonationProject,
    DonationStatus,
    Pledge,
    PledgeStatus,
)

# A month counts as paid once its gift is paid (a later partial refund leaves it paid).
PAID = (DonationStatus.PAID,)


def _with_paid_months(queryset: QuerySet[Pledge]) -> QuerySet[Pledge]:
    """`paid_months` and `paid_amount` (fen, net of refunds) of each pledge, as subqueries."""
    gifts = (
        Donation.objects.filter(pledge=OuterRef("pk"), status__in=PAID).order_by().values("pledge")
    )
    months = gifts.annotate(count=Count("pk")).values("count")
    amount = gifts.annotate(total=Sum("amount") - Sum("refunded_amount")).values("total")
    return queryset.annotate(
        paid_months=Coalesce(Subquery(months, output_field=IntegerField()), Value(0)),
        paid_amount=Coalesce(Subquery(amount, output_field=IntegerField()), Value(0)),
    )


def my_pledges(user: Any) -> QuerySet[Pledge]:
    """我的月捐: the user's pledges, live ones first, with their project (one query)."""
    rank = Case(
        When(status=PledgeStatus.ACTIVE, then=Value(0)),
        When(status=PledgeStatus.PAUSED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return _with_paid_months(Pledge.objects.filter(user=user).select_related("project")).order_by(
        rank, "-created_at", "-id"
    )


def project_pledges(project: DonationProject, user: Any) -> QuerySet[Pledge]:
    """The project's pledges for its managers (scoped by the "manage" rule), with donors."""
    return _with_paid_months(
        policy.scoped(Pledge.objects.filter(project=project).select_related("user"), user, "manage")
    )
