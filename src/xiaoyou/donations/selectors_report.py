"""年度报告: an organization's giving year, for the hall's annual report page and its PDF.

Scope: the public projects (raising or closed) of the organization and its sub-organizations.
Year: an Asia/Shanghai calendar year. Figures follow selectors_stats: a gift counts in the year
it was paid, net of its refunds (integer fen; a wholly refunded gift counts 0 and makes no
donor); a first-time donor is one whose first gift to the platform was paid that year, the
others are repeat donors. Spent is the sum of the usage reports uploaded that year.

`annual_report` answers with ANNUAL_REPORT_QUERIES queries whatever the number of gifts,
projects and reports (the test asserts it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from xiaoyou.donations.models import (
    BeneficiaryPost,
    Donation,
    DonationProject,
    PostStatus,
    ProjectReport,
    ProjectStatus,
)
from xiaoyou.donations.selectors_stats import (
    COUNTED,
    SHANGHAI,
    Period,
    counted_gifts,
    donor_count_expression,
    figures,
    grouped,
)

# totals (1), raised by project (1), the year's reports (1), post highlights (1), first year (1)
ANNUAL_REPORT_QUERIES = 5
HIGHLIGHTS = 6


@dataclass
class ProjectYear:
    project_id: int
    title: str
    raised: int = 0
    gifts: int = 0
    donors: int = 0
    spent: int = 0


@dataclass
class AnnualReport:
    org: Any
    year: int
    raised: int = 0
    gifts: int = 0
    donors: int = 0
    first_time_donors: int = 0
    repeat_donors: int = 0
    spent: int = 0
    projects: list[ProjectYear] = field(default_factory=list)
    reports: list[ProjectReport] = field(default_factory=list)
    highlights: list[BeneficiaryPost] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


def report_projects(org: Any) -> QuerySet[DonationProject]:
    """The public projects of `org` and its sub-organizations."""
    return DonationProject.objects.filter(
        org__path__startswith=org.path,
        status__in=[ProjectStatus.PUBLISHED, ProjectStatus.CLOSED],
    )


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The Asia/Shanghai year as [start, end) aware datetimes."""
    return (
        dt.datetime(year, 1, 1, tzinfo=SHANGHAI),
        dt.datetime(year + 1, 1, 1, tzinfo=SHANGHAI),
    )


def report_years(projects: QuerySet[DonationProject]) -> list[int]:
    """From the year of the first paid gift (or this year) to this year, newest first."""
    this_year = timezone.localdate().year
    first = (
        Donation.objects.filter(project_id__in=projects.order_by().values("pk"), status__in=COUNTED)
        .order_by()
        .aggregate(first=Min("paid_at"))["first"]
    )
    start = min(first.astimezone(SHANGHAI).year, this_year) if first else this_year
    return list(range(this_year, start - 1, -1))


def annual_report(org: Any, year: int) -> AnnualReport:
    """The figures of `org`'s giving in `year` (see the module's docstring)."""
    projects = report_projects(org)
    gifts = counted_gifts(projects, Period(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    report = AnnualReport(org=org, year=year)
    totals = gifts.aggregate(
        **figures(),
        first_time_donors=donor_count_expression(Q(is_first_gift=True)),
    )
    report.raised = int(totals["raised"] or 0)
    report.gifts = int(totals["gifts"] or 0)
    report.donors = int(totals["donors"] or 0)
    report.first_time_donors = int(totals["first_time_donors"] or 0)
    report.repeat_donors = report.donors - report.first_time_donors
    rows: dict[int, ProjectYear] = {}
    for row in grouped(gifts, "project_id", "project__title"):
        rows[row["project_id"]] = ProjectYear(
            project_id=row["project_id"],
            title=row["project__title"],
            raised=int(row["raised"] or 0),
            gifts=int(row["gifts"] or 0),
            donors=int(row["donors"] or 0),
        )
    start, end = year_bounds(year)
    report.reports = list(
        ProjectReport.objects.filter(
            project_id__in=projects.order_by().values("pk"),
            created_at__gte=start,
            created_at__lt=end,
        )
        .select_related("project")
        .order_by("-created_at", "-id")
    )
    for item in report.reports:
        row = rows.setdefault(
            item.project_id, ProjectYear(project_id=item.project_id, title=item.project.title)
        )
        row.spent += item.spent_amount
    report.spent = sum(row.spent for row in rows.values())
    report.projects = sorted(rows.values(), key=lambda row: (-row.raised, -row.spent, row.title))
    report.highlights = list(
        BeneficiaryPost.objects.filter(
            project_id__in=projects.order_by().values("pk"),
            status=PostStatus.PUBLISHED,
            published_at__gte=start,
            published_at__lt=end,
        )
        .select_related("project", "author")
        .order_by("-published_at", "-id")[:HIGHLIGHTS]
    )
    report.years = report_years(projects)
    return report
