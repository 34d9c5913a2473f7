"""Payables: the objects money is paid for (an event registration, a donation, a shop order...).

The owning app registers its model once at start-up:

    register_payable(Registration, on_paid=registration_paid, on_refunded=registration_refunded)

`on_paid(order)` runs once after an order for such an object becomes paid, `on_refunded(order)`
after each successful refund (the order's `refunded_amount` and status say how much). Both run
after the commit of the state change through the Celery task `xiaoyou.payments.payable_callback`,
never inside the notification request, so slow work never delays the provider's callback. A task
may be retried after a crash (acks_late): callbacks must be idempotent for the same order state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model

Callback = Callable[[Any], None]

PAID = "paid"
REFUNDED = "refunded"


@dataclass(frozen=True)
class Payable:
    model: type[Model]
    on_paid: Callback
    on_refunded: Callback
    describe: Callable[[Any], str] | None = None
    # Where the payer goes on from the payment's result page (the gift's thank-you page...).
    next_url: Callable[[Any], str] | None = None


_payables: dict[str, Payable] = {}


def register_payable(
    model: type[Model],
    *,
    on_paid: Callback,
    on_refunded: Callback,
    describe: Callable[[Any], str] | None = None,
    next_url: Callable[[Any], str] | None = None,
) -> Payable:
    """Declares that orders may be created for objects of `model` (see the module docstring).

    `describe(obj)` gives the text shown for the object in the console (default: str(obj));
    `next_url(obj)` the page the payer continues to from the payment's result page.
    """
    entry = Payable(model, on_paid, on_refunded, describe, next_url)
    _payables[model._meta.label_lower] = entry
    return entry


def payable_for(model: type[Model] | Model | str) -> Payable:
    label = model.lower() if isinstance(model, str) else model._meta.label_lower
    try:
        return _payables[label]
    except KeyError:
        raise LookupError(f"{label} is not a registered payable") from None


def is_payable(model: type[Model] | Model) -> bool:
    return model._meta.label_lower in _payables


def describe(obj: Any) -> str:
    if obj is None:
        return ""
    entry = _payables.get(obj._meta.label_lower)
    if entry is not None and entry.describe is not None:
        return entry.describe(obj)
    return str(obj)


def next_url_for(order: Any) -> str:
    """The payable's page to continue to after paying `order` ("" when it has none)."""
    model = order.payable_type.model_class()
    entry = _payables.get(model._meta.label_lower) if model is not None else None
    if entry is None or entry.next_url is None:
        return ""
    obj = model._default_manager.filter(pk=order.payable_id).first()  # type: ignore[union-attr]
    return entry.next_url(obj) if obj is not None else ""


def callback_after_commit(order_id: int, event: str) -> None:
    """Enqueues the payable's `event` callback for the order once the transaction commits."""
    from xiaoyou.payments.tasks import payable_callback

    transaction.on_commit(lambda: payable_callback.delay(order_id, event))


def callback_run(*, order_id: int, event: str) -> bool:
    """Calls the payable's callback for `event` ("paid" | "refunded"); False when no payable."""
    from xiaoyou.payments.models import PaymentOrder

    order = PaymentOrder.objects.select_related("payable_type").get(pk=order_id)
    model = order.payable_type.model_class()
    if model is None or model._meta.label_lower not in _payables:
        return False
    entry = _payables[model._meta.label_lower]
    (entry.on_paid if event == PAID else entry.on_refunded)(order)
    return True
