"""Poll statistics (数据统计): exact figures from the Vote rows (per option, per local day and
hour, verified or not, class year and department from the voter's alumni record, per
canvassing link, suspicious votes) in four queries whatever the number of votes."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.cache import cache

from tests.factories import AlumniRecordFactory, DepartmentFactory, UserFactory
from tests.polls.factories import poll_with_options
from xiaoyou.alumni.models import VerificationState
from xiaoyou.polls.models import CanvassLink, ChoiceKind, Vote
from xiaoyou.polls.selectors import poll_statistics
from xiaoyou.polls.services.voting import Origin, canvass_link_share, vote_cast

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _clear():
    cache.clear()
    yield
    cache.clear()


def _alumnus(org, department, year):
    user = UserFactory()
    AlumniRecordFactory(
        org=org,
        user=user,
        department=department,
        enrollment_year=year,
        verification=VerificationState.VERIFIED,
    )
    return user


def test_exact_figures(org_tree, verified_alumnus):
    computing = DepartmentFactory(name="计算机学院")
    economics = DepartmentFactory(name="经济学院")
    poll = poll_with_options(
        org_tree.college, labels=("甲", "乙", "丙"), kind=ChoiceKind.MULTIPLE, max_choices=2
    )
    a, b, c = list(poll.options.order_by("position"))
    official = CanvassLink.objects.get(option=b, sharer__isnull=True)
    shared = canvass_link_share(actor=verified_alumnus, option=c)
    voters = [
        (_alumnus(org_tree.root, computing, 2008), [a.pk, b.pk], official.token, "10.0.0.1"),
        (_alumnus(org_tree.root, computing, 2008), [b.pk], official.token, "10.0.0.2"),
        (_alumnus(org_tree.root, economics, 2012), [c.pk], shared.token, "10.0.0.3"),
        (UserFactory(), [a.pk], "", "10.0.0.4"),
        (UserFactory(), [a.pk, c.pk], "", "10.0.0.4"),
        (UserFactory(), [c.pk], "", "10.0.0.4"),  # the third account on one address: flagged
    ]
    for user, ids, token, ip in voters:
        vote_cast(actor=user, poll=poll, option_ids=ids, link_token=token, origin=Origin(ip=ip))
    # Spread the votes over two local days (Shanghai): 23:30 on the 1st and 08:10 on the 2nd.
    votes = list(Vote.objects.order_by("id"))
    first_day = dt.datetime(2026, 5, 1, 23, 30, tzinfo=SHANGHAI)
    second_day = dt.datetime(2026, 5, 2, 8, 10, tzinfo=SHANGHAI)
    for index, vote in enumerate(votes):
        Vote.objects.filter(pk=vote.pk).update(created_at=first_day if index < 2 else second_day)

    stats = poll_statistics(poll)
    assert stats.total == 6
    assert stats.verified == 3
    assert stats.through_links == 3
    assert stats.flagged == 3
    assert stats.by_option == [("甲", 3), ("乙", 2), ("丙", 3)]
    assert stats.by_day == [(dt.date(2026, 5, 1), 2), (dt.date(2026, 5, 2), 4)]
    assert stats.by_hour == [("2026-05-01 23:00", 2), ("2026-05-02 08:00", 4)]
    assert stats.by_class_year == [("2008", 2), ("2012", 1)]
    assert stats.by_department == [("计算机学院", 2), ("经济学院", 1)]
    assert stats.by_link == [
        (f"乙 · — · {official.token}", 2),
        (f"丙 · {verified_alumnus} · {shared.token}", 1),
    ]


def test_four_queries_whatever_the_number_of_votes(org_tree, django_assert_num_queries):
    poll = poll_with_options(org_tree.college)
    option = poll.options.first()
    vote_cast(actor=UserFactory(), poll=poll, option_ids=[option.pk])
    with django_assert_num_queries(4):
        poll_statistics(poll)
    for index in range(15):
        vote_cast(
            actor=UserFactory(),
            poll=poll,
            option_ids=[option.pk],
            origin=Origin(ip=f"1.1.1.{index}"),
        )
    with django_assert_num_queries(4):
        stats = poll_statistics(poll)
    assert stats.total == 16 and stats.by_option[0][1] == 16


def test_no_votes(org_tree):
    stats = poll_statistics(poll_with_options(org_tree.college))
    assert (stats.total, stats.by_day, stats.by_link) == (0, [], [])
    assert [count for _label, count in stats.by_option] == [0, 0, 0]
