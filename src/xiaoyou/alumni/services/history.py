"""档案历史: the one way record changes are written to the history (single and in bulk)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

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
) -> int:
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
) -> int:
    """Writes many history rows with one prepared INSERT (imports write thousands per second);
    returns how many were written."""
    from xiaoyou.alumni.importing.fastinsert import Inserter

    now = timezone.now()
    actor_id = getattr(actor, "pk", None) or None
    batch_id = batch.pk if batch is not None else None
    rows = [
        {
            "record_id": change.record_id,
            "field": change.field,
            "old_value": _value(change.field, change.old),
            "new_value": _value(change.field, change.new),
            "source": source,
            "actor_id": actor_id,
            "batch_id": batch_id,
            "created_at": now,
        }
        for change in changes
        if change.old != change.new
    ]
    Inserter(RecordChange).insert(rows, returning=False)
    return len(rows)
