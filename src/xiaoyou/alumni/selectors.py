"""Reads of alumni records, always through the organization scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from xiaoyou.alumni.models import AlumniRecord
from xiaoyou.core import policy


def alumni_records_for(user: Any, *, action: str = "view") -> QuerySet[AlumniRecord]:
    """The records `user` may `action`, with their department and major loaded."""
    return policy.scoped(AlumniRecord.objects.select_related("department", "major"), user, action)


# Keys of join answers the matcher reads (a join form asks for them under these keys).
MATCH_NAME_KEYS = ("name", "real_name")
MATCH_STUDENT_ID_KEYS = ("student_id", "student_number")
MATCH_GRADUATION_YEAR_KEYS = ("graduation_year",)


def _first_answer(answers: Any, keys: tuple[str, ...]) -> str:
    for key in keys:
        value = answers.get(key) if hasattr(answers, "get") else None
        if value not in (None, "") and not isinstance(value, dict | list):
            return str(value).strip()
    return ""


def _unique(queryset: QuerySet[AlumniRecord], user: Any) -> AlumniRecord | None:
    # A record already linked to someone else's account is not this person's.
    candidates = list(
        queryset.filter(Q(user__isnull=True) | Q(user=user)).select_related("department")[:2]
    )
    return candidates[0] if len(candidates) == 1 else None


def match_record_for_user(user: Any, answers: Any) -> AlumniRecord | None:
    """The one alumni record that is certainly `user`'s, or None.

    Rule: exact and unambiguous only. In order: the record already linked to the account; the
    one record whose phone is the user's verified phone; the one record with the answered name
    (or the account's name) and student number; the one record with that name and graduation
    year. Two candidates at any step mean "not matched" (a person then goes to manual review),
    and records linked to another account never match.
    """
    linked = AlumniRecord.objects.filter(user=user).select_related("department").first()
    if linked is not None:
        return linked
    phone = getattr(user, "phone", "") or ""
    if phone and getattr(user, "phone_verified", False):
        forms = {phone}
        if phone.startswith("+86") and len(phone) == 14:
            forms.add(phone[3:])  # records typed as 11 mainland digits
        found = _unique(AlumniRecord.objects.filter(phone__in=forms), user)
        if found is not None:
            return found
    answers = answers or {}
    name = _first_answer(answers, MATCH_NAME_KEYS) or (getattr(user, "display_name", "") or "")
    name = name.strip()
    if not name:
        return None
    student_id = _first_answer(answers, MATCH_STUDENT_ID_KEYS)
    if student_id:
        found = _unique(AlumniRecord.objects.filter(name=name, student_id=student_id), user)
        if found is not None:
            return found
    year = _first_answer(answers, MATCH_GRADUATION_YEAR_KEYS)
    if year.isdigit():
        return _unique(AlumniRecord.objects.filter(name=name, graduation_year=int(year)), user)
    return None
