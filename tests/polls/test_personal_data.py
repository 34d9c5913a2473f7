"""The person's votes and poll comments in "download my data" (PIPL): their own only."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.factories import UserFactory
from tests.polls.factories import PollCommentFactory, poll_with_options
from xiaoyou.core.registry import personal_data_exporters
from xiaoyou.polls.models import ChoiceKind
from xiaoyou.polls.services.voting import Origin, vote_cast

pytestmark = pytest.mark.django_db


def test_my_votes_and_comments(org_tree, verified_alumnus):
    cache.clear()
    poll = poll_with_options(org_tree.college, kind=ChoiceKind.MULTIPLE, max_choices=2)
    first, _second, third = list(poll.options.order_by("position"))
    vote_cast(
        actor=verified_alumnus,
        poll=poll,
        option_ids=[first.pk, third.pk],
        origin=Origin(ip="10.0.0.1"),
    )
    vote_cast(actor=UserFactory(), poll=poll, option_ids=[first.pk])
    PollCommentFactory(poll=poll, author=verified_alumnus, body="加油")
    PollCommentFactory(poll=poll, body="别人的")
    votes = personal_data_exporters.items["poll_votes"].export(verified_alumnus)
    assert len(votes) == 1
    assert votes[0]["poll"] == "年度最受欢迎老师"
    assert sorted(votes[0]["options"]) == sorted(["张老师", "王老师"])
    assert "10.0.0.1" not in str(votes)
    comments = personal_data_exporters.items["poll_comments"].export(verified_alumnus)
    assert [(row["comment"], row["status"]) for row in comments] == [("加油", "published")]
