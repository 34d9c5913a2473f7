"""An index in the hall's order for article searches (see
xiaoyou.content.search_articles.search_filter): the first page and the capped count of a word
found in most articles walk it and stop early instead of sorting every match. SQLite: a covering
index; PostgreSQL: a partial index over published articles."""

from __future__ import annotations

from django.db import migrations


def forward(apps, schema_editor):
    from xiaoyou.content.search_articles import POSTGRES_LISTING_INDEX, SQLITE_LISTING_INDEX

    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_LISTING_INDEX)
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_LISTING_INDEX)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        schema_editor.execute("DROP INDEX IF EXISTS content_article_listing")


class Migration(migrations.Migration):
    dependencies = [("content", "0005_article_search")]

    operations = [migrations.RunPython(forward, backward)]
