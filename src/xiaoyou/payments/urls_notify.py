"""Provider callbacks, included under /payments/ (namespace "payments")."""

from __future__ import annotations

from django.urls import path

from xiaoyou.payments.views.notify import notify

app_name = "payments"
urlpatterns = [
    path("notify/<slug:provider>/", notify, name="notify"),
]
