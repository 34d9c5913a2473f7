"""Console: products (商品管理) with variants and stock, orders (订单管理) with filters, export,
shipping and refunds, and the points rules (积分规则) of the current organization."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.console.context import current_org, in_current_org, org_choices
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.payments.money import format_yuan
from xiaoyou.shop.forms import PointsRuleForm, ProductForm, VariantForm, product_initial
from xiaoyou.shop.models import Order, OrderStatus, PayMethod, Product
from xiaoyou.shop.selectors import orders_managed_by, points_rules_managed_by, products_managed_by


def _product(request: HttpRequest, pk: int) -> Product:
    product = products_managed_by(request.user).filter(pk=pk).first()
    if product is None:
        raise Http404
    return product


def _order(request: HttpRequest, pk: int) -> Order:
    order = orders_managed_by(request.user).filter(pk=pk).first()
    if order is None:
        raise Http404
    return order


def _price(product: Product) -> str:
    parts = []
    if product.price:
        parts.append(f"¥{format_yuan(product.price)}")
    if product.points_price:
        parts.append(_("%(points)s points") % {"points": product.points_price})
    return " / ".join(parts)


def product_list(request: HttpRequest) -> HttpResponse:
    def edit_url(product: Product) -> str:
        return reverse("console:shop_product", args=[product.pk])

    table = DataTable(
        request,
        in_current_org(products_managed_by(request.user), request),
        columns=[
            Column("name", gettext_lazy("Name"), link=edit_url, sort="name"),
            Column("seller_name", gettext_lazy("Seller")),
            Column("price", gettext_lazy("Price"), accessor=_price, align="num"),
            Column("sales_count", gettext_lazy("Sales"), align="num", sort="sales_count"),
            Column("view_count", gettext_lazy("Views"), align="num", sort="view_count"),
            Column("is_recommended", gettext_lazy("Recommended")),
            Column("is_on_shelf", gettext_lazy("On shelf")),
        ],
        filters=[
            Filter("shelf", gettext_lazy("On shelf"), kind="boolean", lookup="is_on_shelf"),
        ],
        search_fields=["name", "seller_name"],
        default_sort="-created_at",
        export_formats=["xlsx"],
        empty_title=gettext_lazy("No products yet"),
        empty_text=gettext_lazy("Add souvenirs and alumni products to sell in the hall."),
    )
    if table.export_format:
        return table.export_response("products")
    return render(request, "shop/console/product_list.html", {"table": table})


def product_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, _product(request, pk))


def _edit(request: HttpRequest, product: Product | None) -> HttpResponse:
    from xiaoyou.shop.services.catalog import product_save

    if product is None:
        initial: dict[str, Any] = {"org": getattr(current_org(request), "pk", "")}
    else:
        initial = product_initial(product)
    posted = request.method == "POST"
    form = ProductForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=initial,
        orgs=org_choices(request),
    )
    if product is not None:
        form.fields["org"].disabled = True
    if posted and form.is_valid():
        try:
            product = product_save(actor=request.user, product=product, **form.product_fields())
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("The product was saved."))
            return redirect("console:shop_product", pk=product.pk)
    variants = list(product.variants.all()) if product is not None else []
    return render(
        request,
        "shop/console/product_form.html",
        {"product": product, "form": form, "variants": variants, "variant_form": VariantForm()},
    )


@require_POST
def variant_save(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.shop.services.catalog import variant_save as save

    product = _product(request, pk)
    form = VariantForm(request.POST)
    variant = None
    if request.POST.get("variant"):
        variant = product.variants.filter(pk=request.POST["variant"]).first()
        if variant is None:
            raise Http404
    if form.is_valid():
        save(
            actor=request.user,
            product=product,
            variant=variant,
            label=form.cleaned_data["label"],
            stock=form.cleaned_data["stock"],
        )
        messages.success(request, _("The stock was saved."))
    else:
        messages.error(request, _("Give a stock of zero or more."))
    return redirect("console:shop_product", pk=product.pk)


def _lines(order: Order) -> str:
    return "; ".join(
        f"{line.product_name} {line.variant_label} x{line.quantity}".replace("  ", " ")
        for line in order.lines.all()
    )


def _total(order: Order) -> str:
    if order.pay_method == PayMethod.POINTS:
        return _("%(points)s points") % {"points": order.total_points}
    return f"¥{format_yuan(order.total_amount)}"


def order_list(request: HttpRequest) -> HttpResponse:
    def detail_url(order: Order) -> str:
        return reverse("console:shop_order", args=[order.pk])

    table = DataTable(
        request,
        in_current_org(orders_managed_by(request.user), request),
        columns=[
            Column("number", gettext_lazy("Order number"), link=detail_url),
            Column("created_at", gettext_lazy("Ordered at"), sort="created_at"),
            Column("buyer__display_name", gettext_lazy("Buyer"), accessor=lambda o: str(o.buyer)),
            Column("lines", gettext_lazy("Products"), accessor=_lines),
            Column("total", gettext_lazy("Total"), accessor=_total, align="num"),
            Column(
                "delivery", gettext_lazy("Delivery"), accessor=lambda o: o.get_delivery_display()
            ),
            Column("recipient", gettext_lazy("Recipient")),
            Column("phone", gettext_lazy("Mobile phone")),
            Column("address", gettext_lazy("Address")),
            Column("shipping_number", gettext_lazy("Shipping number")),
            Column("status", gettext_lazy("Status"), badge=True, sort="status"),
        ],
        filters=[
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=OrderStatus.choices,
            ),
            Filter(
                "pay",
                gettext_lazy("Paid with"),
                kind="select",
                lookup="pay_method",
                choices=PayMethod.choices,
            ),
            Filter("since", gettext_lazy("From"), kind="date", lookup="created_at__date__gte"),
            Filter("until", gettext_lazy("To"), kind="date", lookup="created_at__date__lte"),
        ],
        search_fields=["number", "recipient", "phone", "shipping_number"],
        default_sort="-created_at",
        export_formats=["xlsx"],
        empty_title=gettext_lazy("No orders yet"),
        empty_text=gettext_lazy("Orders appear here once alumni buy in the shop."),
    )
    if table.export_format:
        return table.export_response("shop-orders")
    return render(request, "shop/console/order_list.html", {"table": table})


def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    return render(
        request,
        "shop/console/order_detail.html",
        {"order": order, "total": _total(order), "history": list(order.events.all())},
    )


@require_POST
def order_ship(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.shop.services.orders import order_ship as ship

    order = _order(request, pk)
    try:
        ship(
            order=order, actor=request.user, shipping_number=request.POST.get("shipping_number", "")
        )
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("The order was shipped."))
    return redirect("console:shop_order", pk=order.pk)


@require_POST
def order_refund(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.shop.services.orders import order_refund as refund

    order = _order(request, pk)
    try:
        refund(order=order, actor=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("The refund was requested."))
    return redirect("console:shop_order", pk=order.pk)


def points_rules(request: HttpRequest) -> HttpResponse:
    from xiaoyou.shop.services.points import points_rule_save

    org = current_org(request)
    form = PointsRuleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and org is not None and form.is_valid():
        try:
            points_rule_save(actor=request.user, org=org, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("The rule was saved."))
            return redirect("console:shop_points_rules")
    rules = in_current_org(points_rules_managed_by(request.user), request).order_by(
        "org__path", "action"
    )
    return render(
        request, "shop/console/points_rules.html", {"form": form, "rules": rules, "org": org}
    )
