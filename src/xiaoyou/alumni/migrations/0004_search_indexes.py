"""Search structures of the alumni archive (issue 4, item 7), one set per database vendor.

SQLite: an FTS5 table with the trigram tokenizer over the searchable text (any fragment of 3+
characters), a second FTS5 table of name bigrams (2-character fragments trigram cannot see),
both kept by triggers; B-tree indexes on name/name_pinyin/name_initials serve prefixes.
PostgreSQL: pg_trgm GIN index over the same text, a GIN index over the name bigrams (an
immutable SQL function), and varchar_pattern_ops indexes for the prefixes.
The searched text expression is repeated in xiaoyou.alumni.selectors_search (SEARCH_TEXT_SQL);
keep both in step. Then the search keys of existing rows are filled.
"""

# The SQL is built from the constant column names above, never from input.
# ruff: noqa: S608

from __future__ import annotations

from django.db import migrations

# Lower-cased, " | "-separated so no trigram spans two fields.
TEXT_COLUMNS = (
    "name",
    "former_name",
    "english_name",
    "name_pinyin",
    "name_initials",
    "student_id",
    "phone",
    "email",
    "employer",
    "city",
)


def _text(prefix: str) -> str:
    return "lower(" + " || ' | ' || ".join(f"{prefix}{column}" for column in TEXT_COLUMNS) + ")"


def _bigrams(prefix: str, width: int = 12) -> str:
    # Space-separated 2-character pieces of the name and the former name (names are short:
    # 12 pieces cover 13 characters). SQLite triggers cannot use recursive CTEs, hence the
    # fixed positions.
    parts = []
    for column in ("name", "former_name"):
        for start in range(1, width + 1):
            parts.append(
                f"CASE WHEN length({prefix}{column}) > {start} "
                f"THEN substr({prefix}{column}, {start}, 2) ELSE '' END"
            )
    return "lower(" + " || ' ' || ".join(parts) + ")"


SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE alumni_record_fts USING fts5(body, tokenize='trigram')",
    "CREATE VIRTUAL TABLE alumni_record_grams USING fts5(grams, tokenize='unicode61')",
    f"""CREATE TRIGGER alumni_record_search_ai AFTER INSERT ON alumni_alumnirecord BEGIN
        INSERT INTO alumni_record_fts(rowid, body) VALUES (new.id, {_text("new.")});
        INSERT INTO alumni_record_grams(rowid, grams) VALUES (new.id, {_bigrams("new.")});
    END""",
    """CREATE TRIGGER alumni_record_search_ad AFTER DELETE ON alumni_alumnirecord BEGIN
        DELETE FROM alumni_record_fts WHERE rowid = old.id;
        DELETE FROM alumni_record_grams WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER alumni_record_search_au AFTER UPDATE OF {", ".join(TEXT_COLUMNS)}
        ON alumni_alumnirecord BEGIN
        DELETE FROM alumni_record_fts WHERE rowid = old.id;
        DELETE FROM alumni_record_grams WHERE rowid = old.id;
        INSERT INTO alumni_record_fts(rowid, body) VALUES (new.id, {_text("new.")});
        INSERT INTO alumni_record_grams(rowid, grams) VALUES (new.id, {_bigrams("new.")});
    END""",
    f"INSERT INTO alumni_record_fts(rowid, body) SELECT id, {_text('')} FROM alumni_alumnirecord",
    f"INSERT INTO alumni_record_grams(rowid, grams) SELECT id, {_bigrams('')} "
    "FROM alumni_alumnirecord",
    # Prefix ranges (name >= '王芳' AND name < '王芳\uffff') use plain B-tree indexes; the
    # model already indexes name, name_pinyin and name_initials.
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS alumni_record_search_ai",
    "DROP TRIGGER IF EXISTS alumni_record_search_ad",
    "DROP TRIGGER IF EXISTS alumni_record_search_au",
    "DROP TABLE IF EXISTS alumni_record_fts",
    "DROP TABLE IF EXISTS alumni_record_grams",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE OR REPLACE FUNCTION alumni_name_bigrams(value text) RETURNS text[]
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT lower(substr(value, i, 2))), '{}')
        FROM generate_series(1, length(value) - 1) AS i
    $$""",
    f"CREATE INDEX alumni_record_text_trgm ON alumni_alumnirecord "
    f"USING gin (({_text('')}) gin_trgm_ops)",
    "CREATE INDEX alumni_record_name_bigrams ON alumni_alumnirecord "
    "USING gin (alumni_name_bigrams(name || ' ' || former_name))",
    "CREATE INDEX alumni_record_name_prefix ON alumni_alumnirecord (name varchar_pattern_ops)",
    "CREATE INDEX alumni_record_pinyin_prefix ON alumni_alumnirecord "
    "(name_pinyin varchar_pattern_ops)",
    "CREATE INDEX alumni_record_initials_prefix ON alumni_alumnirecord "
    "(name_initials varchar_pattern_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS alumni_record_initials_prefix",
    "DROP INDEX IF EXISTS alumni_record_pinyin_prefix",
    "DROP INDEX IF EXISTS alumni_record_name_prefix",
    "DROP INDEX IF EXISTS alumni_record_name_bigrams",
    "DROP INDEX IF EXISTS alumni_record_text_trgm",
    "DROP FUNCTION IF EXISTS alumni_name_bigrams(text)",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def fill_search_keys(apps, schema_editor):
    # The historical model cannot call the service; the name rules are the same function.
    from xiaoyou.alumni.names import name_keys

    record_model = apps.get_model("alumni", "AlumniRecord")
    changed = []
    for record in record_model.objects.only("pk", "name", "name_pinyin", "name_initials"):
        pinyin, initials = name_keys(record.name)
        if (record.name_pinyin, record.name_initials) != (pinyin, initials):
            record.name_pinyin, record.name_initials = pinyin, initials
            changed.append(record)
    record_model.objects.bulk_update(changed, ["name_pinyin", "name_initials"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("alumni", "0003_full_archive")]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
    ]
