"""Online activities pages: the console (moderation queue with bulk actions and thumbnails, gift
offers, claims with filters, ship, cancel and Excel export, challenges with reports and void),
the hall (event page section, wall, gift claim until "all gone", challenge with leaderboard),
the live wall and its JSON feed; query counts on every list; who may see what."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from tests.events.factories import EventFactory
from tests.events.test_online import jpeg_with_gps
from tests.factories import UserFactory
from tests.organizations.org_support import console_login
from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.events.models import (
    Challenge,
    ChallengeReport,
    GiftClaim,
    GiftClaimStatus,
    GiftOffer,
    Visibility,
    WallPost,
)
from xiaoyou.events.services import online


def _zh(message: str) -> str:
    """The message as the hall shows it (zh-hans, the default language)."""
    with translation.override("zh-hans"):
        return gettext(message)


pytestmark = pytest.mark.django_db
S = ModerationStatus


@pytest.fixture(autouse=True)
def _media_and_rates(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def event(org_tree):
    return EventFactory(org=org_tree.college, title="建校七十周年校庆")


def _posts(event, count, *, status=S.PENDING, kind="blessing"):
    now = timezone.now()
    return [
        WallPost.objects.create(
            event=event,
            author=UserFactory(),
            kind=kind,
            signature=f"校友{index}",
            text=f"祝福{index}",
            status=status,
            published_at=now + dt.timedelta(seconds=index) if status == S.PUBLISHED else None,
        )
        for index in range(count)
    ]


def _challenge(event, **fields):
    now = timezone.now()
    values = {
        "name": "线上毅行",
        "unit": "km",
        "max_per_report": Decimal("50"),
        "starts_at": now - dt.timedelta(days=1),
        "ends_at": now + dt.timedelta(days=6),
        **fields,
    }
    return Challenge.objects.create(event=event, **values)


# --- Console ------------------------------------------------------------------------------------


def test_console_overview_and_bulk_moderation(client, event, college_admin):
    console_login(client, college_admin)
    pending = _posts(event, 3)
    url = reverse("console:event_online", args=[event.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert [post.pk for post in response.context["queue"].object_list] == [
        post.pk for post in pending
    ]
    assert b'data-event-tab="online"' in response.content
    response = client.post(
        reverse("console:event_wall_moderate", args=[event.pk]),
        {"action": "publish", "ids": [pending[0].pk, pending[2].pk], "status": "pending"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}?status=pending"
    assert sorted(WallPost.objects.filter(status=S.PUBLISHED).values_list("pk", flat=True)) == [
        pending[0].pk,
        pending[2].pk,
    ]
    client.post(
        reverse("console:event_wall_moderate", args=[event.pk]),
        {"action": "reject", "ids": [pending[1].pk]},
    )
    pending[1].refresh_from_db()
    assert pending[1].status == S.REJECTED
    published = client.get(url, {"status": "published"})
    assert len(published.context["queue"].object_list) == 2


def test_console_queue_shows_thumbnails(client, event, college_admin, verified_alumnus):
    photo = online.wall_post_create(
        actor=verified_alumnus,
        event=event,
        kind="photo",
        signature="李娜",
        image=jpeg_with_gps(),
    )
    console_login(client, college_admin)
    response = client.get(reverse("console:event_online", args=[event.pk]))
    assert f'src="{photo.image.url}"'.encode() in response.content
    assert b'class="wall-thumb"' in response.content


def test_console_overview_query_count_is_fixed(
    client, event, college_admin, django_assert_max_num_queries
):
    console_login(client, college_admin)
    url = reverse("console:event_online", args=[event.pk])
    _posts(event, 2)
    GiftOffer.objects.create(event=event, name="月饼", stock=5)
    _challenge(event)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    _posts(event, 20)
    for index in range(5):
        GiftOffer.objects.create(event=event, name=f"礼品{index}", stock=5)
        _challenge(event, name=f"挑战{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["queue"].object_list) == 22
    assert len(response.context["offers"]) == 6
    assert len(response.context["challenges"]) == 6


@pytest.mark.parametrize("persona", ["regional_admin", "verified_alumnus"])
def test_console_pages_are_for_the_event_s_managers(client, request, event, persona):
    user = request.getfixturevalue(persona)
    console_login(client, user)
    offer = GiftOffer.objects.create(event=event, name="月饼", stock=5)
    for url in (
        reverse("console:event_online", args=[event.pk]),
        reverse("console:event_gift_claims", args=[event.pk]),
        reverse("console:event_gift_edit", args=[event.pk, offer.pk]),
    ):
        assert client.get(url).status_code in (403, 404)
    post = _posts(event, 1)[0]
    client.post(
        reverse("console:event_wall_moderate", args=[event.pk]),
        {"action": "publish", "ids": [post.pk]},
    )
    post.refresh_from_db()
    assert post.status == S.PENDING


def test_console_gift_offer_add_and_edit(client, event, college_admin):
    console_login(client, college_admin)
    response = client.post(
        reverse("console:event_gift_create", args=[event.pk]),
        {"name": "校友通讯", "stock": "100", "needs_address": "on", "is_active": "on"},
    )
    assert response.status_code == 302
    offer = GiftOffer.objects.get()
    assert (offer.name, offer.stock, offer.needs_address, offer.is_active) == (
        "校友通讯",
        100,
        True,
        True,
    )
    response = client.post(
        reverse("console:event_gift_edit", args=[event.pk, offer.pk]),
        {"name": "校友通讯", "stock": "-1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["stock"]
    client.post(
        reverse("console:event_gift_edit", args=[event.pk, offer.pk]),
        {"name": "校友通讯 2026", "stock": "80"},
    )
    offer.refresh_from_db()
    assert (offer.name, offer.stock, offer.needs_address, offer.is_active) == (
        "校友通讯 2026",
        80,
        False,
        False,
    )


def _claims(event, count, offer=None):
    offer = offer or GiftOffer.objects.create(event=event, name="月饼", stock=100)
    users = [UserFactory() for _ in range(count)]
    return [
        online.gift_claim(
            actor=user,
            offer=offer,
            name=f"收件人{index}",
            phone=f"1380013{index:04d}",
            address=f"上海市{index}号",
        )
        for index, user in enumerate(users)
    ]


def test_console_claims_filter_ship_cancel_and_export(client, event, college_admin):
    console_login(client, college_admin)
    mooncakes = _claims(event, 2)
    periodical = GiftOffer.objects.create(event=event, name="校友通讯", stock=10)
    other = _claims(event, 1, offer=periodical)
    url = reverse("console:event_gift_claims", args=[event.pk])
    response = client.get(url, {"gift": periodical.pk})
    assert [row.obj.pk for row in response.context["table"].rows] == [other[0].pk]

    ship = reverse("console:event_gift_claim_ship", args=[event.pk, mooncakes[0].pk])
    assert client.post(ship, {"tracking_number": "SF100200300"}).status_code == 302
    mooncakes[0].refresh_from_db()
    assert (mooncakes[0].status, mooncakes[0].tracking_number) == ("shipped", "SF100200300")
    shipped = client.get(url, {"status": "shipped"})
    assert [row.obj.pk for row in shipped.context["table"].rows] == [mooncakes[0].pk]

    cancel = reverse("console:event_gift_claim_cancel", args=[event.pk, mooncakes[1].pk])
    client.post(cancel)
    mooncakes[1].refresh_from_db()
    assert mooncakes[1].status == GiftClaimStatus.CANCELLED
    assert GiftOffer.objects.get(name="月饼").claimed == 1

    export = client.get(url, {"export": "xlsx", "status": "shipped"}, HTTP_ACCEPT_LANGUAGE="en")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Claimed at",
        "Gift",
        "Recipient",
        "Mobile phone",
        "Address",
        "Status",
        "Tracking number",
    )
    assert rows[1][1:] == (
        "月饼",
        "收件人0",
        "13800130000",
        "上海市0号",
        "Shipped",
        "SF100200300",
    )
    assert len(rows) == 2


def test_console_claims_query_count_is_fixed(
    client, event, college_admin, django_assert_max_num_queries
):
    console_login(client, college_admin)
    offer = GiftOffer.objects.create(event=event, name="月饼", stock=100)
    _claims(event, 2, offer=offer)
    url = reverse("console:event_gift_claims", args=[event.pk])
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    _claims(event, 15, offer=offer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["table"].rows) == 17


def test_console_challenge_add_reports_and_void(
    client, event, college_admin, django_assert_max_num_queries
):
    console_login(client, college_admin)
    response = client.post(
        reverse("console:event_challenge_create", args=[event.pk]),
        {
            "name": "线上毅行",
            "unit": "km",
            "max_per_report": "50",
            "goal": "100",
            "starts_at": "2026-01-01T08:00",
            "ends_at": "2026-01-01T07:00",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    challenge = _challenge(event)
    users = [UserFactory(display_name=f"跑者{index}") for index in range(3)]
    reports = [
        online.challenge_report(actor=user, challenge=challenge, amount=str(index + 5))
        for index, user in enumerate(users)
    ]
    url = reverse("console:event_challenge", args=[event.pk, challenge.pk])
    with django_assert_max_num_queries(40) as few:
        response = client.get(url)
    assert [row.total for row in response.context["leaderboard"]] == [
        Decimal("7.00"),
        Decimal("6.00"),
        Decimal("5.00"),
    ]
    for index in range(10):
        online.challenge_report(actor=UserFactory(), challenge=challenge, amount=str(index + 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["reports"].object_list) == 13
    void = reverse("console:event_challenge_report_void", args=[event.pk, reports[2].pk])
    assert client.post(void).status_code == 302
    assert ChallengeReport.objects.get(pk=reports[2].pk).is_void
    response = client.get(url)
    assert "跑者2" not in [row.name for row in response.context["leaderboard"]]


# --- Hall ---------------------------------------------------------------------------------------


def test_event_page_section_only_when_there_is_something(client, event, verified_alumnus):
    client.force_login(verified_alumnus)
    page = reverse("hall:event", args=[event.pk])
    assert b"data-online-section" not in client.get(page).content
    offer = GiftOffer.objects.create(event=event, name="中秋月饼", stock=1)
    challenge = _challenge(event)
    response = client.get(page)
    content = response.content.decode()
    assert "data-online-section" in content
    assert reverse("hall:event_gift", args=[event.pk, offer.pk]) in content
    assert reverse("hall:event_challenge", args=[event.pk, challenge.pk]) in content
    assert reverse("hall:event_wall", args=[event.pk]) in content


def test_hall_wall_posts_and_lists_published_only(client, event, verified_alumnus):
    client.force_login(verified_alumnus)
    url = reverse("hall:event_wall", args=[event.pk])
    response = client.post(
        url, {"kind": "blessing", "signature": "张伟 2008级", "text": "七十年风华正茂"}
    )
    assert response.status_code == 302
    post = WallPost.objects.get()
    assert (post.author, post.status) == (verified_alumnus, S.PENDING)
    page = client.get(url)
    assert page.context["pending"] == 1
    assert "七十年风华正茂" not in [item.text for item in page.context["page"].object_list]
    _posts(event, 2, status=S.PUBLISHED)
    page = client.get(url)
    assert [item.text for item in page.context["page"].object_list] == ["祝福1", "祝福0"]
    response = client.post(url, {"kind": "blessing", "signature": "张伟", "text": ""})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [_zh("Please write your blessing.")]


def test_hall_wall_photo_upload(client, event, verified_alumnus):
    client.force_login(verified_alumnus)
    response = client.post(
        reverse("hall:event_wall", args=[event.pk]),
        {"kind": "photo", "signature": "李娜", "text": "老校门", "image": jpeg_with_gps()},
    )
    assert response.status_code == 302
    assert WallPost.objects.get().image.name.endswith(".jpg")


def test_hall_wall_query_count_is_fixed(client, event, django_assert_max_num_queries):
    url = reverse("hall:event_wall", args=[event.pk])
    _posts(event, 2, status=S.PUBLISHED)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    _posts(event, 25, status=S.PUBLISHED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 27


def test_hall_wall_refuses_a_file_that_is_not_an_image(client, event, verified_alumnus):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(verified_alumnus)
    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = client.post(
        reverse("hall:event_wall", args=[event.pk]),
        {"kind": "photo", "signature": "李娜", "image": fake},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The photo cannot be used: The file is not an image, or it is damaged."
    ]
    assert WallPost.objects.count() == 0


def test_live_feed_carries_photos(client, event, verified_alumnus, college_admin):
    photo = online.wall_post_create(
        actor=verified_alumnus,
        event=event,
        kind="photo",
        signature="李娜",
        text="老校门",
        image=jpeg_with_gps(),
    )
    online.wall_post_moderate(
        actor=college_admin, event=event, post_ids=[photo.pk], action="publish"
    )
    data = client.get(reverse("hall:event_wall_feed", args=[event.pk])).json()
    assert data["posts"] == [
        {
            "id": photo.pk,
            "kind": "photo",
            "text": "老校门",
            "signature": "李娜",
            "image": photo.image.url,
        }
    ]
    assert data["posts"][0]["image"].startswith("/media/events/wall/")


def test_hall_wall_of_a_members_only_event_is_hidden_from_outsiders(
    client, org_tree, outsider, verified_alumnus
):
    members_only = EventFactory(org=org_tree.college, visibility=Visibility.MEMBERS)
    client.force_login(outsider)
    assert client.get(reverse("hall:event_wall", args=[members_only.pk])).status_code == 404
    assert client.get(reverse("hall:event_wall_feed", args=[members_only.pk])).status_code == 404
    client.force_login(verified_alumnus)
    assert client.get(reverse("hall:event_wall", args=[members_only.pk])).status_code == 200


def test_live_wall_and_feed(client, event, college_admin):
    live = client.get(reverse("hall:event_wall_live", args=[event.pk]))
    assert live.status_code == 200
    assert b"data-wall-live" in live.content
    assert b"events/wall.js" in live.content
    assert b"hall-topnav" not in live.content  # no hall chrome on the venue screen
    feed_url = reverse("hall:event_wall_feed", args=[event.pk])
    assert client.get(feed_url).json() == {"posts": [], "cursor": "", "live": []}
    first, second = _posts(event, 2)
    online.wall_post_moderate(
        actor=college_admin, event=event, post_ids=[first.pk], action="publish"
    )
    data = client.get(feed_url).json()
    assert data["posts"] == [
        {"id": first.pk, "kind": "blessing", "text": "祝福0", "signature": "校友0", "image": ""}
    ]
    assert data["live"] == [first.pk]
    again = client.get(feed_url, {"since": data["cursor"]}).json()
    assert again["posts"] == []
    online.wall_post_moderate(
        actor=college_admin, event=event, post_ids=[second.pk], action="publish"
    )
    online.wall_post_moderate(actor=college_admin, event=event, post_ids=[first.pk], action="hide")
    later = client.get(feed_url, {"since": data["cursor"]}).json()
    assert [post["id"] for post in later["posts"]] == [second.pk]
    assert later["live"] == [second.pk]


def test_hall_gift_claim_until_all_gone(client, event, verified_alumnus):
    offer = GiftOffer.objects.create(event=event, name="中秋月饼", stock=1)
    url = reverse("hall:event_gift", args=[event.pk, offer.pk])
    client.force_login(verified_alumnus)
    response = client.post(url, {"name": "张伟", "phone": "13800138000", "address": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["address"]
    response = client.post(
        url, {"name": "张伟", "phone": "13800138000", "address": "北京市海淀区1号"}
    )
    assert response.status_code == 302
    page = client.get(url)
    assert page.context["claim"].address == "北京市海淀区1号"
    assert b'data-gift-state="claimed"' in page.content
    someone = UserFactory()
    client.force_login(someone)
    page = client.get(url)
    assert b'data-gift-state="gone"' in page.content
    response = client.post(url, {"name": "李娜", "phone": "13900139000", "address": "上海"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        _zh("Sorry, all the gifts have been claimed.")
    ]
    assert GiftClaim.objects.count() == 1
    # The first claimant cancels: the gift is back for the next person.
    client.force_login(verified_alumnus)
    client.post(reverse("hall:event_gift_cancel", args=[event.pk, offer.pk]))
    client.force_login(someone)
    assert b"data-gift-form" in client.get(url).content


def test_hall_challenge_report_and_leaderboard(
    client, event, verified_alumnus, django_assert_max_num_queries
):
    challenge = _challenge(event, goal=Decimal("100"))
    url = reverse("hall:event_challenge", args=[event.pk, challenge.pk])
    client.force_login(verified_alumnus)
    response = client.post(url, {"amount": "60", "note": "太多"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        _zh("Enter an amount above 0 and at most %(limit)s %(unit)s.")
        % {"limit": "50", "unit": "km"}
    ]
    assert client.post(url, {"amount": "12.5", "note": "西湖一圈"}).status_code == 302
    for index in range(2):
        online.challenge_report(
            actor=UserFactory(display_name=f"跑者{index}"), challenge=challenge, amount="20"
        )
    with django_assert_max_num_queries(30) as few:
        page = client.get(url)
    assert (page.context["mine"].rank, page.context["mine"].total) == (3, Decimal("12.50"))
    assert page.context["progress"] == 12
    assert [(row.rank, row.total) for row in page.context["leaderboard"]] == [
        (1, Decimal("20.00")),
        (1, Decimal("20.00")),
        (3, Decimal("12.50")),
    ]
    for index in range(10):
        online.challenge_report(actor=UserFactory(), challenge=challenge, amount="1")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert len(page.context["leaderboard"]) == 13


def test_console_to_do_lists_and_details_a_wall_post(
    client, event, college_admin, verified_alumnus
):
    from xiaoyou.core.models import ReviewItem

    post = online.wall_post_create(
        actor=verified_alumnus,
        event=event,
        kind="blessing",
        signature="张伟 2008级",
        text="母校生日快乐",
    )
    item = ReviewItem.objects.get(kind=online.WALL_REVIEW_KIND, object_id=str(post.pk))
    console_login(client, college_admin)
    listing = client.get(reverse("console:reviews"))
    assert listing.status_code == 200
    assert "母校生日快乐" in listing.content.decode()
    detail = client.get(reverse("console:review_detail", args=[item.pk]))
    assert detail.status_code == 200
    assert "张伟 2008级" in detail.content.decode()
