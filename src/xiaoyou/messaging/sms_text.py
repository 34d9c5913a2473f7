"""SMS texts: variables, the signature, the opt-out hint and the segment count (计费条数).

Mainland gateways (Aliyun, Tencent Cloud) count every character the same way, Chinese or not,
and count the signature 【...】 too: up to 70 characters is one message; a longer text is sent
concatenated, and every 67 characters (the rest of 70 is the concatenation header) are billed
as one segment. Characters outside the Basic Multilingual Plane (emoji) take two UCS-2 units.
The console's live counter (static/messaging/sms_counter.js) applies the same rule.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

SINGLE_LIMIT = 70
SEGMENT_LIMIT = 67
# 回复TD退订: what a bulk text must end with so people can refuse the next ones.
OPT_OUT_HINT = _("Reply TD to unsubscribe")
VARIABLE = re.compile(r"\{(\w+)\}")
# The variables a campaign text may use, from the audience's recipient context.
VARIABLES = ("name", "class_year", "college", "org")


def length(text: str) -> int:
    """Characters as the gateways count them (UCS-2 units)."""
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    """How many billed segments `text` (signature included) makes; 0 for an empty text."""
    size = length(text)
    if size == 0:
        return 0
    if size <= SINGLE_LIMIT:
        return 1
    return math.ceil(size / SEGMENT_LIMIT)


def billed_segments(text: str) -> int:
    """Segments of a text sent under the platform's signature (settings.SMS_SIGN_NAME): what
    an invitation or a notice costs of the organization's allocation."""
    return segments(full_text(settings.SMS_SIGN_NAME, text))


def render(template: str, context: Mapping[str, Any]) -> str:
    """Replaces {name}-style variables; an unknown or empty variable becomes ''."""

    def value(match: re.Match[str]) -> str:
        found = context.get(match.group(1))
        return "" if found is None else str(found)

    return VARIABLE.sub(value, template)


def body_with_hint(body: str, *, has_opt_out_hint: bool) -> str:
    """The text after the signature: the rendered body, then the opt-out hint."""
    body = body.strip()
    if has_opt_out_hint:
        hint = str(OPT_OUT_HINT)
        if hint not in body:
            body = f"{body} {hint}" if body else hint
    return body


def full_text(sign_name: str, body: str) -> str:
    """What the phone shows and what is billed: 【signature】 then the text."""
    return f"【{sign_name}】{body}" if sign_name else body
