"""Demo poll for `xiaoyou seed-demo`: an open single-choice poll of the main association with
the demo alumni's votes, made through the polls services.

Idempotent: the poll is found by its organization and title, a vote by its poll and voter.
Once the poll has closed, a later run adds no votes.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from xiaoyou.core.demo import local_time
from xiaoyou.core.errors import ApplicationError
from xiaoyou.polls.models import Audience, ChoiceKind, Poll, PollStatus, ResultsVisibility, Vote
from xiaoyou.polls.services.polls import poll_create, poll_publish
from xiaoyou.polls.services.voting import vote_cast

ORDER = 40
RATE_LIMITED = "rate_limited"
TITLE = "校友返校日活动主题投票"
DESCRIPTION = (
    "<p>今年的校友返校日将于校庆前后举行。请为返校日活动主题投上一票，"
    "得票最多的主题将用于活动海报、纪念品与现场布置。</p>"
    "<p>投票结果实时公布，每位校友限投一票。</p>"
)
OPTIONS = (
    ("青春再聚首", "重返校园，与老同学、老师重温青春时光。"),
    ("饮水思源·回馈母校", "感恩母校培养，以捐赠、讲座、招聘等方式回馈。"),
    ("传承与创新", "老校友与新校友对话，共话学科发展与未来。"),
    ("我们的二十年", "以毕业二十周年的班级为主角，讲述校友故事。"),
)
# Which option each demo alumnus picks, in turn: a believable spread with a leader.
PICKS = (0, 1, 0, 2, 1, 0, 3, 0, 1, 2, 0, 1, 0)


def seed(
    result: Any,
    *,
    root: Any,
    accounts: dict[str, Any],
    alumni: list[Any],
    **_: Any,
) -> None:
    """Creates the demo poll when missing and casts the demo alumni's votes (see the module)."""
    admin = accounts["platform_admin"]
    poll = Poll.objects.filter(org=root, title=TITLE, deleted_at__isnull=True).first()
    if poll is None:
        poll = poll_create(
            actor=admin,
            org=root,
            title=TITLE,
            description=DESCRIPTION,
            kind=ChoiceKind.SINGLE,
            min_choices=1,
            max_choices=1,
            starts_at=local_time(-3, 9),
            ends_at=local_time(14, 22),
            audience=Audience.SIGNED_IN,
            results_visibility=ResultsVisibility.ALWAYS,
            options=[{"label": label, "description": text} for label, text in OPTIONS],
        )
        result.add("polls")
    if poll.status == PollStatus.DRAFT:
        poll_publish(actor=admin, poll=poll)
    now = timezone.now()
    if poll.status != PollStatus.PUBLISHED or not poll.starts_at <= now < poll.ends_at:
        return
    options = list(poll.options.order_by("position", "id"))
    voted = set(Vote.objects.filter(poll=poll).values_list("user_id", flat=True))
    for index, user in enumerate(alumni):
        if user.pk in voted:
            continue
        option = options[PICKS[index % len(PICKS)] % len(options)]
        try:
            vote_cast(actor=user, poll=poll, option_ids=[option.pk])
        except ApplicationError as error:
            if error.code != RATE_LIMITED:
                raise
            continue  # the voter's limit (a re-created database, a kept cache): next run
        result.add("votes")


def register() -> None:
    from xiaoyou.core.registry import demo_seeder

    demo_seeder(ORDER, seed)
