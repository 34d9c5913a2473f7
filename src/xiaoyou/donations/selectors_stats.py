"""项目统计: giving figures of a set of projects, each one GROUP BY in the database.

Every figure reads the counted gifts of the projects (paid, or refunded later), net of refunds
(`amount - refunded_amount`, integer fen), so a partial refund lowers the figures and a full
refund leaves the gift at 0. A donor is a person: the account when the gift had one, else the
phone, else the email, else the name (the same key as `selectors.donor_count`); a wholly
refunded gift makes no donor. Months are Asia/Shanghai months (the gift's `paid_at`).

`giving_statistics(projects, org)` answers with a fixed number of queries whatever the number
of gifts (GIVING_STATISTICS_QUERIES; the test asserts it).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Lower, TruncMonth

from xiaoyou.donations.models import Donation, DonationProject, DonationStatus

COUNTED = (DonationStatus.PAID, DonationStatus.REFUNDED)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# totals + first/repeat (1), project (1), organization (1), month (1), class year (1), the
# giving rate (3 small reads resolving the organization's alumni scope + 1 count).
GIVING_STATISTICS_QUERIES = 9


def net_amount() -> ExpressionWrapper:
    return ExpressionWrapper(F("amount") - F("refunded_amount"), output_field=IntegerField())


def donor_key() -> Case:
    """One text per donor: u<account>, else p<phone>, else e<email>, else n<name>."""
    return Case(
        When(
            user__isnull=False,
            then=Concat(Value("u"), Cast("user_id", output_field=CharField())),
        ),
        When(~Q(phone=""), then=Concat(Value("p"), F("phone"))),
        When(~Q(email=""), then=Concat(Value("e"), Lower("email"))),
        default=Concat(Value("n"), F("donor_name")),
        output_field=CharField(),
    )


def donor_count_expression(extra: Q | None = None) -> Count:
    """Distinct donors among gifts still (at least partly) standing."""
    condition = Q(status=DonationStatus.PAID)
    if extra is not None:
        condition &= extra
    return Count(donor_key(), distinct=True, filter=condition)


def figures() -> dict[str, Any]:
    """The aggregate columns every grouping reports: net raised, gifts, donors."""
    return {
        "raised": Sum(net_amount()),
        "gifts": Count("pk", filter=Q(status=DonationStatus.PAID)),
        "donors": donor_count_expression(),
    }


def grouped(queryset: QuerySet[Donation], *fields: Any) -> Any:
    """`queryset` grouped by `fields` with the figures of each group (rows as dicts)."""
    return queryset.values(*fields).annotate(**figures())


@dataclass(frozen=True)
class Period:
    """Asia/Shanghai dates, both included; None leaves that side open."""

    since: dt.date | None = None
    until: dt.date | None = None

    def q(self) -> Q:
        query = Q()
        if self.since:
            query &= Q(paid_at__gte=dt.datetime.combine(self.since, dt.time.min, SHANGHAI))
        if self.until:
            end = self.until + dt.timedelta(days=1)
            query &= Q(paid_at__lt=dt.datetime.combine(end, dt.time.min, SHANGHAI))
        return query


def counted_gifts(
    projects: QuerySet[DonationProject], period: Period | None = None
) -> QuerySet[Donation]:
    return Donation.objects.filter(
        (period or Period()).q(),
        project_id__in=projects.order_by().values("pk"),
        status__in=COUNTED,
    ).order_by()


@dataclass
class Row:
    label: Any
    raised: int = 0
    gifts: int = 0
    donors: int = 0
    key: Any = None


@dataclass
class GivingRate:
    """Verified alumni of the scope who gave, over the verified alumni of the scope."""

    donors: int = 0
    alumni: int = 0

    @property
    def percent(self) -> Decimal | None:
        if not self.alumni:
            return None
        return (Decimal(self.donors * 100) / Decimal(self.alumni)).quantize(Decimal("0.1"))


@dataclass
class GivingStatistics:
    raised: int = 0
    gifts: int = 0
    donors: int = 0
    first_time_donors: int = 0
    repeat_donors: int = 0
    first_gifts_raised: int = 0
    repeat_gifts_raised: int = 0
    by_project: list[Row] = field(default_factory=list)
    by_org: list[Row] = field(default_factory=list)
    by_month: list[Row] = field(default_factory=list)
    by_class_year: list[Row] = field(default_factory=list)
    rate: GivingRate = field(default_factory=GivingRate)


def _rows(queryset: QuerySet[Any], label: str, key: str | None = None) -> list[Row]:
    return [
        Row(
            label=row[label],
            raised=int(row["raised"] or 0),
            gifts=int(row["gifts"] or 0),
            donors=int(row["donors"] or 0),
            key=row[key] if key else None,
        )
        for row in queryset
    ]


def giving_rate(
    projects: QuerySet[DonationProject], org: Any, period: Period | None = None
) -> GivingRate:
    """校友捐赠率 of `org`'s scope, for the gifts to `projects`.

    - Alumni (the denominator): accounts linked to a live alumni record (not deleted, not
      merged away) whose verification is "verified", in `org`'s scope — records kept by `org`
      or an organization below it, or filed under a department linked to one of them (the
      reach of the alumni statistics, alumni.selectors_stats.org_records_q). A verified
      alumnus is exactly a person `directory.selectors.own_record` finds a record for.
    - Donors (the numerator): those alumni whose account made at least one gift to `projects`
      that is paid and not wholly refunded (paid inside `period` when one is given).
    - Rate: donors ÷ alumni, a percentage with one decimal; none when the scope has no
      verified alumni. Gifts without an account or from people outside the scope never count.
    """
    from xiaoyou.alumni.models import AlumniRecord, VerificationState
    from xiaoyou.alumni.selectors_stats import org_records_q

    if org is None:
        return GivingRate()
    givers = (
        Donation.objects.filter(
            (period or Period()).q(),
            project_id__in=projects.order_by().values("pk"),
            status=DonationStatus.PAID,
            user_id__isnull=False,
        )
        .order_by()
        .values("user_id")
    )
    row = (
        AlumniRecord.objects.filter(
            org_records_q(org),
            deleted_at__isnull=True,
            merged_into__isnull=True,
            verification=VerificationState.VERIFIED,
            user_id__isnull=False,
        )
        .order_by()
        .aggregate(
            alumni=Count("user_id", distinct=True),
            donors=Count("user_id", distinct=True, filter=Q(user_id__in=givers)),
        )
    )
    return GivingRate(donors=int(row["donors"] or 0), alumni=int(row["alumni"] or 0))


def giving_statistics(
    projects: QuerySet[DonationProject], org: Any, period: Period | None = None
) -> GivingStatistics:
    """The figures of the counted gifts to `projects` paid inside `period` (see the module's
    docstring), and the giving rate of `org`'s scope. GIVING_STATISTICS_QUERIES queries."""
    gifts = counted_gifts(projects, period)
    stats = GivingStatistics()
    totals = gifts.aggregate(
        **figures(),
        first_time_donors=donor_count_expression(Q(is_first_gift=True)),
        first_gifts_raised=Sum(net_amount(), filter=Q(is_first_gift=True)),
    )
    stats.raised = int(totals["raised"] or 0)
    stats.gifts = int(totals["gifts"] or 0)
    stats.donors = int(totals["donors"] or 0)
    stats.first_time_donors = int(totals["first_time_donors"] or 0)
    stats.repeat_donors = stats.donors - stats.first_time_donors
    stats.first_gifts_raised = int(totals["first_gifts_raised"] or 0)
    stats.repeat_gifts_raised = stats.raised - stats.first_gifts_raised
    stats.by_project = _rows(
        grouped(gifts, "project_id", "project__title").order_by("-raised", "project__title"),
        "project__title",
        "project_id",
    )
    stats.by_org = _rows(
        grouped(gifts, "project__org_id", "project__org__name").order_by(
            "-raised", "project__org__name"
        ),
        "project__org__name",
        "project__org_id",
    )
    stats.by_month = _rows(
        grouped(
            gifts.filter(paid_at__isnull=False).annotate(
                month=TruncMonth("paid_at", tzinfo=SHANGHAI)
            ),
            "month",
        ).order_by("month"),
        "month",
    )
    for row in stats.by_month:
        row.label = row.label.astimezone(SHANGHAI).strftime("%Y-%m")
    stats.by_class_year = _rows(
        grouped(gifts, "class_year").order_by(F("class_year").asc(nulls_last=True)),
        "class_year",
    )
    stats.rate = giving_rate(projects, org, period)
    return stats
