"""Receipts: the payer's page and PDF in the hall, the staff's in the console (through
console_payments), and the public verification page the receipt's QR code opens."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from xiaoyou.payments.models import PaymentOrder
from xiaoyou.payments.services import receipts


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def receipt_page(request: HttpRequest, order: PaymentOrder, *, console: bool) -> HttpResponse:
    if not order.paid_at:
        raise Http404
    receipt = receipts.receipt_for(order, site_url=_site_url(request))
    template = "payments/receipt_console.html" if console else "payments/receipt_hall.html"
    return render(request, template, {"receipt": receipt, "order": order})


def receipt_pdf_response(request: HttpRequest, order: PaymentOrder) -> HttpResponse:
    if not order.paid_at:
        raise Http404
    receipt = receipts.receipt_for(order, site_url=_site_url(request))
    response = HttpResponse(receipts.receipt_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{receipt.number}.pdf"'
    return response


def _payers_order(request: HttpRequest, out_trade_no: str) -> PaymentOrder:
    order = (
        PaymentOrder.objects.select_related("payer")
        .filter(out_trade_no=out_trade_no, payer_id=request.user.pk, paid_at__isnull=False)
        .first()
    )
    if order is None:
        raise Http404
    return order


@login_required
def hall_receipt(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    return receipt_page(request, _payers_order(request, out_trade_no), console=False)


@login_required
def hall_receipt_pdf(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    return receipt_pdf_response(request, _payers_order(request, out_trade_no))


def receipt_verify(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """Public: whether the receipt is genuine, with no more than the receipt itself shows
    (the payer's name is shortened)."""
    if not receipts.token_is_valid(number, token):
        raise Http404
    order = PaymentOrder.objects.filter(receipt_number=number).select_related("payer").first()
    if order is None:
        raise Http404
    name = receipts._payer_name(order)
    return render(
        request,
        "payments/receipt_verify.html",
        {
            "order": order,
            "number": number,
            "payer": (name[:1] + "*" * (len(name) - 1)) if name else "",
        },
    )
