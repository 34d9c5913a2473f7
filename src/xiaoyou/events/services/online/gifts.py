"""领取礼品: gift offers and claims, the stock held by conditional UPDATEs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import audit, notifications, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events import errors
from xiaoyou.events.models import (
    Event,
    EventStatus,
    GiftClaim,
    GiftClaimStatus,
    GiftOffer,
)
from xiaoyou.events.services.online.common import (
    GIFT_FIELDS,
    GIFT_SHIPPED,
    _apply_fields,
    _full_clean,
)

# --- Gifts ------------------------------------------------------------------------------------


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


def register_notification_kinds() -> None:
    from xiaoyou.core.models import Channel

    notifications.register_kind(
        GIFT_SHIPPED,
        _("Gift shipped"),
        default_channels=[Channel.IN_APP],
        description=_("When a gift you claimed at an event is on its way"),
        order=48,
    )
