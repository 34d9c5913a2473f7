"""Who may do what with the cloud card (rules evaluated by core.policy).

- Admins of the programme's association (and of the organizations above it) manage its
  settings, partners, voucher types, rules and vouchers, and see every scan record.
- A partner's staff are the admins of its partner community: they see the scans at their own
  partner and redeem vouchers of their own partner, nothing else (no alumni records, no other
  partner's scans).
- A card and a voucher are seen by their holder; a voucher is redeemed by its holder (scanning
  the partner's QR) or by the partner's staff (scanning the holder's live card).
"""

from __future__ import annotations

from typing import Any

from xiaoyou.core import policy


def _is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_partner_staff(user: Any, partner: Any) -> bool:
    """Admins of the partner's own community (never the partner's neighbours)."""
    from xiaoyou.organizations.models import Role
    from xiaoyou.organizations.selectors import has_role

    if not _is_authenticated(user) or partner.community_id is None:
        return False
    return has_role(user, partner.community, Role.ADMIN)


def _manages_program(user: Any, program: Any) -> bool:
    return policy.can(user, "manage", program)


def _may_see_partner_scans(user: Any, partner: Any) -> bool:
    return _manages_program(user, partner.program) or is_partner_staff(user, partner)


def _may_see_scan(user: Any, scan: Any) -> bool:
    if _is_authenticated(user) and scan.user_id == user.pk:
        return True
    return _may_see_partner_scans(user, scan.partner)


def _is_holder_or_manager(user: Any, card: Any) -> bool:
    if _is_authenticated(user) and card.user_id == user.pk:
        return True
    return _manages_program(user, card.program)


def _may_redeem(user: Any, voucher: Any) -> bool:
    if _is_authenticated(user) and voucher.user_id == user.pk:
        return True
    return is_partner_staff(user, voucher.voucher_type.partner)


def register() -> None:
    from xiaoyou.cards.models import (
        Card,
        CardProgram,
        Partner,
        ScanRecord,
        Voucher,
        VoucherRule,
        VoucherType,
    )
    from xiaoyou.organizations.models import Role

    policy.register(CardProgram, "manage", role=Role.ADMIN)
    policy.register(Partner, "manage", role=Role.ADMIN, org_field="program__org")
    policy.register(Partner, "view_scans", role=None, check=_may_see_partner_scans)
    policy.register(ScanRecord, "manage", role=Role.ADMIN, org_field="partner__program__org")
    policy.register(ScanRecord, "view", role=None, check=_may_see_scan)
    policy.register(Card, "manage", role=Role.ADMIN, org_field="program__org")
    policy.register(Card, "view", role=None, check=_is_holder_or_manager)
    policy.register(VoucherType, "manage", role=Role.ADMIN, org_field="program__org")
    policy.register(VoucherRule, "manage", role=Role.ADMIN, org_field="voucher_type__program__org")
    policy.register(Voucher, "manage", role=Role.ADMIN, org_field="voucher_type__program__org")
    policy.register(Voucher, "redeem", role=None, check=_may_redeem)
