"""Cell values as people type them, turned into what the archive stores.

Every parser returns the clean value or raises ValueError with a translated reason.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django.utils.translation import gettext as _

_SPACES = re.compile(r"\s+")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PARTS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?|月)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_YEAR = re.compile(r"^(\d{4})\s*(?:年|级|届|年级)?$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def half_width(text: str) -> str:
    """Full-width letters, digits and punctuation to ASCII; the ideographic space to a space."""
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ")


def text(value: Any) -> str:
    """A cell as clean text: half-width, no stray or doubled spaces, integral floats unpadded."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return _SPACES.sub(" ", half_width(str(value))).strip()


def compact(value: Any) -> str:
    """Text without any space (student numbers, ID numbers)."""
    return text(value).replace(" ", "")


def parse_date(value: Any) -> dt.date | None:
    """1998.7, 1998年7月, 1998-07-01, 1998/7/1, 19980701, an Excel serial or a real date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer():
            number = int(value)
            if 19000101 <= number <= 21001231:
                return _checked(str(number)[:4], str(number)[4:6], str(number)[6:])
            if 1 <= number < 80000:
                # Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
                return _EXCEL_EPOCH + dt.timedelta(days=number)
        elif 1900 < value < 2100:
            # 1998.7 typed into a number cell
            year, month = f"{value:.2f}".split(".")
            return _checked(year, month.rstrip("0") or "0", "1")
        raise ValueError(_("Not a date"))
    raw = text(value).replace(" 00:00:00", "")
    if not raw:
        return None
    match = _DATE_PARTS.match(raw)
    if match:
        return _checked(match.group(1), match.group(2), match.group(3) or "1")
    match = _COMPACT_DATE.match(raw)
    if match:
        return _checked(match.group(1), match.group(2), match.group(3) or "1")
    if raw.isdigit() and len(raw) <= 5:
        return parse_date(int(raw))
    raise ValueError(_("Not a date"))


def _checked(year: str, month: str, day: str) -> dt.date:
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(_("Not a date")) from None
    if not 1900 <= date.year <= 2100:
        raise ValueError(_("Not a date"))
    return date


def parse_year(value: Any) -> int | None:
    """1998, "1998级", "1998届", or the year of a date."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        year = int(value)
    else:
        raw = text(value)
        if not raw:
            return None
        match = _YEAR.match(raw)
        if match:
            year = int(match.group(1))
        else:
            try:
                year = parse_date(value).year  # type: ignore[union-attr]
            except (ValueError, AttributeError):
                raise ValueError(_("Not a year")) from None
    if not 1900 <= year <= 2100:
        raise ValueError(_("Not a year"))
    return year


def parse_phone(value: Any) -> str:
    """A mainland mobile number as 11 digits (+86, spaces, dashes, brackets dropped), or an
    international number kept as +<digits>."""
    raw = text(value)
    if not raw:
        return ""
    digits = re.sub(r"[\s\-()（）.]", "", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _MOBILE.match(digits):
        return digits
    if digits.startswith("+") and digits[1:].isdigit() and 8 <= len(digits) - 1 <= 15:
        return digits
    raise ValueError(_("Not a mobile phone number"))


def parse_email(value: Any) -> str:
    raw = compact(value).lower()
    if not raw:
        return ""
    if not _EMAIL.match(raw):
        raise ValueError(_("Not an email address"))
    return raw


GENDERS = {
    "男": "male",
    "m": "male",
    "male": "male",
    "男性": "male",
    "女": "female",
    "f": "female",
    "female": "female",
    "女性": "female",
}


def parse_gender(value: Any) -> str:
    raw = compact(value).lower()
    if not raw:
        return ""
    try:
        return GENDERS[raw]
    except KeyError:
        raise ValueError(_("Gender must be 男 or 女 (M or F)")) from None


DEGREES = {
    "本科": "bachelor",
    "学士": "bachelor",
    "本科生": "bachelor",
    "bachelor": "bachelor",
    "b": "bachelor",
    "硕士": "master",
    "研究生": "master",
    "硕士研究生": "master",
    "master": "master",
    "博士": "doctor",
    "博士研究生": "doctor",
    "doctor": "doctor",
    "phd": "doctor",
}


def parse_degree(value: Any) -> str:
    raw = compact(value).lower().replace(".", "")
    if not raw:
        return ""
    try:
        return DEGREES[raw]
    except KeyError:
        raise ValueError(_("Degree must be 本科, 硕士 or 博士")) from None
