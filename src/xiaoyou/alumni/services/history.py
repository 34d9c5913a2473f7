"""档案历史: the one way record changes are written to the history (single and in bulk)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from xiaoyou.alumni.models import AlumniRecord, ImportBatch, RecordChange
from xiaoyou.core.audit import to_json_value

# Fields whose values never enter the history in clear.
SECRET_FIELDS = frozenset({"national_id", "national_id_encrypted", "national_id_hash"})


@dataclass(frozen=True)
class Change:
    record_id: int
    field: str
    old: Any
    new: Any


def _value(field: str, value: Any) -> Any:
    if field in SECRET_FIELDS and value not in (None, ""):
        return "******"
    return to_json_value(value)


def history_write(
    *,
    record: AlumniRecord,
    changes: Mapping[str, tuple[Any, Any]],
    source: str,
    actor: Any | None = None,
    batch: ImportBatch | None = None,
) -> list[RecordChange]:
    """Writes one history row per changed field ({field: (old, new)}); unchanged pairs skipped."""
    return history_write_bulk(
        [Change(record.pk, field, old, new) for field, (old, new) in changes.items()],
        source=source,
        actor=actor,
        batch=batch,
    )


def history_write_bulk(
    changes: Iterable[Change],
    *,
    source: str,
    actor: Any | None = None,
    batch: ImportBatch | None = None,
    batch_size: int = 2000,
) -> list[RecordChange]:
    """Writes many history rows with bulk_create (imports write thousands per second)."""
    rows = [
        RecordChange(
            record_id=change.record_id,
            field=change.field,
            old_value=_value(change.field, change.old),
            new_value=_value(change.field, change.new),
            source=source,
            actor=actor if getattr(actor, "pk", None) else None,
            batch=batch,
        )
        for change in changes
        if change.old != change.new
    ]
    return RecordChange.objects.bulk_create(rows, batch_size=batch_size)
