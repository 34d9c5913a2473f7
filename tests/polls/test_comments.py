"""Poll comments (评论) through the services: modes, length, duplicates, rate limit, who may
comment and who may moderate (personas), the audit of moderation."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from tests.polls.factories import PollCommentFactory, poll_with_options
from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry
from xiaoyou.polls import errors
from xiaoyou.polls.models import CommentMode, PollStatus
from xiaoyou.polls.services.comments import COMMENT_MAX_LENGTH, comment_moderate, comment_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("body", ["", "   ", "\n"])
def test_empty_comments_are_refused(org_tree, verified_alumnus, body):
    poll = poll_with_options(org_tree.college)
    with pytest.raises(ApplicationError) as error:
        comment_post(actor=verified_alumnus, poll=poll, body=body)
    assert error.value.code == errors.COMMENT_REQUIRED


def test_length_limit(org_tree, verified_alumnus):
    poll = poll_with_options(org_tree.college)
    comment_post(actor=verified_alumnus, poll=poll, body="长" * COMMENT_MAX_LENGTH)
    with pytest.raises(ApplicationError) as error:
        comment_post(actor=verified_alumnus, poll=poll, body="长" * (COMMENT_MAX_LENGTH + 1))
    assert error.value.code == errors.COMMENT_TOO_LONG


def test_rate_limit_per_person_but_not_for_managers(org_tree, verified_alumnus, college_admin):
    poll = poll_with_options(org_tree.college)
    for index in range(5):
        comment_post(actor=verified_alumnus, poll=poll, body=f"第{index}条")
    with pytest.raises(ApplicationError) as error:
        comment_post(actor=verified_alumnus, poll=poll, body="第六条")
    assert error.value.code == "rate_limited"
    for index in range(7):
        comment_post(actor=college_admin, poll=poll, body=f"官方{index}")


def test_who_may_comment(org_tree, outsider):
    poll = poll_with_options(org_tree.college)
    assert comment_post(actor=outsider, poll=poll, body="路过").status == "published"
    with pytest.raises(ApplicationError) as error:
        comment_post(actor=None, poll=poll, body="匿名")
    assert error.value.code == errors.NOT_ALLOWED
    draft = poll_with_options(org_tree.college, status=PollStatus.DRAFT)
    with pytest.raises(ApplicationError):
        comment_post(actor=outsider, poll=draft, body="草稿")


def test_moderated_mode_keeps_others_pending_but_not_managers(
    org_tree, verified_alumnus, college_admin
):
    poll = poll_with_options(org_tree.college, comments=CommentMode.MODERATED)
    assert comment_post(actor=verified_alumnus, poll=poll, body="等审核").status == "pending"
    assert comment_post(actor=college_admin, poll=poll, body="管理员").status == "published"


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("platform_admin", True),
        ("college_admin", True),
        ("regional_admin", False),
        ("verified_alumnus", False),
        ("unverified_user", False),
        ("outsider", False),
    ],
)
def test_who_may_moderate(request, org_tree, persona, allowed):
    comment = PollCommentFactory(poll=poll_with_options(org_tree.club))
    user = request.getfixturevalue(persona)
    if allowed:
        comment_moderate(actor=user, comment=comment, action="delete")
        comment.refresh_from_db()
        assert comment.status == ModerationStatus.DELETED
        entry = AuditEntry.objects.get(action="polls.comment.delete")
        assert entry.changes == {"status": ["published", "deleted"]}
    else:
        with pytest.raises(PermissionDenied):
            comment_moderate(actor=user, comment=comment, action="hide")
        comment.refresh_from_db()
        assert comment.status == ModerationStatus.PUBLISHED


def test_unknown_moderation_action(org_tree, college_admin):
    comment = PollCommentFactory(poll=poll_with_options(org_tree.college))
    with pytest.raises(ApplicationError) as error:
        comment_moderate(actor=college_admin, comment=comment, action="promote")
    assert error.value.code == errors.MODERATION_ACTION_UNKNOWN
