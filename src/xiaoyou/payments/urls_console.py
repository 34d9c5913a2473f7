"""Console pages of payments, included under /console/payments/ ("console" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.payments.views import console_payments, console_reconciliation, console_requests

urlpatterns = [
    path("", console_payments.payment_list, name="payments_orders"),
    path("orders/<int:pk>/", console_payments.order_detail, name="payments_order"),
    path("orders/<int:pk>/refund", console_payments.order_refund, name="payments_order_refund"),
    path("orders/<int:pk>/receipt", console_payments.order_receipt, name="payments_order_receipt"),
    path(
        "orders/<int:pk>/receipt.pdf",
        console_payments.order_receipt_pdf,
        name="payments_order_receipt_pdf",
    ),
    path("requests/", console_requests.request_list, name="payments_requests"),
    path("requests/new", console_requests.request_create, name="payments_request_create"),
    path("requests/<int:pk>/", console_requests.request_detail, name="payments_request"),
    path("requests/<int:pk>/edit", console_requests.request_edit, name="payments_request_edit"),
    path("reconciliation/", console_reconciliation.report_list, name="payments_reconciliation"),
    path("reconciliation/<int:pk>/", console_reconciliation.report_detail, name="payments_report"),
    path(
        "reconciliation/<int:pk>/download",
        console_reconciliation.report_download,
        name="payments_report_download",
    ),
]
