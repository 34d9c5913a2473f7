"""The database structures of the article search (see xiaoyou.content.search_articles): the
FTS5 table and its triggers on SQLite, the search table and its triggers on PostgreSQL, and the
index in the hall's order on both. Used by the content migrations 0005 and 0006."""

# ruff: noqa: S608

from __future__ import annotations

FTS_TABLE = "content_article_fts"
STALE_TABLE = "content_article_search_stale"
PG_TABLE = "content_article_search"
PG_DOCUMENT_INDEX = "content_article_search_document"
PG_DOCUMENT_INDEX_SQL = f"CREATE INDEX {PG_DOCUMENT_INDEX} ON {PG_TABLE} USING gin (document)"

# The hall's order (pinned first, newest first) with the columns its filters read, so a search
# neither reads nor sorts the article rows (their status and organization come after the body).
SQLITE_LISTING_INDEX = (
    "CREATE INDEX content_article_listing ON content_article "
    "(status, is_pinned, published_at, id, org_id, category_id)"
)
# PostgreSQL: the hall's order exactly (pinned first, newest first), published articles only;
# a word in most articles is then found by walking it and probing the search table per article.
POSTGRES_LISTING_INDEX = (
    "CREATE INDEX content_article_listing ON content_article "
    "(is_pinned DESC, published_at DESC, id DESC) WHERE status = 'published'"
)

# Used by the migration: the structures of each vendor.
SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, body, content='', "
    "tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TABLE {STALE_TABLE} (article_id integer NOT NULL PRIMARY KEY, "
    "title text NOT NULL, body_text text NOT NULL)",
    # OR IGNORE: after two changes the first old text is the one indexed.
    f"""CREATE TRIGGER content_article_search_au AFTER UPDATE OF title, body_text
        ON content_article
        WHEN old.title IS NOT new.title OR old.body_text IS NOT new.body_text BEGIN
        INSERT OR IGNORE INTO {STALE_TABLE}(article_id, title, body_text)
        VALUES (old.id, old.title, old.body_text);
    END""",
    f"""CREATE TRIGGER content_article_search_ad AFTER DELETE ON content_article BEGIN
        INSERT OR IGNORE INTO {STALE_TABLE}(article_id, title, body_text)
        VALUES (old.id, old.title, old.body_text);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS content_article_search_au",
    "DROP TRIGGER IF EXISTS content_article_search_ad",
    f"DROP TABLE IF EXISTS {STALE_TABLE}",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
# No foreign key: Django's test flush truncates content_article alone; triggers clean instead.
POSTGRES_FORWARD = [
    f"""CREATE TABLE {PG_TABLE} (
        article_id bigint NOT NULL,
        part integer NOT NULL,
        document tsvector NOT NULL,
        PRIMARY KEY (article_id, part)
    )""",
    PG_DOCUMENT_INDEX_SQL,
    f"""CREATE OR REPLACE FUNCTION content_article_search_forget() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                TRUNCATE {PG_TABLE};
            ELSE
                DELETE FROM {PG_TABLE} WHERE article_id = OLD.id;
            END IF;
            RETURN NULL;
        END
    $$""",
    "CREATE TRIGGER content_article_search_ad AFTER DELETE ON content_article "
    "FOR EACH ROW EXECUTE FUNCTION content_article_search_forget()",
    "CREATE TRIGGER content_article_search_at AFTER TRUNCATE ON content_article "
    "FOR EACH STATEMENT EXECUTE FUNCTION content_article_search_forget()",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS content_article_search_at ON content_article",
    "DROP TRIGGER IF EXISTS content_article_search_ad ON content_article",
    "DROP FUNCTION IF EXISTS content_article_search_forget()",
    f"DROP TABLE IF EXISTS {PG_TABLE}",
]
