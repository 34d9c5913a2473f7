"""Events discussion (活动讨论/评论管理): posting under the open, moderated and closed modes,
official comments of managers, replies one level deep and their in-app notice, length limits,
duplicates and the rate limit, moderation (publish/hide/delete, audited) and deletion by the
author; the hall section (with and without htmx, a fixed query count) and the console page
(filters, search, bulk moderation, official replies, a fixed query count)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.events.factories import EventFactory
from tests.factories import UserFactory
from tests.organizations.org_support import console_login
from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core import reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry, Notification, ReviewItem, ReviewStatus
from xiaoyou.events import errors_engagement as errors
from xiaoyou.events.models import DiscussionMode, EventComment, EventStatus, Visibility
from xiaoyou.events.selectors_engagement import discussion_thread
from xiaoyou.events.services.discussion import (
    COMMENT_MAX_LENGTH,
    REPLY_KIND,
    REVIEW_KIND,
    comment_delete,
    comment_moderate,
    comment_post,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()  # rate-limit counters live in the (local-memory) cache
    yield
    cache.clear()


@pytest.fixture
def event(org_tree):
    return EventFactory(org=org_tree.college, title="学院年会", discussion=DiscussionMode.OPEN)


@pytest.fixture
def moderated(org_tree):
    return EventFactory(org=org_tree.club, title="羽毛球赛", discussion=DiscussionMode.MODERATED)


def _code(excinfo) -> str:
    return excinfo.value.code


# --- Posting -----------------------------------------------------------------------------------


def test_open_discussion_publishes_at_once(event, verified_alumnus):
    comment = comment_post(actor=verified_alumnus, event=event, body="  几点签到？\r\n谢谢 ")
    assert comment.status == ModerationStatus.PUBLISHED
    assert comment.body == "几点签到？\n谢谢"
    assert comment.is_official is False
    assert comment.parent is None
    assert AuditEntry.objects.filter(action__startswith="events.comment").count() == 0


def test_moderated_discussion_keeps_others_pending(moderated, verified_alumnus, outsider):
    comment = comment_post(actor=verified_alumnus, event=moderated, body="求组队")
    assert comment.status == ModerationStatus.PENDING
    assert list(discussion_thread(moderated, verified_alumnus)) == [comment]
    assert list(discussion_thread(moderated, outsider)) == []
    assert list(discussion_thread(moderated, None)) == []


def test_managers_publish_at_once_and_speak_officially(moderated, college_admin, platform_admin):
    comment = comment_post(actor=college_admin, event=moderated, body="报名截止周五")
    assert (comment.status, comment.is_official) == (ModerationStatus.PUBLISHED, True)
    entry = AuditEntry.objects.get(action="events.comment.official")
    assert entry.object_id == str(comment.pk)
    assert entry.actor_id == college_admin.pk
    other = comment_post(actor=platform_admin, event=moderated, body="总会也会来")
    assert other.is_official is True


def test_closed_discussion_and_unpublished_events_refuse_comments(
    org_tree, event, verified_alumnus, college_admin
):
    event.discussion = DiscussionMode.CLOSED
    event.save(update_fields=["discussion"])
    with pytest.raises(ApplicationError) as excinfo:
        comment_post(actor=verified_alumnus, event=event, body="还能评论吗")
    assert _code(excinfo) == errors.DISCUSSION_CLOSED
    draft = EventFactory(org=org_tree.college, status=EventStatus.DRAFT)
    with pytest.raises(ApplicationError) as excinfo:
        comment_post(actor=college_admin, event=draft, body="草稿")
    assert _code(excinfo) == errors.DISCUSSION_CLOSED
    with pytest.raises(PermissionDenied):  # an alumnus does not even see a draft
        comment_post(actor=verified_alumnus, event=draft, body="草稿")
    assert EventComment.objects.count() == 0


def test_who_may_comment(org_tree, event, outsider, unverified_user):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        comment_post(actor=AnonymousUser(), event=event, body="匿名")
    members_only = EventFactory(org=org_tree.other_college, visibility=Visibility.MEMBERS)
    with pytest.raises(PermissionDenied):
        comment_post(actor=outsider, event=members_only, body="外人")
    # Anyone signed in who may view a public event may comment.
    assert comment_post(actor=unverified_user, event=event, body="你好").pk
    assert comment_post(actor=outsider, event=event, body="路过").pk


@pytest.mark.parametrize("body", ["", "   ", "\r\n\n"])
def test_empty_comments_are_refused(event, verified_alumnus, body):
    with pytest.raises(ApplicationError) as excinfo:
        comment_post(actor=verified_alumnus, event=event, body=body)
    assert _code(excinfo) == errors.COMMENT_REQUIRED


def test_length_limit(event, verified_alumnus):
    with pytest.raises(ApplicationError) as excinfo:
        comment_post(actor=verified_alumnus, event=event, body="长" * (COMMENT_MAX_LENGTH + 1))
    assert _code(excinfo) == errors.COMMENT_TOO_LONG
    assert excinfo.value.params == {"limit": 1000}
    comment = comment_post(actor=verified_alumnus, event=event, body="长" * COMMENT_MAX_LENGTH)
    assert len(comment.body) == COMMENT_MAX_LENGTH


def test_same_text_twice_is_refused(event, verified_alumnus):
    comment_post(actor=verified_alumnus, event=event, body="同一句话")
    with pytest.raises(ApplicationError) as excinfo:
        comment_post(actor=verified_alumnus, event=event, body=" 同一句话 ")
    assert _code(excinfo) == errors.COMMENT_DUPLICATE
    assert EventComment.objects.count() == 1


def test_rate_limit_per_person_but_not_for_managers(event, verified_alumnus, college_admin):
    for index in range(5):
        comment_post(actor=verified_alumnus, event=event, body=f"第{index}条")
    with pytest.raises(ApplicationError) as excinfo:
        comment_post(actor=verified_alumnus, event=event, body="第6条")
    assert (_code(excinfo), excinfo.value.status) == ("rate_limited", 429)
    for index in range(7):
        comment_post(actor=college_admin, event=event, body=f"官方{index}")
    assert EventComment.objects.filter(author=verified_alumnus).count() == 5
    assert EventComment.objects.filter(author=college_admin).count() == 7


# --- Replies and their notice -----------------------------------------------------------------


def _english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def test_reply_notifies_the_comment_author(event, org_tree, verified_alumnus, outsider):
    _english(verified_alumnus)
    comment = comment_post(actor=verified_alumnus, event=event, body="有停车位吗")
    reply = comment_post(actor=outsider, event=event, body="有，地下车库", parent=comment)
    assert (reply.parent_id, reply.is_official) == (comment.pk, False)
    notice = Notification.objects.get(user=verified_alumnus)
    assert notice.kind == REPLY_KIND
    assert notice.title == "路人 replied to your comment on 学院年会"
    assert notice.body == "有，地下车库"
    assert notice.url == f"/events/{event.pk}/#comment-{comment.pk}"
    # Answering oneself notifies nobody.
    comment_post(actor=verified_alumnus, event=event, body="谢谢", parent=comment)
    assert Notification.objects.filter(user=verified_alumnus).count() == 1


def test_official_reply_names_the_organization(event, org_tree, verified_alumnus, college_admin):
    _english(verified_alumnus)
    comment = comment_post(actor=verified_alumnus, event=event, body="可以带家属吗")
    reply = comment_post(actor=college_admin, event=event, body="可以", parent=comment)
    assert reply.is_official is True
    notice = Notification.objects.get(user=verified_alumnus)
    assert notice.title == f"{org_tree.college.name} answered your comment on 学院年会"


def test_replies_stay_one_level_deep(event, verified_alumnus, outsider, unverified_user):
    comment = comment_post(actor=verified_alumnus, event=event, body="主楼")
    reply = comment_post(actor=outsider, event=event, body="二楼", parent=comment)
    nested = comment_post(actor=unverified_user, event=event, body="三楼", parent=reply)
    assert nested.parent_id == comment.pk


def test_replies_need_a_published_comment_of_the_same_event(
    org_tree, event, moderated, verified_alumnus, outsider
):
    elsewhere = comment_post(actor=verified_alumnus, event=moderated, body="别处的")
    with pytest.raises(ApplicationError) as excinfo:
        comment_post(actor=outsider, event=event, body="串门", parent=elsewhere)
    assert _code(excinfo) == errors.REPLY_TARGET_INVALID
    hidden = comment_post(actor=verified_alumnus, event=event, body="将被隐藏")
    EventComment.objects.filter(pk=hidden.pk).update(status=ModerationStatus.HIDDEN)
    hidden.refresh_from_db()
    with pytest.raises(ApplicationError) as excinfo:
        comment_post(actor=outsider, event=event, body="回复", parent=hidden)
    assert _code(excinfo) == errors.REPLY_TARGET_INVALID


def test_a_moderated_reply_notifies_once_when_published(
    moderated, verified_alumnus, outsider, college_admin
):
    question = comment_post(actor=verified_alumnus, event=moderated, body="我的提问")
    comment_moderate(actor=college_admin, comment=question, action="publish")
    answer = comment_post(actor=outsider, event=moderated, body="我的回答", parent=question)
    assert answer.status == ModerationStatus.PENDING
    assert Notification.objects.filter(user=verified_alumnus).count() == 0
    comment_moderate(actor=college_admin, comment=answer, action="publish")
    comment_moderate(actor=college_admin, comment=answer, action="hide")
    comment_moderate(actor=college_admin, comment=answer, action="publish")
    assert Notification.objects.filter(user=verified_alumnus, kind=REPLY_KIND).count() == 1
    assert Notification.objects.count() == 1


# --- Moderation and deletion -------------------------------------------------------------------


def test_managers_moderate_with_an_audit_trail(moderated, verified_alumnus, college_admin):
    comment = comment_post(actor=verified_alumnus, event=moderated, body="待审")
    comment = comment_moderate(actor=college_admin, comment=comment, action="publish")
    assert (comment.status, comment.moderated_by_id) == (
        ModerationStatus.PUBLISHED,
        college_admin.pk,
    )
    comment_moderate(actor=college_admin, comment=comment, action="hide")
    comment_moderate(actor=college_admin, comment=comment, action="delete")
    comment.refresh_from_db()
    assert comment.status == ModerationStatus.DELETED
    actions = list(
        AuditEntry.objects.filter(object_id=str(comment.pk), action__startswith="events.comment.")
        .order_by("id")
        .values_list("action", "changes")
    )
    assert actions == [
        ("events.comment.publish", {"status": ["pending", "published"]}),
        ("events.comment.hide", {"status": ["published", "hidden"]}),
        ("events.comment.delete", {"status": ["hidden", "deleted"]}),
    ]


def test_only_managers_of_the_event_moderate(
    moderated, verified_alumnus, regional_admin, outsider, platform_admin
):
    comment = comment_post(actor=verified_alumnus, event=moderated, body="待审")
    for user in (regional_admin, verified_alumnus, outsider):
        with pytest.raises(PermissionDenied):
            comment_moderate(actor=user, comment=comment, action="publish")
    with pytest.raises(ApplicationError) as excinfo:
        comment_moderate(actor=platform_admin, comment=comment, action="pin")
    assert _code(excinfo) == errors.MODERATION_ACTION_UNKNOWN
    comment.refresh_from_db()
    assert comment.status == ModerationStatus.PENDING
    comment_moderate(actor=platform_admin, comment=comment, action="publish")
    comment.refresh_from_db()
    assert comment.status == ModerationStatus.PUBLISHED


def test_authors_delete_their_own_comments_only(event, verified_alumnus, outsider, college_admin):
    comment = comment_post(actor=verified_alumnus, event=event, body="我要删")
    for user in (outsider, college_admin):  # managers moderate instead
        with pytest.raises(PermissionDenied):
            comment_delete(actor=user, comment=comment)
    comment_delete(actor=verified_alumnus, comment=comment)
    comment.refresh_from_db()
    assert comment.status == ModerationStatus.DELETED
    assert list(discussion_thread(event, verified_alumnus)) == []


def test_pending_comments_wait_in_the_review_queue(moderated, verified_alumnus, college_admin):
    comment = comment_post(actor=verified_alumnus, event=moderated, body="请审核我")
    item = ReviewItem.objects.get()
    assert (item.kind, item.org_id, item.submitter_id, item.object_id, item.status) == (
        REVIEW_KIND,
        moderated.org_id,
        verified_alumnus.pk,
        str(comment.pk),
        ReviewStatus.PENDING,
    )
    assert item.summary == "羽毛球赛: 请审核我"
    assert reviews.pending_count_for(college_admin) == 1
    # Managers' comments and open discussions need no review.
    comment_post(actor=college_admin, event=moderated, body="官方")
    assert ReviewItem.objects.count() == 1


def test_deciding_in_the_to_do_list_publishes_or_hides(
    moderated, verified_alumnus, outsider, college_admin
):
    question = comment_post(actor=college_admin, event=moderated, body="有问题吗")
    reply = comment_post(actor=verified_alumnus, event=moderated, body="有一个", parent=question)
    spam = comment_post(actor=outsider, event=moderated, body="广告")
    items = {item.object_id: item for item in ReviewItem.objects.all()}
    reviews.review_decide(item=items[str(reply.pk)], actor=college_admin, approved=True)
    reviews.review_decide(
        item=items[str(spam.pk)], actor=college_admin, approved=False, reason="广告"
    )
    reply.refresh_from_db()
    spam.refresh_from_db()
    assert (reply.status, reply.moderated_by_id) == (ModerationStatus.PUBLISHED, college_admin.pk)
    assert spam.status == ModerationStatus.HIDDEN
    # The answered manager is told about the reply; nobody gets "review decided".
    assert list(Notification.objects.values_list("user_id", "kind")) == [
        (college_admin.pk, REPLY_KIND)
    ]


def test_a_waiting_comment_its_author_deletes_leaves_the_to_do_queue(
    moderated, verified_alumnus, college_admin
):
    comment = comment_post(actor=verified_alumnus, event=moderated, body="我撤回了")
    assert reviews.pending_count_for(college_admin) == 1
    comment_delete(actor=verified_alumnus, comment=comment)
    item = ReviewItem.objects.get()
    assert (item.status, item.decided_by) == (ReviewStatus.WITHDRAWN, verified_alumnus)
    college_admin._xiaoyou_pending_reviews = None
    assert reviews.pending_count_for(college_admin) == 0
    # Nothing is left to decide; the comment stays deleted.
    with pytest.raises(ApplicationError) as error:
        reviews.review_decide(item=item, actor=college_admin, approved=True)
    assert error.value.code == "review_decided"
    comment.refresh_from_db()
    assert comment.status == ModerationStatus.DELETED


def test_moderating_on_the_discussion_page_decides_the_review_item(
    moderated, verified_alumnus, outsider, college_admin
):
    first = comment_post(actor=verified_alumnus, event=moderated, body="第一条")
    second = comment_post(actor=outsider, event=moderated, body="第二条")
    comment_moderate(actor=college_admin, comment=first, action="publish")
    comment_moderate(actor=college_admin, comment=second, action="delete")
    decided = dict(ReviewItem.objects.values_list("object_id", "status"))
    assert decided == {str(first.pk): "approved", str(second.pk): "rejected"}
    second.refresh_from_db()
    assert second.status == ModerationStatus.DELETED
    assert reviews.pending_count_for(college_admin) == 0


def test_the_to_do_list_shows_pending_comments(client, moderated, verified_alumnus, college_admin):
    comment_post(actor=verified_alumnus, event=moderated, body="待办里能看到我")
    console_login(client, college_admin)
    response = client.get("/console/todos/")
    assert response.status_code == 200
    assert "羽毛球赛: 待办里能看到我" in response.content.decode()


def test_hall_thread_pages(client, event, verified_alumnus):
    for index in range(21):
        comment_post(actor=UserFactory(), event=event, body=f"第{index}楼")
    first = client.get(reverse("hall:event", args=[event.pk])).content.decode()
    assert first.count("data-comment=") == 20
    assert "第20楼" in first and "第0楼" not in first  # newest first
    assert 'href="?comments=2#discussion" data-action="older-comments"' in first
    second = client.get(reverse("hall:event", args=[event.pk]), {"comments": "2"})
    assert second.content.decode().count("data-comment=") == 1
    assert "第0楼" in second.content.decode()


# --- Hall ---------------------------------------------------------------------------------------


def _event_url(event) -> str:
    return reverse("hall:event", args=[event.pk])


def test_hall_section_shows_the_thread(client, moderated, verified_alumnus, outsider, org_tree):
    mine = comment_post(actor=verified_alumnus, event=moderated, body="我的待审评论")
    comment_post(actor=outsider, event=moderated, body="别人的待审评论")
    client.force_login(verified_alumnus)
    response = client.get(_event_url(moderated))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="discussion"' in html
    assert f'data-comment="{mine.pk}" data-status="pending"' in html
    assert "我的待审评论" in html
    assert "别人的待审评论" not in html
    assert 'data-form="comment"' in html


def test_hall_section_for_visitors_and_closed_events(client, event, verified_alumnus):
    comment_post(actor=verified_alumnus, event=event, body="公开评论")
    html = client.get(_event_url(event)).content.decode()
    assert "公开评论" in html
    assert 'data-action="sign-in-to-comment"' in html
    assert 'data-form="comment"' not in html
    event.discussion = DiscussionMode.CLOSED
    event.save(update_fields=["discussion"])
    html = client.get(_event_url(event)).content.decode()
    assert "data-discussion-closed" in html
    assert "公开评论" in html  # what was said stays readable


def test_hall_post_without_javascript(client, event, verified_alumnus):
    client.force_login(verified_alumnus)
    url = reverse("hall:event_comment", args=[event.pk])
    response = client.post(url, {"body": "不用脚本也能评论"})
    comment = EventComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{_event_url(event)}#comment-{comment.pk}"
    response = client.post(url, {"body": "回复一下", "parent": str(comment.pk)})
    reply = EventComment.objects.get(parent=comment)
    assert response["Location"] == f"{_event_url(event)}#comment-{comment.pk}"
    assert reply.body == "回复一下"
    response = client.post(url, {"body": ""})
    assert response.status_code == 302
    assert EventComment.objects.count() == 2


def test_hall_post_with_htmx_swaps_the_section(client, event, verified_alumnus):
    client.force_login(verified_alumnus)
    url = reverse("hall:event_comment", args=[event.pk])
    response = client.post(url, {"body": "htmx 评论"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<section")
    assert "htmx 评论" in html
    response = client.post(url, {"body": "长" * 1001}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-discussion-error" in html
    assert "长" * 1001 in html  # what was typed is kept


def test_hall_post_needs_sign_in_and_a_visible_event(client, org_tree, event, outsider):
    url = reverse("hall:event_comment", args=[event.pk])
    response = client.post(url, {"body": "匿名"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    hidden = EventFactory(org=org_tree.other_college, visibility=Visibility.MEMBERS)
    client.force_login(outsider)
    assert (
        client.post(reverse("hall:event_comment", args=[hidden.pk]), {"body": "x"}).status_code
        == 404
    )
    other_event = EventFactory(org=org_tree.college)
    foreign = comment_post(actor=outsider, event=other_event, body="别的活动")
    response = client.post(url, {"body": "跨活动回复", "parent": str(foreign.pk)})
    assert response.status_code == 404
    assert client.get(url).status_code == 405
    assert EventComment.objects.count() == 1


def test_hall_delete_own_comment(client, event, verified_alumnus, outsider):
    comment = comment_post(actor=verified_alumnus, event=event, body="删掉我")
    url = reverse("hall:event_comment_delete", args=[comment.pk])
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    client.force_login(verified_alumnus)
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "删掉我" not in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == ModerationStatus.DELETED


def test_hall_thread_query_count_is_fixed(
    client, event, verified_alumnus, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for index in range(count):
            author = UserFactory()
            comment = comment_post(actor=author, event=event, body=f"评论{index}")
            for number in range(2):
                comment_post(actor=UserFactory(), event=event, body=f"回复{number}", parent=comment)

    add(1)
    cache.clear()
    client.force_login(verified_alumnus)
    with django_assert_max_num_queries(60) as few:
        client.get(_event_url(event))
    add(8)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_event_url(event))
    assert response.content.decode().count("data-reply=") == 18


# --- Console ------------------------------------------------------------------------------------


def _console_rows(response) -> list[str]:
    return [row.obj.body for row in response.context["table"].rows]


@pytest.fixture
def thread(moderated, verified_alumnus, outsider, college_admin):
    published = comment_post(actor=college_admin, event=moderated, body="官方公告")
    pending = comment_post(actor=verified_alumnus, event=moderated, body="校友提问")
    reply = comment_post(actor=outsider, event=moderated, body="路人回复", parent=published)
    return {"published": published, "pending": pending, "reply": reply}


def test_console_list_filters_and_search(client, moderated, thread, college_admin):
    console_login(client, college_admin)
    url = reverse("console:event_discussion", args=[moderated.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert set(_console_rows(response)) == {"官方公告", "校友提问", "路人回复"}
    assert 'data-pending-count="2"' in response.content.decode()
    assert _console_rows(client.get(url, {"status": "pending"})) == ["路人回复", "校友提问"]
    assert _console_rows(client.get(url, {"kind": "reply"})) == ["路人回复"]
    assert _console_rows(client.get(url, {"kind": "official"})) == ["官方公告"]
    assert _console_rows(client.get(url, {"q": "提问"})) == ["校友提问"]
    assert _console_rows(client.get(url, {"q": "张伟"})) == ["校友提问"]
    assert set(_console_rows(client.get(url, {"status": "bogus"}))) == {
        "官方公告",
        "校友提问",
        "路人回复",
    }


def test_console_pages_are_for_the_events_managers(
    client, moderated, thread, regional_admin, verified_alumnus
):
    url = reverse("console:event_discussion", args=[moderated.pk])
    console_login(client, regional_admin)
    assert client.get(url).status_code == 404
    detail = reverse("console:event_comment", args=[moderated.pk, thread["pending"].pk])
    assert client.get(detail).status_code == 404
    client.force_login(verified_alumnus)
    assert client.get(url).status_code in (302, 403, 404)


def test_console_bulk_moderation(client, org_tree, moderated, thread, college_admin, outsider):
    other = EventFactory(org=org_tree.college, discussion=DiscussionMode.MODERATED)
    foreign = comment_post(actor=outsider, event=other, body="别的活动的")
    console_login(client, college_admin)
    url = reverse("console:event_discussion_bulk", args=[moderated.pk])
    ids = [thread["pending"].pk, thread["reply"].pk, foreign.pk]
    response = client.post(url, {"action": "publish", "ids": ids})
    assert response.status_code == 302
    statuses = dict(EventComment.objects.values_list("body", "status"))
    assert statuses == {
        "官方公告": "published",
        "校友提问": "published",
        "路人回复": "published",
        "别的活动的": "pending",
    }
    client.post(url, {"action": "hide", "ids": [thread["reply"].pk]})
    client.post(url, {"action": "delete", "ids": [thread["pending"].pk]})
    statuses = dict(EventComment.objects.values_list("body", "status"))
    assert (statuses["路人回复"], statuses["校友提问"]) == ("hidden", "deleted")
    assert client.post(url, {"action": "pin", "ids": ids}).status_code == 404


def test_console_official_reply(client, moderated, thread, college_admin, verified_alumnus):
    console_login(client, college_admin)
    pending = thread["pending"]
    detail = reverse("console:event_comment", args=[moderated.pk, pending.pk])
    html = client.get(detail).content.decode()
    assert 'data-form="official-reply"' not in html  # publish first
    client.post(
        reverse("console:event_comment_moderate", args=[moderated.pk, pending.pk]),
        {"action": "publish"},
    )
    response = client.post(
        reverse("console:event_comment_reply", args=[moderated.pk, pending.pk]),
        {"body": "官方答复：周六上午九点"},
    )
    assert response.status_code == 302
    assert response["Location"] == detail
    reply = EventComment.objects.get(parent=pending)
    assert (reply.is_official, reply.status, reply.author_id) == (
        True,
        ModerationStatus.PUBLISHED,
        college_admin.pk,
    )
    assert Notification.objects.filter(user=verified_alumnus, kind=REPLY_KIND).count() == 1
    html = client.get(detail).content.decode()
    assert f'data-reply="{reply.pk}" data-status="published" data-official' in html
    # A reply's own page is its comment's.
    reply_url = reverse("console:event_comment", args=[moderated.pk, reply.pk])
    assert client.get(reply_url)["Location"] == detail


def test_console_list_query_count_is_fixed(
    client, moderated, college_admin, django_assert_max_num_queries
):
    console_login(client, college_admin)

    def add(count: int) -> None:
        for index in range(count):
            comment = comment_post(actor=UserFactory(), event=moderated, body=f"评论{index}")
            comment_moderate(actor=college_admin, comment=comment, action="publish")
            comment_post(actor=UserFactory(), event=moderated, body="回复", parent=comment)

    add(1)
    url = reverse("console:event_discussion", args=[moderated.pk])
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["table"].rows) == 18


def test_console_tab_is_listed(client, moderated, college_admin):
    console_login(client, college_admin)
    html = client.get(reverse("console:event_registrations", args=[moderated.pk])).content
    assert b'data-event-tab="discussion"' in html
    assert b'data-event-tab="notices"' in html
