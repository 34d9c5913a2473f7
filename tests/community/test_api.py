"""API of the community: board and mutual help, same rules as the hall."""

from __future__ import annotations

import pytest

from tests.community.factories import (
    BoardMessageFactory,
    BoardReplyFactory,
    CommunitySettingsFactory,
    HelpPostFactory,
    make_verified,
)
from tests.factories import UserFactory
from xiaoyou.community.models import BoardVisibility, HelpPost, ModerationStatus
from xiaoyou.organizations.models import ContentReviewMode

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_post_a_question_and_read_the_official_answer(client, org_tree, verified_alumnus):
    client.force_login(verified_alumnus)
    response = client.post(
        "/api/v1/community/board/messages",
        {
            "org_id": org_tree.college.pk,
            "title": "学位证",
            "body": "补办流程?",
            "visibility": "private",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["visibility"], body["is_answered"]) == (
        "published",
        "private",
        False,
    )
    message_id = body["id"]
    # The college's admin answers (officially) through the same API.
    admin = UserFactory(is_staff=True)
    from xiaoyou.organizations.models import Role
    from xiaoyou.organizations.services import role_grant

    role_grant(actor=None, user=admin, org=org_tree.college, role=Role.ADMIN)
    client.force_login(admin)
    reply = client.post(
        f"/api/v1/community/board/messages/{message_id}/replies",
        {"body": "请到教务处"},
        content_type=JSON,
    )
    assert reply.status_code == 201 and reply.json()["is_official"] is True

    client.force_login(verified_alumnus)
    thread = client.get(f"/api/v1/community/board/messages/{message_id}").json()
    assert thread["is_answered"] is True
    assert [(r["body"], r["is_official"]) for r in thread["replies"]] == [("请到教务处", True)]
    mine = client.get("/api/v1/community/me/messages").json()
    assert [item["id"] for item in mine["items"]] == [message_id]
    # Another alumnus sees neither the private question nor its thread.
    client.force_login(UserFactory())
    assert client.get(f"/api/v1/community/board/messages/{message_id}").status_code == 404


def test_the_public_board_lists_published_public_messages(client, org_tree, outsider):
    shown = BoardMessageFactory(org=org_tree.college)
    BoardMessageFactory(org=org_tree.college, visibility=BoardVisibility.PRIVATE)
    BoardMessageFactory(org=org_tree.college, status=ModerationStatus.PENDING)
    BoardReplyFactory(message=shown, is_hidden=True)
    client.force_login(outsider)
    listed = client.get("/api/v1/community/board/messages", {"org_id": org_tree.college.pk}).json()
    assert [item["id"] for item in listed["items"]] == [shown.pk]
    assert client.get(f"/api/v1/community/board/messages/{shown.pk}").json()["replies"] == []


def test_anonymous_callers_are_refused(client):
    assert client.get("/api/v1/community/help/posts").status_code == 401


def test_help_posting_is_for_verified_alumni(client, org_tree, verified_alumnus):
    CommunitySettingsFactory(org=org_tree.root, help_review_mode=ContentReviewMode.NONE)
    client.force_login(verified_alumnus)
    payload = {
        "kind": "request",
        "category": "referral",
        "title": "求内推",
        "body": "后端开发",
        "city": "深圳",
        "contact_preference": "show_contact",
        "contact": "邮箱 zw@example.com",
    }
    refused = client.post("/api/v1/community/help/posts", payload, content_type=JSON)
    assert refused.status_code == 403
    make_verified(verified_alumnus, org_tree.root)
    created = client.post("/api/v1/community/help/posts", payload, content_type=JSON)
    assert created.status_code == 201, created.content
    post_id = created.json()["id"]

    listed = client.get("/api/v1/community/help/posts", {"category": "referral", "city": "深圳"})
    assert [item["id"] for item in listed.json()["items"]] == [post_id]
    assert client.get("/api/v1/community/help/posts", {"kind": "offer"}).json()["count"] == 0

    # The contact is for verified alumni only.
    client.force_login(UserFactory())
    assert client.get(f"/api/v1/community/help/posts/{post_id}").json()["contact"] == ""
    report = client.post(
        "/api/v1/community/help/reports", {"post_id": post_id, "reason": "广告"}, content_type=JSON
    )
    assert report.status_code == 201 and report.json()["status"] == "pending"
    helper = UserFactory()
    make_verified(helper, org_tree.root)
    client.force_login(helper)
    detail = client.get(f"/api/v1/community/help/posts/{post_id}").json()
    assert detail["contact"] == "邮箱 zw@example.com"
    reply = client.post(
        f"/api/v1/community/help/posts/{post_id}/replies", {"body": "可以"}, content_type=JSON
    )
    assert reply.status_code == 201
    assert client.post(f"/api/v1/community/help/posts/{post_id}/close").status_code == 403

    client.force_login(verified_alumnus)
    closed = client.post(f"/api/v1/community/help/posts/{post_id}/close")
    assert closed.status_code == 200 and closed.json()["is_solved"] is True
    again = client.post(f"/api/v1/community/help/posts/{post_id}/close")
    assert again.status_code == 409
    mine = client.get("/api/v1/community/me/help-posts").json()
    assert [item["id"] for item in mine["items"]] == [post_id]
    assert HelpPost.objects.get().reply_count == 1


def test_pending_posts_are_hidden_from_others(client, org_tree, verified_alumnus):
    post = HelpPostFactory(org=org_tree.root, status=ModerationStatus.PENDING)
    client.force_login(verified_alumnus)
    assert client.get(f"/api/v1/community/help/posts/{post.pk}").status_code == 404
    assert client.get("/api/v1/community/help/posts").json()["count"] == 0
