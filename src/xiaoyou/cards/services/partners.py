"""Partner institutions (授权合作机构): add, change, remove, new authorization QR."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from xiaoyou.cards import errors
from xiaoyou.cards.models import CardProgram, Partner
from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations.models import OrganizationKind

PARTNER_FIELDS = (
    "name",
    "introduction",
    "address",
    "phone",
    "benefit",
    "benefit_details",
    "is_active",
    "order",
    "community",
)


def _check_community(community: Any) -> None:
    if community is not None and community.kind != OrganizationKind.PARTNER:
        raise ApplicationError(errors.PARTNER_COMMUNITY_KIND)


def partner_create(*, actor: Any, program: CardProgram, **fields: Any) -> Partner:
    """Adds a partner to `program`; the programme's admins only; its QR secret is new."""
    policy.require(actor, "manage", program)
    _check_community(fields.get("community"))
    with transaction.atomic():
        partner = Partner(program=program)
        for name, value in fields.items():
            if name in PARTNER_FIELDS or name == "logo":
                setattr(partner, name, value)
        partner.save()
        audit.record(
            actor=actor,
            action="cards.partner_create",
            obj=partner,
            org=program.org,
            changes=audit.snapshot(partner, PARTNER_FIELDS),
        )
    return partner


def partner_update(*, actor: Any, partner: Partner, **fields: Any) -> Partner:
    policy.require(actor, "manage", partner)
    _check_community(fields.get("community"))
    with transaction.atomic():
        before = audit.snapshot(partner, PARTNER_FIELDS)
        for name, value in fields.items():
            if name in PARTNER_FIELDS or (name == "logo" and value):
                setattr(partner, name, value)
        partner.save()
        audit.record(
            actor=actor,
            action="cards.partner_update",
            obj=partner,
            org=partner.program.org,
            changes=audit.diff(before, audit.snapshot(partner, PARTNER_FIELDS)),
        )
    return partner


def partner_remove(*, actor: Any, partner: Partner) -> bool:
    """Removes a partner; one with scans or vouchers is deactivated instead, so its records stay.
    Returns True when the partner was deleted."""
    policy.require(actor, "manage", partner)
    with transaction.atomic():
        keeps_history = partner.scans.exists() or partner.voucher_types.exists()
        audit.record(
            actor=actor,
            action="cards.partner_deactivate" if keeps_history else "cards.partner_delete",
            obj=partner,
            org=partner.program.org,
        )
        if keeps_history:
            partner.is_active = False
            partner.save(update_fields=["is_active", "updated_at"])
            return False
        partner.delete()
    return True


def partner_reset_secret(*, actor: Any, partner: Partner) -> Partner:
    """A new authorization QR: the printed one stops working (e.g. a code was copied)."""
    policy.require(actor, "manage", partner)
    with transaction.atomic():
        partner.secret = secrets.token_urlsafe(18)
        partner.save(update_fields=["secret", "updated_at"])
        audit.record(
            actor=actor, action="cards.partner_reset_qr", obj=partner, org=partner.program.org
        )
    return partner
