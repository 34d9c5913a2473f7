"""Statistics of an organization's members (会员统计): joined per month with the running total,
and breakdowns by department, year of graduation, city and industry from the alumni records
linked to the memberships (Membership.alumni_record).

Who counts: the active members of the organization; for the main association, the active
members of its whole tree ("members of every sub-organization are members of the main
association"), each person once. Two memberships are the same person when they share an
account, an alumni record or a mobile number; a person's join date is their earliest one and
their attributes come from the first of their memberships that has a record.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from xiaoyou.organizations.models import (
    Membership,
    MembershipStatus,
    Organization,
    OrganizationKind,
)

UNKNOWN = ""  # the label of "not known" buckets; pages and exports show a translated word


@dataclass(frozen=True)
class Person:
    joined_at: dt.datetime
    department: str
    graduation_year: int | None
    city: str
    industry: str


@dataclass(frozen=True)
class Bucket:
    label: str  # UNKNOWN when the records do not say
    count: int


@dataclass(frozen=True)
class MonthPoint:
    month: str  # "2024-03", in China Standard Time
    joined: int
    total: int  # members at the end of the month (cumulative)


@dataclass(frozen=True)
class OrganizationStatistics:
    org: Organization
    includes_subtree: bool
    total: int
    months: list[MonthPoint]
    departments: list[Bucket]
    graduation_years: list[Bucket]
    cities: list[Bucket]
    industries: list[Bucket]

    @property
    def recorded(self) -> int:
        """Members whose alumni record gives their department (matched to a record)."""
        return self.total - sum(b.count for b in self.departments if b.label == UNKNOWN)


def counts_subtree(org: Organization) -> bool:
    """The main association counts the members of its whole tree; others their own."""
    return org.kind == OrganizationKind.MAIN


def statistics_memberships(org: Organization) -> QuerySet[Membership]:
    """The active memberships that the statistics of `org` are computed from."""
    memberships = Membership.objects.filter(status=MembershipStatus.ACTIVE)
    if counts_subtree(org):
        return memberships.filter(org__path__startswith=org.path)
    return memberships.filter(org=org)


def _phone_key(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


class _Groups:
    """Union-find over membership rows: rows sharing an identity key are one person."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, index: int) -> int:
        while self.parent[index] != index:
            self.parent[index] = self.parent[self.parent[index]]
            index = self.parent[index]
        return index

    def join(self, first: int, second: int) -> None:
        root_first, root_second = self.find(first), self.find(second)
        if root_first != root_second:
            self.parent[max(root_first, root_second)] = min(root_first, root_second)


def members_people(org: Organization) -> list[Person]:
    """The distinct people counted for `org`, in one query."""
    rows = list(
        statistics_memberships(org)
        .order_by("joined_at", "pk")
        .values_list(
            "user_id",
            "alumni_record_id",
            "phone",
            "joined_at",
            "alumni_record__department__name",
            "alumni_record__graduation_year",
            "alumni_record__city",
            "alumni_record__industry",
        )
    )
    groups = _Groups(len(rows))
    first_with_key: dict[str, int] = {}
    for index, (user_id, record_id, phone, *_rest) in enumerate(rows):
        keys = []
        if user_id:
            keys.append(f"user:{user_id}")
        if record_id:
            keys.append(f"record:{record_id}")
        phone_key = _phone_key(phone)
        if phone_key:
            keys.append(f"phone:{phone_key}")
        for key in keys:
            if key in first_with_key:
                groups.join(first_with_key[key], index)
            else:
                first_with_key[key] = index
    people: dict[int, list[tuple[Any, ...]]] = {}
    for index, row in enumerate(rows):
        people.setdefault(groups.find(index), []).append(row)
    result = []
    for person_rows in people.values():
        # Rows are in join order: the first is the earliest join.
        with_record = next((row for row in person_rows if row[1]), None)
        _user, _record, _phone, _joined, department, year, city, industry = (
            with_record or person_rows[0]
        )
        result.append(
            Person(
                joined_at=person_rows[0][3],
                department=(department or "").strip(),
                graduation_year=year,
                city=(city or "").strip(),
                industry=(industry or "").strip(),
            )
        )
    return result


def _month(moment: dt.datetime) -> tuple[int, int]:
    local = timezone.localtime(moment)
    return (local.year, local.month)


def months_series(people: Iterable[Person], *, until: dt.date | None = None) -> list[MonthPoint]:
    """Members joined per month from the first join to `until` (today), gaps as zero."""
    joined = Counter(_month(person.joined_at) for person in people)
    if not joined:
        return []
    end_day = until or timezone.localdate()
    year, month = min(joined)
    end = max((end_day.year, end_day.month), max(joined))
    points = []
    total = 0
    while (year, month) <= end:
        count = joined.get((year, month), 0)
        total += count
        points.append(MonthPoint(month=f"{year:04d}-{month:02d}", joined=count, total=total))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return points


def _by_count(values: Iterable[str]) -> list[Bucket]:
    counts = Counter(values)
    known = sorted(
        (Bucket(label, count) for label, count in counts.items() if label != UNKNOWN),
        key=lambda bucket: (-bucket.count, bucket.label),
    )
    return known + ([Bucket(UNKNOWN, counts[UNKNOWN])] if counts.get(UNKNOWN) else [])


def _by_year(values: Iterable[int | None]) -> list[Bucket]:
    counts = Counter(values)
    known = [Bucket(str(year), counts[year]) for year in sorted(y for y in counts if y is not None)]
    return known + ([Bucket(UNKNOWN, counts[None])] if counts.get(None) else [])


def organization_statistics(
    org: Organization, *, until: dt.date | None = None
) -> OrganizationStatistics:
    """Every figure of the statistics page of `org` (the caller checks "view_stats")."""
    people = members_people(org)
    return OrganizationStatistics(
        org=org,
        includes_subtree=counts_subtree(org),
        total=len(people),
        months=months_series(people, until=until),
        departments=_by_count(person.department for person in people),
        graduation_years=_by_year(person.graduation_year for person in people),
        cities=_by_count(person.city for person in people),
        industries=_by_count(person.industry for person in people),
    )
