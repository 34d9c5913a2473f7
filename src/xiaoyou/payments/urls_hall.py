"""Hall pay pages, included under /pay/ ("hall" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.payments.views import hall_pay

urlpatterns = [
    path("requests/<int:pk>/", hall_pay.request_page, name="pay_request"),
    path("<str:out_trade_no>/", hall_pay.pay, name="pay"),
    path("<str:out_trade_no>/start", hall_pay.pay_start, name="pay_start"),
    path("<str:out_trade_no>/status", hall_pay.pay_status, name="pay_status"),
    path("<str:out_trade_no>/result", hall_pay.pay_result, name="pay_result"),
]
