"""Relevance order of the alumni search box, and the index-ordered tiers that serve its pages.

A one-term search ranks records in tiers; inside a tier the order is the one a B-tree already
keeps, so the first page of a tier is an index range scan that stops after the page:

    0  name equals the text                      by id
    1  name starts with the text                 by name      (index on name)
    2  full pinyin equals the text               by id        (index on name_pinyin)
    3  initials equal the text                   by id        (index on name_initials)
    4  full pinyin starts with the text          by pinyin    (index on name_pinyin)
    5  initials start with the text              by initials  (index on name_initials)
    6  any other match (fragments: FTS5 / pg_trgm, bigrams, departments)   by id

Pinyin order is also the order Chinese readers expect of a list of names (通讯录). When the
tiers 0-5 hold fewer records than the page needs, the page goes on with tier 6 in id order,
which the fragment structures give without sorting every match (a fragment like "有限公司" may
match half the archive). `search_queryset` (exports, audiences) orders by the same key, so a
page is the same either way (tests compare the two).

While a text is searched, SQLite is kept from answering the filters (years, department...) by
their own indexes: with the unary "+" of `Unindexed` its planner walks the text's index and
checks the filters per row, instead of scanning a whole graduation-year range.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Case, CharField, F, Func, IntegerField, Q, Value, When
from django.db.models.functions import Collate
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThan

HIGH = "\U0010ffff"


def prefix_q(field_name: str, term: str) -> Q:
    if connection.vendor == "postgresql":
        # LIKE 'x%': served by the varchar_pattern_ops index Django adds to indexed CharFields,
        # and correct under any collation (a range is not, outside the C collation).
        return Q(**{f"{field_name}__startswith": term})
    # SQLite: a range, not LIKE (case-insensitive there, so it would skip the index).
    return Q(**{f"{field_name}__gte": term, f"{field_name}__lt": term + HIGH})


def key(column: str) -> Any:
    """The column as the tiers compare and order it: code-point order on both databases
    (PostgreSQL: COLLATE "C", answered by the indexes of migration 0009)."""
    if connection.vendor == "postgresql":
        return Collate(F(column), "C")
    return F(column)


def range_q(column: str, term: str) -> Q:
    """`column` starts with `term`, as an index range in code-point order."""
    if connection.vendor == "postgresql":
        return Q(GreaterThanOrEqual(key(column), term)) & Q(LessThan(key(column), term + HIGH))
    return Q(**{f"{column}__gte": term, f"{column}__lt": term + HIGH})


def equal_q(column: str, term: str) -> Q:
    """`column` equals `term`, in the form the tier indexes answer (ordered by id inside)."""
    if connection.vendor == "postgresql":
        return Q(Exact(key(column), term))
    return Q(**{column: term})


def pinyin_tiers_apply(whole: str) -> bool:
    # As the term match treats them: short ASCII terms only when letters (pinyin, initials).
    return whole.isascii() and (len(whole) >= 3 or whole.isalpha())


def tier_conditions(whole: str) -> list[tuple[Q, tuple[Any, ...]]]:
    """(condition, order) of the tiers 0-5 of `whole`, each excluding the tiers before it."""
    exact = Q(name=whole)
    name_prefix = range_q("name", whole)
    tiers: list[tuple[Q, tuple[Any, ...]]] = [
        (exact, ("pk",)),
        (name_prefix & ~exact, (key("name"), "pk")),
    ]
    if pinyin_tiers_apply(whole):
        before = exact | name_prefix
        scans = [
            (equal_q("name_pinyin", whole), ("pk",)),
            (equal_q("name_initials", whole), ("pk",)),
            (range_q("name_pinyin", whole), (key("name_pinyin"), "pk")),
        ]
        if len(whole) > 1:  # one letter: every initials match is a pinyin match already
            scans.append((range_q("name_initials", whole), (key("name_initials"), "pk")))
        for condition, order in scans:
            tiers.append((condition & ~before, order))
            before |= condition
    return tiers


def tiers_condition(whole: str) -> Q:
    """Any of the tiers 0-5 (to leave them out of tier 6)."""
    condition = Q()
    for tier, _order in tier_conditions(whole):
        condition |= tier
    return condition


def rank_expression(whole: str) -> Case:
    when = [
        When(name=whole, then=Value(0)),
        When(range_q("name", whole), then=Value(1)),
    ]
    if pinyin_tiers_apply(whole):
        when += [
            When(name_pinyin=whole, then=Value(2)),
            When(name_initials=whole, then=Value(3)),
            When(range_q("name_pinyin", whole), then=Value(4)),
            When(range_q("name_initials", whole), then=Value(5)),
        ]
    return Case(*when, default=Value(6), output_field=IntegerField())


def rank_key_expression() -> Case:
    """The order inside a tier (needs the `search_rank` annotation); ties go by id."""
    return Case(
        When(search_rank=1, then=key("name")),
        When(search_rank=4, then=key("name_pinyin")),
        When(search_rank=5, then=key("name_initials")),
        default=Value(""),
        output_field=CharField(),
    )


RANKED_ORDER = ("search_rank", "search_key", "pk")


class Unindexed(Func):
    """The column as is, but on SQLite as "+column", which no index answers (see above)."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra)
