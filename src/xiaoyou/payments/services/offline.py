"""Offline payments (线下支付): staff record a bank transfer or cash with evidence; an admin of
the order's organization approves it in the review queue ("payments.offline"), which marks the
order paid through settlement (source "staff", one PAID ledger entry, payable callback).

Rules: only an open order can be recorded, for its exact amount; one pending record per order
(the queue refuses a second); the recording is audited, the decision too (by the queue).
Rejecting leaves the order waiting for payment.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import audit, policy, reviews
from xiaoyou.core.errors import ApplicationError, register_messages
from xiaoyou.core.models import ReviewItem, ReviewStatus
from xiaoyou.payments import errors
from xiaoyou.payments.models import (
    LedgerKind,
    OfflineEvidence,
    OfflineMethod,
    OrderStatus,
    PaymentOrder,
    Provider,
)
from xiaoyou.payments.providers.base import PaymentState
from xiaoyou.payments.services.orders import OPEN_STATUSES, ledger_write

OFFLINE_REVIEW_KIND = "payments.offline"
OFFLINE_PENDING = "payments.offline_pending"

register_messages(
    {OFFLINE_PENDING: _("An offline payment of this order is already waiting for review.")}
)


def offline_pending(order: PaymentOrder) -> OfflineEvidence | None:
    """The order's offline record waiting for review, if any."""
    ids = [
        str(pk) for pk in OfflineEvidence.objects.filter(order=order).values_list("pk", flat=True)
    ]
    item = ReviewItem.objects.filter(
        kind=OFFLINE_REVIEW_KIND, object_id__in=ids, status=ReviewStatus.PENDING
    ).first()
    return OfflineEvidence.objects.get(pk=item.object_id) if item else None


@transaction.atomic
def offline_payment_record(
    *,
    order: PaymentOrder,
    method: str,
    amount: int,
    received_on: dt.date,
    actor: Any,
    reference: str = "",
    payer_name: str = "",
    evidence: Any = None,
    note: str = "",
) -> OfflineEvidence:
    """Records money received offline for `order` and sends it to review (see module rules)."""
    policy.require(actor, "record_offline", order)
    locked = PaymentOrder.objects.select_for_update().get(pk=order.pk)
    if locked.status not in OPEN_STATUSES:
        raise ApplicationError(errors.ORDER_NOT_PAYABLE, status=409)
    if method not in OfflineMethod.values:
        raise ApplicationError("invalid_input")
    if amount != locked.amount:
        raise ApplicationError(errors.AMOUNT_INVALID)
    if offline_pending(locked) is not None:
        raise ApplicationError(OFFLINE_PENDING, status=409)
    record = OfflineEvidence.objects.create(
        order=locked,
        method=method,
        amount=amount,
        reference=reference[:100],
        payer_name=payer_name[:100],
        received_on=received_on,
        evidence=evidence or "",
        note=note[:200],
        recorded_by=actor,
    )
    before = locked.status
    locked.status = OrderStatus.PAYING
    locked.provider = Provider.OFFLINE
    locked.channel = method
    locked.save(update_fields=["status", "provider", "channel", "updated_at"])
    ledger_write(
        order=locked,
        kind=LedgerKind.OFFLINE_RECORDED,
        source="staff",
        status_before=before,
        provider_reference=reference,
        details={"evidence": record.pk, "method": method, "amount": amount},
    )
    reviews.review_submit(
        obj=record,
        submitter=actor,
        org=locked.org,
        kind=OFFLINE_REVIEW_KIND,
        summary=f"{locked.subject} · {amount / 100:.2f} · {locked.out_trade_no}",
    )
    audit.record(
        actor=actor,
        action="payments.offline.record",
        obj=locked,
        changes={
            "method": [None, method],
            "amount": [None, amount],
            "reference": [None, reference],
        },
    )
    order.status = locked.status
    return record


def _approve(record: OfflineEvidence, *, item: Any, actor: Any, reason: str) -> None:
    """The money is there: the order becomes paid (offline). Should the payer meanwhile have
    paid online too, settlement flags the second payment for staff; should the order have
    closed, it is a late payment and is refunded (by hand, recorded as such)."""
    from xiaoyou.payments.services.settlement import payment_state_settle

    order = record.order
    state = PaymentState(
        out_trade_no=order.out_trade_no,
        state="paid",
        amount=record.amount,
        currency=order.currency,
        provider_trade_no=f"offline-{record.pk}",
        payer_account=record.payer_name,
        raw={"evidence": record.pk, "reference": record.reference, "approved_by": actor.pk},
    )
    payment_state_settle(order=order, state=state, source="staff", provider=Provider.OFFLINE)


def _reject(record: OfflineEvidence, *, item: Any, actor: Any, reason: str) -> None:
    return None


def _details(record: OfflineEvidence) -> list[tuple[Any, Any]]:
    return [
        (_("Order number"), record.order.out_trade_no),
        (_("Subject"), record.order.subject),
        (_("Method"), record.get_method_display()),
        (_("Amount (yuan)"), f"{record.amount / 100:.2f}"),
        (_("Bank reference"), record.reference or "—"),
        (_("Payer"), record.payer_name or "—"),
        (_("Received on"), record.received_on),
        (_("Evidence"), record.evidence.name if record.evidence else "—"),
        (_("Note"), record.note or "—"),
    ]


def register_review_kind() -> None:
    reviews.register(
        OFFLINE_REVIEW_KIND,
        model=OfflineEvidence,
        label=_("Offline payments"),
        on_approve=_approve,
        on_reject=_reject,
        details=_details,
        order=70,
    )
