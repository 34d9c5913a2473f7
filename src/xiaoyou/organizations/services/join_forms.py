"""The join form (入会表单) an organization asks applicants to fill in: its validation.

Input coming from people is checked here too, not only by the forms: the join form is validated
field by field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations import errors
from xiaoyou.organizations.models import JoinFieldType

# --- Join form (入会表单) ---------------------------------------------------------------------

JOIN_FORM_MAX_FIELDS = 30
JOIN_FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CHOICE_TYPES: frozenset[str] = frozenset({JoinFieldType.CHOICE, JoinFieldType.MULTIPLE_CHOICE})
JOIN_LABEL_MAX = 60
JOIN_HELP_MAX = 200
JOIN_CHOICE_MAX = 60
JOIN_CHOICES_MAX = 50


@dataclass(frozen=True)
class JoinFieldProblem:
    """One error of a join form: the field's position (None: the whole form) and attribute."""

    index: int | None
    attribute: str
    message: str


class JoinFormError(ApplicationError):
    """The join form is refused; `problems` says where, for inline display."""

    def __init__(self, problems: Sequence[JoinFieldProblem]) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        where = "" if first.index is None else _("Field %(number)s: ") % {"number": first.index + 1}
        super().__init__(errors.INVALID_JOIN_FORM, f"{where}{first.message}", status=422)


def join_choices(value: Any) -> list[str]:
    """Choices given as a list or as text with one choice per line, trimmed, blanks dropped."""
    if value is None:
        return []
    items = value.splitlines() if isinstance(value, str) else list(value)
    return [str(item).strip() for item in items if str(item).strip()]


def join_field_normalize(item: Mapping[str, Any]) -> dict[str, Any]:
    """The stored shape of one field: {key, label, type, required, choices, help}."""
    field_type = str(item.get("type") or "").strip()
    return {
        "key": str(item.get("key") or "").strip(),
        "label": str(item.get("label") or "").strip(),
        "type": field_type,
        "required": bool(item.get("required")),
        "choices": join_choices(item.get("choices")) if field_type in CHOICE_TYPES else [],
        "help": str(item.get("help") or "").strip(),
    }


def join_field_problems(field: Mapping[str, Any]) -> dict[str, str]:
    """What is wrong with one normalized field, by attribute (translated messages)."""
    problems: dict[str, str] = {}
    key = field["key"]
    if key and not JOIN_FIELD_KEY.match(key):
        problems["key"] = _(
            "Use lowercase letters, digits and underscores, starting with a letter "
            "(at most 40 characters)."
        )
    if not field["label"]:
        problems["label"] = _("Give the field a label.")
    elif len(field["label"]) > JOIN_LABEL_MAX:
        problems["label"] = _("At most %(count)s characters.") % {"count": JOIN_LABEL_MAX}
    if field["type"] not in JoinFieldType.values:
        problems["type"] = _("Choose the type of the field.")
    if len(field["help"]) > JOIN_HELP_MAX:
        problems["help"] = _("At most %(count)s characters.") % {"count": JOIN_HELP_MAX}
    if field["type"] in CHOICE_TYPES:
        choices = field["choices"]
        if not choices:
            problems["choices"] = _("A choice field needs its choices, one per line.")
        elif len(choices) > JOIN_CHOICES_MAX:
            problems["choices"] = _("At most %(count)s choices.") % {"count": JOIN_CHOICES_MAX}
        elif len(set(choices)) != len(choices):
            problems["choices"] = _("Each choice may appear only once.")
        elif any(len(choice) > JOIN_CHOICE_MAX for choice in choices):
            problems["choices"] = _("Each choice has at most %(count)s characters.") % {
                "count": JOIN_CHOICE_MAX
            }
    return problems


def join_form_clean(items: Any) -> list[dict[str, Any]]:
    """The join form as stored: each field normalized, blank keys given a free "field_N".

    Refused (JoinFormError) when it is not a list, has more than 30 fields, a field is invalid
    or two fields share a key.
    """
    if items in (None, ""):
        return []
    if not isinstance(items, list | tuple) or not all(isinstance(i, Mapping) for i in items):
        raise JoinFormError([JoinFieldProblem(None, "", _("The join form must be a list."))])
    if len(items) > JOIN_FORM_MAX_FIELDS:
        raise JoinFormError(
            [
                JoinFieldProblem(
                    None,
                    "",
                    _("A join form has at most %(count)s fields.")
                    % {"count": JOIN_FORM_MAX_FIELDS},
                )
            ]
        )
    fields = [join_field_normalize(item) for item in items]
    problems = [
        JoinFieldProblem(index, attribute, message)
        for index, field in enumerate(fields)
        for attribute, message in join_field_problems(field).items()
    ]
    seen: set[str] = set()
    for index, field in enumerate(fields):
        if field["key"] and field["key"] in seen:
            problems.append(
                JoinFieldProblem(index, "key", _("Another field already uses this key."))
            )
        seen.add(field["key"])
    if problems:
        raise JoinFormError(problems)
    number = 0
    for field in fields:
        while not field["key"]:
            number += 1
            candidate = f"field_{number}"
            if candidate not in seen:
                field["key"] = candidate
                seen.add(candidate)
    return fields
