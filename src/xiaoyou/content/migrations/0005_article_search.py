"""The search index of articles (issue 8, performance): structures per vendor, then filled
for the existing articles. What they hold: xiaoyou.content.search_articles."""

from __future__ import annotations

from django.db import migrations


def forward(apps, schema_editor):
    from xiaoyou.content import search_articles

    statements = {
        "sqlite": search_articles.SQLITE_FORWARD,
        "postgresql": search_articles.POSTGRES_FORWARD,
    }.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    from xiaoyou.content import search_articles

    statements = {
        "sqlite": search_articles.SQLITE_BACKWARD,
        "postgresql": search_articles.POSTGRES_BACKWARD,
    }.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def fill(apps, schema_editor):
    from xiaoyou.content import search_articles

    search_articles.articles_search_rebuild(using=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("content", "0004_faces")]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
