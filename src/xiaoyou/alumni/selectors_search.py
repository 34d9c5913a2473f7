"""多维度查询: the one search box and the filters of the alumni archive.

How a term is matched (structures of migration 0004_search_indexes):
- 3+ characters: any fragment of name, former/English name, pinyin, initials, student number,
  phone, email, employer or city — SQLite FTS5 trigram table / PostgreSQL pg_trgm GIN index.
- 1-2 characters (王芳, 芳, wf): name prefix and pinyin/initials prefix through B-tree ranges,
  plus the name bigram structure (FTS5 unicode61 table of 2-character pieces / GIN over
  alumni_name_bigrams()) for 2 characters anywhere in the name or former name.
- any term also matches the current or former (DepartmentAlias) name of a department.
Several terms are ANDed. Ranking: exact name > name prefix > pinyin/initials prefix > others.

Scope: records are kept by the main association (AlumniRecord.org), so the policy rule alone
would hide them from college admins. A college association admin also sees the records of the
departments linked to an organization in their subtree (Department.org), with the units below
those departments and units merged into them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL

from xiaoyou.alumni.models import AlumniRecord, Department
from xiaoyou.alumni.selectors_search_custom import CustomFilter, apply_custom_filters
from xiaoyou.alumni.selectors_search_rank import (
    RANKED_ORDER,
    Unindexed,
    prefix_q,
    rank_expression,
    rank_key_expression,
    tier_conditions,
    tiers_condition,
)
from xiaoyou.core import policy

# The searched text; the same expression as the pg_trgm index of the migration.
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
SEARCH_TEXT_SQL = (
    "lower("
    + " || ' | ' || ".join(f'"alumni_alumnirecord"."{column}"' for column in TEXT_COLUMNS)
    + ")"
)
BIGRAMS_SQL = (
    'alumni_name_bigrams("alumni_alumnirecord"."name" || \' \' || '
    '"alumni_alumnirecord"."former_name")'
)
# A first page never waits for a full count: counts stop here ("1,000+").
COUNT_CAP = 1000
MAX_PAGE_SIZE = 200
# SQLite: a fragment found in more records than this (e.g. "有限公司" in half the archive) is
# searched among its first MATCH_CAP matches only; exact and prefix name matches are separate
# index branches and never cut. Without the cap, ranking sorts every match for one page.
MATCH_CAP = 20_000
CUSTOM_KEY = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class Sort:
    RELEVANCE = "relevance"
    NAME = "name"
    # Sortable fields; each also descending with a leading "-".
    FIELDS = ("name", "graduation_year", "enrollment_year", "student_id", "updated_at")
    CHOICES = (RELEVANCE, *FIELDS, *(f"-{name}" for name in FIELDS))


@dataclass
class SearchFilters:
    """Filters combined with AND; empty values mean "any"."""

    department: int | None = None  # a college, department or any unit: includes its subtree
    major: int | None = None
    class_name: str = ""
    degree_level: str = ""
    enrollment_year_min: int | None = None
    enrollment_year_max: int | None = None
    graduation_year_min: int | None = None
    graduation_year_max: int | None = None
    province: str = ""
    city: str = ""
    industry: str = ""
    tags: list[int] = field(default_factory=list)  # any of these tags
    status: str = ""
    verification: str = ""
    is_key_alumnus: bool | None = None
    gender: str = ""
    custom: dict[str, str] = field(default_factory=dict)  # CustomField.key -> exact value
    # By field type: contains, ranges, any/all of the chosen values (selectors_search_custom).
    custom_filters: list[CustomFilter] = field(default_factory=list)


@dataclass
class SearchResult:
    records: list[AlumniRecord]
    total: int  # exact when total_capped is False, else "at least"
    total_capped: bool
    page: int
    page_size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def terms_of(text: str) -> list[str]:
    """The search terms: whitespace-separated, NFKC-folded, lower-case, at most 5."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", text or "").lower()
    return [term for term in folded.split() if term][:5]


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


_prefix = prefix_q


def _text_match(term: str) -> Q:
    if connection.vendor == "sqlite":
        return Q(
            pk__in=RawSQL(
                "SELECT rowid FROM alumni_record_fts WHERE alumni_record_fts MATCH %s LIMIT %s",
                [_fts_phrase(term), MATCH_CAP],
            )
        )
    if connection.vendor == "postgresql":
        return Q(
            RawSQL(  # noqa: S611 (constant SQL; the term is a parameter)
                f"{SEARCH_TEXT_SQL} LIKE %s",
                ["%" + _like_escape(term) + "%"],
                output_field=BooleanField(),
            )
        )
    return Q(**{f"{column}__icontains": term for column in TEXT_COLUMNS}, _connector=Q.OR)


def _bigram_match(term: str) -> Q:
    if connection.vendor == "sqlite":
        return Q(
            pk__in=RawSQL(
                "SELECT rowid FROM alumni_record_grams WHERE alumni_record_grams MATCH %s LIMIT %s",
                [_fts_phrase(term), MATCH_CAP],
            )
        )
    if connection.vendor == "postgresql":
        return Q(
            RawSQL(  # noqa: S611 (constant SQL; the term is a parameter)
                f"{BIGRAMS_SQL} @> ARRAY[%s]::text[]", [term], output_field=BooleanField()
            )
        )
    return Q(name__icontains=term) | Q(former_name__icontains=term)


def _units_under(pk: int) -> QuerySet[Any]:
    """Ids (a subquery, no round trip) of a unit, the units up to two levels below it
    (college -> department -> section) and the units merged into any of those."""
    return Department.objects.filter(
        Q(pk=pk)
        | Q(parent_id=pk)
        | Q(parent__parent_id=pk)
        | Q(merged_into_id=pk)
        | Q(parent__merged_into_id=pk)
    ).values("pk")


def _units_named(term: str) -> QuerySet[Any]:
    # Current or former names (renamed and merged colleges stay findable), with the units below.
    named = Department.objects.filter(
        Q(name__contains=term) | Q(aliases__name__contains=term)
    ).values("pk")
    return Department.objects.filter(
        Q(pk__in=named)
        | Q(parent__in=named)
        | Q(parent__parent__in=named)
        | Q(merged_into__in=named)
    ).values("pk")


def _term_q(term: str) -> Q:
    query = Q(name=term)
    if len(term) >= 3:
        query |= _text_match(term)
    else:
        query |= _prefix("name", term)
        if term.isascii() and term.isalpha():
            query |= _prefix("name_initials", term) | _prefix("name_pinyin", term)
        if len(term) == 2:
            query |= _bigram_match(term)
    if len(term) >= 2 and not term.isascii():
        # Resolved first (a small table): a subquery inside the OR would keep the database
        # from answering each branch by its own index and make it scan every record.
        units = list(_units_named(term).values_list("pk", flat=True))
        if units:
            query |= Q(department_id__in=units)
    return query


def alumni_scope(
    user: Any, queryset: QuerySet[AlumniRecord] | None = None
) -> QuerySet[AlumniRecord]:
    """Live records (not deleted, not merged away) `user` may view; see the module docstring."""
    from xiaoyou.organizations.selectors import role_paths

    base = queryset if queryset is not None else AlumniRecord.objects.all()
    base = base.filter(deleted_at__isnull=True, merged_into__isnull=True)
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return base
    kept = policy.scoped(base, user, "view")
    rule = policy.rule_for(AlumniRecord, "view")
    paths = role_paths(user, rule.min_role) if rule.min_role else []
    if not paths:
        return kept
    by_org = Q()
    for path in paths:
        by_org |= Q(org__path__startswith=path)
    linked = Department.objects.filter(by_org).values("pk")
    units = Department.objects.filter(
        Q(pk__in=linked)
        | Q(parent__in=linked)
        | Q(parent__parent__in=linked)
        | Q(merged_into__in=linked)
    ).values("pk")
    return kept | base.filter(department_id__in=units)


def _apply_filters(
    queryset: QuerySet[AlumniRecord], filters: SearchFilters, *, steer: bool = False
) -> QuerySet[AlumniRecord]:
    """`queryset` narrowed by the filters; with `steer` (a text is searched too) the plain
    columns are compared through `Unindexed`, so SQLite walks the text's index instead."""
    f = filters
    aliases: dict[str, Any] = {}

    def column(name: str, output: Any) -> str:
        if not steer:
            return name
        aliases[f"unindexed_{name}"] = Unindexed(F(name), output_field=output)
        return f"unindexed_{name}"

    conditions: dict[str, Any] = {}
    if f.department:
        conditions[column("department_id", IntegerField()) + "__in"] = _units_under(f.department)
    if f.major:
        conditions[column("major_id", IntegerField())] = f.major
    text_field = CharField()
    for name in ("class_name", "degree_level", "province", "city", "industry", "status"):
        value = getattr(f, name)
        if value:
            conditions[column(name, text_field)] = value
    for name in ("verification", "gender"):
        value = getattr(f, name)
        if value:
            conditions[column(name, text_field)] = value
    for name, lookup in (
        ("enrollment_year_min", "gte"),
        ("enrollment_year_max", "lte"),
        ("graduation_year_min", "gte"),
        ("graduation_year_max", "lte"),
    ):
        value = getattr(f, name)
        if value:
            field_name = name.rsplit("_", 1)[0]
            conditions[f"{column(field_name, IntegerField())}__{lookup}"] = value
    if f.is_key_alumnus is not None:
        conditions[column("is_key_alumnus", BooleanField())] = f.is_key_alumnus
    if aliases:
        queryset = queryset.alias(**aliases)
    if conditions:
        queryset = queryset.filter(**conditions)
    if f.tags:
        through = AlumniRecord.tags.through
        queryset = queryset.filter(
            Exists(through.objects.filter(alumnirecord_id=OuterRef("pk"), tag_id__in=f.tags))
        )
    for key, value in f.custom.items():
        if CUSTOM_KEY.match(key) and value not in (None, ""):
            queryset = queryset.filter(**{f"custom_data__{key}": value})
    if f.custom_filters:
        queryset = apply_custom_filters(queryset, f.custom_filters)
    return queryset


def _steer(terms: list[str]) -> bool:
    return bool(terms) and connection.vendor == "sqlite"


def search_queryset(
    *, user: Any, text: str = "", filters: SearchFilters | None = None, sort: str = ""
) -> QuerySet[AlumniRecord]:
    """The ordered queryset of a search (for exports and audiences; pages use search_records)."""
    terms = terms_of(text)
    queryset = alumni_scope(user)
    queryset = _apply_filters(queryset, filters or SearchFilters(), steer=_steer(terms))
    for term in terms:
        queryset = queryset.filter(_term_q(term))
    if sort not in Sort.CHOICES:
        sort = Sort.RELEVANCE
    if sort == Sort.RELEVANCE:
        if not terms:
            # Filters alone: the most recently added first. Walking the primary key backwards
            # stops at the first page; sorting by name would sort every matching record.
            return queryset.order_by("-pk")
        return (
            queryset.annotate(search_rank=rank_expression("".join(terms)))
            .annotate(search_key=rank_key_expression())
            .order_by(*RANKED_ORDER)
        )
    return queryset.order_by(sort, "pk")


def _tier_page_ids(
    *, user: Any, term: str, filters: SearchFilters | None, needed: int
) -> list[int]:
    """The ids of the first `needed` records of the tiers 0-5 (see selectors_search_rank), in
    one round trip: a UNION ALL of one index-ordered, limited scan per tier."""
    base = _apply_filters(alumni_scope(user), filters or SearchFilters(), steer=_steer([term]))
    parts: list[str] = []
    params: list[Any] = []
    for tier, (condition, order) in enumerate(tier_conditions(term)):
        key = order[0] if order[0] != "pk" else Value("")
        scan = (
            base.filter(condition)
            .annotate(search_tier=Value(tier), search_key=key)
            .order_by(*order)
            .values_list("pk", "search_tier", "search_key")[:needed]
        )
        try:
            sql, scan_params = scan.query.sql_with_params()
        except EmptyResultSet:  # nothing in scope: no scan at all
            continue
        parts.append(f"SELECT * FROM ({sql}) AS tier{tier}")  # noqa: S608 (ORM-built SQL)
        params.extend(scan_params)
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        found = cursor.fetchall()
    found.sort(key=lambda row: (row[1], row[2] or "", row[0]))
    return [row[0] for row in found[:needed]]


def _id_order() -> Any:
    """Tier 6 in id order. PostgreSQL: `id + 0`, which no index answers, so the planner
    collects the trigram index's matches and keeps the first ids (a top-N sort) instead of
    walking the whole primary key hoping to meet matches early — a fragment matching many
    records none of which is in a college admin's scope took seconds that way."""
    if connection.vendor == "postgresql":
        return (F("pk") + Value(0)).asc()
    return "pk"


def search_records(
    *,
    user: Any,
    text: str = "",
    filters: SearchFilters | None = None,
    sort: str = "",
    page: int = 1,
    page_size: int = 20,
) -> SearchResult:
    """One page of a search, with a count capped at COUNT_CAP (never a COUNT(*) over 1M).

    A one-term search in relevance order first takes its page from the index-ordered tiers
    (exact and prefix matches of name, pinyin, initials); the whole ranked search runs only
    when they hold fewer records than the page needs.
    """
    page = max(1, int(page or 1))
    page_size = min(max(1, int(page_size or 20)), MAX_PAGE_SIZE)
    offset = (page - 1) * page_size
    needed = offset + page_size + 1
    terms = terms_of(text)
    queryset = search_queryset(user=user, text=text, filters=filters, sort=sort)
    if sort in ("", Sort.RELEVANCE) and len(terms) == 1:
        ids = _tier_page_ids(user=user, term=terms[0], filters=filters, needed=needed)
        if len(ids) < needed:
            # Too few in the tiers 0-5: the page goes on with the other matches (tier 6) in
            # id order, which the fragment structures give without sorting them all.
            tiers = len(ids)
            others = (
                queryset.exclude(tiers_condition(terms[0]))
                .order_by(_id_order())
                .values_list("pk", flat=True)[max(0, offset - tiers) : needed - tiers]
            )
            wanted = ids[offset:] + list(others)  # `others` starts where the tiers end
        else:
            wanted = ids[offset:needed]
        found = AlumniRecord.objects.select_related("department", "major").in_bulk(wanted)
        rows = [found[pk] for pk in wanted if pk in found]
    else:
        rows = list(queryset.select_related("department", "major")[offset:needed])
    has_next = len(rows) > page_size
    rows = rows[:page_size]
    if page == 1 and not has_next:
        total, capped = len(rows), False
    else:
        total = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
        capped = total > COUNT_CAP
        total = min(total, COUNT_CAP)
        if rows and offset + len(rows) > total:
            total = offset + len(rows)
    return SearchResult(rows, total, capped, page, page_size, has_next)


def saved_search_parameters(saved_search: Any) -> tuple[str, SearchFilters, str]:
    """(text, filters, sort) stored in a SavedSearch (the search page's query parameters)."""
    from xiaoyou.alumni.forms_search import SearchForm

    form = SearchForm.from_query(saved_search.query or {})
    return form.text, form.filters, form.sort_key


def saved_search_queryset(saved_search: Any, user: Any) -> QuerySet[AlumniRecord]:
    """The records of a saved search as `user` may see them now: an audience for other modules
    (notices, events, SMS). Evaluated at use time, so new matching records are included."""
    text, filters, sort = saved_search_parameters(saved_search)
    return search_queryset(user=user, text=text, filters=filters, sort=sort)


def saved_searches_for(user: Any, org: Any = None) -> QuerySet[Any]:
    """The user's own saved searches and those shared in organizations they administer."""
    from xiaoyou.alumni.models import SavedSearch
    from xiaoyou.organizations.selectors import role_paths

    if not getattr(user, "is_authenticated", False):
        return SavedSearch.objects.none()
    shared = Q(is_shared=True)
    if not user.is_superuser:
        paths = role_paths(user, policy.rule_for(AlumniRecord, "view").min_role or "admin")
        reach = Q()
        for path in paths:
            reach |= Q(org__path__startswith=path)
        shared = shared & reach if paths else Q(pk__in=[])
    queryset = SavedSearch.objects.filter(Q(owner=user) | shared).select_related("owner", "org")
    if org is not None:
        queryset = queryset.filter(org=org)
    return queryset.order_by("name", "pk")
