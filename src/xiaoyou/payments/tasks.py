"""Celery tasks of payments: each takes ids and calls a service."""

from __future__ import annotations

from celery import shared_task

from xiaoyou.payments import payables

PAYABLE_CALLBACK = "xiaoyou.payments.payable_callback"
SETTLE_PENDING = "xiaoyou.payments.settle_pending"
CLOSE_EXPIRED = "xiaoyou.payments.close_expired"
REFUND_SUBMIT = "xiaoyou.payments.refund_submit"


@shared_task(name=PAYABLE_CALLBACK, acks_late=True, ignore_result=True)
def payable_callback(order_id: int, event: str) -> bool:
    """Runs the payable's on_paid / on_refunded after the state change committed."""
    return payables.callback_run(order_id=order_id, event=event)


@shared_task(name=SETTLE_PENDING, ignore_result=True)
def settle_pending() -> dict[str, int]:
    """Periodic: query orders and refunds the providers have not told us about."""
    from xiaoyou.payments.services.refunds import pending_refunds_settle
    from xiaoyou.payments.services.settlement import pending_orders_settle

    return {"orders": pending_orders_settle(), "refunds": pending_refunds_settle()}


@shared_task(name=CLOSE_EXPIRED, ignore_result=True)
def close_expired() -> int:
    """Periodic: close unpaid orders past their expiry (synced with the provider first)."""
    from xiaoyou.payments.services.settlement import expired_orders_close

    return expired_orders_close()


@shared_task(name=REFUND_SUBMIT, acks_late=True, ignore_result=True)
def refund_submit_task(refund_id: int) -> str:
    """Sends a pending refund to its provider (automatic refunds of late payments)."""
    from xiaoyou.payments.models import PaymentRefund
    from xiaoyou.payments.services.refunds import refund_submit

    return refund_submit(refund=PaymentRefund.objects.get(pk=refund_id)).status


def register() -> None:
    from xiaoyou.core import schedules

    schedules.schedule(
        "payments.settle-pending",
        SETTLE_PENDING,
        crontab="*/5 * * * *",
        description="Payments: query orders and refunds without a notification, every 5 minutes.",
    )
    schedules.schedule(
        "payments.close-expired",
        CLOSE_EXPIRED,
        crontab="*/10 * * * *",
        description="Payments: close unpaid orders past their expiry, every 10 minutes.",
    )
