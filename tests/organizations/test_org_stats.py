"""Member statistics (selectors_stats): exact figures, each person once across the tree."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import AlumniRecordFactory, DepartmentFactory, UserFactory
from tests.organizations.org_support import local, member
from xiaoyou.organizations.models import MembershipStatus
from xiaoyou.organizations.selectors_stats import (
    Bucket,
    MonthPoint,
    members_people,
    months_series,
    organization_statistics,
)

pytestmark = pytest.mark.django_db

UNTIL = dt.date(2024, 4, 30)


@pytest.fixture
def members(org_tree):
    """Five people of the main association's tree, some in several organizations:

    P1 user u1: college (record r1, 2024-01) and Shanghai (no record, 2023-11)
    P2 imported in the club (record r2, +86 phone, 2024-01) and user u2 in Shanghai (same phone
       without +86, 2024-03)
    P3 user u3 in the root (record r3, 2024-03) and imported in the other college (r3, 2024-02)
    P4 user u4 in the root (record r4 knowing nothing, 2024-04-01 00:30 in Beijing time)
    P5 imported in Shanghai without a record or phone (2024-02)
    plus a member of the college who left (not counted).
    """
    main = org_tree.root
    computing = DepartmentFactory(name="计算机学院", code="CS")
    economics = DepartmentFactory(name="经济学院", code="EC")
    r1 = AlumniRecordFactory(
        org=main, department=computing, graduation_year=2010, city="北京", industry="互联网"
    )
    r2 = AlumniRecordFactory(
        org=main, department=computing, graduation_year=2012, city="上海", industry="金融"
    )
    r3 = AlumniRecordFactory(
        org=main, department=economics, graduation_year=2010, city="上海", industry=""
    )
    r4 = AlumniRecordFactory(
        org=main, department=None, major=None, graduation_year=None, city="", industry=""
    )
    u1, u2, u3, u4, gone = (UserFactory() for _ in range(5))
    member(org_tree.college, user=u1, record=r1, joined=local(2024, 1, 10))
    member(org_tree.regional, user=u1, joined=local(2023, 11, 5))
    member(org_tree.club, record=r2, phone="+8613900000002", joined=local(2024, 1, 20))
    member(org_tree.regional, user=u2, phone="13900000002", joined=local(2024, 3, 1))
    member(main, user=u3, record=r3, joined=local(2024, 3, 31, 23))
    member(org_tree.other_college, record=r3, joined=local(2024, 2, 1))
    member(main, user=u4, record=r4, joined=local(2024, 4, 1, 0).replace(minute=30))
    member(org_tree.regional, name="老校友", joined=local(2024, 2, 10))
    member(
        org_tree.college,
        user=gone,
        record=AlumniRecordFactory(org=main, department=computing),
        joined=local(2022, 5, 1),
        status=MembershipStatus.LEFT,
    )
    return org_tree


def test_the_main_association_counts_each_person_of_its_tree_once(members):
    stats = organization_statistics(members.root, until=UNTIL)
    assert stats.includes_subtree is True
    assert stats.total == 5
    assert stats.months == [
        MonthPoint("2023-11", 1, 1),
        MonthPoint("2023-12", 0, 1),
        MonthPoint("2024-01", 1, 2),
        MonthPoint("2024-02", 2, 4),
        MonthPoint("2024-03", 0, 4),
        # 00:30 on April 1st in Beijing is still March 31st in UTC: months are local.
        MonthPoint("2024-04", 1, 5),
    ]
    assert stats.departments == [Bucket("计算机学院", 2), Bucket("经济学院", 1), Bucket("", 2)]
    assert stats.graduation_years == [Bucket("2010", 2), Bucket("2012", 1), Bucket("", 2)]
    assert stats.cities == [Bucket("上海", 2), Bucket("北京", 1), Bucket("", 2)]
    assert stats.industries == [Bucket("互联网", 1), Bucket("金融", 1), Bucket("", 3)]
    assert stats.recorded == 3


def test_other_organizations_count_their_own_members(members):
    regional = organization_statistics(members.regional, until=UNTIL)
    assert regional.includes_subtree is False
    # u1 and u2 have no record in Shanghai: the statistics read the memberships' records.
    assert regional.total == 3
    assert regional.departments == [Bucket("", 3)]
    assert [point.joined for point in regional.months] == [1, 0, 0, 1, 1, 0]
    college = organization_statistics(members.college, until=UNTIL)
    assert college.total == 1
    assert college.departments == [Bucket("计算机学院", 1)]
    assert college.months[0] == MonthPoint("2024-01", 1, 1)


def test_a_college_association_does_not_count_its_clubs(members):
    # The club's member P2 belongs to the college's branch but is not a college member.
    assert organization_statistics(members.college, until=UNTIL).total == 1
    assert organization_statistics(members.club, until=UNTIL).total == 1


def test_people_are_read_in_one_query(members, django_assert_num_queries):
    with django_assert_num_queries(1):
        people = members_people(members.root)
    assert len(people) == 5


def test_an_organization_without_members(org_tree):
    stats = organization_statistics(org_tree.other_college, until=UNTIL)
    assert stats.total == 0
    assert stats.months == []
    assert stats.departments == stats.cities == stats.industries == []


def test_the_months_run_to_today_by_default(members, settings):
    from django.utils import timezone

    points = months_series(members_people(members.college))
    today = timezone.localdate()
    assert points[0].month == "2024-01"
    assert points[-1].month == f"{today.year:04d}-{today.month:02d}"
    assert points[-1].total == 1
    assert len(points) == (today.year - 2024) * 12 + today.month
