"""PostgreSQL: drop the prefix indexes of 0004_search_indexes.

Django already gives every indexed CharField a varchar_pattern_ops twin (the "_like" indexes of
name, name_pinyin and name_initials), so these only doubled the write cost.
"""

from __future__ import annotations

from django.db import migrations

INDEXES = (
    ("alumni_record_name_prefix", "name"),
    ("alumni_record_pinyin_prefix", "name_pinyin"),
    ("alumni_record_initials_prefix", "name_initials"),
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index, _column in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index, column in INDEXES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON alumni_alumnirecord "
                f"({column} varchar_pattern_ops)"
            )


class Migration(migrations.Migration):
    dependencies = [("alumni", "0004_search_indexes")]

    operations = [migrations.RunPython(forward, backward)]
