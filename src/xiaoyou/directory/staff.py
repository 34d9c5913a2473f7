"""The privacy hook of the staff side (console search, its export and the staff API).

Organization admins act for the association, so they count as the alumnus's "members of my
organizations" audience: they see fields set to everyone, verified alumni or members, never
fields set to "classmates" or "only me". Platform admins (superusers) see everything on screen
for record-keeping, but exports (files and the API's bulk search) leave out "only me" fields.
Records not linked to an account carry no choice and are left as the association keeps them.

The functions blank the hidden attributes of the given (unsaved, freshly read) records in place:
never save a redacted record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, TypeVar

from xiaoyou.alumni.models import AlumniRecord
from xiaoyou.directory.models import CONTACT_FIELDS, PRIVATE_FIELDS, Visibility
from xiaoyou.directory.selectors import levels_for_users

STAFF_LEVELS = frozenset({Visibility.EVERYONE, Visibility.VERIFIED, Visibility.MEMBERS})
SUPERUSER_EXPORT_LEVELS = frozenset(set(Visibility.values) - {Visibility.ONLY_ME})
Records = TypeVar("Records", bound=Sequence[AlumniRecord])


def staff_levels(user: Any, *, export: bool) -> frozenset[str] | None:
    """The levels `user` may see as staff; None means every field."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return frozenset(SUPERUSER_EXPORT_LEVELS) if export else None
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(STAFF_LEVELS)


def hidden_fields_for_staff(
    user: Any, records: Iterable[AlumniRecord], *, export: bool = False
) -> dict[int, set[str]]:
    """{record id: fields to hide} for the records linked to an account (one query)."""
    allowed = staff_levels(user, export=export)
    rows = [record for record in records if record.user_id]
    if allowed is None or not rows:
        return {}
    levels = levels_for_users(record.user_id for record in rows if record.user_id)
    return {
        record.pk: {
            name
            for name in PRIVATE_FIELDS
            if levels[record.user_id][name] not in allowed  # type: ignore[index]
        }
        for record in rows
    }


def redact_for_staff(user: Any, records: Records, *, export: bool = False) -> Records:
    """Blanks, in place, the fields each record's alumnus hid from `user` as staff."""
    hidden = hidden_fields_for_staff(user, records, export=export)
    for record in records:
        for name in hidden.get(record.pk, ()):
            setattr(record, name, "")
    return records


def redact_stream(
    user: Any, records: Iterable[AlumniRecord], *, export: bool = True, chunk_size: int = 2000
) -> Iterator[AlumniRecord]:
    """`redact_for_staff` over a long stream (an export), one query per chunk."""
    iterator = iter(records)
    while chunk := list(islice(iterator, chunk_size)):
        yield from redact_for_staff(user, chunk, export=export)


def redact_record_data(
    user: Any, record: AlumniRecord, data: dict[str, Any], *, export: bool = False
) -> dict[str, Any]:
    """The staff API's record body without the hidden fields, nor their contact history."""
    hidden = hidden_fields_for_staff(user, [record], export=export).get(record.pk, set())
    if not hidden:
        return data
    for name in hidden:
        if name in data:
            data[name] = ""
    if "contacts" in data:
        kinds = {name for name in hidden if name in CONTACT_FIELDS}
        data["contacts"] = [item for item in data["contacts"] if item.get("kind") not in kinds]
    return data
