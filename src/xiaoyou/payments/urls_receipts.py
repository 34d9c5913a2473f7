"""Receipt pages of the hall, included under /payments/receipts/ ("hall" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.payments.views import receipt

urlpatterns = [
    path("verify/<str:number>/<str:token>/", receipt.receipt_verify, name="payment_receipt_verify"),
    path("<str:out_trade_no>/", receipt.hall_receipt, name="payment_receipt"),
    path("<str:out_trade_no>/pdf", receipt.hall_receipt_pdf, name="payment_receipt_pdf"),
]
