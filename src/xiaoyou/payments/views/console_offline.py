"""Console page: record a bank transfer or cash payment of an order, with evidence (线下收款).

The record goes to the review queue; another look (or the same admin, in a small office) in
the to-do list approves it and the order becomes paid. Admins of the order's organization and
above only (policy `record_offline`); other orders are a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.payments.models import OfflineMethod, PaymentOrder
from xiaoyou.payments.money import yuan_to_fen
from xiaoyou.payments.services.offline import offline_payment_record, offline_pending

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = (".jpg", ".jpeg", ".png", ".pdf")


class OfflineRecordForm(forms.Form):
    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=OfflineMethod.choices)
    amount = forms.CharField(label=gettext_lazy("Amount received (yuan)"), max_length=20)
    received_on = forms.DateField(
        label=gettext_lazy("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(
        label=gettext_lazy("Bank reference"), max_length=100, required=False
    )
    payer_name = forms.CharField(label=gettext_lazy("Payer"), max_length=100, required=False)
    evidence = forms.FileField(
        label=gettext_lazy("Evidence (bank slip or receipt: JPG, PNG or PDF)"), required=True
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, order: PaymentOrder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order = order

    def clean_amount(self) -> int:
        try:
            fen = yuan_to_fen(self.cleaned_data["amount"])
        except ValueError:
            raise forms.ValidationError(gettext("Enter an amount in yuan, e.g. 100.00.")) from None
        if fen != self.order.amount:
            raise forms.ValidationError(gettext("The amount must equal the order's amount."))
        return fen

    def clean_received_on(self) -> dt.date:
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(gettext("The date cannot be in the future."))
        return day

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data["evidence"]
        if upload.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(gettext("The file is larger than 10 MB."))
        if not upload.name.lower().endswith(EVIDENCE_TYPES):
            raise forms.ValidationError(gettext("Upload a JPG, PNG or PDF file."))
        head = upload.read(8)
        upload.seek(0)
        if not (
            head.startswith(b"%PDF") or head.startswith(b"\x89PNG") or head[:3] == b"\xff\xd8\xff"
        ):
            raise forms.ValidationError(gettext("Upload a JPG, PNG or PDF file."))
        return upload


def offline_record(request: HttpRequest, pk: int) -> HttpResponse:
    order = (
        policy.scoped(PaymentOrder.objects.select_related("org"), request.user, "record_offline")
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise Http404
    pending = offline_pending(order)
    form = OfflineRecordForm(request.POST or None, request.FILES or None, order=order)
    problem = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            offline_payment_record(order=order, actor=request.user, **data)
        except ApplicationError as error:
            problem = error.text()
        else:
            messages.success(request, gettext("The payment was recorded and sent for review."))
            return redirect("console:payments_order", pk=order.pk)
    return render(
        request,
        "payments/console/offline_record.html",
        {"order": order, "form": form, "pending": pending, "problem": problem},
        status=400 if request.method == "POST" else 200,
    )
