"""文章搜索: the search index of articles (title and body text), one structure per vendor.

The search document of a text: runs of CJK characters become their overlapping 2-character
pieces followed by the run's last character (校友会 -> 校友 友会 会), other letters and digits
become lower-cased words. A query term is the same pieces in a row (a phrase):
- a CJK run of 2+ characters is its consecutive bigrams, so 校友 is one piece and 校友会 the
  phrase "校友 友会": exact substring semantics, and two bigrams that are not adjacent in the
  text never match. A run of one character (or a run that another run follows inside the term)
  also needs the run's last character piece, which only the end of a run in the text has;
- a Latin word or number is a whole word, a word prefix when it ends the term (pyth finds
  Python, case-insensitive);
- a term with other characters (c++, 校友-会) is searched by its pieces and then checked with
  icontains on those candidates only.

SQLite: a contentless FTS5 table (unicode61 tokenizer, one column each for title and body, so no
phrase spans the two; rowid = article id). A contentless table forgets the text, and removing
a document needs the text it was indexed from: triggers copy the old title and body of an
updated or deleted article to content_article_search_stale, and the next index call removes
those documents (article_search_index / articles_search_index, called by the services).
PostgreSQL: content_article_search rows (article id, part, tsvector of the same pieces with
positions; part 0 the title, parts 1.. the body in windows of PART_TOKENS pieces that overlap
by PART_OVERLAP, as a tsvector keeps at most 256 positions of a piece and none past 16,383)
with a GIN index; phrases use <->. Deleting or truncating articles removes their rows.

Changing the document rules needs `xiaoyou articles-reindex` (old documents could not be
removed otherwise).
"""

# The SQL here is built from constant names, never from input (terms are parameters).
# ruff: noqa: S608, S611

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection as default_connection
from django.db import connections
from django.db.models import BooleanField, F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

FTS_TABLE = "content_article_fts"
STALE_TABLE = "content_article_search_stale"
PG_TABLE = "content_article_search"
MAX_WORD = 60
PART_TOKENS = 2000
PART_OVERLAP = 100
BATCH = 500
# PostgreSQL's choice of plan (see _postgres_frequent): terms in at least 3% of the first 300
# articles walk the list; rarer ones use the GIN index. Near 3% both cost about the same.
SAMPLE = 300
FREQUENT_SHARE = 0.03

_CJK = (
    "\u3040-\u30ff"  # kana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\uac00-\ud7af"  # Hangul syllables
    "\U00020000-\U0003ffff"  # Han extensions
)
# A run of CJK characters, or a run of other letters and digits (never "_").
_RUN = re.compile(rf"([{_CJK}]+)|((?:(?![{_CJK}])[^\W_])+)")
_TOKEN_ONLY = re.compile(r"[^\W_]+")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _runs(text: str) -> list[tuple[bool, str]]:
    """(is_cjk, run) in order."""
    return [(bool(match.group(1)), match.group(0)) for match in _RUN.finditer(text)]


def document_tokens(text: str) -> list[str]:
    """The pieces of a title or body, in order (see the module docstring)."""
    tokens: list[str] = []
    for is_cjk, run in _runs(_fold(text)):
        if is_cjk:
            tokens.extend(run[index : index + 2] for index in range(len(run) - 1))
            tokens.append(run[-1])
        else:
            tokens.append(run[:MAX_WORD])
    return tokens


@dataclass(frozen=True)
class TermQuery:
    tokens: tuple[str, ...]
    prefix: bool  # the last piece is a prefix (a word, or one CJK character, ends the term)
    exact: bool  # the pieces say all: no character of the term was dropped

    def fts5(self) -> str:
        return '"' + " ".join(self.tokens) + '"' + (" *" if self.prefix else "")

    def tsquery(self) -> str:
        pieces = [
            "'" + token.replace("\\", "\\\\").replace("'", "''") + "'" for token in self.tokens
        ]
        if self.prefix:
            pieces[-1] += ":*"
        return " <-> ".join(pieces)


def term_query(term: str) -> TermQuery | None:
    """The phrase of a query term; None when it has no letter or digit at all."""
    folded = _fold(term)
    runs = _runs(folded)
    if not runs:
        return None
    tokens: list[str] = []
    for index, (is_cjk, run) in enumerate(runs):
        last = index == len(runs) - 1
        if is_cjk:
            tokens.extend(run[start : start + 2] for start in range(len(run) - 1))
            # Inside the term the run ends where the text's run ends: its last-character piece
            # follows. At the term's end the text's run may go on (校友 in 校友会).
            if not last or len(run) == 1:
                tokens.append(run[-1])
        else:
            tokens.append(run[:MAX_WORD])
    last_is_cjk, last_run = runs[-1]
    prefix = not last_is_cjk or len(last_run) == 1
    exact = bool(_TOKEN_ONLY.fullmatch(folded))
    return TermQuery(tuple(tokens), prefix, exact)


# --- Query --------------------------------------------------------------------------------------


def _contains(term: str) -> Q:
    return Q(title__icontains=term) | Q(body_text__icontains=term)


def search_filter(queryset: QuerySet[Any], terms: Sequence[str]) -> QuerySet[Any]:
    """`queryset` narrowed to the articles whose title or body contains every term."""
    vendor = connections[queryset.db].vendor
    phrases: list[TermQuery] = []
    for term in terms:
        query = term_query(term)
        if query is None or vendor not in ("sqlite", "postgresql"):
            queryset = queryset.filter(_contains(term))
            continue
        phrases.append(query)
        if not query.exact:
            queryset = queryset.filter(_contains(term))
    if not phrases:
        return queryset
    if vendor == "sqlite":
        expression = " AND ".join(phrase.fts5() for phrase in phrases)
        # `id + 0`: SQLite then walks the caller's order through content_article_listing (a
        # covering index, migration 0006) and checks each id against the matches, stopping at
        # the page's end. Looking each match up by id instead reads every matching row — with
        # its body — to sort them: 250 ms for a term in every article of 36,000.
        return queryset.alias(search_id=F("pk") + Value(0)).filter(
            search_id__in=RawSQL(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression]
            )
        )
    tsqueries = [phrase.tsquery() for phrase in phrases]
    if _postgres_frequent(queryset, tsqueries):
        # Found in many articles: walk the caller's order (content_article_listing) and probe
        # each article's rows; the page and the capped count stop early. OFFSET 0 keeps the
        # probe per article (PostgreSQL would otherwise turn it into a join over every match).
        for tsquery in tsqueries:
            queryset = queryset.filter(
                RawSQL(
                    f"EXISTS (SELECT 1 FROM {PG_TABLE} WHERE article_id = content_article.id "
                    "AND document @@ %s::tsquery OFFSET 0)",
                    [tsquery],
                    output_field=BooleanField(),
                )
            )
        return queryset
    for tsquery in tsqueries:
        # Rare: the GIN index gives the few matches. One subquery per term: the terms may sit
        # in different parts of one article.
        queryset = queryset.filter(
            pk__in=RawSQL(
                f"SELECT article_id FROM {PG_TABLE} WHERE document @@ %s::tsquery", [tsquery]
            )
        )
    return queryset


def _postgres_frequent(queryset: QuerySet[Any], tsqueries: Sequence[str]) -> bool:
    """Whether the terms are in at least FREQUENT_SHARE of the first SAMPLE articles of the
    caller's list (one query walking its order: a few milliseconds).

    PostgreSQL's own estimate cannot decide between the two plans: the pieces of a phrase are
    correlated (友会 nearly always follows 校友), so it takes a common phrase for a rare one and
    rechecks the positions of tens of thousands of matches; a sample of the real list cannot.
    """
    sample_sql, sample_params = queryset.values_list("pk")[:SAMPLE].query.sql_with_params()
    probes = " AND ".join(
        f"EXISTS (SELECT 1 FROM {PG_TABLE} s WHERE s.article_id = w.id "
        "AND s.document @@ %s::tsquery OFFSET 0)"
        for _ in tsqueries
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM ({sample_sql}) AS w(id) WHERE {probes}",
            [*sample_params, *tsqueries],
        )
        (found,) = cursor.fetchone()
    return found >= SAMPLE * FREQUENT_SHARE


# --- Index --------------------------------------------------------------------------------------


def _tsvector(tokens: Sequence[str]) -> str:
    positions: dict[str, list[str]] = {}
    for position, token in enumerate(tokens, start=1):
        positions.setdefault(token, []).append(str(position))
    return " ".join(
        "'" + token.replace("\\", "\\\\").replace("'", "''") + "':" + ",".join(places)
        for token, places in positions.items()
    )


def _parts(title: str, body: str) -> list[tuple[int, str]]:
    parts = [(0, _tsvector(document_tokens(title)))]
    tokens = document_tokens(body)
    step = PART_TOKENS - PART_OVERLAP
    for number, start in enumerate(range(0, max(len(tokens) - PART_OVERLAP, 1), step), start=1):
        window = tokens[start : start + PART_TOKENS]
        if window:
            parts.append((number, _tsvector(window)))
    return parts


def _sqlite_document(title: str, body: str) -> tuple[str, str]:
    return " ".join(document_tokens(title)), " ".join(document_tokens(body))


def _rows(cursor: Any, ids: Sequence[int]) -> list[tuple[int, str, str]]:
    placeholders = ",".join(["%s"] * len(ids))
    cursor.execute(
        f"SELECT id, title, body_text FROM content_article WHERE id IN ({placeholders})", list(ids)
    )
    return [(row[0], row[1] or "", row[2] or "") for row in cursor.fetchall()]


def _sqlite_indexed(cursor: Any, ids: Sequence[int]) -> set[int]:
    placeholders = ",".join(["%s"] * len(ids))
    cursor.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE rowid IN ({placeholders})", list(ids))
    return {row[0] for row in cursor.fetchall()}


def _sqlite_index(cursor: Any, ids: Sequence[int]) -> int:
    # First forget the documents whose text has changed (or whose article is gone): each is
    # removed with the text it was indexed from, which the triggers kept.
    cursor.execute(f"SELECT article_id, title, body_text FROM {STALE_TABLE}")
    stale = cursor.fetchall()
    wanted = set(ids)
    if stale:
        indexed = _sqlite_indexed(cursor, [row[0] for row in stale])
        removals = [
            ("delete", row[0], *_sqlite_document(row[1] or "", row[2] or ""))
            for row in stale
            if row[0] in indexed
        ]
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) VALUES (%s, %s, %s, %s)",
            removals,
        )
        cursor.executemany(
            f"DELETE FROM {STALE_TABLE} WHERE article_id = %s", [(row[0],) for row in stale]
        )
        wanted |= {row[0] for row in stale}
    done = 0
    ordered = sorted(wanted)
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start : start + BATCH]
        present = _sqlite_indexed(cursor, batch)
        missing = [pk for pk in batch if pk not in present]
        if not missing:
            continue
        rows = _rows(cursor, missing)
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (%s, %s, %s)",
            [(pk, *_sqlite_document(title, body)) for pk, title, body in rows],
        )
        done += len(rows)
    return done


def _postgres_index(cursor: Any, ids: Sequence[int]) -> int:
    done = 0
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start : start + BATCH]
        cursor.execute(f"DELETE FROM {PG_TABLE} WHERE article_id = ANY(%s)", [batch])
        rows = _rows(cursor, batch)
        cursor.executemany(
            f"INSERT INTO {PG_TABLE} (article_id, part, document) VALUES (%s, %s, %s::tsvector)",
            [
                (pk, number, vector)
                for pk, title, body in rows
                for number, vector in _parts(title, body)
            ],
        )
        done += len(rows)
    return done


def articles_search_index(ids: Iterable[int], *, using: Any = None) -> int:
    """Brings the search documents of the articles `ids` in step with their stored title and
    body (and, on SQLite, of every article changed since its last indexing). Returns how many
    documents were written. Idempotent; call it in the transaction that wrote the articles."""
    connection = using or default_connection
    ids = [int(pk) for pk in ids]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return _sqlite_index(cursor, ids)
        if connection.vendor == "postgresql" and ids:
            return _postgres_index(cursor, ids)
    return 0


def article_search_index(article: Any) -> None:
    """The search document of one article (after its creation or a change of its text)."""
    articles_search_index([article.pk])


def articles_search_rebuild(*, using: Any = None) -> int:
    """Every article's search document written again from scratch; returns the count."""
    connection = using or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
            cursor.execute(f"DELETE FROM {STALE_TABLE}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {PG_TABLE}")
        else:
            return 0
        cursor.execute("SELECT id FROM content_article ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
    total = articles_search_index(ids, using=connection)
    articles_search_optimize(using=connection)
    return total


def articles_search_optimize(*, using: Any = None) -> None:
    """After a bulk load: SQLite merges the FTS5 segments, both refresh planner statistics."""
    connection = using or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
            cursor.execute("ANALYZE content_article")
        elif connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {PG_TABLE}")
            cursor.execute("ANALYZE content_article")


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
    f"CREATE INDEX content_article_search_document ON {PG_TABLE} USING gin (document)",
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
