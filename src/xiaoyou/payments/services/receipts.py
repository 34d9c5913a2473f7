"""收据: every paid order gets a receipt number, a page and a PDF.

Numbers run per year of payment (Asia/Shanghai): XY2026-000123 (prefix from
PAYMENTS_RECEIPT_PREFIX). A number is assigned once, under the order's row lock, and the
search for the year's last number is serialized (SQLite: IMMEDIATE transactions take the
write lock; PostgreSQL: a transaction-scoped advisory lock per year), so two orders paid at
the same moment never share one. The receipt's QR code opens a public verification page whose
URL carries a signature of the number, so numbers cannot be enumerated.
"""

from __future__ import annotations

import base64
import zlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models.functions import Length
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from xiaoyou.core import audit
from xiaoyou.payments.models import OrderStatus, PaymentOrder

SIGNING_SALT = "xiaoyou.payments.receipt"
PAID_STATUSES = (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED)


def receipt_prefix(year: int) -> str:
    return f"{getattr(settings, 'PAYMENTS_RECEIPT_PREFIX', 'XY')}{year}-"


def _serialize_year(year: int) -> None:
    if connection.vendor == "postgresql":
        key = zlib.crc32(receipt_prefix(year).encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _next_number(prefix: str) -> str:
    last = (
        PaymentOrder.objects.filter(receipt_number__startswith=prefix)
        .order_by(Length("receipt_number").desc(), "-receipt_number")
        .values_list("receipt_number", flat=True)
        .first()
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def receipt_number_assign(*, order: PaymentOrder) -> str:
    """The order's receipt number, assigned on first call; only paid orders have one."""
    if order.receipt_number:
        return order.receipt_number
    if not order.paid_at:
        raise ValueError("only a paid order has a receipt")
    year = timezone.localtime(order.paid_at).year
    with transaction.atomic():
        _serialize_year(year)
        locked = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        if not locked.receipt_number:
            locked.receipt_number = _next_number(receipt_prefix(year))
            locked.save(update_fields=["receipt_number", "updated_at"])
            audit.record(
                actor=None,
                action="payments.receipt_assign",
                obj=locked,
                changes={"receipt_number": locked.receipt_number},
            )
    order.receipt_number = locked.receipt_number
    return order.receipt_number


def receipts_assign_missing(limit: int = 5000) -> int:
    """Numbers for paid orders that have none yet (the daily task's sweep), oldest first."""
    orders = PaymentOrder.objects.filter(
        receipt_number="", paid_at__isnull=False, status__in=PAID_STATUSES
    ).order_by("paid_at", "id")[:limit]
    count = 0
    for order in orders:
        receipt_number_assign(order=order)
        count += 1
    return count


def verification_token(receipt_number: str) -> str:
    return signing.Signer(salt=SIGNING_SALT).signature(receipt_number)


def verification_path(receipt_number: str) -> str:
    return reverse(
        "hall:payment_receipt_verify",
        kwargs={"number": receipt_number, "token": verification_token(receipt_number)},
    )


def token_is_valid(receipt_number: str, token: str) -> bool:
    return constant_time_compare(verification_token(receipt_number), token)


@dataclass(frozen=True)
class Receipt:
    """What a receipt shows, computed once for the page and the PDF."""

    order: PaymentOrder
    number: str
    school_name: str
    association_name: str
    logo_data_uri: str
    payer_name: str
    amount: int
    amount_capitals: str
    subject: str
    provider: str
    transaction_number: str
    paid_at: Any
    refunded_amount: int
    verification_url: str
    qr_data_uri: str


def _logo_data_uri() -> str:
    # Read through the storage and embedded, so rendering never fetches a URL.
    from xiaoyou.organizations.selectors import root_organization

    root = root_organization()
    if root is None or not root.logo:
        return ""
    try:
        with root.logo.open("rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    kind = "png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


def _payer_name(order: PaymentOrder) -> str:
    payer = order.payer
    if payer is None:
        return str(order.metadata.get("payer_name", "")) if order.metadata else ""
    return getattr(payer, "display_name", "") or payer.get_username()


def receipt_for(order: PaymentOrder, *, site_url: str = "") -> Receipt:
    """The receipt of a paid order (assigning its number when it has none yet)."""
    import segno

    from xiaoyou.core import branding
    from xiaoyou.payments.money import amount_in_capitals

    number = receipt_number_assign(order=order)
    url = (site_url or settings.SITE_URL).rstrip("/") + verification_path(number)
    brand = branding.current()
    return Receipt(
        order=order,
        number=number,
        school_name=brand.school_name,
        association_name=brand.association_name,
        logo_data_uri=_logo_data_uri(),
        payer_name=_payer_name(order),
        amount=order.amount,
        amount_capitals=amount_in_capitals(order.amount),
        subject=order.subject,
        provider=order.get_provider_display(),
        transaction_number=order.provider_trade_no,
        paid_at=timezone.localtime(order.paid_at),
        refunded_amount=order.refunded_amount,
        verification_url=url,
        qr_data_uri=segno.make(url, error="m").png_data_uri(scale=4, border=2),
    )


def receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt as a PDF (WeasyPrint; Noto Sans CJK from fonts-noto-cjk)."""
    from xiaoyou.core.pdf import html_to_pdf

    return html_to_pdf(render_to_string("payments/receipt_pdf.html", {"receipt": receipt}))
