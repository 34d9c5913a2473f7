"""Console page recording offline payments, included under /console/payments/offline/."""

from __future__ import annotations

from django.urls import path

from xiaoyou.payments.views import console_offline

urlpatterns = [
    path("<int:pk>/record", console_offline.offline_record, name="payments_offline_record"),
]
