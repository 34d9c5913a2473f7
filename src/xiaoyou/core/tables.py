"""Data tables for console list pages: whitelisted filters, sorting, pagination, bulk and export.

A view builds a `DataTable` from a queryset that is already scoped by policy (a selector), and
the request; the table only ever narrows that queryset, and only by what it declares:

    table = DataTable(
        request,
        selectors.entries_visible_to(request.user),
        columns=[
            Column("created_at", _("Time"), sort="created_at"),
            Column("actor_label", _("Actor"), sort="actor_label"),
            Column("action", _("Action"), link=lambda entry: entry.get_absolute_url()),
        ],
        filters=[
            Filter("action", _("Action"), lookup="action", choices=ACTION_CHOICES),
            Filter("since", _("From"), lookup="created_at__date__gte", kind="date"),
        ],
        search_fields=["actor_label", "object_repr"],
        default_sort="-created_at",
        bulk_actions=[BulkAction("approve", _("Approve"))],
    )
    if table.export_format:
        return table.export_response("audit-log")
    return render(request, "...", {"table": table})

and the template includes "components/data_table.html" with table=table. Unknown GET
parameters, sort keys that are not a column's, and invalid filter values are ignored, so a URL
cannot reach a field or a row the view did not offer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

SORT_PARAM = "sort"
PAGE_PARAM = "page"
PER_PAGE_PARAM = "per_page"
SEARCH_PARAM = "q"
EXPORT_PARAM = "export"
EXPORT_FORMATS = ("xlsx", "csv")
# Exports stop here: a bigger download belongs in a background job.
EXPORT_LIMIT = 50_000


@dataclass(frozen=True)
class Column:
    """One column: `key` is an attribute path ("org__name") unless `accessor` computes the value.

    `sort` is the ORM ordering field this column sorts by (None: not sortable); `link(obj)` makes
    the cell a link; `export=False` leaves it out of downloads; `align="num"` right-aligns it.
    """

    key: str
    label: Any
    sort: str | None = None
    accessor: Callable[[Any], Any] | None = None
    link: Callable[[Any], str] | None = None
    export: bool = True
    align: str = ""
    badge: bool = False

    def value(self, obj: Any) -> Any:
        if self.accessor is not None:
            return self.accessor(obj)
        *path, last = self.key.split("__")
        target = obj
        for part in path:
            target = target.get(part) if isinstance(target, dict) else getattr(target, part, None)
            if target is None:
                return None
        if isinstance(target, dict):
            return target.get(last)
        # Choice fields show their translated label, not the stored code.
        display = getattr(target, f"get_{last}_display", None)
        return display() if callable(display) else getattr(target, last, None)


@dataclass(frozen=True)
class Filter:
    """A GET parameter `name` that narrows the queryset with `lookup` (an ORM lookup).

    `kind` is "text", "select" (with `choices`), "date" or "boolean". `lookup` may be a callable
    `(queryset, value) -> queryset` for filters that are more than one lookup.
    """

    name: str
    label: Any
    lookup: str | Callable[[QuerySet[Any], Any], QuerySet[Any]]
    kind: str = "text"
    choices: Sequence[tuple[Any, Any]] = ()
    placeholder: Any = ""

    def form_field(self) -> forms.Field:
        if self.kind == "select":
            return forms.ChoiceField(
                label=self.label, required=False, choices=[("", _("All")), *self.choices]
            )
        if self.kind == "boolean":
            return forms.ChoiceField(
                label=self.label,
                required=False,
                choices=[("", _("All")), ("1", _("Yes")), ("0", _("No"))],
            )
        if self.kind == "date":
            return forms.DateField(
                label=self.label, required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
        return forms.CharField(
            label=self.label,
            required=False,
            max_length=200,
            widget=forms.TextInput(
                attrs={"placeholder": self.placeholder} if self.placeholder else {}
            ),
        )

    def apply(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if self.kind == "boolean":
            value = value == "1"
        if callable(self.lookup):
            return self.lookup(queryset, value)
        return queryset.filter(**{self.lookup: value})


@dataclass(frozen=True)
class BulkAction:
    """A bulk action button; the view handles the POST with `DataTable.selected(...)`."""

    name: str
    label: Any
    is_destructive: bool = False
    confirm: Any = ""


@dataclass(frozen=True)
class Cell:
    value: Any
    text: str
    link: str = ""
    align: str = ""
    badge: bool = False


@dataclass(frozen=True)
class Row:
    obj: Any
    pk: Any
    cells: list[Cell]
    actions: Sequence[tuple[Any, str]] = ()


@dataclass(frozen=True)
class Header:
    column: Column
    label: Any
    sortable: bool
    url: str = ""
    direction: str = ""  # "asc", "desc" or "" when the table is not sorted by this column


def display_text(value: Any) -> str:
    """How a cell shows a value: local times, Yes/No, a dash for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return date_format(value, "Y-m-d")
    return str(value)


class DataTable:
    """Applies the declared filters, search, sort and pagination of `request.GET` to a queryset."""

    def __init__(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        *,
        columns: Sequence[Column],
        filters: Sequence[Filter] = (),
        search_fields: Sequence[str] = (),
        search_placeholder: Any = "",
        default_sort: str = "-pk",
        per_page: int = 20,
        per_page_options: Sequence[int] = (20, 50, 100),
        bulk_actions: Sequence[BulkAction] = (),
        bulk_url: str = "",
        export_formats: Sequence[str] = (),
        empty_title: Any = "",
        empty_text: Any = "",
        row_actions: Callable[[Any], Sequence[tuple[Any, str]]] | None = None,
    ) -> None:
        self.request = request
        self.base_queryset = queryset
        self.columns = list(columns)
        self.filters = list(filters)
        self.search_fields = list(search_fields)
        self.search_placeholder = search_placeholder
        self.default_sort = default_sort
        self.per_page_options = list(per_page_options)
        self.bulk_actions = list(bulk_actions)
        self.bulk_url = bulk_url
        self.export_formats = [fmt for fmt in export_formats if fmt in EXPORT_FORMATS]
        self.empty_title = empty_title or _("Nothing here yet")
        self.empty_text = empty_text
        # Templates call callables they meet, so the function stays private; they see the flag.
        self._row_actions = row_actions
        self.has_row_actions = row_actions is not None
        self.params: QueryDict = request.GET
        self.per_page = self._per_page(per_page)
        self._sortable = {column.sort for column in self.columns if column.sort}

    # --- parameters -------------------------------------------------------------------------

    def _per_page(self, default: int) -> int:
        try:
            value = int(self.params.get(PER_PAGE_PARAM, default))
        except (TypeError, ValueError):
            return default
        return value if value in self.per_page_options else default

    @cached_property
    def filter_form(self) -> forms.Form:
        fields: dict[str, forms.Field] = {}
        if self.search_fields:
            fields[SEARCH_PARAM] = forms.CharField(
                label=_("Search"),
                required=False,
                max_length=200,
                widget=forms.TextInput(
                    attrs={"placeholder": self.search_placeholder or _("Search"), "type": "search"}
                ),
            )
        for item in self.filters:
            fields[item.name] = item.form_field()
        form_class = type("DataTableFilterForm", (forms.Form,), fields)
        form = form_class(self.params or None)
        form.is_valid()
        return form

    @property
    def has_filters(self) -> bool:
        return bool(self.filters or self.search_fields)

    @cached_property
    def active_filters(self) -> dict[str, Any]:
        """The declared filters with a valid, non-empty value (invalid ones are ignored)."""
        form = self.filter_form
        cleaned = getattr(form, "cleaned_data", {})
        return {
            name: value
            for name, value in cleaned.items()
            if name not in form.errors and value not in (None, "")
        }

    @property
    def sort(self) -> str:
        """The sort key in effect: a sortable column's field, with "-" for descending."""
        requested = self.params.get(SORT_PARAM, "")
        if requested.lstrip("-") in self._sortable:
            return requested
        return self.default_sort

    @property
    def export_format(self) -> str:
        """The requested download format when the view offers it, else ""."""
        requested = self.params.get(EXPORT_PARAM, "")
        return requested if requested in self.export_formats else ""

    # --- querysets --------------------------------------------------------------------------

    @cached_property
    def queryset(self) -> QuerySet[Any]:
        """Filtered, searched and sorted; not paginated."""
        queryset = self.base_queryset
        active = self.active_filters
        text = active.get(SEARCH_PARAM, "")
        if text and self.search_fields:
            query = Q()
            for name in self.search_fields:
                query |= Q(**{f"{name}__icontains": text})
            queryset = queryset.filter(query)
        for item in self.filters:
            if item.name in active:
                queryset = item.apply(queryset, active[item.name])
        sort = self.sort
        # A unique tiebreaker keeps pages stable when many rows share the sorted value.
        tiebreak = "-pk" if sort.startswith("-") else "pk"
        ordering = [sort] if sort.lstrip("-") == "pk" else [sort, tiebreak]
        return queryset.order_by(*ordering)

    @cached_property
    def page(self) -> Page:
        paginator = Paginator(self.queryset, self.per_page)
        return paginator.get_page(self.params.get(PAGE_PARAM))

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @cached_property
    def rows(self) -> list[Row]:
        return [self._row(obj) for obj in self.page.object_list]

    def _row(self, obj: Any) -> Row:
        cells = []
        for column in self.columns:
            value = column.value(obj)
            cells.append(
                Cell(
                    value=value,
                    text=display_text(value),
                    link=column.link(obj) if column.link else "",
                    align=column.align,
                    badge=column.badge,
                )
            )
        actions = self._row_actions(obj) if self._row_actions else ()
        return Row(obj=obj, pk=getattr(obj, "pk", None), cells=cells, actions=actions)

    def selected(self, data: QueryDict | None = None, name: str = "ids") -> QuerySet[Any]:
        """The rows of the (scoped) queryset whose ids were ticked; foreign ids are dropped."""
        data = data if data is not None else self.request.POST
        ids = [value for value in data.getlist(name) if value.isdigit()]
        return self.base_queryset.filter(pk__in=ids)

    # --- links ------------------------------------------------------------------------------

    def url_with(self, **changes: Any) -> str:
        """The current query string with `changes` applied (None removes a parameter)."""
        params = self.params.copy()
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        encoded = params.urlencode()
        return f"?{encoded}" if encoded else "?"

    @cached_property
    def headers(self) -> list[Header]:
        current = self.sort
        result = []
        for column in self.columns:
            if not column.sort:
                result.append(Header(column=column, label=column.label, sortable=False))
                continue
            direction = ""
            if current == column.sort:
                direction = "asc"
            elif current == f"-{column.sort}":
                direction = "desc"
            # First click sorts ascending; a click on the ascending column flips it.
            target = f"-{column.sort}" if direction == "asc" else column.sort
            result.append(
                Header(
                    column=column,
                    label=column.label,
                    sortable=True,
                    url=self.url_with(**{SORT_PARAM: target, PAGE_PARAM: None}),
                    direction=direction,
                )
            )
        return result

    @property
    def export_links(self) -> list[tuple[str, str]]:
        return [
            (fmt, self.url_with(**{EXPORT_PARAM: fmt, PAGE_PARAM: None}))
            for fmt in self.export_formats
        ]

    @property
    def reset_url(self) -> str:
        return self.request.path

    def hidden_params(self, *names: str) -> list[tuple[str, str]]:
        """Current values of `names`, for hidden inputs of a form that must keep them."""
        return [(name, str(self.params.get(name))) for name in names if self.params.get(name)]

    @property
    def filter_hidden(self) -> list[tuple[str, str]]:
        """What the filter form keeps: the sort and page size (a new filter starts at page 1)."""
        return self.hidden_params(SORT_PARAM, PER_PAGE_PARAM)

    @property
    def per_page_hidden(self) -> list[tuple[str, str]]:
        """What the page-size form keeps: everything but the page and the size."""
        return [
            (key, value)
            for key, values in self.params.lists()
            if key not in (PAGE_PARAM, PER_PAGE_PARAM, EXPORT_PARAM)
            for value in values
        ]

    # --- export -----------------------------------------------------------------------------

    def export_headers(self) -> list[str]:
        return [str(column.label) for column in self.columns if column.export]

    def export_rows(self) -> Iterator[list[Any]]:
        """Every filtered row (not only the current page), as raw values for the spreadsheet."""
        exported = [column for column in self.columns if column.export]
        # Streamed in chunks (prefetches run per chunk), so a big export never sits in memory.
        for obj in self.queryset[:EXPORT_LIMIT].iterator(chunk_size=2000):
            yield [_export_value(column.value(obj)) for column in exported]

    def export_response(self, filename: str, fmt: str | None = None) -> HttpResponse:
        """The download of the filtered rows through core.excel (formula-safe)."""
        from xiaoyou.core.excel import export_response

        chosen = fmt or self.export_format or "xlsx"
        return export_response(filename, self.export_headers(), self.export_rows(), chosen)


def _export_value(value: Any) -> Any:
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if value is None:
        return ""
    if isinstance(value, int | float | dt.date):
        return value
    return str(value)
