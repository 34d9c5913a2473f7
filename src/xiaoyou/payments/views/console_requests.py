"""Console: payment requests (收款项目, e.g. membership fees) — list, create, edit, and the
share link with its QR code that payers open in the hall."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoyou.console.context import current_org, in_current_org, org_choices
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.payments.models import PaymentRequest
from xiaoyou.payments.money import format_yuan, yuan_to_fen

OPEN_CHOICES = [("1", gettext_lazy("Open")), ("0", gettext_lazy("Closed"))]


def _requests(request: HttpRequest) -> Any:
    queryset = PaymentRequest.objects.select_related("org")
    return in_current_org(policy.scoped(queryset, request.user, "manage"), request)


def request_list(request: HttpRequest) -> HttpResponse:
    def detail_url(item: PaymentRequest) -> str:
        return reverse("console:payments_request", args=[item.pk])

    table = DataTable(
        request,
        _requests(request),
        columns=[
            Column("created_at", gettext_lazy("Created"), sort="created_at"),
            Column("title", gettext_lazy("Title"), link=detail_url),
            Column("org__name", gettext_lazy("Organization")),
            Column(
                "amount",
                gettext_lazy("Amount (yuan)"),
                sort="amount",
                accessor=lambda item: format_yuan(item.amount),
                align="num",
            ),
            Column("is_open", gettext_lazy("Open for payment")),
        ],
        filters=[Filter("open", gettext_lazy("Status"), kind="boolean", lookup="is_open")],
        search_fields=["title"],
        default_sort="-created_at",
        empty_title=gettext_lazy("No payment requests yet"),
        empty_text=gettext_lazy("Create one to collect fees with a link or a QR code."),
    )
    return render(request, "payments/console/request_list.html", {"table": table})


class PaymentRequestForm(forms.Form):
    org = forms.ChoiceField(label=gettext_lazy("Organization"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    amount = forms.CharField(label=gettext_lazy("Amount (yuan)"), max_length=20)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    is_open = forms.BooleanField(label=gettext_lazy("Open for payment"), required=False)

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.orgs = {str(org.pk): org for org in orgs}
        self.fields["org"].choices = [(str(org.pk), org.name) for org in orgs]  # type: ignore[attr-defined]

    def clean_amount(self) -> int:
        try:
            fen = yuan_to_fen(self.cleaned_data["amount"])
        except ValueError:
            raise forms.ValidationError(
                _("Enter an amount in yuan with at most two decimals.")
            ) from None
        if fen <= 0:
            raise forms.ValidationError(_("Enter an amount in yuan with at most two decimals."))
        return fen

    def clean_org(self) -> Any:
        return self.orgs[self.cleaned_data["org"]]


def _get(request: HttpRequest, pk: int) -> PaymentRequest:
    item = (
        policy.scoped(PaymentRequest.objects.select_related("org"), request.user, "manage")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    return item


def _save(request: HttpRequest, item: PaymentRequest | None) -> HttpResponse:
    from xiaoyou.payments.services.requests import payment_request_create, payment_request_update

    orgs = org_choices(request)
    initial: dict[str, Any] = {"is_open": True, "org": getattr(current_org(request), "pk", "")}
    if item is not None:
        initial = {
            "org": item.org_id,
            "title": item.title,
            "amount": format_yuan(item.amount).replace(",", ""),
            "description": item.description,
            "is_open": item.is_open,
        }
    form = PaymentRequestForm(request.POST or None, initial=initial, orgs=orgs)
    if item is not None:
        form.fields["org"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if item is None:
                item = payment_request_create(
                    actor=request.user,
                    org=data["org"],
                    title=data["title"],
                    amount=data["amount"],
                    description=data["description"],
                    is_open=data["is_open"],
                )
            else:
                item = payment_request_update(
                    actor=request.user,
                    payment_request=item,
                    title=data["title"],
                    amount=data["amount"],
                    description=data["description"],
                    is_open=data["is_open"],
                )
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Saved."))
            return redirect("console:payments_request", pk=item.pk)
    return render(
        request,
        "payments/console/request_form.html",
        {"form": form, "item": item},
        status=400 if form.is_bound and form.errors else 200,
    )


def request_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save(request, _get(request, pk))


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(request, pk)
    share_url = request.build_absolute_uri(reverse("hall:pay_request", args=[item.pk]))
    return render(
        request, "payments/console/request_detail.html", {"item": item, "share_url": share_url}
    )
