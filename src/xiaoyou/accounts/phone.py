"""Phone numbers: stored in E.164 (+8613800138000); people may type 11 mainland digits."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-().\u3000]")
_MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")

INVALID_PHONE = _("Enter a valid mobile phone number, e.g. 13800138000 or +85291234567.")


def normalize_phone(value: str) -> str:
    """E.164 form of a typed number, or ValidationError.

    Accepts "13800138000", "138 0013 8000", "+86 138-0013-8000", "008613800138000" and
    "8613800138000" for mainland China, and "+<country><number>" elsewhere. Mainland numbers
    must be mobile numbers (1[3-9] and 11 digits): texts go to mobiles only.
    """
    text = _SEPARATORS.sub("", (value or "").strip()).replace("\uff0b", "+")
    if text.startswith("00"):
        text = "+" + text[2:]
    if _MAINLAND_MOBILE.match(text):
        text = "+86" + text
    elif (
        text.isdigit()
        and len(text) == 13
        and text.startswith("86")
        and _MAINLAND_MOBILE.match(text[2:])
    ):
        text = "+" + text
    if not _E164.match(text):
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    if text.startswith("+86") and not _MAINLAND_MOBILE.match(text[3:]):
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    return text


def normalize_phone_or_none(value: str) -> str | None:
    try:
        return normalize_phone(value)
    except ValidationError:
        return None


class PhoneField(forms.CharField):
    """A mobile number field that cleans to E.164; used by every allauth form through the adapter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("validators", None)
        kwargs.setdefault("label", _("Mobile phone"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "type": "tel",
                    "autocomplete": "tel",
                    "inputmode": "tel",
                    "placeholder": _("Mobile phone number"),
                }
            ),
        )
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        return normalize_phone(text)
