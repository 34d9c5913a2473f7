"""Console: payments of the current organization and below — list with filters (module,
status, provider, dates, organization, order number or payer), a capped count, Excel export;
an order with its ledger, refunds and notifications; the refund action; the receipt."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoyou.console.context import current_org, in_current_org, org_choices
from xiaoyou.core import policy
from xiaoyou.core.errors import MESSAGES, ApplicationError
from xiaoyou.core.tables import PAGE_PARAM, Column, DataTable, Filter
from xiaoyou.payments import errors, selectors_console
from xiaoyou.payments.models import OrderStatus, PaymentOrder, Provider
from xiaoyou.payments.money import format_yuan, yuan_to_fen

# Counting every payment of a large school costs more than the page: stop at this many.
COUNT_CAP = 1000


def _payer(order: PaymentOrder) -> str:
    if order.payer is None:
        return ""
    return order.payer.display_name or order.payer.get_username()


def _module(order: PaymentOrder) -> str:
    model = order.payable_type.model_class()
    return str(model._meta.verbose_name) if model else order.payable_type.model


def _payer_search(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
    return queryset.filter(
        Q(out_trade_no__icontains=value)
        | Q(provider_trade_no=value)
        | Q(payer__display_name__icontains=value)
        | Q(payer__phone=value)
        | Q(payer__username=value)
    )


def _module_choices() -> list[tuple[str, str]]:
    type_ids = PaymentOrder.objects.order_by().values_list("payable_type", flat=True).distinct()
    types = ContentType.objects.filter(pk__in=list(type_ids))
    choices = []
    for content_type in types:
        model = content_type.model_class()
        label = str(model._meta.verbose_name) if model else content_type.model
        choices.append((str(content_type.pk), label))
    return sorted(choices, key=lambda choice: choice[1])


class PaymentTable(DataTable):
    """A DataTable whose count stops at COUNT_CAP (the pages still go on while rows follow)."""

    @property
    def page(self) -> Page:  # type: ignore[override]
        if not hasattr(self, "_capped_page"):
            try:
                number = max(1, int(self.params.get(PAGE_PARAM, 1)))
            except (TypeError, ValueError):
                number = 1
            offset = (number - 1) * self.per_page
            rows = list(self.queryset[offset : offset + self.per_page + 1])
            has_next = len(rows) > self.per_page
            rows = rows[: self.per_page]
            counted = self.queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
            self._total_capped = counted > COUNT_CAP
            known = offset + len(rows) + (1 if has_next else 0)
            paginator = Paginator(rows, self.per_page)
            paginator.count = max(min(counted, COUNT_CAP), known)  # type: ignore[misc]
            self._capped_page = Page(rows, number, paginator)
        return self._capped_page

    @property
    def total(self) -> int:
        return int(self.page.paginator.count)

    @property
    def total_capped(self) -> bool:
        self.page  # noqa: B018 - computes the count
        return self._total_capped


def payment_table(request: HttpRequest) -> PaymentTable:
    orgs = org_choices(request)

    def in_org(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        org = next((item for item in orgs if str(item.pk) == value), None)
        return queryset.filter(org__path__startswith=org.path) if org else queryset.none()

    def detail_url(order: PaymentOrder) -> str:
        return reverse("console:payments_order", args=[order.pk])

    return PaymentTable(
        request,
        in_current_org(selectors_console.orders_visible_to(request.user), request),
        columns=[
            Column("created_at", gettext_lazy("Created"), sort="created_at"),
            Column("out_trade_no", gettext_lazy("Order number"), link=detail_url),
            Column("subject", gettext_lazy("Subject")),
            Column("module", gettext_lazy("Module"), accessor=_module),
            Column("org__name", gettext_lazy("Organization")),
            Column("payer", gettext_lazy("Payer"), accessor=_payer),
            Column(
                "amount",
                gettext_lazy("Amount (yuan)"),
                sort="amount",
                accessor=lambda order: format_yuan(order.amount),
                align="num",
            ),
            Column(
                "refunded_amount",
                gettext_lazy("Refunded (yuan)"),
                accessor=lambda order: format_yuan(order.refunded_amount),
                align="num",
            ),
            Column("provider", gettext_lazy("Provider")),
            Column("status", gettext_lazy("Status"), badge=True),
            Column("paid_at", gettext_lazy("Paid at"), sort="paid_at"),
            Column("provider_trade_no", gettext_lazy("Provider transaction number")),
            Column("receipt_number", gettext_lazy("Receipt number")),
        ],
        filters=[
            Filter(
                "module",
                gettext_lazy("Module"),
                kind="select",
                lookup="payable_type_id",
                choices=_module_choices(),
            ),
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=OrderStatus.choices,
            ),
            Filter(
                "provider",
                gettext_lazy("Provider"),
                kind="select",
                lookup="provider",
                choices=Provider.choices,
            ),
            Filter("since", gettext_lazy("From"), kind="date", lookup="created_at__date__gte"),
            Filter("until", gettext_lazy("To"), kind="date", lookup="created_at__date__lte"),
            Filter(
                "org",
                gettext_lazy("Organization"),
                kind="select",
                lookup=in_org,
                choices=[(str(org.pk), org.name) for org in orgs],
            ),
            Filter(
                "payer",
                gettext_lazy("Order number or payer"),
                lookup=_payer_search,
                placeholder=gettext_lazy("Order number, name or phone"),
            ),
        ],
        default_sort="-created_at",
        export_formats=("xlsx",),
        empty_title=gettext_lazy("No payments yet"),
        empty_text=gettext_lazy("Payments for events, donations and the shop show here."),
    )


def payment_list(request: HttpRequest) -> HttpResponse:
    table = payment_table(request)
    if table.export_format:
        return table.export_response(_("payments"))
    return render(
        request,
        "payments/console/order_list.html",
        {"table": table, "org": current_org(request), "count_cap": COUNT_CAP},
    )


def _get(request: HttpRequest, pk: int) -> PaymentOrder:
    order = selectors_console.order_for_console(request.user, pk)
    if order is None:
        raise Http404
    return order


class RefundForm(forms.Form):
    amount = forms.CharField(label=gettext_lazy("Amount to refund (yuan)"), max_length=20)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)

    def __init__(self, *args: Any, order: PaymentOrder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order = order
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean_amount(self) -> int:
        try:
            fen = yuan_to_fen(self.cleaned_data["amount"])
        except ValueError:
            raise forms.ValidationError(
                _("Enter an amount in yuan with at most two decimals.")
            ) from None
        if fen <= 0:
            raise forms.ValidationError(str(MESSAGES[errors.AMOUNT_INVALID]))
        if fen > self.order.refundable_amount:
            raise forms.ValidationError(str(MESSAGES[errors.REFUND_TOO_LARGE]))
        return fen

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for the refund."))
        return reason


def _detail(
    request: HttpRequest, order: PaymentOrder, form: RefundForm | None, status: int = 200
) -> HttpResponse:
    from xiaoyou.payments.payables import describe

    try:
        payable = order.payable
    except Exception:  # a payable of a module no longer installed
        payable = None
    may_refund = policy.can(request.user, "refund", order) and order.refundable_amount > 0
    return render(
        request,
        "payments/console/order_detail.html",
        {
            "order": order,
            "payable": payable,
            "payable_text": describe(payable) if payable is not None else "",
            "payable_url": getattr(payable, "get_console_url", lambda: "")() if payable else "",
            "ledger": list(selectors_console.order_ledger(order)),
            "refunds": list(order.refunds.select_related("requested_by")),
            "notifications": list(selectors_console.order_notifications(order)[:50]),
            "form": form if form is not None else (RefundForm(order=order) if may_refund else None),
            "may_refund": may_refund,
        },
        status=status,
    )


def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _get(request, pk), None)


def order_refund(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.payments.services.refunds import refund_create

    order = _get(request, pk)
    if request.method != "POST":
        return redirect("console:payments_order", pk=order.pk)
    policy.require(request.user, "refund", order)
    form = RefundForm(request.POST, order=order)
    if form.is_valid():
        try:
            refund_create(
                order=order,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Refund requested."))
            return redirect("console:payments_order", pk=order.pk)
    return _detail(request, order, form, status=400)


def order_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.payments.views.receipt import receipt_page

    return receipt_page(request, _get(request, pk), console=True)


def order_receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.payments.views.receipt import receipt_pdf_response

    return receipt_pdf_response(request, _get(request, pk))
