"""Browser journey of an event's discussion and favorites: on a phone an alumnus comments on an
event whose discussion is moderated (the comment waits for review, seen by its author only);
staff publish it from the console's discussion page and reply officially; the alumnus sees the
official reply (and was told in-app); the alumnus stars the event and finds it under My events →
Favorited."""

from __future__ import annotations

import os

import pytest

from tests.events.factories import EventFactory, TicketTypeFactory
from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core.models import Notification
from xiaoyou.events.models import DiscussionMode, EventComment, EventFavorite

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_comment_moderated_answered_officially_and_event_favorited(
    mobile_page, desktop_page, sign_in, screenshot, org_tree, verified_alumnus, college_admin
):
    event = EventFactory(
        org=org_tree.college, title="学院春季返校日", discussion=DiscussionMode.MODERATED
    )
    TicketTypeFactory(event=event, name="校友票")

    # --- The alumnus comments on a phone -----------------------------------------------------
    phone = mobile_page
    sign_in(phone, verified_alumnus)
    phone.goto(f"/events/{event.pk}/")
    phone.locator("#comment-body").fill("请问可以带家属参加吗？")
    phone.locator('[data-action="post-comment"]').tap()
    pending = phone.locator('[data-comment][data-status="pending"]')
    pending.wait_for()
    assert "请问可以带家属参加吗？" in pending.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") == 390
    screenshot(phone, "events-discussion-pending-mobile", full_page=True)
    comment = EventComment.objects.get(event=event)
    assert (comment.status, comment.author_id) == (ModerationStatus.PENDING, verified_alumnus.pk)

    # --- Staff publish it and reply officially (desktop console) -----------------------------
    console = desktop_page
    sign_in(console, college_admin)
    console.goto(f"/console/events/{event.pk}/discussion/")
    console.locator('[data-event-tab="discussion"][aria-current="page"]').wait_for()
    console.locator("#discussion-table a", has_text="请问可以带家属参加吗").click()
    console.wait_for_url(f"**/console/events/{event.pk}/discussion/{comment.pk}/")
    console.locator('[data-action="publish"]').first.click()
    console.locator('[data-comment-status="published"]').wait_for()
    console.fill("#official-reply-body", "可以，每位校友最多带两位家属。")
    console.locator('[data-action="official-reply"]').click()
    console.locator("[data-reply][data-official]").wait_for()
    screenshot(console, "events-discussion-console-desktop", full_page=True)
    comment.refresh_from_db()
    assert comment.status == ModerationStatus.PUBLISHED
    reply = EventComment.objects.get(parent=comment)
    assert (reply.is_official, reply.status) == (True, ModerationStatus.PUBLISHED)
    assert (
        Notification.objects.filter(user=verified_alumnus, kind="events.comment_reply").count() == 1
    )

    # --- The alumnus sees the official reply --------------------------------------------------
    phone.reload()
    thread = phone.locator(f'[data-comment="{comment.pk}"][data-status="published"]')
    thread.wait_for()
    official = thread.locator("[data-reply][data-official]")
    assert "每位校友最多带两位家属" in official.inner_text()
    assert org_tree.college.name in official.inner_text()
    screenshot(phone, "events-discussion-official-reply-mobile", full_page=True)

    # --- ...stars the event and finds it under favorites --------------------------------------
    phone.locator('[data-action="favorite"]').tap()
    phone.locator('#event-favorite[data-favorite="on"]').wait_for()
    assert EventFavorite.objects.filter(user=verified_alumnus, event=event).count() == 1
    phone.goto("/events/mine/")
    phone.locator('[data-tab="favorites"]').tap()
    phone.wait_for_url("**/events/mine/?tab=favorites")
    favorite = phone.locator(f'[data-favorite-event="{event.pk}"]')
    assert "学院春季返校日" in favorite.inner_text()
    screenshot(phone, "events-favorites-mobile", full_page=True)
    favorite.locator("a").tap()
    phone.wait_for_url(f"**/events/{event.pk}/")
