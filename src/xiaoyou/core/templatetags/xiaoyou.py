"""Small template tags and filters of the design system: icons, QR codes, masked values, money.

`{% load xiaoyou %}` then:
- `{% icon "home" %}`: an icon of the sprite static/img/icons.svg
- `{% qr_svg value %}`: the value as an inline SVG QR code (segno), safe to embed
- `{{ user.phone|masked }}`, `{{ id_number|masked:"id" }}`: the value with its middle hidden
- `{{ amount_fen|yuan }}` -> "1,234.56"; `{{ amount_fen|money }}` / `{{ amount_fen|money:"USD" }}`
- `{% nav_active "/events/" %}` -> "is-active" when the current path is under that prefix
"""

from __future__ import annotations

import re
from typing import Any

import segno
from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

DEFAULT_BRAND_COLOR = "#C8102E"
_HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_ICON_NAME = re.compile(r"^[a-z0-9-]+$")
_EMAIL = re.compile(r"^([^@\s]+)@([^@\s]+)$")
_ID_NUMBER = re.compile(r"^\d{17}[\dXx]$|^\d{15}$")

CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "HKD": "HK$", "EUR": "€", "GBP": "£", "JPY": "JP¥"}


@register.simple_tag
def icon(name: str, css_class: str = "") -> SafeString:
    """An SVG icon from the sprite; unknown-looking names render nothing rather than break HTML."""
    if not _ICON_NAME.match(name or ""):
        return mark_safe("")
    classes = f"icon {css_class}".strip()
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        classes,
        static("img/icons.svg"),
        name,
    )


@register.simple_tag
def qr_svg(value: Any, scale: int = 4, border: int = 2, error: str = "m") -> SafeString:
    """`value` encoded as an inline SVG QR code; empty for an empty value.

    segno writes the SVG itself (no user text lands in the markup except as encoded modules), so
    the result is safe to embed.
    """
    text = "" if value is None else str(value)
    if not text:
        return mark_safe("")
    code = segno.make(text, error=error, micro=False)
    svg = code.svg_inline(
        scale=scale,
        border=border,
        svgclass="qr-code",
        lineclass=None,
        dark="#111111",
        omitsize=True,  # a viewBox only, so CSS can scale the code to its box
    )
    return mark_safe(svg)  # noqa: S308 - produced by segno from encoded data


@register.filter
def masked(value: Any, kind: str = "") -> str:
    """Hides the middle of a phone number, email, ID number or name; `kind` forces the rule.

    Phones keep the first 3 and last 4 digits (138****8000), emails the first letter of the
    local part (z***@example.com), ID numbers the first 3 and last 4 characters, names the first
    character (张*, 欧阳**); anything else keeps about a quarter at each end.
    """
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    if kind == "email" or (not kind and _EMAIL.match(text)):
        match = _EMAIL.match(text)
        if match is None:
            return _mask_middle(text)
        local, domain = match.groups()
        return f"{local[0]}***@{domain}"
    if kind == "id" or (not kind and _ID_NUMBER.match(text)):
        return _keep(text, 3, 4) if len(text) > 7 else _mask_middle(text)
    if kind == "phone" or (not kind and re.fullmatch(r"\+?[\d\s-]{7,20}", text)):
        return _mask_phone(text)
    if kind == "name":
        return text[0] + "*" * (len(text) - 1) if len(text) > 1 else "*"
    return _mask_middle(text)


def _keep(text: str, head: int, tail: int) -> str:
    return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]


def _mask_phone(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    prefix = ""
    if text.startswith("+"):
        # Mainland numbers are shown the way people read them: without +86.
        if digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        else:
            prefix = "+"
    if len(digits) < 8:
        return prefix + _mask_middle(digits)
    return prefix + digits[:3] + "****" + digits[-4:]


def _mask_middle(text: str) -> str:
    length = len(text)
    if length <= 1:
        return "*"
    if length == 2:
        return text[0] + "*"
    keep = max(1, length // 4)
    return text[:keep] + "*" * (length - 2 * keep) + text[-keep:]


def _fen(value: Any) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        number = float(value) if not isinstance(value, str) else float(value.strip())
    except (TypeError, ValueError):
        return None
    if number != int(number):
        return None
    return int(number)


@register.filter
def yuan(value: Any) -> str:
    """Integer fen as yuan with thousands separators: 123456 -> "1,234.56"."""
    fen = _fen(value)
    if fen is None:
        return "" if value is None else str(value)
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


@register.filter
def money(value: Any, currency: str = "CNY") -> str:
    """Integer fen with the currency symbol: 123456 -> "¥1,234.56"."""
    amount = yuan(value)
    if not amount or _fen(value) is None:
        return amount
    symbol = CURRENCY_SYMBOLS.get((currency or "CNY").upper(), f"{currency} ")
    if amount.startswith("-"):
        return f"-{symbol}{amount[1:]}"
    return f"{symbol}{amount}"


@register.filter
def css_color(value: Any) -> str:
    """A hex colour safe to place in a style attribute; the default brand red otherwise."""
    text = str(value or "").strip()
    return text if _HEX_COLOR.match(text) else DEFAULT_BRAND_COLOR


@register.filter
def initial(value: Any) -> str:
    """The first letter of a name, for avatars without a picture."""
    text = str(value or "").strip()
    return text[:1].upper() if text else "?"


@register.simple_tag(takes_context=True)
def nav_active(context: template.Context, prefix: str, css_class: str = "is-active") -> str:
    """`css_class` when the request path is `prefix` ("/" matches only the home page) or under it."""
    request = context.get("request")
    if request is None:
        return ""
    path = request.path
    if prefix == "/":
        return css_class if path == "/" else ""
    return css_class if path == prefix or path.startswith(prefix.rstrip("/") + "/") else ""


@register.simple_tag
def language_options() -> list[tuple[str, str]]:
    """The configured languages as (code, name in that language)."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]


@register.simple_tag
def elided_pages(page: Any, on_each_side: int = 2, on_ends: int = 1) -> list[Any]:
    """Page numbers around the current one, with the paginator's ELLIPSIS for the gaps."""
    return list(
        page.paginator.get_elided_page_range(
            page.number, on_each_side=on_each_side, on_ends=on_ends
        )
    )
