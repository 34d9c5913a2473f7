"""扩展信息: validation of custom field values, shared by the record form, imports and search.

Stable API (the import and search helpers call it):

    validate_custom_data(fields, data) -> (clean, errors)

`fields` is an iterable of CustomField (usually `active_custom_fields()`); `data` maps a field
key to the raw value (a string from a form or a spreadsheet cell, or an already typed value;
multiple choice takes a list or a string separated by commas/、/;). `clean` holds the typed,
JSON-ready values of the valid, non-empty fields: text/url/choice -> str, number -> int or
float, date -> "YYYY-MM-DD", multiple choice -> list[str] in the order of the choices.
`errors` maps a field key to a translated message. Keys of `data` that name no field are
ignored. An empty value of a required field is an error; of an optional one, it is left out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xiaoyou.alumni.models import CustomField, CustomFieldType

_SPLIT = re.compile(r"[,，、;；]")


def active_custom_fields() -> QuerySet[CustomField]:
    return CustomField.objects.filter(is_active=True).order_by("order", "id")


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set):
        return not any(not _is_empty(item) for item in value)
    return False


def _number(field: CustomField, value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        number: int | float = value
    else:
        text = str(value).strip().replace(",", "")
        number = int(text) if re.fullmatch(r"[-+]?\d+", text) else float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError
    return number


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip().replace("/", "-").replace(".", "-")
    return dt.date.fromisoformat(
        "-".join(part.zfill(2) if i else part for i, part in enumerate(text.split("-")))
    ).isoformat()


def _clean_one(field: CustomField, value: Any) -> Any:
    """The typed value, or raises ValidationError with a translated message."""
    kind = field.type
    if kind == CustomFieldType.NUMBER:
        try:
            number = _number(field, value)
        except (TypeError, ValueError):
            raise ValidationError(_("Enter a number.")) from None
        if field.min_value is not None and number < field.min_value:
            raise ValidationError(
                _("Enter a number of at least %(min)s.") % {"min": _fmt(field.min_value)}
            )
        if field.max_value is not None and number > field.max_value:
            raise ValidationError(
                _("Enter a number of at most %(max)s.") % {"max": _fmt(field.max_value)}
            )
        return number
    if kind == CustomFieldType.DATE:
        try:
            return _date(value)
        except (TypeError, ValueError):
            raise ValidationError(_("Enter a date as YYYY-MM-DD.")) from None
    choices = [str(choice) for choice in field.choices or []]
    if kind == CustomFieldType.CHOICE:
        text = str(value).strip()
        if text not in choices:
            raise ValidationError(_("%(value)s is not one of the choices.") % {"value": text})
        return text
    if kind == CustomFieldType.MULTIPLE_CHOICE:
        items = value if isinstance(value, list | tuple | set) else _SPLIT.split(str(value))
        picked = {str(item).strip() for item in items if str(item).strip()}
        unknown = sorted(picked - set(choices))
        if unknown:
            raise ValidationError(
                _("%(value)s is not one of the choices.") % {"value": "、".join(unknown)}
            )
        return [choice for choice in choices if choice in picked]
    text = str(value).strip()
    if kind == CustomFieldType.URL:
        try:
            URLValidator(schemes=["http", "https"])(text)
        except ValidationError:
            raise ValidationError(_("Enter a valid web address (http or https).")) from None
        return text
    # Text: the optional pattern must match the whole value.
    if field.pattern:
        try:
            matched = re.fullmatch(field.pattern, text) is not None
        except re.error:
            matched = True  # a broken pattern is the admin's error, not the alumnus's
        if not matched:
            raise ValidationError(_("The value does not have the expected format."))
    if len(text) > 1000:
        raise ValidationError(_("At most 1000 characters."))
    return text


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def validate_custom_data(
    fields: Iterable[CustomField], data: Mapping[str, Any] | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Checks `data` against `fields`: (clean values, {key: translated error})."""
    data = data or {}
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        value = data.get(field.key)
        if _is_empty(value):
            if field.is_required:
                errors[field.key] = _("This field is required.")
            continue
        try:
            clean[field.key] = _clean_one(field, value)
        except ValidationError as error:
            errors[field.key] = str(error.messages[0])
    return clean, errors


def custom_value_display(field: CustomField, value: Any) -> str:
    """A stored value as text for pages and exports."""
    if value is None or value == "":
        return ""
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    return str(value)
