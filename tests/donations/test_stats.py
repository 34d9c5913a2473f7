"""项目统计: exact figures on a small fixture (net of refunds, Asia/Shanghai months, class
years, first-time vs repeat donors, the alumni giving rate), the query count, the console page
and its Excel export, and scope (another organization's admin sees none of it)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.donations.factories import ProjectFactory
from tests.factories import AlumniRecordFactory, DepartmentFactory, UserFactory
from tests.organizations.org_support import console_login
from xiaoyou.alumni.models import VerificationState
from xiaoyou.donations.models import Donation, DonationProject, DonationStatus
from xiaoyou.donations.selectors_stats import GIVING_STATISTICS_QUERIES, giving_statistics

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def _at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


def _gift(project, user=None, *, amount, paid_at, refunded=0, status=DonationStatus.PAID, **kw):
    return Donation.objects.create(
        project=project,
        user=user,
        donor_name=kw.pop("donor_name", "校友"),
        amount=amount,
        refunded_amount=refunded,
        status=status,
        paid_at=paid_at,
        **kw,
    )


def _verified(user, org, **fields):
    return AlumniRecordFactory(
        org=org, user=user, verification=VerificationState.VERIFIED, **fields
    )


@pytest.fixture
def giving(org_tree):
    """Two projects of the college's scope (A of the college, B of its club) and one of another
    college (C). Six people: u1, u2 (verified, kept by the college), u3 (unverified), u4
    (verified, other college), u5 (verified, the club, never gave), u6 (verified, kept by the
    main association but filed under a department linked to the college); a public donor."""
    a = ProjectFactory(org=org_tree.college, title="A 奖学金")
    b = ProjectFactory(org=org_tree.club, title="B 球场")
    c = ProjectFactory(org=org_tree.other_college, title="C 经济")
    u1, u2, u3, u4, u5, u6 = (UserFactory() for _ in range(6))
    _verified(u1, org_tree.college)
    _verified(u2, org_tree.college)
    AlumniRecordFactory(org=org_tree.college, user=u3)  # not verified
    _verified(u4, org_tree.other_college)
    _verified(u5, org_tree.club)
    _verified(u6, org_tree.root, department=DepartmentFactory(org=org_tree.college))
    _verified(None, org_tree.college)  # no account: not an alumnus who could give
    _verified(UserFactory(), org_tree.college, deleted_at=_at(2026, 1, 1))  # deleted record
    _gift(a, u1, amount=10000, paid_at=_at(2026, 1, 10, 3), class_year=2005, is_first_gift=True)
    # 2026-01-31 17:00 UTC is 2026-02-01 01:00 in Shanghai: February.
    _gift(b, u1, amount=5000, paid_at=_at(2026, 1, 31, 17), class_year=2005)
    _gift(
        a,
        amount=20000,
        refunded=5000,
        paid_at=_at(2026, 2, 15),
        phone="+8613900000001",
        is_first_gift=True,
    )
    _gift(
        a,
        u2,
        amount=3000,
        refunded=3000,
        status=DonationStatus.REFUNDED,
        paid_at=_at(2026, 3, 1),
        class_year=2010,
        is_first_gift=True,
    )
    _gift(b, u3, amount=8000, paid_at=_at(2026, 3, 5), class_year=2010)
    _gift(a, u6, amount=1000, paid_at=_at(2026, 3, 10), class_year=2012, is_first_gift=True)
    _gift(c, u4, amount=99999, paid_at=_at(2026, 3, 1), class_year=2010, is_first_gift=True)
    _gift(a, u2, amount=7000, paid_at=None, status=DonationStatus.PENDING)
    return a, b, c


def _college_projects(org_tree):
    return DonationProject.objects.filter(org__path__startswith=org_tree.college.path)


def test_exact_figures(org_tree, giving):
    a, b, _c = giving
    stats = giving_statistics(_college_projects(org_tree), org_tree.college)
    assert (stats.raised, stats.gifts, stats.donors) == (39000, 5, 4)
    assert (stats.first_time_donors, stats.repeat_donors) == (3, 1)
    assert (stats.first_gifts_raised, stats.repeat_gifts_raised) == (26000, 13000)
    assert [(r.key, r.label, r.raised, r.gifts, r.donors) for r in stats.by_project] == [
        (a.pk, "A 奖学金", 26000, 3, 3),
        (b.pk, "B 球场", 13000, 2, 2),
    ]
    assert [(r.label, r.raised, r.gifts, r.donors) for r in stats.by_org] == [
        (org_tree.college.name, 26000, 3, 3),
        (org_tree.club.name, 13000, 2, 2),
    ]
    assert [(r.label, r.raised, r.gifts, r.donors) for r in stats.by_month] == [
        ("2026-01", 10000, 1, 1),
        ("2026-02", 20000, 2, 2),
        ("2026-03", 9000, 2, 2),
    ]
    assert [(r.label, r.raised, r.gifts, r.donors) for r in stats.by_class_year] == [
        (2005, 15000, 2, 1),
        (2010, 8000, 1, 1),
        (2012, 1000, 1, 1),
        (None, 15000, 1, 1),
    ]
    # Verified alumni of the college's scope: u1, u2, u5 (club), u6 (department) = 4;
    # of them u1 and u6 gave (u2's only gift was wholly refunded).
    assert (stats.rate.donors, stats.rate.alumni, stats.rate.percent) == (2, 4, Decimal("50.0"))


def test_a_constant_number_of_queries(org_tree, giving, django_assert_num_queries):
    projects = _college_projects(org_tree)
    with django_assert_num_queries(GIVING_STATISTICS_QUERIES):
        giving_statistics(projects, org_tree.college)
    for index in range(20):
        _gift(giving[1], UserFactory(), amount=100 + index, paid_at=_at(2026, 4, 1 + index))
    with django_assert_num_queries(GIVING_STATISTICS_QUERIES):
        stats = giving_statistics(projects, org_tree.college)
    assert stats.donors == 24 and len(stats.by_month) == 4


def test_no_gifts_no_alumni(org_tree):
    stats = giving_statistics(_college_projects(org_tree), org_tree.college)
    assert (stats.raised, stats.gifts, stats.donors, stats.by_project) == (0, 0, 0, [])
    assert stats.rate.percent is None


def test_console_page_and_export(client, org_tree, giving, college_admin):
    console_login(client, college_admin)
    response = client.get(reverse("console:donation_statistics"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "¥390.00" in html and "50.0%" in html
    assert 'data-chart="months"' in html and "vendor/echarts.min.js" in html
    assert "C 经济" not in html
    charts = response.context["charts"]
    assert charts["months"]["labels"] == ["2026-01", "2026-02", "2026-03"]
    assert charts["months"]["values"] == [100.0, 200.0, 90.0]
    assert charts["donors"]["values"] == [3, 1]
    export = client.get(reverse("console:donation_statistics_export"))
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][2:5] == ["390.00", 5, 4]
    assert rows[4][4:7] == [2, 4, "50.0"]
    assert ["B 球场", "130.00", 2, 2] in [row[1:5] for row in rows]


def test_another_organizations_admin_sees_none_of_it(client, org_tree, giving, regional_admin):
    console_login(client, regional_admin)
    response = client.get(reverse("console:donation_statistics"))
    assert response.status_code == 200
    stats = response.context["stats"]
    assert (stats.raised, stats.gifts, stats.by_project) == (0, 0, [])
    assert "A 奖学金" not in response.content.decode()


def test_not_for_alumni(client, org_tree, verified_alumnus):
    client.force_login(verified_alumnus)
    assert client.get(reverse("console:donation_statistics")).status_code == 403
    client.logout()
    assert client.get(reverse("console:donation_statistics")).status_code == 302


def test_console_page_queries_do_not_grow_with_gifts(client, org_tree, giving, college_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    console_login(client, college_admin)
    url = reverse("console:donation_statistics")
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for index in range(12):
        _gift(
            giving[0], UserFactory(), amount=100, paid_at=_at(2025, 1 + index, 5), class_year=1990
        )
    assert count() == few


def test_a_period_of_shanghai_dates(client, org_tree, giving, college_admin):
    """2026-02-01 to 2026-02-28 in Shanghai: the gift paid 2026-01-31 17:00 UTC is in, the
    one of January 10 is out; the giving rate counts gifts of the period only."""
    from xiaoyou.donations.selectors_stats import Period

    period = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    stats = giving_statistics(_college_projects(org_tree), org_tree.college, period)
    assert (stats.raised, stats.gifts, stats.donors) == (20000, 2, 2)
    assert [(r.label, r.raised) for r in stats.by_month] == [("2026-02", 20000)]
    assert (stats.rate.donors, stats.rate.alumni) == (1, 4)  # u1's February gift
    console_login(client, college_admin)
    url = reverse("console:donation_statistics")
    response = client.get(url, {"since": "2026-02-01", "until": "2026-02-28"})
    assert response.context["stats"].raised == 20000
    assert 'value="2026-02-01"' in response.content.decode()
    assert client.get(url, {"since": "not-a-date"}).context["stats"].raised == 39000
    export = client.get(reverse("console:donation_statistics_export"), {"since": "2026-03-01"})
    rows = [
        [c.value for c in row]
        for row in load_workbook(io.BytesIO(export.content)).active.iter_rows()
    ]
    assert rows[1][2:5] == ["90.00", 2, 2]
