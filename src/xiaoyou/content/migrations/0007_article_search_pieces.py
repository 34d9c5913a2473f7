"""PostgreSQL's article search documents become sets of pieces without positions, with the
3-character pieces of CJK runs, title and body in one document (xiaoyou.content.search_articles).
The table is made again (so no statistics of the old documents remain: without any, the planner
always reads matches through the GIN index), its documents kept out of line so the rows the
index points at stay small, and every article indexed again. SQLite's FTS5 index is unchanged."""

from __future__ import annotations

from django.db import migrations

TABLE = """CREATE TABLE content_article_search (
    article_id bigint NOT NULL,
    part integer NOT NULL,
    document tsvector NOT NULL,
    PRIMARY KEY (article_id, part)
)"""
FORWARD = [
    "DROP TABLE content_article_search",
    TABLE,
    "ALTER TABLE content_article_search ALTER COLUMN document SET STATISTICS 0",
    "ALTER TABLE content_article_search SET (toast_tuple_target = 128)",
]
# The earlier documents come back with `xiaoyou articles-reindex` run by the earlier code.
BACKWARD = [
    "DROP TABLE content_article_search",
    TABLE,
    "CREATE INDEX content_article_search_document ON content_article_search USING gin (document)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from xiaoyou.content import search_articles

    for statement in FORWARD:
        schema_editor.execute(statement)
    search_articles.articles_search_rebuild(using=schema_editor.connection)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("content", "0006_article_listing_index")]

    operations = [migrations.RunPython(forward, backward)]
