"""The SMS interface, the logical templates and the choice of backend by settings.

Callers name a logical template ("verification_code", "notification", ...) and give its
parameters; each provider maps it to the template code approved by the operator in its
console (settings.SMS_TEMPLATES), because Chinese gateways only send pre-approved texts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

# Texts shown by the development backends and used to describe each logical template; the
# providers send the operator's approved template instead.
TEMPLATE_TEXTS = {
    # 您的验证码是 %(code)s，%(minutes)s 分钟内有效。
    "verification_code": _(
        "Your verification code is %(code)s. It expires in %(minutes)s minutes."
    ),
    # 该手机号尚未注册。
    "unknown_account": _("Someone asked for a sign-in code for this number, which has no account."),
    # 该手机号已注册，请直接登录。
    "account_exists": _("This number already has an account. Sign in with it instead."),
    "notification": _("%(text)s"),
    # 您好 %(name)s，%(org)s 邀请您担任%(role)s，%(days)s 天内有效：%(url)s
    "role_invitation": _(
        "%(name)s, %(org)s invites you to be its %(role)s. Accept within %(days)s days: %(url)s"
    ),
    # %(org)s 邀请您加入，%(days)s 天内有效：%(url)s
    "join_invitation": _("%(org)s invites you to join. Valid for %(days)s days: %(url)s"),
}


@dataclass(frozen=True)
class SmsResult:
    """A message the gateway accepted; `message_id` is its id there (BizId, SerialNo, ...)."""

    provider: str
    phone: str
    message_id: str
    request_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class SmsError(Exception):
    """The gateway refused the message or could not be reached; `code` is the provider's."""

    def __init__(self, code: str, message: str = "", *, provider: str = "") -> None:
        self.code = code
        self.message = message
        self.provider = provider
        super().__init__(f"{provider} {code}: {message}".strip())


class SmsBackend(ABC):
    name = ""

    @abstractmethod
    def send(self, *, phone: str, template: str, params: dict[str, str]) -> SmsResult:
        """Sends one message to `phone` (E.164) or raises SmsError."""


def render_text(template: str, params: dict[str, str]) -> str:
    """The development text of a logical template, in the active language."""
    text = TEMPLATE_TEXTS.get(template)
    if text is None and params.get("text"):
        # A notification: its rendered text stands for the provider's template.
        return params["text"]
    if text is None:
        return f"[{template}] " + ", ".join(f"{key}={value}" for key, value in params.items())
    try:
        return str(text) % params
    except (KeyError, TypeError, ValueError):
        return f"{text} {params}"


def provider_template(template: str, *, default_code: str = "") -> tuple[str, list[str]]:
    """The provider's template code for a logical template, and its parameter order.

    settings.SMS_TEMPLATES maps names to "CODE" or "CODE:param1,param2" (the order matters
    for Tencent Cloud, whose template parameters are positional). `default_code` serves the
    verification code when only the older single-template setting is configured.
    """
    spec = str(getattr(settings, "SMS_TEMPLATES", {}).get(template, "")) or default_code
    if not spec:
        raise SmsError(
            "template_not_configured", f"no template code for {template!r}", provider="settings"
        )
    code, _sep, order = spec.partition(":")
    return code.strip(), [name.strip() for name in order.split(",") if name.strip()]


def mainland_or_international(phone: str) -> str:
    """Aliyun's form of a number: 11 digits for mainland China, country code + number otherwise."""
    digits = phone.lstrip("+")
    if phone.startswith("+86") and len(digits) == 13:
        return digits[2:]
    return digits


BACKENDS = {
    "console": "xiaoyou.core.sms.console.ConsoleSmsBackend",
    "file": "xiaoyou.core.sms.file.FileSmsBackend",
    "aliyun": "xiaoyou.core.sms.aliyun.AliyunSmsBackend",
    "tencent": "xiaoyou.core.sms.tencent.TencentSmsBackend",
}


@cache
def _backend_class(name: str) -> type[SmsBackend]:
    path = BACKENDS.get(name, name)
    if "." not in path:
        raise ImproperlyConfigured(
            f"SMS_BACKEND={name!r}: use one of {', '.join(BACKENDS)} or a dotted path"
        )
    cls = import_string(path)
    if not (isinstance(cls, type) and issubclass(cls, SmsBackend)):
        raise ImproperlyConfigured(f"SMS_BACKEND={name!r} is not an SmsBackend")
    return cls


def get_backend(name: str | None = None) -> SmsBackend:
    """A backend built from settings (read on each call so tests can override them)."""
    return _backend_class(name or settings.SMS_BACKEND)()
