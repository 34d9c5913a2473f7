"""年度报告: an organization's giving year — exact totals net of refunds (integer fen), gifts,
donors, first-time vs repeat donors, raised and spent by project, the year's usage reports and
beneficiaries' posts, the scope (sub-organizations in, other organizations and drafts out), a
fixed number of queries; the hall page with its year selector and print styles, the PDF, and
the console's link."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.donations.factories import ProjectFactory
from tests.factories import UserFactory
from tests.organizations.org_support import console_login
from xiaoyou.donations.models import (
    BeneficiaryPost,
    Donation,
    DonationStatus,
    PostStatus,
    ProjectReport,
    ProjectStatus,
)
from xiaoyou.donations.selectors_report import ANNUAL_REPORT_QUERIES, annual_report

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
YEAR = timezone.localdate().year - 1


def _at(month: int, day: int, hour: int = 12, year: int = YEAR) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def _gift(project, user=None, *, amount, paid_at, refunded=0, first=False, **fields):
    status = fields.pop("status", DonationStatus.PAID)
    return Donation.objects.create(
        project=project,
        user=user,
        donor_name=fields.pop("donor_name", "校友"),
        amount=amount,
        refunded_amount=refunded,
        status=status,
        paid_at=paid_at,
        is_first_gift=first,
        **fields,
    )


def _report(project, *, spent, created_at, title="使用报告"):
    report = ProjectReport.objects.create(project=project, title=title, spent_amount=spent)
    ProjectReport.objects.filter(pk=report.pk).update(created_at=created_at)
    return report


@pytest.fixture
def year_of_giving(org_tree):
    """The college's projects A (college) and B (its club), a draft D of the college, and C of
    another college. In YEAR: u1 first gift 100.00 to A and 50.00 to B; u2 repeat 200.00 to A
    partly refunded (80.00); u3 first 30.00 to B wholly refunded; a public donor (phone) first
    12.34 to B; u1's 99.00 to the draft and u4's 500.00 to C do not count; u2's 1,000.00 of the
    year before and the gift of 1 January 00:30 of the year after (Shanghai) neither."""
    a = ProjectFactory(org=org_tree.college, title="A 奖学金")
    b = ProjectFactory(org=org_tree.club, title="B 球场", status=ProjectStatus.CLOSED)
    c = ProjectFactory(org=org_tree.other_college, title="C 经济")
    draft = ProjectFactory(org=org_tree.college, title="D 草稿", status=ProjectStatus.DRAFT)
    u1, u2, u3, u4 = (UserFactory() for _ in range(4))
    _gift(a, u1, amount=10000, paid_at=_at(1, 1, 0), first=True)  # 00:00 Shanghai: this year
    _gift(b, u1, amount=5000, paid_at=_at(6, 1))
    _gift(a, u2, amount=20000, refunded=8000, paid_at=_at(3, 3))
    _gift(
        b,
        u3,
        amount=3000,
        refunded=3000,
        status=DonationStatus.REFUNDED,
        paid_at=_at(4, 4),
        first=True,
    )
    _gift(b, None, amount=1234, paid_at=_at(12, 31, 23), phone="13800000001", first=True)
    _gift(draft, u1, amount=9900, paid_at=_at(5, 5))
    _gift(c, u4, amount=50000, paid_at=_at(5, 5), first=True)
    _gift(a, u2, amount=100000, paid_at=_at(12, 31, 23, year=YEAR - 1), first=True)
    _gift(a, u1, amount=7000, paid_at=dt.datetime(YEAR + 1, 1, 1, 0, 30, tzinfo=SHANGHAI))
    _gift(a, u4, amount=4000, status=DonationStatus.PENDING, paid_at=None)
    _report(a, spent=6000, created_at=_at(7, 1), title="A 上半年")
    _report(b, spent=2500, created_at=_at(9, 1), title="B 修缮")
    _report(a, spent=99999, created_at=_at(7, 1, year=YEAR - 1), title="A 去年")
    _report(c, spent=111, created_at=_at(7, 1), title="C 报告")
    student = UserFactory(display_name="小林同学")
    for body, status, published in (
        ("今年的感谢", PostStatus.PUBLISHED, _at(8, 8)),
        ("隐藏的帖子", PostStatus.HIDDEN, _at(8, 9)),
        ("去年的感谢", PostStatus.PUBLISHED, _at(8, 8, year=YEAR - 1)),
    ):
        BeneficiaryPost.objects.create(
            project=a, author=student, body=body, status=status, published_at=published
        )
    return a, b, c


def test_exact_totals_net_of_refunds(org_tree, year_of_giving, django_assert_num_queries):
    # A, B and C: the gifts above; C (another college) stays out.
    with django_assert_num_queries(ANNUAL_REPORT_QUERIES):
        report = annual_report(org_tree.college, YEAR)
    # 100.00 + 50.00 + (200.00 - 80.00) + 0 + 12.34
    assert report.raised == 28234
    assert report.gifts == 4  # the wholly refunded gift is no longer counted
    assert report.donors == 3  # u1, u2, the phone donor (u3's gift was wholly refunded)
    assert (report.first_time_donors, report.repeat_donors) == (2, 1)
    assert report.spent == 8500
    rows = [(row.title, row.raised, row.gifts, row.donors, row.spent) for row in report.projects]
    assert rows == [("A 奖学金", 22000, 2, 2, 6000), ("B 球场", 6234, 2, 2, 2500)]
    assert [item.title for item in report.reports] == ["B 修缮", "A 上半年"]
    assert [post.body for post in report.highlights] == ["今年的感谢"]
    assert report.years[0] == timezone.localdate().year and report.years[-1] == YEAR - 1
    club = annual_report(org_tree.club, YEAR)
    assert (club.raised, club.gifts, [row.title for row in club.projects]) == (
        6234,
        2,
        ["B 球场"],
    )
    empty = annual_report(org_tree.regional, YEAR)
    assert (empty.raised, empty.donors, empty.projects, empty.reports) == (0, 0, [], [])
    before = annual_report(org_tree.college, YEAR - 1)
    assert (before.raised, before.first_time_donors, before.spent) == (100000, 1, 99999)


def test_hall_page_year_selector_and_print_styles(client, org_tree, year_of_giving):
    url = reverse("hall:donation_annual_report", args=[org_tree.college.pk, YEAR])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "282.34" in html and "A 奖学金" in html and "C 经济" not in html
    assert "今年的感谢" in html and "隐藏的帖子" not in html and "A 上半年" in html
    assert "data-raised>282.34<" in html.replace(" ", "") or "282.34" in html
    assert f'<option value="{YEAR - 1}"' in html and "donations/report.css" in html
    assert reverse("hall:donation_annual_report_pdf", args=[org_tree.college.pk, YEAR]) in html
    latest = client.get(
        reverse("hall:donation_annual_report_latest", args=[org_tree.college.pk]),
        {"year": str(YEAR - 1)},
    )
    assert latest["Location"] == reverse(
        "hall:donation_annual_report", args=[org_tree.college.pk, YEAR - 1]
    )
    this_year = client.get(
        reverse("hall:donation_annual_report_latest", args=[org_tree.college.pk])
    )
    assert this_year["Location"].endswith(f"/{timezone.localdate().year}/")
    for bad in (
        reverse("hall:donation_annual_report", args=[org_tree.college.pk, 1999]),
        reverse("hall:donation_annual_report", args=[org_tree.college.pk, YEAR + 2]),
        reverse("hall:donation_annual_report", args=[987654, YEAR]),
    ):
        assert client.get(bad).status_code == 404
    css = (Path(settings.BASE_DIR) / "static/donations/report.css").read_text()
    assert "@media print" in css and ".hall-topnav" in css


def test_pdf_download(client, org_tree, year_of_giving):
    response = client.get(
        reverse("hall:donation_annual_report_pdf", args=[org_tree.college.pk, YEAR])
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    flat = re.sub(r"\s+", "", text)
    for expected in ("282.34", "220.00", "62.34", "85.00", "A奖学金", "B球场", "计算机学院校友会"):
        assert expected in flat, text
    assert "C经济" not in flat


def test_console_statistics_links_to_the_report(client, org_tree, college_admin):
    console_login(client, college_admin)
    html = client.get(reverse("console:donation_statistics")).content.decode()
    assert reverse("hall:donation_annual_report_latest", args=[org_tree.college.pk]) in html
