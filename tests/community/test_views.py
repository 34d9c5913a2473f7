"""Hall and console pages of the community, the hall home sections and personal-center entries."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tests.community.factories import (
    BoardMessageFactory,
    BoardReplyFactory,
    CommunitySettingsFactory,
    HelpPostFactory,
    make_verified,
)
from tests.factories import UserFactory
from tests.organizations.org_support import console_login
from xiaoyou.community.models import BoardMessage, BoardVisibility, HelpPost, ModerationStatus
from xiaoyou.community.views import hall_board, hall_help
from xiaoyou.core.models import AuditEntry
from xiaoyou.organizations.models import ContentReviewMode

pytestmark = pytest.mark.django_db


# --- Hall: message board --------------------------------------------------------------------------


def test_posting_a_message_to_my_college(client, org_tree, verified_alumnus):
    client.force_login(verified_alumnus)
    page = client.get(reverse("hall:community_message_create"), {"org": org_tree.college.pk})
    assert page.status_code == 200
    choices = [value for value, _label in page.context["form"].fields["org"].choices]
    assert choices == [org_tree.root.pk, org_tree.college.pk]
    response = client.post(
        reverse("hall:community_message_create"),
        {"org": org_tree.college.pk, "visibility": "public", "title": "返校日", "body": "几点?"},
    )
    message = BoardMessage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("hall:community_message", args=[message.pk])
    assert message.status == ModerationStatus.PENDING
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and b'data-status="pending"' in detail.content
    # Other people do not see it until it is approved.
    client.force_login(UserFactory())
    assert client.get(response["Location"]).status_code == 404


def test_the_form_shows_field_errors(client, org_tree, verified_alumnus):
    client.force_login(verified_alumnus)
    response = client.post(
        reverse("hall:community_message_create"),
        {"org": org_tree.college.pk, "visibility": "public", "title": "", "body": ""},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "body"}
    assert not BoardMessage.objects.exists()


def test_the_board_lists_published_public_messages_only(client, org_tree, verified_alumnus):
    shown = BoardMessageFactory(org=org_tree.college, is_pinned=True)
    BoardMessageFactory(org=org_tree.college, status=ModerationStatus.PENDING)
    BoardMessageFactory(org=org_tree.college, visibility=BoardVisibility.PRIVATE)
    newer = BoardMessageFactory(org=org_tree.college)
    client.force_login(verified_alumnus)
    response = client.get(reverse("hall:community_board"), {"org": org_tree.college.pk})
    assert list(response.context["page"].object_list) == [shown, newer]


def test_a_thread_shows_the_official_reply_with_the_orgs_name(client, org_tree, verified_alumnus):
    message = BoardMessageFactory(org=org_tree.college, author=verified_alumnus)
    BoardReplyFactory(message=message, is_official=True, body="欢迎返校")
    BoardReplyFactory(message=message, is_hidden=True, body="隐藏的回复")
    client.force_login(verified_alumnus)
    response = client.get(reverse("hall:community_message", args=[message.pk]))
    content = response.content.decode()
    assert "欢迎返校" in content and "隐藏的回复" not in content
    assert content.count("data-official") == 1 and org_tree.college.name in content
    client.post(reverse("hall:community_message_reply", args=[message.pk]), {"body": "谢谢"})
    assert message.replies.filter(author=verified_alumnus, is_official=False).count() == 1


def test_my_messages(client, org_tree, verified_alumnus):
    mine = BoardMessageFactory(org=org_tree.college, author=verified_alumnus)
    BoardMessageFactory(org=org_tree.college)
    BoardMessageFactory(author=verified_alumnus, status=ModerationStatus.DELETED)
    client.force_login(verified_alumnus)
    response = client.get(reverse("hall:community_my_messages"))
    assert list(response.context["page"].object_list) == [mine]


# --- Hall: mutual help ----------------------------------------------------------------------------


def test_unverified_users_are_sent_to_claim_their_record(client, unverified_user):
    client.force_login(unverified_user)
    response = client.get(reverse("hall:community_help_create"))
    assert response.status_code == 403
    assert reverse("hall:alumni_claim").encode() in response.content


def test_help_post_reply_close_and_report_through_the_pages(client, org_tree, verified_alumnus):
    CommunitySettingsFactory(org=org_tree.root, help_review_mode=ContentReviewMode.NONE)
    make_verified(verified_alumnus, org_tree.root)
    client.force_login(verified_alumnus)
    response = client.post(
        reverse("hall:community_help_create"),
        {
            "kind": "offer",
            "category": "item_donation",
            "city": "杭州",
            "title": "送书",
            "body": "考研资料",
            "contact_preference": "show_contact",
            "contact": "微信 zw",
        },
    )
    post = HelpPost.objects.get()
    assert response["Location"] == reverse("hall:community_help_detail", args=[post.pk])
    listed = client.get(reverse("hall:community_help"), {"category": "item_donation"})
    assert list(listed.context["page"].object_list) == [post]
    assert list(client.get(reverse("hall:community_help"), {"city": "上海"}).context["page"]) == []

    # A signed-in but unverified reader sees no contact, may not reply, may report.
    stranger = UserFactory()
    client.force_login(stranger)
    detail = client.get(reverse("hall:community_help_detail", args=[post.pk]))
    assert b"data-contact" not in detail.content
    assert not detail.context["may_reply"] and detail.context["may_report"]
    client.post(reverse("hall:community_help_report", args=[post.pk]), {"reason": "广告"})
    assert post.reports.count() == 1

    helper = UserFactory()
    make_verified(helper, org_tree.root)
    client.force_login(helper)
    detail = client.get(reverse("hall:community_help_detail", args=[post.pk]))
    assert b"data-contact" in detail.content
    client.post(reverse("hall:community_help_reply", args=[post.pk]), {"body": "我要"})
    client.force_login(verified_alumnus)
    client.post(reverse("hall:community_help_close", args=[post.pk]))
    post.refresh_from_db()
    assert post.is_solved and post.reply_count == 1
    mine = client.get(reverse("hall:community_my_help"))
    assert list(mine.context["page"].object_list) == [post]


# --- Hall home sections and personal center ------------------------------------------------------


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_home_sections_cost_one_query_each(org_tree, verified_alumnus, django_assert_num_queries):
    private_org_message = BoardMessageFactory(org=org_tree.college, title="私密")
    private_org_message.org.visibility = "private"
    private_org_message.org.save(update_fields=["visibility"])
    for number in range(7):
        BoardMessageFactory(org=org_tree.root, title=f"公开{number}")
        HelpPostFactory(org=org_tree.root, title=f"互助{number}")
    HelpPostFactory(org=org_tree.root, title="已解决", solved_at="2026-01-01T00:00:00Z")
    request = _request(verified_alumnus)
    hall_board.home_section(request)  # warms the branding cache the templates' context reads
    with django_assert_num_queries(1):
        board_html = hall_board.home_section(request)
    with django_assert_num_queries(1):
        help_html = hall_help.home_section(request)
    assert board_html.count("data-message=") == 5 and "公开6" in board_html
    assert "私密" not in board_html
    assert help_html.count("data-help-post=") == 5 and "已解决" not in help_html
    assert hall_board.home_section(_request(_anonymous())) == ""


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_the_hall_home_and_personal_center_show_the_community(client, org_tree, verified_alumnus):
    BoardMessageFactory(org=org_tree.root, title="欢迎新校友")
    client.force_login(verified_alumnus)
    home = client.get(reverse("hall:home")).content.decode()
    assert 'data-section="community_board"' in home and "欢迎新校友" in home
    assert 'data-section="community_help"' not in home  # nothing to show, no section
    me = client.get(reverse("hall:me")).content.decode()
    assert reverse("hall:community_my_messages") in me
    assert reverse("hall:community_my_help") in me


# --- Console ---------------------------------------------------------------------------------------


def test_console_board_is_scoped_and_filters_unanswered(client, org_tree, college_admin):
    answered = BoardMessageFactory(org=org_tree.college, answered_at="2026-01-01T00:00:00Z")
    waiting = BoardMessageFactory(org=org_tree.club, visibility=BoardVisibility.PRIVATE)
    BoardMessageFactory(org=org_tree.other_college, visibility=BoardVisibility.PRIVATE)
    console_login(client, college_admin)
    url = reverse("console:community_board")
    rows = client.get(url).context["table"].rows
    assert {row.obj for row in rows} == {answered, waiting}
    unanswered = client.get(url, {"unanswered": "1"}).context["table"].rows
    assert [row.obj for row in unanswered] == [waiting]


def test_console_official_reply_and_moderation(client, org_tree, college_admin, verified_alumnus):
    message = BoardMessageFactory(
        org=org_tree.college, author=verified_alumnus, visibility=BoardVisibility.PRIVATE
    )
    console_login(client, college_admin)
    page = client.get(reverse("console:community_message", args=[message.pk]))
    assert page.status_code == 200 and page.context["may_reply"]
    client.post(reverse("console:community_message_reply", args=[message.pk]), {"body": "已收到"})
    assert message.replies.get().is_official
    client.post(reverse("console:community_message_moderate", args=[message.pk]), {"action": "pin"})
    message.refresh_from_db()
    assert message.is_pinned
    reply = message.replies.get()
    client.post(reverse("console:community_reply_hide", args=[reply.pk]), {"hidden": "1"})
    reply.refresh_from_db()
    assert reply.is_hidden
    assert AuditEntry.objects.filter(action="community.reply.hide").count() == 1


def test_console_pages_refuse_another_colleges_objects(client, org_tree, college_admin):
    message = BoardMessageFactory(org=org_tree.other_college, visibility=BoardVisibility.PRIVATE)
    post = HelpPostFactory(org=org_tree.other_college)
    console_login(client, college_admin)
    assert client.get(reverse("console:community_message", args=[message.pk])).status_code == 404
    refused = client.post(
        reverse("console:community_message_moderate", args=[message.pk]), {"action": "hide"}
    )
    assert refused.status_code == 404
    assert client.get(reverse("console:community_help_post", args=[post.pk])).status_code == 404


def test_console_help_and_settings(client, org_tree, college_admin):
    post = HelpPostFactory(org=org_tree.college, report_count=2)
    HelpPostFactory(org=org_tree.college)
    console_login(client, college_admin)
    rows = client.get(reverse("console:community_help"), {"reported": "1"}).context["table"].rows
    assert [row.obj for row in rows] == [post]
    assert client.get(reverse("console:community_help_post", args=[post.pk])).status_code == 200
    client.post(reverse("console:community_help_moderate", args=[post.pk]), {"action": "hide"})
    post.refresh_from_db()
    assert post.status == ModerationStatus.HIDDEN

    with translation.override("en"):
        page = client.get(reverse("console:community_settings"))
    assert page.status_code == 200 and page.context["org"] == org_tree.college
    client.post(
        reverse("console:community_settings"),
        {"board_review_mode": "none", "help_review_mode": "post", "report_hide_threshold": 4},
    )
    settings = org_tree.college.community_settings
    assert (settings.board_review_mode, settings.help_review_mode) == ("none", "post")
    assert settings.report_hide_threshold == 4


def test_a_private_organizations_board_is_for_its_members(client, org_tree, verified_alumnus):
    org_tree.club.visibility = "private"
    org_tree.club.save(update_fields=["visibility"])
    message = BoardMessageFactory(org=org_tree.club)
    client.force_login(verified_alumnus)  # a member of the college, not of its club
    assert client.get(reverse("hall:community_message", args=[message.pk])).status_code == 404
    from tests.factories import MembershipFactory

    MembershipFactory(org=org_tree.club, user=verified_alumnus)
    assert client.get(reverse("hall:community_message", args=[message.pk])).status_code == 200


def test_the_to_do_page_shows_what_was_posted(client, org_tree, college_admin, verified_alumnus):
    from xiaoyou.community.services import board, help

    message = board.board_message_post(
        actor=verified_alumnus,
        org=org_tree.college,
        title="校庆",
        body="校庆晚会在哪里举行？",
        visibility="public",
    )
    post = HelpPostFactory(org=org_tree.college, title="送自行车")
    help.help_report_submit(actor=UserFactory(), post=post, reason="重复发布")
    from xiaoyou.core.models import ReviewItem

    console_login(client, college_admin)
    for item in ReviewItem.objects.filter(org=org_tree.college):
        page = client.get(reverse("console:review_detail", args=[item.pk]))
        assert page.status_code == 200
        text = page.content.decode()
        assert ("校庆晚会在哪里举行？" in text) or ("重复发布" in text and "送自行车" in text)
    assert (
        ReviewItem.objects.filter(kind=board.MESSAGE_REVIEW_KIND, object_id=str(message.pk)).count()
        == 1
    )
