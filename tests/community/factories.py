"""factory_boy factories of the community models, and a helper that verifies an alumnus."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tests.factories import AlumniRecordFactory, OrganizationFactory, UserFactory
from xiaoyou.community.models import (
    BoardVisibility,
    ContactPreference,
    HelpCategory,
    HelpKind,
    ModerationStatus,
    ReportStatus,
)


def make_verified(user, org=None):
    """Links a verified alumni record to `user` (what an accepted claim does)."""
    fields = {"user": user, "verification": "verified"}
    if org is not None:
        fields["org"] = org
    record = AlumniRecordFactory(**fields)
    user.__dict__.pop("_community_verified", None)
    return record


class CommunitySettingsFactory(DjangoModelFactory):
    class Meta:
        model = "community.CommunitySettings"
        django_get_or_create = ("org",)

    org = factory.SubFactory(OrganizationFactory)
    board_review_mode = ""
    help_review_mode = ""
    report_hide_threshold = 3


class BoardMessageFactory(DjangoModelFactory):
    """A published public message unless told otherwise."""

    class Meta:
        model = "community.BoardMessage"

    org = factory.SubFactory(OrganizationFactory)
    author = factory.SubFactory(UserFactory)
    visibility = BoardVisibility.PUBLIC
    title = factory.Sequence(lambda n: f"留言{n}")
    body = "请问校友卡怎么办理？"
    status = ModerationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class BoardReplyFactory(DjangoModelFactory):
    class Meta:
        model = "community.BoardReply"

    message = factory.SubFactory(BoardMessageFactory)
    author = factory.SubFactory(UserFactory)
    body = "谢谢留言。"
    is_official = False


class HelpPostFactory(DjangoModelFactory):
    """A published, open request for housing unless told otherwise."""

    class Meta:
        model = "community.HelpPost"

    org = factory.SubFactory(OrganizationFactory)
    author = factory.SubFactory(UserFactory)
    kind = HelpKind.REQUEST
    category = HelpCategory.HOUSING
    city = "上海"
    title = factory.Sequence(lambda n: f"求助{n}")
    body = "刚到上海工作，想找校友合租。"
    contact_preference = ContactPreference.REPLY_ONLY
    status = ModerationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class HelpReplyFactory(DjangoModelFactory):
    class Meta:
        model = "community.HelpReply"

    post = factory.SubFactory(HelpPostFactory)
    author = factory.SubFactory(UserFactory)
    body = "我有空房间，可以联系。"


class HelpReportFactory(DjangoModelFactory):
    class Meta:
        model = "community.HelpReport"

    post = factory.SubFactory(HelpPostFactory)
    reporter = factory.SubFactory(UserFactory)
    reason = "广告"
    status = ReportStatus.PENDING
