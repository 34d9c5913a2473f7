"""Hall (mobile first): the shop's shelf with search, recommended and hot products, a product,
the cart (kept in the session), checkout, My orders with their history, My points."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.shop.forms import CheckoutForm
from xiaoyou.shop.models import Order, PayMethod, PointsAccount, Product, Variant
from xiaoyou.shop.selectors import hot_products, orders_of, points_entries_of, products_on_shelf

CART = "shop_cart"


def _cart(request: HttpRequest) -> dict[str, int]:
    cart = request.session.get(CART)
    return dict(cart) if isinstance(cart, dict) else {}


def product_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:60]
    shelf = products_on_shelf(search=search)
    page = Paginator(shelf, 20).get_page(request.GET.get("page"))
    context = {"page": page, "q": search}
    if not search:
        context["recommended"] = [product for product in page.object_list if product.is_recommended]
        context["hot"] = hot_products()
    return render(request, "shop/hall/product_list.html", context)


def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.shop.services.catalog import product_view_record

    product = Product.objects.select_related("org").filter(pk=pk).first()
    if product is None or not policy.can(request.user, "view", product):
        raise Http404
    product_view_record(product=product)
    return render(
        request,
        "shop/hall/product_detail.html",
        {"product": product, "variants": list(product.variants.all())},
    )


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    variant = (
        Variant.objects.select_related("product")
        .filter(pk=request.POST.get("variant") or 0)
        .first()
    )
    if variant is None or not variant.product.is_on_shelf:
        raise Http404
    try:
        quantity = max(1, min(int(request.POST.get("quantity", "1")), 99))
    except ValueError:
        quantity = 1
    cart = _cart(request)
    cart[str(variant.pk)] = min(cart.get(str(variant.pk), 0) + quantity, 99)
    request.session[CART] = cart
    return redirect("hall:shop_cart")


@require_POST
def cart_remove(request: HttpRequest) -> HttpResponse:
    cart = _cart(request)
    cart.pop(str(request.POST.get("variant", "")), None)
    request.session[CART] = cart
    return redirect("hall:shop_cart")


def _cart_lines(request: HttpRequest) -> list[dict]:
    cart = _cart(request)
    variants = Variant.objects.select_related("product").filter(
        pk__in=[int(key) for key in cart if key.isdigit()]
    )
    return [
        {
            "variant": variant,
            "quantity": cart[str(variant.pk)],
            "amount": (variant.product.price or 0) * cart[str(variant.pk)],
            "points": (variant.product.points_price or 0) * cart[str(variant.pk)],
        }
        for variant in variants
    ]


@login_required
def cart(request: HttpRequest) -> HttpResponse:
    from xiaoyou.shop.services.orders import Item, order_checkout

    lines = _cart_lines(request)
    form = CheckoutForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            order = order_checkout(
                buyer=request.user,
                items=[Item(line["variant"].pk, line["quantity"]) for line in lines],
                **form.cleaned_data,
            )
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            request.session[CART] = {}
            if order.pay_method == PayMethod.MONEY and order.payment is not None:
                return redirect("hall:pay", out_trade_no=order.payment.out_trade_no)
            return redirect("hall:shop_order", pk=order.pk)
    account = PointsAccount.objects.filter(user_id=request.user.pk or 0).first()
    return render(
        request,
        "shop/hall/cart.html",
        {
            "lines": lines,
            "form": form,
            "total_amount": sum(line["amount"] for line in lines),
            "total_points": sum(line["points"] for line in lines),
            "balance": account.balance if account else 0,
        },
    )


@login_required
def my_orders(request: HttpRequest) -> HttpResponse:
    page = Paginator(orders_of(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "shop/hall/my_orders.html", {"page": page})


def _my_order(request: HttpRequest, pk: int) -> Order:
    order = orders_of(request.user).filter(pk=pk).first()
    if order is None:
        raise Http404
    return order


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _my_order(request, pk)
    return render(
        request,
        "shop/hall/order_detail.html",
        {"order": order, "lines": list(order.lines.all()), "history": list(order.events.all())},
    )


@login_required
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.shop.services.orders import order_cancel as cancel

    cancel(order=_my_order(request, pk), actor=request.user, reason=_("Cancelled by the buyer"))
    return redirect("hall:shop_order", pk=pk)


@login_required
@require_POST
def order_receive(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.shop.services.orders import order_receive as receive

    receive(order=_my_order(request, pk), actor=request.user)
    return redirect("hall:shop_order", pk=pk)


@login_required
def my_points(request: HttpRequest) -> HttpResponse:
    account = PointsAccount.objects.filter(user_id=request.user.pk or 0).first()
    page = Paginator(points_entries_of(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "shop/hall/my_points.html",
        {"balance": account.balance if account else 0, "page": page},
    )


def my_orders_entry(request: HttpRequest) -> str:
    """Personal center: My orders."""
    if not request.user.is_authenticated:
        return ""
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:shop_my_orders"),
            "label": _("My orders"),
            "text": _("Shop orders and their status"),
            "icon": "shop",
        },
        request=request,
    )


def my_points_entry(request: HttpRequest) -> str:
    """Personal center: My points with the balance."""
    if not request.user.is_authenticated:
        return ""
    account = PointsAccount.objects.filter(user_id=request.user.pk or 0).first()
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:shop_my_points"),
            "label": _("My points"),
            "text": _("Balance: %(points)s") % {"points": account.balance if account else 0},
            "icon": "star",
        },
        request=request,
    )
