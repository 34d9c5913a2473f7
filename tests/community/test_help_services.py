"""Mutual-help services: verified-only posting, moderation, replies, solving, abuse reports."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tests.community.factories import (
    CommunitySettingsFactory,
    HelpPostFactory,
    make_verified,
)
from tests.factories import UserFactory
from xiaoyou.community import selectors
from xiaoyou.community.models import HelpCategory, HelpKind, ModerationStatus, ReportStatus
from xiaoyou.community.services import help as services
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry, Notification, ReviewItem, ReviewStatus
from xiaoyou.core.reviews import review_decide
from xiaoyou.organizations.models import ContentReviewMode

pytestmark = pytest.mark.django_db


def _create(actor, **fields):
    values = {
        "kind": HelpKind.REQUEST,
        "category": HelpCategory.HOUSING,
        "title": "求合租",
        "body": "浦东，预算三千。",
        "city": "上海",
    }
    values.update(fields)
    return services.help_post_create(actor=actor, **values)


def test_only_verified_alumni_may_post(org_tree, verified_alumnus, unverified_user):
    with pytest.raises(PermissionDenied):
        _create(unverified_user)
    # A member without a verified record is not a verified alumnus either.
    with pytest.raises(PermissionDenied):
        _create(verified_alumnus)
    make_verified(verified_alumnus, org_tree.root)
    assert _create(verified_alumnus).org == org_tree.root


def test_pre_moderation_of_the_main_association(org_tree, verified_alumnus, platform_admin):
    make_verified(verified_alumnus, org_tree.root)
    post = _create(verified_alumnus)
    assert post.status == ModerationStatus.PENDING
    assert list(selectors.help_public()) == []
    item = ReviewItem.objects.get(kind=services.HELP_REVIEW_KIND)
    assert item.org_id == org_tree.root.pk
    review_decide(item=item, actor=platform_admin, approved=True)
    assert list(selectors.help_public()) == [post]


def test_contact_is_required_when_shown(org_tree, verified_alumnus):
    CommunitySettingsFactory(org=org_tree.root, help_review_mode=ContentReviewMode.NONE)
    make_verified(verified_alumnus, org_tree.root)
    with pytest.raises(ApplicationError) as missing:
        _create(verified_alumnus, contact_preference="show_contact", contact=" ")
    assert missing.value.code == "community_contact_required"
    post = _create(verified_alumnus, contact_preference="show_contact", contact="微信 zw2010")
    assert post.status == ModerationStatus.PUBLISHED and post.contact == "微信 zw2010"


def test_replies_close_and_notifications(org_tree, verified_alumnus, unverified_user):
    post = HelpPostFactory(org=org_tree.root, author=verified_alumnus)
    helper = UserFactory(display_name="热心校友")
    with pytest.raises(PermissionDenied):
        services.help_reply_post(actor=helper, post=post, body="我来帮忙")
    make_verified(helper, org_tree.root)
    services.help_reply_post(actor=helper, post=post, body="我来帮忙")
    notice = Notification.objects.get(user=verified_alumnus, kind=services.HELP_REPLY_KIND)
    assert "热心校友" in notice.title
    # The author answers back without being verified.
    services.help_reply_post(actor=verified_alumnus, post=post, body="谢谢")
    post.refresh_from_db()
    assert post.reply_count == 2

    with pytest.raises(PermissionDenied):
        services.help_post_close(actor=helper, post=post)
    services.help_post_close(actor=verified_alumnus, post=post)
    post.refresh_from_db()
    assert post.is_solved
    with pytest.raises(ApplicationError):
        services.help_post_close(actor=verified_alumnus, post=post)
    with pytest.raises(PermissionDenied):
        services.help_reply_post(actor=helper, post=post, body="还需要吗")
    assert list(selectors.help_public(selectors.HelpFilters(include_solved=False))) == []


def test_filters(org_tree):
    housing = HelpPostFactory(org=org_tree.root, city="上海")
    referral = HelpPostFactory(
        org=org_tree.root, kind=HelpKind.OFFER, category=HelpCategory.REFERRAL, city="北京"
    )
    assert list(selectors.help_public(selectors.HelpFilters(kind="offer"))) == [referral]
    assert list(selectors.help_public(selectors.HelpFilters(category="housing"))) == [housing]
    assert list(selectors.help_public(selectors.HelpFilters(city="北京"))) == [referral]


def test_reports_hide_the_post_at_the_threshold_and_a_dismissal_restores_it(
    org_tree, platform_admin
):
    CommunitySettingsFactory(org=org_tree.root, report_hide_threshold=2)
    post = HelpPostFactory(org=org_tree.root)
    first, second = UserFactory(), UserFactory()
    services.help_report_submit(actor=first, post=post, reason="广告")
    with pytest.raises(ApplicationError) as twice:
        services.help_report_submit(actor=first, post=post, reason="再举报")
    assert twice.value.status == 409
    post.refresh_from_db()
    assert post.status == ModerationStatus.PUBLISHED
    services.help_report_submit(actor=second, post=post, reason="骗局")
    post.refresh_from_db()
    assert post.status == ModerationStatus.HIDDEN and post.is_hidden_by_reports
    # One item in the queue of the main association, however many reports.
    item = ReviewItem.objects.get(kind=services.REPORT_REVIEW_KIND)
    assert item.org_id == org_tree.root.pk
    review_decide(item=item, actor=platform_admin, approved=False, reason="正常求助")
    post.refresh_from_db()
    assert post.status == ModerationStatus.PUBLISHED and post.report_count == 0
    assert set(post.reports.values_list("status", flat=True)) == {ReportStatus.DISMISSED}


def test_an_upheld_report_takes_the_post_down(org_tree, platform_admin):
    post = HelpPostFactory(org=org_tree.root)
    with pytest.raises(PermissionDenied):
        services.help_report_submit(actor=post.author, post=post, reason="自己")
    services.help_report_submit(actor=UserFactory(), post=post, reason="广告")
    item = ReviewItem.objects.get(kind=services.REPORT_REVIEW_KIND, status=ReviewStatus.PENDING)
    review_decide(item=item, actor=platform_admin, approved=True)
    post.refresh_from_db()
    assert post.status == ModerationStatus.HIDDEN
    assert list(selectors.help_public()) == []


def test_moderation_is_scoped_and_audited(org_tree, college_admin, regional_admin):
    post = HelpPostFactory(org=org_tree.college)
    with pytest.raises(PermissionDenied):
        services.help_post_moderate(actor=regional_admin, post=post, action="hide")
    services.help_post_moderate(actor=college_admin, post=post, action="hide")
    assert AuditEntry.objects.get(action="community.help.hide").org_id == org_tree.college.pk
    assert list(selectors.help_console(regional_admin)) == []
    assert list(selectors.help_console(college_admin)) == [post]
