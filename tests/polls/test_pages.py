"""Polls pages: the console (list with a fixed query count, create with options and images,
edit, the admin actions, canvassing links, statistics with live JSON and the Excel export,
comment moderation) and the hall (list with a fixed query count, poll page under each
results-visibility rule, voting with a clear refusal of a second vote, canvassing links that
attribute the vote, share page with a QR code, comments). Permission cases with the personas."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests.factories import UserFactory
from tests.organizations.org_support import console_login, image_upload
from tests.polls.factories import PollCommentFactory, poll_with_options
from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core import excel
from xiaoyou.core.models import AuditEntry
from xiaoyou.polls.models import (
    CanvassLink,
    CommentMode,
    Poll,
    PollComment,
    PollStatus,
    ResultsVisibility,
    Vote,
)
from xiaoyou.polls.services.voting import Origin, keyed_hash, vote_cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LANGUAGE_CODE = "en"
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def poll(org_tree):
    return poll_with_options(org_tree.club, title="年度最受欢迎老师")


def _options(poll):
    return list(poll.options.order_by("position"))


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# --- Console --------------------------------------------------------------------------------


def test_console_list_shows_the_polls_of_the_org_and_below_in_constant_queries(
    client, org_tree, college_admin, django_assert_max_num_queries
):
    for index in range(3):
        poll_with_options(org_tree.club, title=f"俱乐部投票{index}")
    poll_with_options(org_tree.college, title="学院投票")
    poll_with_options(org_tree.other_college, title="他院投票")
    console_login(client, college_admin)
    client.get(reverse("console:polls"))  # warm the session and the org switcher
    with django_assert_max_num_queries(14) as captured:
        response = client.get(reverse("console:polls"))
    few = len(captured)
    for index in range(10):
        poll_with_options(org_tree.club, title=f"更多{index}")
    with django_assert_max_num_queries(few):
        response = client.get(reverse("console:polls"))
    html = response.content.decode()
    assert "学院投票" in html and "俱乐部投票0" in html
    assert "他院投票" not in html


def test_console_create_a_poll_with_option_images(client, org_tree, college_admin):
    console_login(client, college_admin)
    page = client.get(reverse("console:poll_create"))
    assert page.status_code == 200
    now = timezone.localtime()
    data = {
        "org": str(org_tree.college.pk),
        "title": "最美校园景色",
        "description": "<p>选出你心中的<b>最美</b></p>",
        "kind": "multiple",
        "min_choices": "1",
        "max_choices": "2",
        "starts_at": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "audience": "signed_in",
        "results_visibility": "after_vote",
        "comments": "moderated",
        "options-TOTAL_FORMS": "3",
        "options-INITIAL_FORMS": "0",
        "options-0-label": "图书馆",
        "options-0-image": image_upload("library.png"),
        "options-1-label": "荷花池",
        "options-2-label": "樱花大道",
    }
    response = client.post(reverse("console:poll_create"), data)
    poll = Poll.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("console:poll_edit", args=[poll.pk])
    assert poll.org == org_tree.college and poll.status == PollStatus.DRAFT
    assert (poll.kind, poll.min_choices, poll.max_choices) == ("multiple", 1, 2)
    assert [o.label for o in _options(poll)] == ["图书馆", "荷花池", "樱花大道"]
    assert _options(poll)[0].image.name.endswith(".png")
    html = client.get(reverse("console:poll_edit", args=[poll.pk])).content.decode()
    assert 'data-action="poll-publish"' in html


def test_console_create_shows_errors_inline(client, org_tree, college_admin):
    console_login(client, college_admin)
    now = timezone.localtime()
    response = client.post(
        reverse("console:poll_create"),
        {
            "org": str(org_tree.college.pk),
            "title": "只有一个选项",
            "kind": "single",
            "min_choices": "1",
            "max_choices": "1",
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "audience": "signed_in",
            "results_visibility": "always",
            "comments": "open",
            "options-TOTAL_FORMS": "1",
            "options-INITIAL_FORMS": "0",
            "options-0-label": "唯一",
        },
    )
    assert response.status_code == 200
    assert "A poll needs at least two options." in response.content.decode()
    assert not Poll.objects.exists()


def test_console_org_choices_exclude_other_orgs(client, org_tree, college_admin):
    console_login(client, college_admin)
    now = timezone.localtime()
    response = client.post(
        reverse("console:poll_create"),
        {
            "org": str(org_tree.other_college.pk),
            "title": "越权",
            "kind": "single",
            "min_choices": "1",
            "max_choices": "1",
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "audience": "signed_in",
            "results_visibility": "always",
            "comments": "open",
            "options-TOTAL_FORMS": "2",
            "options-INITIAL_FORMS": "0",
            "options-0-label": "甲",
            "options-1-label": "乙",
        },
    )
    assert response.status_code == 200
    assert not Poll.objects.exists()


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("pause", PollStatus.PUBLISHED, PollStatus.PAUSED),
        ("resume", PollStatus.PAUSED, PollStatus.PUBLISHED),
        ("close", PollStatus.PAUSED, PollStatus.CLOSED),
        ("publish", PollStatus.DRAFT, PollStatus.PUBLISHED),
    ],
)
def test_console_actions(client, org_tree, college_admin, action, before, after):
    poll = poll_with_options(org_tree.club, status=before)
    console_login(client, college_admin)
    response = client.post(reverse("console:poll_action", args=[poll.pk, action]))
    assert response.status_code == 302
    assert Poll.objects.get(pk=poll.pk).status == after
    assert AuditEntry.objects.filter(action=f"polls.poll.{action}", object_id=str(poll.pk)).exists()


def test_console_hide_show_delete(client, poll, college_admin):
    console_login(client, college_admin)
    client.post(reverse("console:poll_action", args=[poll.pk, "hide"]))
    assert Poll.objects.get(pk=poll.pk).is_visible is False
    assert client.get(reverse("hall:poll", args=[poll.pk])).status_code == 200  # managers
    client.post(reverse("console:poll_action", args=[poll.pk, "show"]))
    assert Poll.objects.get(pk=poll.pk).is_visible is True
    response = client.post(reverse("console:poll_action", args=[poll.pk, "delete"]))
    assert response["Location"] == reverse("console:polls")
    assert client.get(reverse("console:poll_edit", args=[poll.pk])).status_code == 404


def test_console_refuses_an_impossible_change_with_a_message(client, poll, college_admin):
    console_login(client, college_admin)
    response = client.post(reverse("console:poll_action", args=[poll.pk, "resume"]), follow=True)
    assert "The poll cannot go from Published to Published." in _messages(response)
    assert client.post(reverse("console:poll_action", args=[poll.pk, "explode"])).status_code == 404


@pytest.mark.parametrize("persona", ["regional_admin", "verified_alumnus"])
def test_console_pages_of_a_poll_are_closed_to_others(client, poll, request, persona):
    user = request.getfixturevalue(persona)
    console_login(client, user)
    for name in ("poll_edit", "poll_links", "poll_statistics", "poll_results_json", "poll_export"):
        assert client.get(reverse(f"console:{name}", args=[poll.pk])).status_code in (403, 404)
    client.post(reverse("console:poll_action", args=[poll.pk, "close"]))
    assert Poll.objects.get(pk=poll.pk).status == PollStatus.PUBLISHED


def test_hidden_or_draft_polls_are_not_in_the_hall(client, org_tree, verified_alumnus):
    hidden = poll_with_options(org_tree.college, title="隐藏的投票")
    Poll.objects.filter(pk=hidden.pk).update(is_visible=False)
    draft = poll_with_options(org_tree.college, title="草稿投票", status=PollStatus.DRAFT)
    client.force_login(verified_alumnus)
    html = client.get(reverse("hall:polls")).content.decode()
    assert "隐藏的投票" not in html and "草稿投票" not in html
    assert client.get(reverse("hall:poll", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("hall:poll", args=[draft.pk])).status_code == 404


# --- Canvassing -------------------------------------------------------------------------------


def test_console_links_page_lists_each_option_link_with_its_votes(client, poll, college_admin):
    options = _options(poll)
    link = CanvassLink.objects.get(option=options[1], sharer__isnull=True)
    vote_cast(actor=UserFactory(), poll=poll, option_ids=[options[1].pk], link_token=link.token)
    console_login(client, college_admin)
    html = client.get(reverse("console:poll_links", args=[poll.pk])).content.decode()
    row = re.search(rf'<tr data-link="{link.token}".*?</tr>', html, re.S).group(0)
    assert f"/polls/l/{link.token}" in row
    assert '<td class="num" data-link-votes>1</td>' in row
    assert "<svg" in row  # its QR code


def test_a_vote_through_a_canvassing_link_is_attributed_to_it(client, poll, verified_alumnus):
    options = _options(poll)
    link = CanvassLink.objects.get(option=options[2], sharer__isnull=True)
    client.force_login(verified_alumnus)
    response = client.get(reverse("hall:poll_canvass", args=[link.token]))
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('hall:poll', args=[poll.pk])}?option={options[2].pk}#option-{options[2].pk}"
    )
    page = client.get(response["Location"]).content.decode()
    assert f'id="option-{options[2].pk}" class="poll-option is-highlighted"' in page
    assert f'name="via" value="{link.token}"' in page
    client.post(reverse("hall:poll_vote", args=[poll.pk]), {"options": [options[2].pk]})
    vote = Vote.objects.get()
    assert vote.canvass_link == link
    link.refresh_from_db()
    assert link.vote_count == 1


def test_an_alumnus_shares_their_own_link_and_gets_credit(client, poll, verified_alumnus):
    options = _options(poll)
    client.force_login(verified_alumnus)
    response = client.get(reverse("hall:poll_share", args=[poll.pk, options[0].pk]))
    assert response.status_code == 200
    link = CanvassLink.objects.get(sharer=verified_alumnus)
    assert link.option == options[0]
    html = response.content.decode()
    assert f"/polls/l/{link.token}" in html and "<svg" in html
    assert '<meta property="og:title" content="Vote for 张老师: 年度最受欢迎老师">' in html
    # The same person asking again gets the same link.
    client.get(reverse("hall:poll_share", args=[poll.pk, options[0].pk]))
    assert CanvassLink.objects.filter(sharer=verified_alumnus).count() == 1
    friend = UserFactory()
    client.force_login(friend)
    client.get(reverse("hall:poll_canvass", args=[link.token]))
    client.post(reverse("hall:poll_vote", args=[poll.pk]), {"options": [options[1].pk]})
    link.refresh_from_db()
    assert link.vote_count == 1
    assert Vote.objects.get(user=friend).canvass_link == link


def test_unknown_canvassing_token_is_404(client):
    assert client.get(reverse("hall:poll_canvass", args=["nope1234"])).status_code == 404


# --- Hall -------------------------------------------------------------------------------------


def test_hall_list_in_constant_queries(
    client, org_tree, verified_alumnus, django_assert_max_num_queries
):
    poll_with_options(org_tree.college, title="第一")
    client.force_login(verified_alumnus)
    client.get(reverse("hall:polls"))
    with django_assert_max_num_queries(20) as captured:
        client.get(reverse("hall:polls"))
    few = len(captured)
    for index in range(8):
        poll = poll_with_options(org_tree.college, title=f"投票{index}")
        if index % 2:
            vote_cast(actor=verified_alumnus, poll=poll, option_ids=[_options(poll)[0].pk])
    with django_assert_max_num_queries(few):
        html = client.get(reverse("hall:polls")).content.decode()
    assert html.count("data-voted") == 4
    assert (
        client.get(reverse("hall:polls"), {"q": "第一"}).content.decode().count('data-poll="') == 1
    )


def test_vote_then_a_second_vote_is_refused_with_a_clear_message(client, poll, verified_alumnus):
    options = _options(poll)
    client.force_login(verified_alumnus)
    page = client.get(reverse("hall:poll", args=[poll.pk]))
    assert 'data-action="vote"' in page.content.decode()
    assert "xy_device" in page.cookies
    response = client.post(
        reverse("hall:poll_vote", args=[poll.pk]), {"options": [options[0].pk]}, follow=True
    )
    assert "Thank you, your vote is counted." in _messages(response)
    html = response.content.decode()
    assert 'data-action="vote"' not in html and "data-my-vote" in html
    response = client.post(
        reverse("hall:poll_vote", args=[poll.pk]), {"options": [options[1].pk]}, follow=True
    )
    assert "You have already voted in this poll." in _messages(response)
    assert Vote.objects.count() == 1
    vote = Vote.objects.get()
    assert vote.device_hash == keyed_hash(page.cookies["xy_device"].value)
    assert vote.ip_hash == keyed_hash("127.0.0.1")


def test_anonymous_visitors_see_the_poll_and_are_asked_to_sign_in(client, poll):
    html = client.get(reverse("hall:poll", args=[poll.pk])).content.decode()
    assert "Sign in to vote" in html
    response = client.post(reverse("hall:poll_vote", args=[poll.pk]), {"options": ["1"]})
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    ("rule", "before", "after"),
    [
        (ResultsVisibility.ALWAYS, True, True),
        (ResultsVisibility.AFTER_VOTE, False, True),
        (ResultsVisibility.AFTER_CLOSE, False, False),
        (ResultsVisibility.STAFF, False, False),
    ],
)
def test_results_on_the_poll_page_follow_the_rule(
    client, org_tree, verified_alumnus, rule, before, after
):
    poll = poll_with_options(org_tree.college, results_visibility=rule)
    option = _options(poll)[0]
    client.force_login(verified_alumnus)
    html = client.get(reverse("hall:poll", args=[poll.pk])).content.decode()
    assert (f'data-result-option="{option.pk}"' in html) is before
    vote_cast(actor=verified_alumnus, poll=poll, option_ids=[option.pk])
    html = client.get(reverse("hall:poll", args=[poll.pk])).content.decode()
    assert (f'data-result-option="{option.pk}"' in html) is after
    fragment = client.get(reverse("hall:poll_results", args=[poll.pk])).content.decode()
    assert (f'data-result-option="{option.pk}"' in fragment) is after
    if after:
        assert re.search(r"<strong data-votes>1</strong> · 100%", fragment)


def test_paused_poll_page_says_so_and_refuses_votes(client, org_tree, verified_alumnus):
    poll = poll_with_options(org_tree.college, status=PollStatus.PAUSED)
    client.force_login(verified_alumnus)
    html = client.get(reverse("hall:poll", args=[poll.pk])).content.decode()
    assert "data-poll-paused" in html and 'data-action="vote"' not in html
    response = client.post(
        reverse("hall:poll_vote", args=[poll.pk]), {"options": [_options(poll)[0].pk]}, follow=True
    )
    assert "Voting is paused for now. Please come back later." in _messages(response)


# --- Comments ---------------------------------------------------------------------------------


def test_moderated_comments_wait_for_staff(client, org_tree, verified_alumnus, college_admin):
    poll = poll_with_options(org_tree.club, comments=CommentMode.MODERATED)
    client.force_login(verified_alumnus)
    response = client.post(
        reverse("hall:poll_comment", args=[poll.pk]), {"body": "张老师最棒"}, follow=True
    )
    assert "Thank you: your comment appears once it is reviewed." in _messages(response)
    comment = PollComment.objects.get()
    assert comment.status == ModerationStatus.PENDING
    assert "data-comment-pending" in response.content.decode()  # the author sees it
    client.force_login(UserFactory())
    assert "张老师最棒" not in client.get(reverse("hall:poll", args=[poll.pk])).content.decode()
    console_login(client, college_admin)
    listing = client.get(reverse("console:poll_comments", args=[poll.pk]), {"status": "pending"})
    assert f'data-comment="{comment.pk}"' in listing.content.decode()
    client.post(
        reverse("console:poll_comment_moderate", args=[poll.pk, comment.pk]), {"action": "publish"}
    )
    comment.refresh_from_db()
    assert comment.status == ModerationStatus.PUBLISHED
    client.force_login(UserFactory())
    assert "张老师最棒" in client.get(reverse("hall:poll", args=[poll.pk])).content.decode()
    console_login(client, college_admin)
    client.post(
        reverse("console:poll_comment_moderate", args=[poll.pk, comment.pk]), {"action": "hide"}
    )
    comment.refresh_from_db()
    assert comment.status == ModerationStatus.HIDDEN
    assert AuditEntry.objects.filter(action__startswith="polls.comment.").count() == 2


def test_open_comments_publish_at_once_and_closed_refuse(client, org_tree, verified_alumnus):
    poll = poll_with_options(org_tree.college)
    client.force_login(verified_alumnus)
    client.post(reverse("hall:poll_comment", args=[poll.pk]), {"body": "好"})
    assert PollComment.objects.get().status == ModerationStatus.PUBLISHED
    response = client.post(
        reverse("hall:poll_comment", args=[poll.pk]), {"body": "好"}, follow=True
    )
    assert "You just posted the same comment." in _messages(response)
    closed = poll_with_options(org_tree.college, comments=CommentMode.CLOSED)
    response = client.post(
        reverse("hall:poll_comment", args=[closed.pk]), {"body": "x"}, follow=True
    )
    assert "Comments are closed on this poll." in _messages(response)
    assert PollComment.objects.count() == 1


def test_other_admins_cannot_moderate(client, poll, regional_admin):
    comment = PollCommentFactory(poll=poll)
    console_login(client, regional_admin)
    response = client.post(
        reverse("console:poll_comment_moderate", args=[poll.pk, comment.pk]), {"action": "hide"}
    )
    assert response.status_code == 404
    comment.refresh_from_db()
    assert comment.status == ModerationStatus.PUBLISHED


# --- Statistics -------------------------------------------------------------------------------


def test_statistics_page_json_and_export(client, poll, college_admin):
    options = _options(poll)
    for index in range(5):
        vote_cast(
            actor=UserFactory(),
            poll=poll,
            option_ids=[options[index % 2].pk],
            origin=Origin(ip=f"10.3.{index}.1"),
        )
    console_login(client, college_admin)
    html = client.get(reverse("console:poll_statistics", args=[poll.pk])).content.decode()
    assert re.search(
        r'data-figure="total"><div class="stat-label">Votes</div><div class="stat-value" data-live-total>5<',
        html,
    )
    assert 'id="poll-stats-data"' in html
    data = client.get(reverse("console:poll_results_json", args=[poll.pk])).json()
    assert data["total"] == 5
    assert [item["votes"] for item in data["options"]] == [3, 2, 0]
    response = client.get(reverse("console:poll_export", args=[poll.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ("Figure", "Item", "Value")
    assert ("Totals", "Votes", 5) in rows
    assert ("Votes per option", "张老师", 3) in rows
    assert ("Votes per option", "王老师", 0) in rows


def test_home_section_lists_open_polls_and_is_rebuilt_on_changes(
    client, org_tree, college_admin, django_capture_on_commit_callbacks
):
    from xiaoyou.polls.services.polls import poll_pause

    open_poll = poll_with_options(org_tree.college, title="正在投票")
    poll_with_options(org_tree.college, title="已结束的投票", status=PollStatus.CLOSED)
    html = client.get("/").content.decode()
    assert 'data-section="polls_open"' in html
    assert "正在投票" in html and "已结束的投票" not in html
    with django_capture_on_commit_callbacks(execute=True):
        poll_pause(actor=college_admin, poll=open_poll)
    html = client.get("/").content.decode()  # the anonymous copy is rebuilt after the pause
    assert 'data-section="polls_open"' not in html


def test_votes_export_is_the_audit_trail_in_constant_queries(
    client, poll, college_admin, django_assert_max_num_queries
):
    options = _options(poll)
    link = CanvassLink.objects.get(option=options[0], sharer__isnull=True)
    voter = UserFactory(display_name="王五")
    vote_cast(
        actor=voter,
        poll=poll,
        option_ids=[options[0].pk],
        link_token=link.token,
        origin=Origin(ip="10.4.0.1"),
    )
    console_login(client, college_admin)
    client.get(reverse("console:poll_votes_export", args=[poll.pk]))
    with django_assert_max_num_queries(20) as captured:
        client.get(reverse("console:poll_votes_export", args=[poll.pk]))
    few = len(captured)
    for index in range(6):
        vote_cast(
            actor=UserFactory(),
            poll=poll,
            option_ids=[options[1].pk],
            origin=Origin(ip=f"10.4.{index}.2"),
        )
    with django_assert_max_num_queries(few):
        response = client.get(reverse("console:poll_votes_export", args=[poll.pk]))
    rows = [
        tuple(row)
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    ]
    assert len(rows) == 8
    assert rows[0][:3] == ("Time", "Voter", "Verified alumni")
    # The token as exported: formula-safe (a random token may start with "-").
    token = excel.neutralize(link.token)
    assert rows[1][1:] == ("王五", "No", None, None, "张老师", token, None, None)
    assert "10.4.0.1" not in str(rows)


def test_poll_page_queries_do_not_grow_with_options_votes_or_comments(
    client, org_tree, verified_alumnus, django_assert_max_num_queries
):
    poll = poll_with_options(org_tree.college, labels=("甲", "乙"))
    client.force_login(verified_alumnus)
    vote_cast(actor=verified_alumnus, poll=poll, option_ids=[_options(poll)[0].pk])
    client.get(reverse("hall:poll", args=[poll.pk]))
    with django_assert_max_num_queries(30) as captured:
        client.get(reverse("hall:poll", args=[poll.pk]))
    few = len(captured)
    big = poll_with_options(org_tree.college, labels=[f"选项{n}" for n in range(12)])
    vote_cast(actor=verified_alumnus, poll=big, option_ids=[_options(big)[3].pk])
    for index in range(10):
        PollCommentFactory(poll=big, body=f"评论{index}")
        vote_cast(
            actor=UserFactory(),
            poll=big,
            option_ids=[_options(big)[index].pk],
            origin=Origin(ip=f"10.5.{index}.1"),
        )
    with django_assert_max_num_queries(few):
        html = client.get(reverse("hall:poll", args=[big.pk])).content.decode()
    assert html.count('<li id="option-') == 12
    assert html.count('data-comment="') == 10
