"""线上活动: the blessing and photo walls, claim-a-gift offers and online challenges of an event.

Rules enforced here:
- Walls (祝福墙 / 照片纪念墙): people who may view the event post (rate-limited); every post
  waits for moderation; the event's managers publish, reject or hide posts, in bulk. Photos are
  checked by their real content, re-encoded upright and without metadata (EXIF GPS never
  served) and stored under a random name. A pending post is also an item of the review queue
  (kind "events.wall_post", the console's to-do list): deciding it there publishes or rejects
  it, and moderating it on the event's page decides the item, so the two never disagree.
- Gifts (领取礼品): one live claim per person and offer; the stock is taken by the conditional
  UPDATE `claimed = claimed + 1 WHERE claimed < stock`, so concurrent claims never oversell;
  a cancelled claim gives its gift back; staff mark claims shipped with a tracking number and
  the claimant is notified in the app.
- Challenges (线上挑战): reports inside the challenge's window, each above 0 and at most
  `max_per_report`; staff void reports that look wrong (a voided report leaves the board).
Every staff write is audit-logged.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core import audit, notifications, policy, ratelimit, reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events import errors
from xiaoyou.events.models import (
    Challenge,
    ChallengeReport,
    Event,
    EventStatus,
    GiftClaim,
    GiftClaimStatus,
    GiftOffer,
    WallKind,
    WallPost,
)

WALL_TEXT_MAX_LENGTH = 300
SIGNATURE_MAX_LENGTH = 60
WALL_PHOTO_MAX_BYTES = 10 * 1024 * 1024
# The wall screen shows photos full screen: larger ones are scaled down to this many pixels.
WALL_PHOTO_MAX_SIDE = 2560
# Anti-spam per person: (limit, window in seconds).
WALL_RATES = [(5, 600), (30, 86_400)]
REPORT_RATES = [(30, 3600)]
MODERATION_ACTIONS = {
    "publish": ModerationStatus.PUBLISHED,
    "reject": ModerationStatus.REJECTED,
    "hide": ModerationStatus.HIDDEN,
}
GIFT_SHIPPED = "events.gift_shipped"
WALL_REVIEW_KIND = "events.wall_post"
GIFT_FIELDS = {"name", "description", "stock", "needs_address", "closes_at", "is_active"}
CHALLENGE_FIELDS = {
    "name", "description", "unit", "goal", "max_per_report", "starts_at", "ends_at",
}  # fmt: skip
CENT = Decimal("0.01")


def _rate_limit(actor: Any, kind: str, rates: Iterable[tuple[int, int]]) -> None:
    rules = [
        ratelimit.Rule(f"events:{kind}:{actor.pk}", ratelimit.Rate(limit, window))
        for limit, window in rates
    ]
    if ratelimit.hit_all(rules) is not None:
        raise ApplicationError("rate_limited", status=429)


def _require_open_event(event: Event) -> None:
    if event.status != EventStatus.PUBLISHED:
        raise ApplicationError(errors.NOT_PUBLISHED, status=409)


# --- Walls ------------------------------------------------------------------------------------


def photo_without_metadata(upload: Any) -> ContentFile[bytes]:
    """The photo re-encoded upright (EXIF orientation applied) with no metadata at all: no GPS
    position, camera or time. Transparent images stay PNG, the rest become JPEG."""
    from PIL import Image, ImageOps

    upload.seek(0)
    with Image.open(upload) as source:
        source.seek(0)  # the first frame of an animation
        image = ImageOps.exif_transpose(source)
        image.thumbnail((WALL_PHOTO_MAX_SIDE, WALL_PHOTO_MAX_SIDE))
        has_alpha = image.mode in ("RGBA", "LA") or (
            image.mode == "P" and "transparency" in image.info
        )
        buffer = io.BytesIO()
        if has_alpha:
            image.convert("RGBA").save(buffer, format="PNG", optimize=True)
            extension = "png"
        else:
            image.convert("RGB").save(buffer, format="JPEG", quality=85, optimize=True)
            extension = "jpg"
    from xiaoyou.core.images import renamed

    return renamed(ContentFile(buffer.getvalue()), extension)  # type: ignore[no-any-return]


@transaction.atomic
def wall_post_create(
    *,
    actor: Any,
    event: Event,
    kind: str,
    signature: str,
    text: str = "",
    image: Any = None,
) -> WallPost:
    """Posts a blessing (text) or a photo (with an optional caption) to the event's wall.

    Signed-in people who may view the event; the post waits for moderation. Rate-limited."""
    from xiaoyou.core.images import image_validate

    policy.require(actor, "take_part", event)
    _require_open_event(event)
    if kind not in WallKind.values:
        raise ApplicationError(errors.WALL_KIND_INVALID)
    signature = " ".join((signature or "").split())
    if not signature:
        raise ApplicationError(errors.WALL_SIGNATURE_REQUIRED)
    if len(signature) > SIGNATURE_MAX_LENGTH:
        raise ApplicationError(errors.WALL_TEXT_TOO_LONG, limit=SIGNATURE_MAX_LENGTH)
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > WALL_TEXT_MAX_LENGTH:
        raise ApplicationError(errors.WALL_TEXT_TOO_LONG, limit=WALL_TEXT_MAX_LENGTH)
    post = WallPost(event=event, author=actor, kind=kind, signature=signature, text=text)
    if kind == WallKind.BLESSING and not text:
        raise ApplicationError(errors.WALL_TEXT_REQUIRED)
    if kind == WallKind.PHOTO and not image:
        raise ApplicationError(errors.WALL_PHOTO_REQUIRED)
    # Counted before the photo is decoded and re-encoded: a flood never reaches Pillow.
    _rate_limit(actor, "wall", WALL_RATES)
    if kind == WallKind.PHOTO:
        try:
            image_validate(image, max_bytes=WALL_PHOTO_MAX_BYTES)
            photo = photo_without_metadata(image)
        except ValidationError as error:
            raise ApplicationError(
                errors.WALL_PHOTO_INVALID, reason=" ".join(error.messages)
            ) from None
        except (OSError, ValueError, SyntaxError):  # decodes for verify(), fails to re-encode
            raise ApplicationError(errors.WALL_PHOTO_INVALID, reason="") from None
        post.image.save(photo.name or "photo.jpg", photo, save=False)
    post.save()
    reviews.review_submit(
        obj=post,
        submitter=actor,
        org=event.org,
        kind=WALL_REVIEW_KIND,
        summary=f"{event.title}: {post.signature} — {post.text[:200] or post.get_kind_display()}",
    )
    return post


@transaction.atomic
def wall_post_moderate(*, actor: Any, event: Event, post_ids: Iterable[int], action: str) -> int:
    """Publishes, rejects or hides posts of `event` (its managers), in bulk; audit-logged.

    Returns how many posts changed. A post published again (after being hidden) comes back as
    new on the live screen. Posts waiting in the review queue are decided there too (publish
    approves, reject and hide reject), so the console's to-do list empties as the wall is
    moderated."""
    status = MODERATION_ACTIONS.get(action)
    if status is None:
        raise ApplicationError(errors.WALL_ACTION_INVALID)
    policy.require(actor, "manage", event)
    ids = sorted({int(value) for value in post_ids})
    posts = WallPost.objects.filter(event=event, pk__in=ids).exclude(status=status)
    changed = sorted(posts.values_list("pk", flat=True))
    if not changed:
        return 0
    from xiaoyou.core.models import ReviewItem, ReviewStatus

    items = ReviewItem.objects.filter(
        kind=WALL_REVIEW_KIND,
        object_id__in=[str(pk) for pk in changed],
        status=ReviewStatus.PENDING,
    )
    approved = action == "publish"
    reason = "" if approved else str(_("Taken off the wall by the organizer."))
    for item in items:
        reviews.review_decide(item=item, actor=actor, approved=approved, reason=reason)
    now = timezone.now()
    fields: dict[str, Any] = {"status": status, "moderated_by": actor, "updated_at": now}
    if status == ModerationStatus.PUBLISHED:
        fields["published_at"] = now
    WallPost.objects.filter(pk__in=changed).update(**fields)
    audit.record(
        actor=actor,
        action=f"events.wall.{action}",
        obj=event,
        changes={"posts": [None, changed]},
    )
    return len(changed)


# --- Gifts ------------------------------------------------------------------------------------


def _apply_fields(obj: Any, fields: dict[str, Any], allowed: set[str]) -> dict[str, list[Any]]:
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError("invalid_input", f"unknown fields: {sorted(unknown)}")
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        before = getattr(obj, name)
        if obj.pk is None or before != value:
            changes[name] = [None if obj.pk is None else str(before), str(value)]
        setattr(obj, name, value)
    return changes


def _full_clean(obj: Any) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ApplicationError("invalid_input", " ".join(error.messages)) from None


@transaction.atomic
def gift_offer_save(
    *, actor: Any, event: Event, offer: GiftOffer | None = None, **fields: Any
) -> GiftOffer:
    """Adds or changes a gift offer of `event` (its managers); the stock never drops below the
    gifts already claimed."""
    policy.require(actor, "manage", event)
    if offer is None:
        offer = GiftOffer(event=event)
    elif offer.event_id != event.pk:
        raise ApplicationError("not_found", status=404)
    else:
        # A fresh copy, locked: the counter as committed now (only conditional UPDATEs move it).
        offer = GiftOffer.objects.select_for_update().get(pk=offer.pk)
    changes = _apply_fields(offer, fields, GIFT_FIELDS)
    if offer.stock is None or int(offer.stock) < offer.claimed:
        raise ApplicationError(errors.GIFT_STOCK_BELOW_CLAIMED, claimed=offer.claimed)
    _full_clean(offer)
    if offer.pk is None:
        offer.save()
        action = "events.gift_offer.create"
    else:
        offer.save(update_fields=sorted({*fields, "updated_at"}))
        action = "events.gift_offer.update"
    if changes:
        audit.record(actor=actor, action=action, obj=offer, org=event.org, changes=changes)
    return offer


def gift_offer_is_open(offer: GiftOffer, *, now: dt.datetime | None = None) -> bool:
    """Open for claims: active, not closed by its date, its event published."""
    now = now or timezone.now()
    if not offer.is_active or (offer.closes_at is not None and now >= offer.closes_at):
        return False
    return offer.event.status == EventStatus.PUBLISHED


@transaction.atomic
def gift_claim(
    *, actor: Any, offer: GiftOffer, name: str, phone: str, address: str = ""
) -> GiftClaim:
    """Claims one gift for the signed-in person (one live claim per person and offer).

    The stock is taken by a conditional UPDATE in this transaction; when none is left, or the
    offer is closed, nothing is written."""
    from xiaoyou.accounts.phone import normalize_phone

    offer = GiftOffer.objects.select_related("event", "event__org").get(pk=offer.pk)
    policy.require(actor, "take_part", offer.event)
    if not gift_offer_is_open(offer):
        raise ApplicationError(errors.GIFT_CLOSED, status=409)
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError(errors.NAME_REQUIRED)
    try:
        phone = normalize_phone(phone)
    except ValidationError:
        raise ApplicationError(errors.GIFT_PHONE_INVALID) from None
    address = " ".join((address or "").split())
    if offer.needs_address and not address:
        raise ApplicationError(errors.GIFT_ADDRESS_REQUIRED)
    if len(name) > 50 or len(address) > 200:
        raise ApplicationError("invalid_input")
    live = GiftClaim.objects.filter(offer=offer, user=actor).exclude(
        status=GiftClaimStatus.CANCELLED
    )
    if live.exists():
        raise ApplicationError(errors.GIFT_ALREADY_CLAIMED, status=409)
    taken = GiftOffer.objects.filter(pk=offer.pk, claimed__lt=F("stock")).update(
        claimed=F("claimed") + 1
    )
    if not taken:
        raise ApplicationError(errors.GIFT_GONE, status=409)
    try:
        with transaction.atomic():
            claim = GiftClaim.objects.create(
                offer=offer,
                user=actor,
                name=name,
                phone=phone,
                address=address if offer.needs_address else "",
            )
    except IntegrityError:
        # A second claim by the same person raced this one: the outer transaction rolls back,
        # the stock taken above included.
        raise ApplicationError(errors.GIFT_ALREADY_CLAIMED, status=409) from None
    return claim


def _gift_release(offer_id: int) -> None:
    GiftOffer.objects.filter(pk=offer_id, claimed__gt=0).update(claimed=F("claimed") - 1)


@transaction.atomic
def gift_claim_cancel(*, actor: Any, claim: GiftClaim) -> GiftClaim:
    """Cancels a claim that has not shipped (the claimant or the event's managers); the gift goes
    back to the stock exactly once (only the transaction that moved the claim releases it)."""
    claim = GiftClaim.objects.select_related("offer__event__org").get(pk=claim.pk)
    policy.require(actor, "cancel", claim)
    moved = GiftClaim.objects.filter(pk=claim.pk, status=GiftClaimStatus.CLAIMED).update(
        status=GiftClaimStatus.CANCELLED, updated_at=timezone.now()
    )
    if not moved:
        raise ApplicationError(errors.GIFT_CLAIM_NOT_CANCELLABLE, status=409)
    _gift_release(claim.offer_id)
    claim.status = GiftClaimStatus.CANCELLED
    if claim.user_id != actor.pk:
        audit.record(
            actor=actor,
            action="events.gift_claim.cancel",
            obj=claim,
            org=claim.offer.event.org,
            changes={"status": [GiftClaimStatus.CLAIMED, GiftClaimStatus.CANCELLED]},
        )
    return claim


@transaction.atomic
def gift_claim_ship(*, actor: Any, claim: GiftClaim, tracking_number: str = "") -> GiftClaim:
    """Marks a claim shipped (the event's managers), with the parcel's tracking number when the
    gift goes by post; the claimant is told in the app. Audit-logged."""
    claim = GiftClaim.objects.select_related("offer__event__org", "user").get(pk=claim.pk)
    policy.require(actor, "manage", claim)
    tracking_number = (tracking_number or "").strip()[:40]
    if claim.offer.needs_address and not tracking_number:
        raise ApplicationError(errors.GIFT_TRACKING_REQUIRED)
    moved = GiftClaim.objects.filter(pk=claim.pk, status=GiftClaimStatus.CLAIMED).update(
        status=GiftClaimStatus.SHIPPED, tracking_number=tracking_number, updated_at=timezone.now()
    )
    if not moved:
        raise ApplicationError(errors.GIFT_CLAIM_NOT_SHIPPABLE, status=409)
    claim.status = GiftClaimStatus.SHIPPED
    claim.tracking_number = tracking_number
    event = claim.offer.event
    audit.record(
        actor=actor,
        action="events.gift_claim.ship",
        obj=claim,
        org=event.org,
        changes={
            "status": [GiftClaimStatus.CLAIMED, GiftClaimStatus.SHIPPED],
            "tracking_number": [None, tracking_number],
        },
    )
    notifications.notify(
        user=claim.user,
        kind=GIFT_SHIPPED,
        context={
            "event_title": event.title,
            "gift": claim.offer.name,
            "tracking_number": tracking_number,
            "url": reverse("hall:event_gift", args=[event.pk, claim.offer_id]),
        },
    )
    return claim


# --- Challenges -------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@transaction.atomic
def challenge_save(
    *, actor: Any, event: Event, challenge: Challenge | None = None, **fields: Any
) -> Challenge:
    """Adds or changes a challenge of `event` (its managers): it ends after it starts, the most
    per report is above 0, and the goal (optional) too."""
    policy.require(actor, "manage", event)
    if challenge is None:
        challenge = Challenge(event=event)
    elif challenge.event_id != event.pk:
        raise ApplicationError("not_found", status=404)
    else:
        challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    for name in ("goal", "max_per_report"):
        if name in fields:
            fields[name] = _decimal(fields[name])
    changes = _apply_fields(challenge, fields, CHALLENGE_FIELDS)
    if (
        challenge.max_per_report is None
        or challenge.max_per_report <= 0
        or (challenge.goal is not None and challenge.goal <= 0)
        or challenge.starts_at is None
        or challenge.ends_at is None
        or challenge.ends_at <= challenge.starts_at
    ):
        raise ApplicationError(errors.CHALLENGE_LIMITS_INVALID)
    _full_clean(challenge)
    if challenge.pk is None:
        challenge.save()
        action = "events.challenge.create"
    else:
        challenge.save(update_fields=sorted({*fields, "updated_at"}))
        action = "events.challenge.update"
    if changes:
        audit.record(actor=actor, action=action, obj=challenge, org=event.org, changes=changes)
    return challenge


def challenge_is_running(challenge: Challenge, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return challenge.starts_at <= now <= challenge.ends_at


@transaction.atomic
def challenge_report(
    *, actor: Any, challenge: Challenge, amount: Any, note: str = ""
) -> ChallengeReport:
    """Reports a check-in (e.g. the kilometres walked today) inside the challenge's window:
    above 0 and at most the challenge's `max_per_report`, to 2 decimals. Rate-limited."""
    challenge = Challenge.objects.select_related("event", "event__org").get(pk=challenge.pk)
    policy.require(actor, "take_part", challenge.event)
    _require_open_event(challenge.event)
    if not challenge_is_running(challenge):
        raise ApplicationError(errors.CHALLENGE_NOT_RUNNING, status=409)
    number = _decimal(amount)
    if number is None or number <= 0 or number > challenge.max_per_report:
        raise ApplicationError(
            errors.CHALLENGE_AMOUNT_INVALID,
            limit=plain_number(challenge.max_per_report),
            unit=challenge.unit,
        )
    if number != number.quantize(CENT):
        raise ApplicationError(
            errors.CHALLENGE_AMOUNT_INVALID,
            limit=plain_number(challenge.max_per_report),
            unit=challenge.unit,
        )
    _rate_limit(actor, "challenge", REPORT_RATES)
    return ChallengeReport.objects.create(
        challenge=challenge, user=actor, amount=number, note=" ".join((note or "").split())[:200]
    )


def plain_number(value: Decimal) -> str:
    """12.50 -> "12.5", 10.00 -> "10"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@transaction.atomic
def challenge_report_void(*, actor: Any, report: ChallengeReport) -> ChallengeReport:
    """Voids a report (the event's managers): it no longer counts on the leaderboard."""
    report = ChallengeReport.objects.select_related("challenge__event__org").get(pk=report.pk)
    policy.require(actor, "manage", report)
    if ChallengeReport.objects.filter(pk=report.pk, is_void=False).update(is_void=True):
        report.is_void = True
        audit.record(
            actor=actor,
            action="events.challenge_report.void",
            obj=report,
            org=report.challenge.event.org,
            changes={"is_void": [False, True], "amount": [str(report.amount), None]},
        )
    return report


def _review_approve(post: WallPost, *, item: Any, actor: Any, reason: str) -> None:
    WallPost.objects.filter(pk=post.pk).exclude(status=ModerationStatus.PUBLISHED).update(
        status=ModerationStatus.PUBLISHED,
        moderated_by=actor,
        published_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _review_reject(post: WallPost, *, item: Any, actor: Any, reason: str) -> None:
    now = timezone.now()
    WallPost.objects.filter(pk=post.pk, status=ModerationStatus.PENDING).update(
        status=ModerationStatus.REJECTED, moderated_by=actor, updated_at=now
    )
    WallPost.objects.filter(pk=post.pk, status=ModerationStatus.PUBLISHED).update(
        status=ModerationStatus.HIDDEN, moderated_by=actor, updated_at=now
    )


def _review_details(post: WallPost) -> list[tuple[Any, Any]]:
    return [
        (_("Event"), post.event.title),
        (_("Author"), str(post.author)),
        (_("Signed as"), post.signature),
        (_("Blessing or caption"), post.text or "—"),
        (_("Photo"), post.image.url if post.image else "—"),
    ]


def register_review_kind() -> None:
    reviews.register(
        WALL_REVIEW_KIND,
        model=WallPost,
        label=_("Blessing and photo wall"),
        on_approve=_review_approve,
        on_reject=_review_reject,
        details=_review_details,
        # Blessings come by the thousand at an anniversary: no message per decision.
        notify_submitter=False,
        order=76,
    )


def register_notification_kinds() -> None:
    from xiaoyou.core.models import Channel

    notifications.register_kind(
        GIFT_SHIPPED,
        _("Gift shipped"),
        default_channels=[Channel.IN_APP],
        description=_("When a gift you claimed at an event is on its way"),
        order=48,
    )
