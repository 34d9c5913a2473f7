"""捐赠日: what a giving day shows — totals, leaderboards by class year and by college, and its
challenges' progress — computed in the database from the gifts to its projects paid inside its
hours (`starts_at <= paid_at < ends_at`), net of refunds (selectors_stats).

The college of a gift is read at display time from the donor's account: its live, verified
alumni record's department, folded up to the college (a 系 counts for its 学院). Gifts without
an account or without such a record go under "Other"; class years come from the gift itself
(Donation.class_year, filled from the record or the form when the gift was made).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, When

from xiaoyou.core import policy
from xiaoyou.donations.models import (
    ChallengeKind,
    Donation,
    DonationProject,
    GivingChallenge,
    GivingDay,
    GivingDayStatus,
)
from xiaoyou.donations.selectors_stats import COUNTED, figures, grouped

LEADERBOARD_SIZE = 20
# totals (1), challenges (1), class years (1), colleges (1) and the department tree (1).
GIVING_DAY_QUERIES = 5


def giving_days_managed_by(user: Any) -> QuerySet[GivingDay]:
    """Giving days of the organizations the user administers (and their sub-organizations)."""
    return policy.scoped(GivingDay.objects.select_related("org"), user, "manage")


def giving_days_public() -> QuerySet[GivingDay]:
    return GivingDay.objects.filter(
        status__in=[GivingDayStatus.PUBLISHED, GivingDayStatus.CLOSED]
    ).select_related("org")


def day_projects(day: GivingDay) -> list[DonationProject]:
    return list(day.projects.select_related("org").order_by("title", "pk"))


def day_gifts(day: GivingDay) -> QuerySet[Donation]:
    return Donation.objects.filter(
        project__giving_days=day,
        status__in=COUNTED,
        paid_at__gte=day.starts_at,
        paid_at__lt=day.ends_at,
    ).order_by()


@dataclass
class ChallengeProgress:
    challenge: GivingChallenge
    value: int

    @property
    def is_unlocked(self) -> bool:
        return self.value >= self.challenge.threshold

    @property
    def percent(self) -> int:
        return min(100, int(self.value * 100 // max(self.challenge.threshold, 1)))

    @property
    def is_amount(self) -> bool:
        return self.challenge.kind == ChallengeKind.AMOUNT


@dataclass
class Place:
    label: str
    raised: int
    gifts: int
    donors: int


@dataclass
class GivingDayFigures:
    raised: int = 0
    gifts: int = 0
    donors: int = 0
    goal_percent: int = 0
    challenges: list[ChallengeProgress] = field(default_factory=list)
    by_class_year: list[Place] = field(default_factory=list)
    by_college: list[Place] = field(default_factory=list)


def _college_names() -> dict[int, str]:
    """Each department -> the name of its college (itself when it is a college or higher),
    following merges. The department tree is small: one query."""
    from xiaoyou.alumni.models import Department
    from xiaoyou.alumni.models.departments import DepartmentKind

    units = {
        row["pk"]: row
        for row in Department.objects.values("pk", "name", "kind", "parent_id", "merged_into_id")
    }

    def college(pk: int, depth: int = 0) -> str:
        unit = units[pk]
        if depth < 10 and unit["merged_into_id"] in units:
            return college(unit["merged_into_id"], depth + 1)
        if depth < 10 and unit["kind"] == DepartmentKind.DEPARTMENT and unit["parent_id"] in units:
            return college(unit["parent_id"], depth + 1)
        return str(unit["name"])

    return {pk: college(pk) for pk in units}


def _donor_department() -> Case:
    """The department of the donor's live, verified alumni record (else NULL)."""
    from xiaoyou.alumni.models import VerificationState

    record = "user__alumni_record__"
    return Case(
        When(
            Q(**{f"{record}verification": VerificationState.VERIFIED})
            & Q(**{f"{record}deleted_at__isnull": True})
            & Q(**{f"{record}merged_into__isnull": True}),
            then=F(f"{record}department_id"),
        ),
        default=None,
        output_field=IntegerField(),
    )


def _places(rows: list[tuple[str, int, int, int]]) -> list[Place]:
    places = [Place(label, raised, gifts, donors) for label, raised, gifts, donors in rows]
    places.sort(key=lambda place: (-place.raised, -place.donors, place.label))
    return places[:LEADERBOARD_SIZE]


def giving_day_figures(day: GivingDay, *, other_label: str = "") -> GivingDayFigures:
    """The day's totals, challenges and leaderboards (GIVING_DAY_QUERIES queries)."""
    gifts = day_gifts(day)
    result = GivingDayFigures()
    totals = gifts.aggregate(**figures())
    result.raised = int(totals["raised"] or 0)
    result.gifts = int(totals["gifts"] or 0)
    result.donors = int(totals["donors"] or 0)
    if day.goal_amount:
        result.goal_percent = min(100, int(result.raised * 100 // day.goal_amount))
    result.challenges = [
        ChallengeProgress(
            challenge,
            result.donors if challenge.kind == ChallengeKind.DONORS else result.raised,
        )
        for challenge in GivingChallenge.objects.filter(giving_day=day).order_by(
            "position", "threshold", "pk"
        )
    ]
    by_year = grouped(gifts, "class_year")
    result.by_class_year = _places(
        [
            (
                str(row["class_year"]) if row["class_year"] else other_label,
                int(row["raised"] or 0),
                int(row["gifts"] or 0),
                int(row["donors"] or 0),
            )
            for row in by_year
        ]
    )
    rows = list(grouped(gifts.annotate(department=_donor_department()), "department"))
    names = _college_names()
    colleges: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        name = names.get(row["department"], other_label) if row["department"] else other_label
        colleges[name][0] += int(row["raised"] or 0)
        colleges[name][1] += int(row["gifts"] or 0)
        # A donor's gifts share one department (one record per account): no double count.
        colleges[name][2] += int(row["donors"] or 0)
    result.by_college = _places(
        [(name, raised, gifts_, donors) for name, (raised, gifts_, donors) in colleges.items()]
    )
    return result


def giving_days_on_now() -> list[GivingDay]:
    """Published giving days under way now (the hall's list shows them on top)."""
    from django.utils import timezone

    now = timezone.now()
    return list(
        GivingDay.objects.filter(
            status=GivingDayStatus.PUBLISHED, starts_at__lte=now, ends_at__gt=now
        ).order_by("ends_at", "pk")[:3]
    )
