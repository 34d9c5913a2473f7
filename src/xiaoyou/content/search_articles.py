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
PostgreSQL: content_article_search rows (article id, part, tsvector of the pieces of title and
body without positions; one part unless the text is longer than PART_TOKENS pieces) with a GIN
index. Its pieces are those above plus every 3-character piece of a CJK run, so a term of 2 or
3 CJK characters is one piece and a longer one the AND of its 3-character pieces (then checked
with icontains): with no phrase (<->) in any query, the GIN index answers alone and PostgreSQL
never reads a stored document back to check positions, which cost up to 0.6 s a query over
100,000 articles. The documents are stored out of line and the table keeps no statistics of
them (migration 0007): the rows the index points at stay small, and the planner always goes
through the index (see _postgres_frequent). Deleting or truncating articles removes their rows.

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

from xiaoyou.content.search_articles_schema import (
    FTS_TABLE,
    PG_DOCUMENT_INDEX,
    PG_DOCUMENT_INDEX_SQL,
    PG_TABLE,
    POSTGRES_BACKWARD,
    POSTGRES_FORWARD,
    POSTGRES_LISTING_INDEX,
    SQLITE_BACKWARD,
    SQLITE_FORWARD,
    SQLITE_LISTING_INDEX,
    STALE_TABLE,
)

MAX_WORD = 60
PART_TOKENS = 20_000
PART_OVERLAP = 400
BATCH = 500
# PostgreSQL's choice of plan (see _postgres_frequent): terms in at least 3% of the articles
# (and at least 200) walk the list; rarer ones look their matches up by id.
FREQUENT_SHARE = 0.03
FREQUENT_MINIMUM = 200

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


@dataclass(frozen=True)
class PostgresTerm:
    tsquery: str
    exact: bool  # the GIN match alone is the substring match (no icontains check needed)


def _tslexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def postgres_term(term: str) -> PostgresTerm | None:
    """The PostgreSQL query of a term: pieces ANDed, no positions (see postgres_tokens).

    One CJK character is a prefix (the pieces starting with it), 2 and 3 characters are one
    piece each (exact), a longer run the AND of its 3-character pieces (then checked with
    icontains); a Latin word is a word prefix. None when the term has no letter or digit."""
    folded = _fold(term)
    runs = _runs(folded)
    if not runs:
        return None
    pieces: list[str] = []
    for is_cjk, run in runs:
        if not is_cjk or len(run) == 1:
            piece = _tslexeme(run[:MAX_WORD]) + ":*"
            if piece not in pieces:
                pieces.append(piece)
        elif len(run) <= 3:
            pieces.append(_tslexeme(run))
        else:
            for start in range(len(run) - 2):
                piece = _tslexeme(run[start : start + 3])
                if piece not in pieces:
                    pieces.append(piece)
    is_cjk, run = runs[0]
    exact = len(runs) == 1 and (not is_cjk or len(run) <= 3) and bool(_TOKEN_ONLY.fullmatch(folded))
    return PostgresTerm(" & ".join(pieces), exact)


def postgres_tokens(text: str) -> list[str]:
    """The pieces of a title or body for PostgreSQL, in order of first appearance, each once:
    of a CJK run its 2- and 3-character pieces and its last character (校友会 -> 校友 校友会
    友会 会), of other letters and digits the lower-cased word. Without positions the GIN index
    answers a query alone (no recheck of the stored documents)."""
    return list(dict.fromkeys(_postgres_sequence(text)))


def _postgres_sequence(text: str) -> list[str]:
    tokens: list[str] = []
    for is_cjk, run in _runs(_fold(text)):
        if is_cjk:
            for start in range(len(run) - 1):
                tokens.append(run[start : start + 2])
                if start + 3 <= len(run):
                    tokens.append(run[start : start + 3])
            tokens.append(run[-1])
        else:
            tokens.append(run[:MAX_WORD])
    return tokens


# --- Query --------------------------------------------------------------------------------------


def _contains(term: str) -> Q:
    return Q(title__icontains=term) | Q(body_text__icontains=term)


def search_filter(queryset: QuerySet[Any], terms: Sequence[str]) -> QuerySet[Any]:
    """`queryset` narrowed to the articles whose title or body contains every term."""
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        return _postgres_search_filter(queryset, terms)
    phrases: list[TermQuery] = []
    for term in terms:
        query = term_query(term)
        if query is None or vendor != "sqlite":
            queryset = queryset.filter(_contains(term))
            continue
        phrases.append(query)
        if not query.exact:
            queryset = queryset.filter(_contains(term))
    if not phrases:
        return queryset
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


def _postgres_search_filter(queryset: QuerySet[Any], terms: Sequence[str]) -> QuerySet[Any]:
    tsqueries: list[str] = []
    for term in terms:
        query = postgres_term(term)
        if query is not None:
            tsqueries.append(query.tsquery)
        if query is not None and query.exact:
            continue
        runs = _runs(_fold(term))
        if query is not None and len(runs) == 1 and runs[0][0] and runs[0][1] == term:
            # CJK only (no case to fold): strpos, whose estimate (a third of the rows) lets
            # PostgreSQL keep walking the hall's order; LIKE's would make it read every article.
            queryset = queryset.filter(
                RawSQL(
                    "(strpos(content_article.title, %s) > 0 "
                    "OR strpos(content_article.body_text, %s) > 0)",
                    [term, term],
                    output_field=BooleanField(),
                )
            )
        else:
            queryset = queryset.filter(_contains(term))
    if not tsqueries:
        return queryset
    for tsquery, frequent in zip(
        tsqueries, _postgres_frequent(queryset.db, tsqueries), strict=True
    ):
        if frequent:
            # In many articles: its matches once, from the GIN index, into a hash (`OR false`
            # keeps PostgreSQL from turning the IN into a join, which could look each of tens of
            # thousands of matches up by id); the walk along the caller's order
            # (content_article_listing) stops at the page's end and at the capped count.
            sql = (
                f"(content_article.id IN (SELECT article_id FROM {PG_TABLE} "
                "WHERE document @@ %s::tsquery) OR false)"
            )
        else:
            # Rare: its few matches from the GIN index (once, an init plan), looked up by id.
            sql = (
                f"content_article.id = ANY(ARRAY(SELECT article_id FROM {PG_TABLE} "
                "WHERE document @@ %s::tsquery))"
            )
        queryset = queryset.filter(RawSQL(sql, [tsquery], output_field=BooleanField()))
    return queryset


def _postgres_frequent(database: str, tsqueries: Sequence[str]) -> list[bool]:
    """For each term, whether it is in at least FREQUENT_SHARE of the articles (and at least
    FREQUENT_MINIMUM): counted from the GIN index, stopping at that many.

    PostgreSQL's own estimate cannot make this choice: the search table keeps no statistics of
    its documents (so the planner never reads every document to find matches), hence no idea of
    how common a term is; a count of the real matches has.
    """
    if FREQUENT_SHARE <= 0:
        return [True] * len(tsqueries)
    frequent: list[bool] = []
    with connections[database].cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'content_article'::regclass")
        row = cursor.fetchone()
        total = max(float(row[0]) if row else 0.0, 0.0)
        threshold = max(FREQUENT_MINIMUM, int(total * FREQUENT_SHARE))
        for tsquery in tsqueries:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {PG_TABLE} "
                "WHERE document @@ %s::tsquery LIMIT %s) AS found",
                [tsquery, threshold],
            )
            (found,) = cursor.fetchone()
            frequent.append(found >= threshold)
    return frequent


# --- Index --------------------------------------------------------------------------------------


def _postgres_parts(title: str, body: str) -> list[tuple[int, list[str]]]:
    """The pieces of the title and body together, in windows of PART_TOKENS overlapping by
    PART_OVERLAP (a tsvector holds at most 1 MB; a term's pieces are adjacent, so every term of
    up to ~PART_OVERLAP / 2 characters lies whole in one window): most articles are one part."""
    tokens = _postgres_sequence(title) + _postgres_sequence(body)
    step = PART_TOKENS - PART_OVERLAP
    return [
        (number, list(dict.fromkeys(tokens[start : start + PART_TOKENS])))
        for number, start in enumerate(range(0, max(len(tokens) - PART_OVERLAP, 1), step))
    ]


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
            f"INSERT INTO {PG_TABLE} (article_id, part, document) "
            "VALUES (%s, %s, array_to_tsvector(%s::text[]))",
            [
                (pk, number, tokens)
                for pk, title, body in rows
                for number, tokens in _postgres_parts(title, body)
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
            # Building the GIN index once over every row is many times faster than keeping it
            # up to date row by row (the transaction holds the table meanwhile).
            cursor.execute(f"DROP INDEX IF EXISTS {PG_DOCUMENT_INDEX}")
        else:
            return 0
        cursor.execute("SELECT id FROM content_article ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
    total = articles_search_index(ids, using=connection)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(PG_DOCUMENT_INDEX_SQL)
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


# The structures are named here too: migrations 0005 and 0006 read them from this module.
__all__ = [
    "POSTGRES_BACKWARD",
    "POSTGRES_FORWARD",
    "POSTGRES_LISTING_INDEX",
    "SQLITE_BACKWARD",
    "SQLITE_FORWARD",
    "SQLITE_LISTING_INDEX",
    "article_search_index",
    "articles_search_index",
    "articles_search_optimize",
    "articles_search_rebuild",
    "postgres_term",
    "postgres_tokens",
    "search_filter",
    "term_query",
]
