"""Who may do what with payments (rules evaluated by core.policy).

- Admins of an order's organization (and of the organizations above it) view it, refund it,
  close it and record offline payments for it; platform operators everything.
- `pay`: the payer opens their own order's pay page; an order without a payer (an anonymous
  donation) opens for anyone holding the link (its out_trade_no carries 72 random bits).
- Payment requests (收款项目): org admins manage them; a signed-in user pays an open one.
"""

from __future__ import annotations

from typing import Any

from xiaoyou.core import policy


def _is_payer(user: Any, order: Any) -> bool:
    if order.payer_id is None:
        return True
    return bool(getattr(user, "is_authenticated", False) and order.payer_id == user.pk)


def _is_open(user: Any, payment_request: Any) -> bool:
    return bool(payment_request.is_open)


def register() -> None:
    from xiaoyou.organizations.models import Role
    from xiaoyou.payments.models import OfflineEvidence, PaymentOrder, PaymentRequest

    for action in ("view", "refund", "close", "record_offline", "export"):
        policy.register(PaymentOrder, action, role=Role.ADMIN)
    policy.register(PaymentOrder, "pay", role=None, check=_is_payer, allow_anonymous=True)
    policy.register(OfflineEvidence, "view", role=Role.ADMIN, org_field="order__org")
    for action in ("view", "manage"):
        policy.register(PaymentRequest, action, role=Role.ADMIN)
    policy.register(PaymentRequest, "pay", role=None, check=_is_open)
