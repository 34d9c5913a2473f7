"""Hall pay flow: /pay/<out_trade_no>/ (choose a method, pay), status polling, result, and
/pay/requests/<id>/ (a payment request's page: signed-in alumni pay it).

Who may open an order's pages (policy `pay`): its payer; an order without a payer (anonymous
donations) opens for whoever holds the link, its number carrying 72 random bits. Anyone else
gets a 404, never a hint that the order exists. Payment requests need a signed-in payer, so a
fee is always paid by a known person.

Methods offered depend on the device: inside WeChat, WeChat Pay JSAPI (Alipay does not work in
WeChat); in a mobile browser, WeChat Pay H5 or Alipay wap; on a PC, WeChat Pay Native (QR) or
Alipay page pay; everywhere, a bank transfer or cash (instructions).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.payments.models import Channel, OrderStatus, PaymentOrder, PaymentRequest, Provider
from xiaoyou.payments.providers.base import (
    StartContext,
    StartResult,
    available_providers,
    get_provider,
)
from xiaoyou.payments.services.orders import OPEN_STATUSES, notify_url_for, payment_start
from xiaoyou.payments.services.requests import payment_request_order

MOBILE = re.compile(r"Mobile|Android|iPhone|iPad|HarmonyOS", re.IGNORECASE)
# Channels per device, in the order they are offered.
DEVICE_CHANNELS = {
    "wechat": ("jsapi",),
    "mobile": ("h5", "wap"),
    "pc": ("native", "page"),
}
OFFLINE_CHANNELS = ("transfer", "cash")


@dataclass(frozen=True)
class Option:
    provider: str
    channel: str
    label: str
    hint: str


def device_of(request: HttpRequest) -> str:
    agent = request.headers.get("user-agent", "")
    if "MicroMessenger" in agent:
        return "wechat"
    return "mobile" if MOBILE.search(agent) else "pc"


def pay_options(device: str) -> list[Option]:
    """The provider/channel pairs usable on `device`, enabled providers only."""
    options: list[Option] = []
    for name in available_providers():
        channels = get_provider(name).channels
        wanted = OFFLINE_CHANNELS if name == Provider.OFFLINE else DEVICE_CHANNELS[device]
        for channel in wanted:
            if channel in channels:
                label = Provider(name).label if name in Provider.values else name
                options.append(Option(name, channel, str(label), str(Channel(channel).label)))
                if name != Provider.OFFLINE:
                    break  # one online channel per provider and device
    return options


def _order(request: HttpRequest, out_trade_no: str) -> PaymentOrder:
    order = PaymentOrder.objects.select_related("org").filter(out_trade_no=out_trade_no).first()
    if order is None or not policy.can(request.user, "pay", order):
        raise Http404
    return order


def _openid(request: HttpRequest) -> str:
    """The payer's WeChat openid (JSAPI), from their linked WeChat account."""
    if not request.user.is_authenticated:
        return ""
    from allauth.socialaccount.models import SocialAccount

    account = SocialAccount.objects.filter(user=request.user, provider="wechat").first()
    if account is None:
        return ""
    return str((account.extra_data or {}).get("openid") or account.uid)


def _page(
    request: HttpRequest,
    order: PaymentOrder,
    *,
    result: StartResult | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    device = device_of(request)
    context: dict[str, Any] = {
        "order": order,
        "options": pay_options(device) if order.status in OPEN_STATUSES else [],
        "device": device,
        "result": result,
        "jsapi_json": json.dumps(result.jsapi) if result and result.jsapi else "",
        "problem": problem,
        "is_open": order.status in OPEN_STATUSES,
    }
    return render(request, "payments/hall/pay.html", context, status=status)


def pay(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    order = _order(request, out_trade_no)
    if order.status not in OPEN_STATUSES:
        return redirect("hall:pay_result", out_trade_no=order.out_trade_no)
    return _page(request, order)


@require_POST
def pay_start(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    order = _order(request, out_trade_no)
    provider = request.POST.get("provider", "")
    channel = request.POST.get("channel", "")
    offered = {(option.provider, option.channel) for option in pay_options(device_of(request))}
    if (provider, channel) not in offered:
        return _page(
            request,
            order,
            problem=str(ApplicationError("payments.channel_unsupported").text()),
            status=400,
        )
    result_url = request.build_absolute_uri(
        reverse("hall:pay_result", kwargs={"out_trade_no": order.out_trade_no})
    )
    context = StartContext(
        client_ip=request.META.get("REMOTE_ADDR", "127.0.0.1"),
        openid=_openid(request) if channel == "jsapi" else "",
        return_url=result_url,
        notify_url=notify_url_for(provider, base_url=request.build_absolute_uri("/")),
        user_agent=request.headers.get("user-agent", "")[:200],
    )
    try:
        result = payment_start(order=order, provider=provider, channel=channel, context=context)
    except ApplicationError as error:
        return _page(request, order, problem=error.text(), status=error.status)
    if result.redirect_url:
        return HttpResponseRedirect(result.redirect_url)
    return _page(request, order, result=result)


def pay_status(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    """Polled by the pay page (htmx): once the order is no longer open, go to the result."""
    order = _order(request, out_trade_no)
    if order.status not in OPEN_STATUSES:
        url = reverse("hall:pay_result", kwargs={"out_trade_no": order.out_trade_no})
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return render(request, "payments/hall/_status.html", {"order": order})


def pay_result(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    order = _order(request, out_trade_no)
    paid = order.status in (
        OrderStatus.PAID,
        OrderStatus.PARTIALLY_REFUNDED,
        OrderStatus.REFUNDED,
    )
    from xiaoyou.payments.payables import next_url_for

    return render(
        request,
        "payments/hall/result.html",
        {
            "order": order,
            "paid": paid,
            "is_open": order.status in OPEN_STATUSES,
            "next_url": next_url_for(order) if paid else "",
        },
    )


def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A payment request (收款项目): its description, and a button that starts paying."""
    payment_request = get_object_or_404(PaymentRequest.objects.select_related("org"), pk=pk)
    problem = ""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            order = payment_request_order(payment_request=payment_request, payer=request.user)
        except ApplicationError as error:
            problem = error.text()
        else:
            return redirect("hall:pay", out_trade_no=order.out_trade_no)
    return render(
        request,
        "payments/hall/request.html",
        {"payment_request": payment_request, "problem": problem},
    )
