"""Search keys of records: the pinyin and initials columns the search box matches.

Every write of a record's name goes through `record_search_keys_fill` (services, imports,
seed-demo, the reindex command) so "zhangsanfeng" and "zsf" find 张三丰 without computing pinyin
at query time. The full-text structures (FTS5 / pg_trgm) are kept by the database itself
(triggers and indexes of migration 0004_search_indexes).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from xiaoyou.alumni.models import AlumniRecord
from xiaoyou.alumni.names import name_keys


def record_search_keys_fill(records: Iterable[AlumniRecord]) -> list[AlumniRecord]:
    """Sets name_pinyin/name_initials on the given (unsaved or saved) records, in memory.

    Returns the records whose keys changed, so a caller updating existing rows can
    bulk_update only those. Cheap: pypinyin runs once per distinct name.
    """
    cache: dict[str, tuple[str, str]] = {}
    changed: list[AlumniRecord] = []
    for record in records:
        name = record.name or ""
        if name not in cache:
            cache[name] = name_keys(name)
        pinyin, initials = cache[name]
        if record.name_pinyin != pinyin or record.name_initials != initials:
            record.name_pinyin = pinyin
            record.name_initials = initials
            changed.append(record)
    return changed


def record_search_keys_reindex(*, batch_size: int = 2000) -> int:
    """Recomputes the keys of every record (after a change of the pinyin rules); returns how
    many rows changed. Works in batches by primary key so memory stays flat on 1M rows."""
    updated = 0
    last_pk = 0
    while True:
        batch = list(
            AlumniRecord.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .only("pk", "name", "name_pinyin", "name_initials")[:batch_size]
        )
        if not batch:
            return updated
        last_pk = batch[-1].pk
        changed = record_search_keys_fill(batch)
        if changed:
            with transaction.atomic():
                AlumniRecord.objects.bulk_update(
                    changed, ["name_pinyin", "name_initials"], batch_size=500
                )
            updated += len(changed)
