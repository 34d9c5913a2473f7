"""What the shop registers at start-up: policy rules, the payable, schedules, hook subscribers
and the shells' entries."""

from __future__ import annotations


def register_all() -> None:
    from xiaoyou.donations.hooks import donation_paid
    from xiaoyou.events.hooks import attendee_checked_in
    from xiaoyou.payments.payables import register_payable
    from xiaoyou.shop import errors, policy, tasks  # noqa: F401 - errors: messages
    from xiaoyou.shop.models import Order
    from xiaoyou.shop.services import orders, points

    policy.register()
    register_payable(
        Order,
        on_paid=orders.order_paid,
        on_refunded=orders.order_refunded,
        describe=orders.describe,
        next_url=orders.next_url,
    )
    tasks.register()
    attendee_checked_in.subscribe(points.on_attendee_checked_in)
    donation_paid.subscribe(points.on_donation_paid)
