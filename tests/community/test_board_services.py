"""Message board services: moderation modes, official replies, moderation, limits."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tests.community.factories import BoardMessageFactory, CommunitySettingsFactory
from xiaoyou.community import selectors
from xiaoyou.community.models import BoardVisibility, ModerationStatus
from xiaoyou.community.services import board
from xiaoyou.community.services.settings import community_settings_update
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry, Notification, ReviewItem, ReviewStatus
from xiaoyou.core.reviews import review_decide
from xiaoyou.organizations.models import ContentReviewMode

pytestmark = pytest.mark.django_db


def _post(actor, org, visibility=BoardVisibility.PUBLIC, **fields):
    return board.board_message_post(
        actor=actor,
        org=org,
        title=fields.get("title", "校友卡"),
        body=fields.get("body", "请问校友卡\r\n怎么办理？"),
        visibility=visibility,
    )


def test_pre_moderated_message_waits_for_approval(org_tree, verified_alumnus, college_admin):
    # Organizations default to "review before publishing".
    message = _post(verified_alumnus, org_tree.college)
    assert message.status == ModerationStatus.PENDING
    assert message.body == "请问校友卡\n怎么办理？"
    assert list(selectors.board_public(org_tree.college)) == []
    item = ReviewItem.objects.get(kind=board.MESSAGE_REVIEW_KIND)
    assert (item.org_id, item.object_id) == (org_tree.college.pk, str(message.pk))

    review_decide(item=item, actor=college_admin, approved=True)
    message.refresh_from_db()
    assert message.status == ModerationStatus.PUBLISHED and message.published_at is not None
    assert list(selectors.board_public(org_tree.college)) == [message]
    assert Notification.objects.filter(user=verified_alumnus, kind="review.decided").count() == 1


def test_post_moderated_message_shows_at_once_and_a_rejection_hides_it(
    org_tree, verified_alumnus, college_admin
):
    CommunitySettingsFactory(org=org_tree.college, board_review_mode=ContentReviewMode.POST)
    message = _post(verified_alumnus, org_tree.college)
    assert message.status == ModerationStatus.PUBLISHED
    item = ReviewItem.objects.get(kind=board.MESSAGE_REVIEW_KIND, status=ReviewStatus.PENDING)
    review_decide(item=item, actor=college_admin, approved=False, reason="广告")
    message.refresh_from_db()
    assert message.status == ModerationStatus.HIDDEN


def test_unmoderated_board_and_private_questions_skip_the_queue(
    org_tree, verified_alumnus, outsider, college_admin
):
    CommunitySettingsFactory(org=org_tree.root, board_review_mode=ContentReviewMode.NONE)
    public = _post(verified_alumnus, org_tree.root)
    private = _post(verified_alumnus, org_tree.college, BoardVisibility.PRIVATE)
    assert public.status == private.status == ModerationStatus.PUBLISHED
    assert not ReviewItem.objects.exists()
    assert selectors.board_message_for(outsider, public.pk) == public
    assert selectors.board_message_for(outsider, private.pk) is None
    assert selectors.board_message_for(verified_alumnus, private.pk) == private
    assert selectors.board_message_for(college_admin, private.pk) == private


def test_official_reply_is_marked_audited_and_notified(org_tree, verified_alumnus, college_admin):
    message = BoardMessageFactory(org=org_tree.college, author=verified_alumnus)
    reply = board.board_reply_post(actor=college_admin, message=message, body="请到学院办公室。")
    assert reply.is_official
    message.refresh_from_db()
    assert message.answered_at is not None and message.reply_count == 1
    entry = AuditEntry.objects.get(action="community.message.official_reply")
    assert (entry.actor_id, entry.org_id) == (college_admin.pk, org_tree.college.pk)
    notice = Notification.objects.get(user=verified_alumnus, kind=board.OFFICIAL_REPLY_KIND)
    assert org_tree.college.name in notice.title
    assert notice.url == f"/community/board/{message.pk}/"

    answer = board.board_reply_post(actor=verified_alumnus, message=message, body="谢谢！")
    assert not answer.is_official
    assert Notification.objects.filter(kind=board.OFFICIAL_REPLY_KIND).count() == 1


def test_others_may_not_reply_and_pending_messages_wait(org_tree, verified_alumnus, outsider):
    message = BoardMessageFactory(org=org_tree.college, author=verified_alumnus)
    with pytest.raises(PermissionDenied):
        board.board_reply_post(actor=outsider, message=message, body="插话")
    pending = BoardMessageFactory(
        org=org_tree.college, author=verified_alumnus, status=ModerationStatus.PENDING
    )
    with pytest.raises(PermissionDenied):
        board.board_reply_post(actor=verified_alumnus, message=pending, body="补充")


def test_a_college_admin_cannot_touch_another_colleges_private_question(
    org_tree, verified_alumnus, college_admin
):
    other = BoardMessageFactory(
        org=org_tree.other_college, author=verified_alumnus, visibility=BoardVisibility.PRIVATE
    )
    assert selectors.board_message_for(college_admin, other.pk) is None
    assert other not in selectors.board_console(college_admin)
    with pytest.raises(PermissionDenied):
        board.board_reply_post(actor=college_admin, message=other, body="越权")
    with pytest.raises(PermissionDenied):
        board.board_message_moderate(actor=college_admin, message=other, action="hide")


def test_moderation_hides_pins_and_deletes_with_audit(org_tree, verified_alumnus, college_admin):
    message = BoardMessageFactory(org=org_tree.club, author=verified_alumnus)
    board.board_message_moderate(actor=college_admin, message=message, action="pin")
    board.board_message_moderate(actor=college_admin, message=message, action="hide")
    message.refresh_from_db()
    assert message.is_pinned and message.status == ModerationStatus.HIDDEN
    board.board_message_moderate(actor=college_admin, message=message, action="delete")
    message.refresh_from_db()
    assert message.status == ModerationStatus.DELETED and not message.is_pinned
    actions = list(
        AuditEntry.objects.filter(action__startswith="community.message.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "community.message.pin",
        "community.message.hide",
        "community.message.delete",
    ]
    assert message not in selectors.board_by_author(verified_alumnus)
    with pytest.raises(ApplicationError):
        board.board_message_moderate(actor=college_admin, message=message, action="explode")


def test_length_and_rate_limits(org_tree, verified_alumnus):
    with pytest.raises(ApplicationError) as too_long:
        _post(verified_alumnus, org_tree.college, body="长" * 2001)
    assert too_long.value.code == "community_too_long"
    with pytest.raises(ApplicationError) as empty:
        _post(verified_alumnus, org_tree.college, body="   ")
    assert empty.value.code == "community_body_required"
    for number in range(5):
        _post(verified_alumnus, org_tree.college, title=f"第{number}条")
    with pytest.raises(ApplicationError) as limited:
        _post(verified_alumnus, org_tree.college)
    assert (limited.value.code, limited.value.status) == ("rate_limited", 429)


def test_archived_organizations_take_no_messages(org_tree, verified_alumnus):
    from xiaoyou.organizations.services import organization_archive

    organization_archive(actor=None, org=org_tree.club, reason="停止活动")
    org_tree.club.refresh_from_db()
    with pytest.raises(PermissionDenied):
        _post(verified_alumnus, org_tree.club)


def test_settings_follow_the_org_default_and_are_audited(org_tree, college_admin, regional_admin):
    assert selectors.settings_for(org_tree.college).board_mode() == ContentReviewMode.PRE
    settings = community_settings_update(
        actor=college_admin,
        org=org_tree.college,
        board_review_mode=ContentReviewMode.NONE,
        help_review_mode="",
        report_hide_threshold=5,
    )
    assert settings.board_mode() == ContentReviewMode.NONE
    entry = AuditEntry.objects.get(action="community.settings.update")
    assert entry.changes["report_hide_threshold"] == [3, 5]
    with pytest.raises(PermissionDenied):
        community_settings_update(
            actor=regional_admin,
            org=org_tree.college,
            board_review_mode="",
            help_review_mode="",
            report_hide_threshold=3,
        )
    with pytest.raises(ApplicationError):
        community_settings_update(
            actor=college_admin,
            org=org_tree.college,
            board_review_mode="",
            help_review_mode="",
            report_hide_threshold=0,
        )
