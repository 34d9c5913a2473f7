"""PostgreSQL: B-tree indexes on name, name_pinyin and name_initials in the "C" collation.

The search's tiers (selectors_search_rank) read a page as an index range scan in key order
that stops after the page. PostgreSQL can only walk an index in the order the query asks
for and only use it for a prefix range when the collations agree; the database's own
collation (e.g. zh_CN.UTF-8 or C.UTF-8) gives no such guarantee for LIKE 'x%'. The queries
compare and order `column COLLATE "C"` (code-point order, the same as SQLite's and Python's),
which these indexes answer whatever the database's collation. SQLite needs nothing: its
BINARY collation is already code-point order.
"""

from __future__ import annotations

from django.db import migrations

COLUMNS = ("name", "name_pinyin", "name_initials")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS alumni_record_{column}_c "
            f'ON alumni_alumnirecord ("{column}" COLLATE "C", id)'
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS alumni_record_{column}_c")


class Migration(migrations.Migration):
    dependencies = [("alumni", "0008_record_department_year_index")]

    operations = [migrations.RunPython(forward, backward)]
