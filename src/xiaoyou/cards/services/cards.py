"""Card programme settings (云卡设置), claiming a card (申领) and the card's live code."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from xiaoyou.cards import errors
from xiaoyou.cards.models import Card, CardProgram, Eligibility
from xiaoyou.cards.selectors import eligible_record
from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError

# The live code on "My card" is valid this long; the page fetches a new one well before.
LIVE_TOKEN_SECONDS = 60
LIVE_TOKEN_REFRESH_SECONDS = 20
_LIVE_SALT = "xiaoyou.cards.live"
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
PROGRAM_FIELDS = ("name", "brand_color", "terms", "eligibility", "number_prefix", "is_active")


def program_save(
    *,
    actor: Any,
    org: Any,
    name: str,
    brand_color: str = "#C8102E",
    terms: str = "",
    eligibility: str = Eligibility.VERIFIED_MEMBERS,
    number_prefix: str = "XY",
    is_active: bool = True,
    logo: Any = None,
    alert_recipients: list[Any] | None = None,
) -> CardProgram:
    """Creates or changes `org`'s card programme; its admins only; audited with the changes."""
    policy.require(actor, "manage", CardProgram, org=org)
    if not _COLOR.match(brand_color):
        raise ApplicationError(errors.COLOR_INVALID)
    with transaction.atomic():
        program = CardProgram.objects.select_for_update().filter(org=org).first()
        created = program is None
        if program is None:
            program = CardProgram(org=org)
        before = audit.snapshot(program, PROGRAM_FIELDS) if not created else {}
        program.name = name.strip()
        program.brand_color = brand_color.upper()
        program.terms = terms
        program.eligibility = eligibility
        program.number_prefix = number_prefix.strip().upper()
        program.is_active = is_active
        if logo is not None:
            program.logo = logo
        program.save()
        if alert_recipients is not None:
            program.alert_recipients.set(alert_recipients)
        after = audit.snapshot(program, PROGRAM_FIELDS)
        audit.record(
            actor=actor,
            action="cards.program_create" if created else "cards.program_update",
            obj=program,
            org=org,
            changes=audit.diff(before, after) if not created else after,
        )
    return program


def _new_number(program: CardProgram) -> str:
    return f"{program.number_prefix}{timezone.localdate():%y}{secrets.randbelow(10**8):08d}"


def card_claim(*, actor: Any, program: CardProgram) -> Card:
    """申领: issues `actor` their card when they are eligible (idempotent: returns the one they
    have). Eligibility is checked now, so a card never goes to someone not yet verified."""
    existing = Card.objects.filter(program=program, user_id=actor.pk).first()
    if existing is not None:
        if existing.revoked_at is not None:
            raise ApplicationError(errors.CARD_REVOKED)
        return existing
    if not program.is_active:
        raise ApplicationError(errors.PROGRAM_CLOSED)
    record = eligible_record(actor, program)
    if record is None:
        raise ApplicationError(errors.NOT_ELIGIBLE, status=403)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                card = Card.objects.create(
                    program=program,
                    user=actor,
                    record=record,
                    number=_new_number(program),
                    issued_at=timezone.now(),
                )
                audit.record(actor=actor, action="cards.card_claim", obj=card, org=program.org)
                return card
        except IntegrityError:
            # Either a number collision (try another) or a second tab claimed at the same time.
            existing = Card.objects.filter(program=program, user_id=actor.pk).first()
            if existing is not None:
                return existing
    raise ApplicationError("conflict")


def card_revoke(*, actor: Any, card: Card) -> Card:
    policy.require(actor, "manage", card)
    with transaction.atomic():
        Card.objects.filter(pk=card.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        card.refresh_from_db(fields=["revoked_at"])
        audit.record(actor=actor, action="cards.card_revoke", obj=card, org=card.program.org)
    return card


def card_live_token(card: Card) -> str:
    """A signed, timestamped code of the card, valid LIVE_TOKEN_SECONDS (a screenshot dies)."""
    return signing.TimestampSigner(salt=_LIVE_SALT).sign(card.number)


def card_from_live_token(token: str) -> Card:
    """The card a live code stands for; expired, forged or revoked codes are refused."""
    try:
        number = signing.TimestampSigner(salt=_LIVE_SALT).unsign(token, max_age=LIVE_TOKEN_SECONDS)
    except signing.SignatureExpired:
        raise ApplicationError(errors.TOKEN_EXPIRED) from None
    except signing.BadSignature:
        raise ApplicationError(errors.TOKEN_INVALID) from None
    card = (
        Card.objects.select_related("program", "record", "record__department", "user")
        .filter(number=number)
        .first()
    )
    if card is None:
        raise ApplicationError(errors.TOKEN_INVALID)
    if card.revoked_at is not None:
        raise ApplicationError(errors.CARD_REVOKED)
    return card
