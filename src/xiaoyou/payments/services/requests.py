"""Payment requests (收款项目): what staff ask alumni to pay through a hall link (会费...).

Each payment is a PaymentOrder whose payable is the request; paying twice is allowed (e.g. a
fee per year) but an unpaid open order of the same payer is reused rather than multiplied.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.payments import errors
from xiaoyou.payments.models import PaymentOrder, PaymentRequest
from xiaoyou.payments.services.orders import OPEN_STATUSES, order_create

FIELDS = ("title", "amount", "description", "is_open")


def _valid_amount(amount: Any) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ApplicationError(errors.AMOUNT_INVALID)
    return amount


@transaction.atomic
def payment_request_create(
    *, actor: Any, org: Any, title: str, amount: int, description: str = "", is_open: bool = True
) -> PaymentRequest:
    """A new payment request of `org` (its admins and above); the amount in fen, positive."""
    policy.require(actor, "manage", PaymentRequest, org=org)
    if not title.strip():
        raise ApplicationError("invalid_input")
    request = PaymentRequest.objects.create(
        org=org,
        title=title.strip()[:120],
        amount=_valid_amount(amount),
        description=description,
        is_open=is_open,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="payments.request.create",
        obj=request,
        changes={name: [None, getattr(request, name)] for name in FIELDS},
    )
    return request


@transaction.atomic
def payment_request_update(
    *, actor: Any, payment_request: PaymentRequest, **changes: Any
) -> PaymentRequest:
    """Changes title, amount, description or is_open; orders already made keep their amount."""
    locked = PaymentRequest.objects.select_for_update().get(pk=payment_request.pk)
    policy.require(actor, "manage", locked)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    if "amount" in changes:
        _valid_amount(changes["amount"])
    if "title" in changes and not str(changes["title"]).strip():
        raise ApplicationError("invalid_input")
    diff = {
        name: [getattr(locked, name), value]
        for name, value in changes.items()
        if getattr(locked, name) != value
    }
    for name, (_, value) in diff.items():
        setattr(locked, name, value)
    if diff:
        locked.save(update_fields=[*diff, "updated_at"])
        audit.record(actor=actor, action="payments.request.update", obj=locked, changes=diff)
    return locked


def payment_request_order(*, payment_request: PaymentRequest, payer: Any) -> PaymentOrder:
    """The order `payer` pays the request with: their open unexpired one, or a new one."""
    if not policy.can(payer, "pay", payment_request):
        raise ApplicationError(errors.ORDER_NOT_PAYABLE, status=409)
    existing = (
        PaymentOrder.objects.filter(
            payable_type=ContentType.objects.get_for_model(PaymentRequest),
            payable_id=str(payment_request.pk),
            payer=payer,
            amount=payment_request.amount,
            status__in=OPEN_STATUSES,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return existing
    return order_create(
        payable=payment_request,
        amount=payment_request.amount,
        subject=payment_request.title,
        org=payment_request.org,
        payer=payer,
    )


def _paid(order: PaymentOrder) -> None:
    return None  # the paid order is the record of the payment


def register_payable_kind() -> None:
    from xiaoyou.payments.payables import register_payable

    register_payable(PaymentRequest, on_paid=_paid, on_refunded=_paid, describe=str)
