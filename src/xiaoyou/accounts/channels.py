"""The SMS and WeChat notification channels: senders for core.notifications that use the
SmsBackend and the WeChatClient (registered in AccountsConfig.ready)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import notifications
from xiaoyou.core.models import Channel, Delivery
from xiaoyou.core.sms import SmsError, get_backend
from xiaoyou.core.wechat import WeChatError, get_client, is_configured

# Provider answers that retrying cannot change (WeChat errcodes; SMS codes are matched below).
WECHAT_PERMANENT_ERRCODES = {
    40003,  # invalid openid
    40036,  # invalid template_id size
    40037,  # invalid template_id
    43004,  # the user does not follow the official account
    43101,  # the user refused this template message
    47003,  # template data does not match the template
}
SMS_TEMPORARY_MARKERS = (
    "network_error",
    "LIMIT",
    "Throttl",
    "RequestLimitExceeded",
    "InternalError",
)


def _flat_params(context: Any) -> dict[str, str]:
    if not isinstance(context, dict):
        return {}
    return {
        str(key): str(value)
        for key, value in context.items()
        if isinstance(value, str | int | float) and not isinstance(value, bool)
    }


def send_sms_notification(delivery: Delivery) -> str | None:
    """Texts the rendered `text` part; gateways get `delivery.kind`'s approved template
    (settings.SMS_TEMPLATES) with the context's flat values as its parameters."""
    user = delivery.user
    if not (user.phone and user.phone_verified):
        raise notifications.PermanentDeliveryError("the user has no verified phone")
    payload = delivery.payload or {}
    params = _flat_params(payload.get("context"))
    params["text"] = str(payload.get("parts", {}).get("text", ""))
    try:
        result = get_backend().send(phone=user.phone, template=delivery.kind, params=params)
    except SmsError as exc:
        if any(marker in exc.code for marker in SMS_TEMPORARY_MARKERS):
            raise
        raise notifications.PermanentDeliveryError(str(exc)) from exc
    return result.message_id


def official_account_openid(user: Any) -> str:
    """The openid of `user` for the official account, learnt when they signed in inside WeChat."""
    for extra in SocialAccount.objects.filter(user=user, provider="wechat").values_list(
        "extra_data", flat=True
    ):
        if isinstance(extra, dict) and extra.get("mp_openid"):
            return str(extra["mp_openid"])
    return ""


def send_wechat_notification(delivery: Delivery) -> str | None:
    """Sends `delivery.kind`'s template message (settings.WECHAT_TEMPLATES maps the kind to the
    template id); the blocks of `wechat.txt` fill the template's keywords of the same names."""
    template_id = settings.WECHAT_TEMPLATES.get(delivery.kind, "")
    if not template_id:
        raise notifications.PermanentDeliveryError(f"no WeChat template for {delivery.kind}")
    openid = official_account_openid(delivery.user)
    if not openid:
        raise notifications.PermanentDeliveryError("the user has not signed in with WeChat")
    payload = delivery.payload or {}
    data = {name: value for name, value in payload.get("parts", {}).items() if value}
    url = str(payload.get("url", ""))
    if url:
        url = urljoin(settings.SITE_URL, url)
    try:
        return get_client().send_template_message(
            openid=openid, template_id=template_id, data=data, url=url
        )
    except WeChatError as exc:
        if exc.errcode in WECHAT_PERMANENT_ERRCODES:
            raise notifications.PermanentDeliveryError(str(exc)) from exc
        raise


def register() -> None:
    notifications.register_channel(
        Channel.SMS,
        send_sms_notification,
        label=_("SMS"),
        is_available=lambda user: bool(user.phone and user.phone_verified),
    )
    notifications.register_channel(
        Channel.WECHAT,
        send_wechat_notification,
        label=_("WeChat"),
        is_available=lambda user: is_configured() and bool(official_account_openid(user)),
    )
