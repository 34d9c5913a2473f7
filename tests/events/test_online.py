"""Online activities (线上活动) services and selectors: wall posts and their moderation (photos
re-encoded without EXIF), gift claims that never oversell (threads on PostgreSQL), challenge
reports and the leaderboard's ranks and ties, permissions by persona, bad input."""

from __future__ import annotations

import datetime as dt
import io
import os
import threading
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from tests.events.factories import EventFactory
from tests.factories import UserFactory
from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry, Notification
from xiaoyou.events import errors
from xiaoyou.events import selectors_online as selectors
from xiaoyou.events.models import (
    Challenge,
    ChallengeReport,
    EventStatus,
    GiftClaim,
    GiftClaimStatus,
    GiftOffer,
    Visibility,
    WallPost,
)
from xiaoyou.events.services import online

S = ModerationStatus
IS_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))


@pytest.fixture(autouse=True)
def _media_and_rates(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()  # rate-limit counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def event(org_tree):
    return EventFactory(org=org_tree.college, title="建校七十周年校庆")


def jpeg_with_gps(*, size=(80, 40), orientation=6) -> SimpleUploadedFile:
    """A JPEG carrying an EXIF GPS position and an orientation tag (6: rotate 90° to view)."""
    from PIL import Image

    image = Image.new("RGB", size, (200, 16, 46))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    gps = {1: "N", 2: (31.0, 12.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("IMG_0001.JPG", buffer.getvalue(), content_type="image/jpeg")


def blessing(event, user, text="母校生日快乐！", signature="张伟 2008级计算机"):
    return online.wall_post_create(
        actor=user, event=event, kind="blessing", signature=signature, text=text
    )


# --- Wall ---------------------------------------------------------------------------------------


def test_blessing_waits_for_moderation_then_shows_newest_first(
    event, verified_alumnus, college_admin
):
    first = blessing(event, verified_alumnus, text="第一条")
    second = blessing(event, verified_alumnus, text="第二条")
    assert first.status == S.PENDING
    assert list(selectors.wall_published(event)) == []
    assert list(selectors.wall_queue(event)) == [first, second]

    assert (
        online.wall_post_moderate(
            actor=college_admin, event=event, post_ids=[first.pk, second.pk], action="publish"
        )
        == 2
    )
    assert [post.text for post in selectors.wall_published(event)] == ["第二条", "第一条"]
    entry = AuditEntry.objects.get(action="events.wall.publish")
    assert entry.changes == {"posts": [None, [first.pk, second.pk]]}

    assert (
        online.wall_post_moderate(
            actor=college_admin, event=event, post_ids=[first.pk], action="hide"
        )
        == 1
    )
    assert [post.text for post in selectors.wall_published(event)] == ["第二条"]
    # Publishing again what is already published changes nothing.
    assert (
        online.wall_post_moderate(
            actor=college_admin, event=event, post_ids=[second.pk], action="publish"
        )
        == 0
    )


def test_moderation_only_touches_the_event_s_own_posts(event, verified_alumnus, college_admin):
    other_event = EventFactory(org=event.org)
    foreign = blessing(other_event, verified_alumnus)
    changed = online.wall_post_moderate(
        actor=college_admin, event=event, post_ids=[foreign.pk], action="publish"
    )
    assert changed == 0
    foreign.refresh_from_db()
    assert foreign.status == S.PENDING


@pytest.mark.parametrize("persona", ["verified_alumnus", "regional_admin", "outsider"])
def test_moderation_is_for_the_event_s_managers(request, event, verified_alumnus, persona):
    post = blessing(event, verified_alumnus)
    with pytest.raises(PermissionDenied):
        online.wall_post_moderate(
            actor=request.getfixturevalue(persona),
            event=event,
            post_ids=[post.pk],
            action="publish",
        )


def test_platform_admin_moderates_and_unknown_action_is_refused(
    event, verified_alumnus, platform_admin
):
    post = blessing(event, verified_alumnus)
    with pytest.raises(ApplicationError) as refused:
        online.wall_post_moderate(
            actor=platform_admin, event=event, post_ids=[post.pk], action="delete"
        )
    assert refused.value.code == errors.WALL_ACTION_INVALID
    online.wall_post_moderate(
        actor=platform_admin, event=event, post_ids=[post.pk], action="reject"
    )
    post.refresh_from_db()
    assert post.status == S.REJECTED
    assert post.moderated_by == platform_admin


def test_photo_is_re_encoded_upright_without_metadata(event, verified_alumnus):
    from PIL import Image

    post = online.wall_post_create(
        actor=verified_alumnus,
        event=event,
        kind="photo",
        signature="李娜",
        text="老图书馆",
        image=jpeg_with_gps(size=(80, 40), orientation=6),
    )
    assert post.image.name.startswith("events/wall/")
    assert post.image.name.endswith(".jpg")
    assert "IMG_0001" not in post.image.name
    with post.image.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (40, 80)  # orientation 6 applied: portrait now
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info


def test_photo_bad_input(event, verified_alumnus):
    with pytest.raises(ApplicationError) as missing:
        online.wall_post_create(actor=verified_alumnus, event=event, kind="photo", signature="李娜")
    assert missing.value.code == errors.WALL_PHOTO_REQUIRED
    fake = SimpleUploadedFile("photo.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    with pytest.raises(ApplicationError) as invalid:
        online.wall_post_create(
            actor=verified_alumnus, event=event, kind="photo", signature="李娜", image=fake
        )
    assert invalid.value.code == errors.WALL_PHOTO_INVALID
    assert WallPost.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "video", "signature": "甲", "text": "好"}, errors.WALL_KIND_INVALID),
        ({"kind": "blessing", "signature": "  ", "text": "好"}, errors.WALL_SIGNATURE_REQUIRED),
        ({"kind": "blessing", "signature": "甲", "text": "  "}, errors.WALL_TEXT_REQUIRED),
        ({"kind": "blessing", "signature": "甲", "text": "祝" * 301}, errors.WALL_TEXT_TOO_LONG),
    ],
)
def test_wall_bad_input(event, verified_alumnus, fields, code):
    with pytest.raises(ApplicationError) as refused:
        online.wall_post_create(actor=verified_alumnus, event=event, **fields)
    assert refused.value.code == code


def test_wall_text_of_300_characters_is_accepted(event, verified_alumnus):
    assert len(blessing(event, verified_alumnus, text="祝" * 300).text) == 300


def test_wall_posting_is_rate_limited(event, verified_alumnus):
    for index in range(5):
        blessing(event, verified_alumnus, text=f"第{index}条")
    with pytest.raises(ApplicationError) as refused:
        blessing(event, verified_alumnus, text="第六条")
    assert (refused.value.code, refused.value.status) == ("rate_limited", 429)
    assert WallPost.objects.count() == 5


def test_who_may_post(event, org_tree, verified_alumnus, outsider):
    members_only = EventFactory(org=org_tree.college, visibility=Visibility.MEMBERS)
    blessing(members_only, verified_alumnus)
    with pytest.raises(PermissionDenied):
        blessing(members_only, outsider)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        blessing(event, AnonymousUser())
    draft = EventFactory(org=org_tree.college, status=EventStatus.DRAFT)
    with pytest.raises(PermissionDenied):
        blessing(draft, verified_alumnus)


def test_live_screen_cursor_follows_publication_order(event, verified_alumnus, college_admin):
    early = blessing(event, verified_alumnus, text="早写晚审")
    late = blessing(event, verified_alumnus, text="晚写早审")
    online.wall_post_moderate(
        actor=college_admin, event=event, post_ids=[late.pk], action="publish"
    )
    shown = selectors.wall_published_since(event, "")
    assert [post.text for post in shown] == ["晚写早审"]
    cursor = selectors.wall_cursor(shown[-1])
    assert selectors.wall_published_since(event, cursor) == []
    online.wall_post_moderate(
        actor=college_admin, event=event, post_ids=[early.pk], action="publish"
    )
    # Written first (smaller id) but published last: still new to the screen.
    assert [post.text for post in selectors.wall_published_since(event, cursor)] == ["早写晚审"]
    assert selectors.wall_live_ids(event) == [early.pk, late.pk]


# --- Gifts --------------------------------------------------------------------------------------


def offer_of(event, **fields):
    values = {"name": "校友通讯", "stock": 2, "needs_address": True, **fields}
    return GiftOffer.objects.create(event=event, **values)


def claim(offer, user, **fields):
    values = {"name": "张伟", "phone": "138 0013 8000", "address": "上海市徐汇区1号", **fields}
    return online.gift_claim(actor=user, offer=offer, **values)


def test_gift_claims_until_the_stock_runs_out(event, org_tree):
    offer = offer_of(event, stock=3)
    users = [UserFactory() for _ in range(5)]
    made = [claim(offer, user) for user in users[:3]]
    assert [item.phone for item in made] == ["+8613800138000"] * 3
    for user in users[3:]:
        with pytest.raises(ApplicationError) as gone:
            claim(offer, user)
        assert (gone.value.code, gone.value.status) == (errors.GIFT_GONE, 409)
    offer.refresh_from_db()
    assert (offer.claimed, GiftClaim.objects.count()) == (3, 3)
    # A cancellation gives one back; the next person gets it.
    online.gift_claim_cancel(actor=users[0], claim=made[0])
    offer.refresh_from_db()
    assert offer.claimed == 2
    claim(offer, users[3])
    offer.refresh_from_db()
    assert offer.claimed == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not IS_POSTGRESQL, reason="threads race for the stock on PostgreSQL")
def test_concurrent_claims_never_oversell():
    from tests.factories import OrganizationFactory

    event = EventFactory(org=OrganizationFactory())
    offer = offer_of(event, stock=5)
    users = [UserFactory() for _ in range(20)]
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(users))

    def race(user):
        try:
            barrier.wait()
            claim(offer, user)
            result = "claimed"
        except ApplicationError as error:
            result = error.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=race, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    offer.refresh_from_db()
    assert outcomes.count("claimed") == 5
    assert outcomes.count(errors.GIFT_GONE) == 15
    assert offer.claimed == 5
    assert GiftClaim.objects.filter(offer=offer).count() == 5


def test_one_live_claim_per_person(event, verified_alumnus):
    offer = offer_of(event, stock=5)
    first = claim(offer, verified_alumnus)
    with pytest.raises(ApplicationError) as twice:
        claim(offer, verified_alumnus)
    assert twice.value.code == errors.GIFT_ALREADY_CLAIMED
    offer.refresh_from_db()
    assert offer.claimed == 1
    online.gift_claim_cancel(actor=verified_alumnus, claim=first)
    claim(offer, verified_alumnus)  # after cancelling, claiming again is fine
    assert GiftClaim.objects.filter(user=verified_alumnus).count() == 2


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"phone": "12345"}, errors.GIFT_PHONE_INVALID),
        ({"phone": "10000000000"}, errors.GIFT_PHONE_INVALID),
        ({"address": "  "}, errors.GIFT_ADDRESS_REQUIRED),
        ({"name": ""}, errors.NAME_REQUIRED),
    ],
)
def test_gift_claim_bad_input(event, verified_alumnus, fields, code):
    offer = offer_of(event)
    with pytest.raises(ApplicationError) as refused:
        claim(offer, verified_alumnus, **fields)
    assert refused.value.code == code
    offer.refresh_from_db()
    assert offer.claimed == 0


def test_gift_without_shipping_needs_no_address(event, verified_alumnus):
    offer = offer_of(event, needs_address=False)
    made = claim(offer, verified_alumnus, address="")
    assert made.address == ""


def test_closed_or_inactive_offers_refuse_claims(event, verified_alumnus):
    closed = offer_of(event, closes_at=timezone.now() - dt.timedelta(minutes=1))
    inactive = offer_of(event, is_active=False)
    for offer in (closed, inactive):
        with pytest.raises(ApplicationError) as refused:
            claim(offer, verified_alumnus)
        assert refused.value.code == errors.GIFT_CLOSED
    event.status = EventStatus.CANCELLED
    event.save(update_fields=["status"])
    with pytest.raises(ApplicationError) as cancelled:
        claim(offer_of(event), verified_alumnus)
    assert cancelled.value.code == errors.GIFT_CLOSED


def test_ship_notifies_and_audits(event, verified_alumnus, college_admin, regional_admin):
    offer = offer_of(event)
    made = claim(offer, verified_alumnus)
    with pytest.raises(PermissionDenied):
        online.gift_claim_ship(actor=regional_admin, claim=made, tracking_number="SF1")
    with pytest.raises(PermissionDenied):
        online.gift_claim_ship(actor=verified_alumnus, claim=made, tracking_number="SF1")
    with pytest.raises(ApplicationError) as no_number:
        online.gift_claim_ship(actor=college_admin, claim=made, tracking_number=" ")
    assert no_number.value.code == errors.GIFT_TRACKING_REQUIRED
    shipped = online.gift_claim_ship(
        actor=college_admin, claim=made, tracking_number="SF1234567890"
    )
    assert (shipped.status, shipped.tracking_number) == (GiftClaimStatus.SHIPPED, "SF1234567890")
    note = Notification.objects.get(user=verified_alumnus, kind=online.GIFT_SHIPPED)
    assert "SF1234567890" in note.body
    assert AuditEntry.objects.filter(action="events.gift_claim.ship").count() == 1
    with pytest.raises(ApplicationError) as twice:
        online.gift_claim_ship(actor=college_admin, claim=made, tracking_number="SF2")
    assert twice.value.code == errors.GIFT_CLAIM_NOT_SHIPPABLE
    with pytest.raises(ApplicationError) as late:
        online.gift_claim_cancel(actor=verified_alumnus, claim=made)
    assert late.value.code == errors.GIFT_CLAIM_NOT_CANCELLABLE
    offer.refresh_from_db()
    assert offer.claimed == 1


def test_cancel_by_staff_is_audited_and_by_others_refused(
    event, verified_alumnus, college_admin, outsider
):
    offer = offer_of(event)
    made = claim(offer, verified_alumnus)
    with pytest.raises(PermissionDenied):
        online.gift_claim_cancel(actor=outsider, claim=made)
    online.gift_claim_cancel(actor=college_admin, claim=made)
    offer.refresh_from_db()
    assert offer.claimed == 0
    assert AuditEntry.objects.filter(action="events.gift_claim.cancel").count() == 1
    with pytest.raises(ApplicationError):
        online.gift_claim_cancel(actor=college_admin, claim=made)
    offer.refresh_from_db()
    assert offer.claimed == 0  # released once


def test_gift_offer_save(event, verified_alumnus, college_admin, regional_admin):
    with pytest.raises(PermissionDenied):
        online.gift_offer_save(actor=regional_admin, event=event, name="月饼", stock=10)
    offer = online.gift_offer_save(actor=college_admin, event=event, name="月饼", stock=2)
    assert AuditEntry.objects.filter(action="events.gift_offer.create").count() == 1
    claim(offer, verified_alumnus)
    with pytest.raises(ApplicationError) as below:
        online.gift_offer_save(actor=college_admin, event=event, offer=offer, stock=0)
    assert below.value.code == errors.GIFT_STOCK_BELOW_CLAIMED
    online.gift_offer_save(actor=college_admin, event=event, offer=offer, stock=1)
    offer.refresh_from_db()
    assert (offer.stock, offer.claimed) == (1, 1)
    entry = AuditEntry.objects.get(action="events.gift_offer.update")
    assert entry.changes == {"stock": ["2", "1"]}


# --- Challenges ---------------------------------------------------------------------------------


def challenge_of(event, **fields):
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


def report(challenge, user, amount):
    return online.challenge_report(actor=user, challenge=challenge, amount=amount)


def test_leaderboard_ranks_with_ties(event, college_admin):
    challenge = challenge_of(event)
    people = [UserFactory(display_name=name) for name in ("甲", "乙", "丙", "丁", "戊")]
    a, b, c, d, e = people
    report(challenge, a, "12.3")
    report(challenge, a, "4.1")  # 16.4 in two reports
    report(challenge, b, "16.4")  # ties with 甲
    report(challenge, c, "20")
    report(challenge, d, "3.5")
    voided = report(challenge, e, "50")
    online.challenge_report_void(actor=college_admin, report=voided)
    board = selectors.challenge_leaderboard(challenge)
    assert [(row.rank, row.name, row.total, row.reports) for row in board] == [
        (1, "丙", Decimal("20.00"), 1),
        (2, "甲", Decimal("16.40"), 2),
        (2, "乙", Decimal("16.40"), 1),
        (4, "丁", Decimal("3.50"), 1),
    ]
    mine = selectors.challenge_standing_of(b, challenge)
    assert mine is not None
    assert (mine.rank, mine.total, mine.reports) == (2, Decimal("16.40"), 1)
    assert selectors.challenge_standing_of(e, challenge) is None  # only a voided report
    assert AuditEntry.objects.filter(action="events.challenge_report.void").count() == 1


def test_leaderboard_is_one_query(event, django_assert_num_queries):
    challenge = challenge_of(event)
    for index in range(6):
        report(challenge, UserFactory(), str(index + 1))
    with django_assert_num_queries(1):
        assert len(selectors.challenge_leaderboard(challenge)) == 6
    someone = ChallengeReport.objects.first().user
    with django_assert_num_queries(1):
        assert selectors.challenge_standing_of(someone, challenge) is not None


@pytest.mark.parametrize("amount", ["0", "-1", "50.01", "abc", "", "1.005", "NaN", "Infinity"])
def test_report_bad_amounts(event, verified_alumnus, amount):
    challenge = challenge_of(event)
    with pytest.raises(ApplicationError) as refused:
        report(challenge, verified_alumnus, amount)
    assert refused.value.code == errors.CHALLENGE_AMOUNT_INVALID
    assert "50 km" in refused.value.text()


def test_report_at_the_limit_and_outside_the_window(event, verified_alumnus):
    challenge = challenge_of(event)
    assert report(challenge, verified_alumnus, "50").amount == Decimal("50")
    later = challenge_of(event, starts_at=timezone.now() + dt.timedelta(days=1))
    over = challenge_of(
        event,
        starts_at=timezone.now() - dt.timedelta(days=3),
        ends_at=timezone.now() - dt.timedelta(days=1),
    )
    for item in (later, over):
        with pytest.raises(ApplicationError) as refused:
            report(item, verified_alumnus, "5")
        assert refused.value.code == errors.CHALLENGE_NOT_RUNNING


def test_report_and_void_permissions(event, org_tree, verified_alumnus, outsider, regional_admin):
    members_only = EventFactory(org=org_tree.college, visibility=Visibility.MEMBERS)
    challenge = challenge_of(members_only)
    made = report(challenge, verified_alumnus, "5")
    with pytest.raises(PermissionDenied):
        report(challenge, outsider, "5")
    for actor in (verified_alumnus, regional_admin):
        with pytest.raises(PermissionDenied):
            online.challenge_report_void(actor=actor, report=made)


def test_challenge_save(event, college_admin, verified_alumnus):
    now = timezone.now()
    fields = {
        "name": "线上毅行",
        "unit": "km",
        "max_per_report": "42.195",
        "starts_at": now,
        "ends_at": now + dt.timedelta(days=7),
    }
    with pytest.raises(PermissionDenied):
        online.challenge_save(actor=verified_alumnus, event=event, **fields)
    with pytest.raises(ApplicationError):  # 3 decimals do not fit the model's 2
        online.challenge_save(actor=college_admin, event=event, **fields)
    fields["max_per_report"] = "42.19"
    made = online.challenge_save(actor=college_admin, event=event, **fields)
    assert made.max_per_report == Decimal("42.19")
    with pytest.raises(ApplicationError) as backwards:
        online.challenge_save(
            actor=college_admin, event=event, challenge=made, ends_at=now - dt.timedelta(days=1)
        )
    assert backwards.value.code == errors.CHALLENGE_LIMITS_INVALID
    with pytest.raises(ApplicationError) as zero:
        online.challenge_save(actor=college_admin, event=event, challenge=made, goal="0")
    assert zero.value.code == errors.CHALLENGE_LIMITS_INVALID
    assert AuditEntry.objects.filter(action="events.challenge.create").count() == 1


def test_cursor_is_exact_to_the_microsecond_and_garbage_is_ignored(
    event, verified_alumnus, college_admin
):
    post = blessing(event, verified_alumnus)
    online.wall_post_moderate(
        actor=college_admin, event=event, post_ids=[post.pk], action="publish"
    )
    stamp = timezone.make_aware(dt.datetime(2026, 11, 26, 13, 0, 0, 123457), dt.UTC)
    WallPost.objects.filter(pk=post.pk).update(published_at=stamp)
    post.refresh_from_db()
    cursor = selectors.wall_cursor(post)
    assert cursor == f"1795698000123457.{post.pk}"
    assert selectors.wall_published_since(event, cursor) == []
    assert selectors.wall_published_since(event, "garbage") == [post]
    assert selectors.wall_published_since(event, f"99999999999999999999999.{post.pk}") == [post]


def test_pending_posts_are_review_queue_items(event, verified_alumnus, college_admin):
    from xiaoyou.core import reviews
    from xiaoyou.core.models import ReviewItem, ReviewStatus

    first = blessing(event, verified_alumnus, text="第一条")
    second = blessing(event, verified_alumnus, text="第二条")
    third = blessing(event, verified_alumnus, text="第三条")
    items = {item.object_id: item for item in reviews.pending_for(college_admin)}
    assert set(items) == {str(first.pk), str(second.pk), str(third.pk)}
    assert items[str(first.pk)].kind == online.WALL_REVIEW_KIND
    assert items[str(first.pk)].summary == "建校七十周年校庆: 张伟 2008级计算机 — 第一条"

    # Decided in the to-do list: the wall follows.
    reviews.review_decide(item=items[str(first.pk)], actor=college_admin, approved=True)
    reviews.review_decide(
        item=items[str(second.pk)], actor=college_admin, approved=False, reason="重复"
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (S.PUBLISHED, S.REJECTED)
    assert first.published_at is not None
    assert [post.pk for post in selectors.wall_published(event)] == [first.pk]

    # Moderated on the event's page: the queue item is decided too.
    online.wall_post_moderate(
        actor=college_admin, event=event, post_ids=[third.pk], action="publish"
    )
    assert reviews.pending_for(college_admin).count() == 0
    item = ReviewItem.objects.get(object_id=str(third.pk), kind=online.WALL_REVIEW_KIND)
    assert (item.status, item.decided_by) == (ReviewStatus.APPROVED, college_admin)
    assert not Notification.objects.filter(user=verified_alumnus).exists()
