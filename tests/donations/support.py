"""Helpers of the donations tests: a gift started and paid through the fake provider."""

from __future__ import annotations

from typing import Any

from xiaoyou.donations.models import Donation
from xiaoyou.donations.services.giving import donation_start


def give(project: Any, user: Any = None, *, amount: int = 5000, **fields: Any) -> Donation:
    from django.contrib.auth.models import AnonymousUser

    return donation_start(
        project=project,
        user=user or AnonymousUser(),
        amount=amount,
        donor_name=fields.pop("donor_name", "李校友"),
        **fields,
    )


def pay(donation: Donation, *, source: str = "notification") -> bool:
    """Pays the gift's order through the fake provider; run inside
    django_capture_on_commit_callbacks(execute=True) so the payable callback runs."""
    from xiaoyou.payments.providers.base import PaymentState, StartContext
    from xiaoyou.payments.services.orders import payment_start
    from xiaoyou.payments.services.settlement import payment_state_apply

    donation.refresh_from_db()
    order = donation.payment
    assert order is not None
    if not order.provider:
        payment_start(order=order, provider="fake", channel="h5", context=StartContext())
        order.refresh_from_db()
    state = PaymentState(out_trade_no=order.out_trade_no, state="paid", amount=order.amount)
    return payment_state_apply(order=order, state=state, source=source)
