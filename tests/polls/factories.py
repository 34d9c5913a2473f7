"""factory_boy factories of the polls app (Poll, PollOption, CanvassLink, Vote, PollComment)."""

from __future__ import annotations

import datetime as dt
import secrets

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tests.factories import OrganizationFactory, UserFactory
from xiaoyou.polls.models import CanvassLink, Poll, PollComment, PollOption, PollStatus, Vote


class PollFactory(DjangoModelFactory):
    class Meta:
        model = Poll

    org = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"最受欢迎的校友讲座{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    status = PollStatus.PUBLISHED


class PollOptionFactory(DjangoModelFactory):
    class Meta:
        model = PollOption

    poll = factory.SubFactory(PollFactory)
    label = factory.Sequence(lambda n: f"选项{n}")
    position = factory.Sequence(lambda n: n)


class CanvassLinkFactory(DjangoModelFactory):
    class Meta:
        model = CanvassLink

    option = factory.SubFactory(PollOptionFactory)
    poll = factory.SelfAttribute("option.poll")
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(6))


class VoteFactory(DjangoModelFactory):
    """A bare Vote row (no counters moved): use services.voting.vote_cast for real votes."""

    class Meta:
        model = Vote

    poll = factory.SubFactory(PollFactory)
    user = factory.SubFactory(UserFactory)


class PollCommentFactory(DjangoModelFactory):
    class Meta:
        model = PollComment

    poll = factory.SubFactory(PollFactory)
    author = factory.SubFactory(UserFactory)
    body = "支持！"


def poll_with_options(org, labels=("张老师", "李老师", "王老师"), **fields) -> Poll:
    """A published poll of `org` with one option per label, made through the service so every
    option has its canvassing link."""
    from xiaoyou.polls.services.polls import poll_create

    admin = UserFactory(is_superuser=True, is_staff=True)
    now = timezone.now()
    values = {
        "title": "年度最受欢迎老师",
        "starts_at": now - dt.timedelta(hours=1),
        "ends_at": now + dt.timedelta(days=7),
    }
    values.update(fields)
    status = values.pop("status", PollStatus.PUBLISHED)
    poll = poll_create(
        actor=admin, org=org, options=[{"label": label} for label in labels], **values
    )
    if status != PollStatus.DRAFT:
        Poll.objects.filter(pk=poll.pk).update(status=status)
        poll.refresh_from_db()
    return poll
