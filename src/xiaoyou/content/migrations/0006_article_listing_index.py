"""SQLite: a covering index in the hall's order for article searches (see
xiaoyou.content.search_articles.search_filter); PostgreSQL needs none (hash join, top-N sort)."""

from __future__ import annotations

from django.db import migrations


def forward(apps, schema_editor):
    from xiaoyou.content.search_articles import SQLITE_LISTING_INDEX

    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_LISTING_INDEX)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS content_article_listing")


class Migration(migrations.Migration):
    dependencies = [("content", "0005_article_search")]

    operations = [migrations.RunPython(forward, backward)]
