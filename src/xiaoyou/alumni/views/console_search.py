"""多维度查询 (console): the search box with its filter panel, results, saved searches, export.

The page costs a fixed number of queries whatever the result: the page of records (with
department and major joined), a capped count, the filter panel's choices and the saved-search
list. Exports run the same ordered query without the page limit (core.tables EXPORT_LIMIT).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.alumni.forms_search import SearchForm
from xiaoyou.alumni.models import AlumniRecord, Department, Major, SavedSearch
from xiaoyou.alumni.selectors_search import (
    COUNT_CAP,
    SearchResult,
    saved_searches_for,
    search_queryset,
    search_records,
)
from xiaoyou.alumni.services.saved_searches import (
    saved_search_create,
    saved_search_delete,
    saved_search_share,
)
from xiaoyou.console.context import current_org
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import EXPORT_LIMIT, Column, DataTable, _export_value
from xiaoyou.core.templatetags.xiaoyou import masked
from xiaoyou.directory.staff import redact_for_staff, redact_stream

PAGE_SIZES = (20, 50, 100)


def _department(record: AlumniRecord) -> str:
    return record.department.name if record.department_id and record.department else ""


COLUMNS = [
    Column("name", gettext_lazy("Name"), sort="name"),
    Column("student_id", gettext_lazy("Student number"), sort="student_id"),
    Column("department", gettext_lazy("Department"), accessor=_department),
    Column("major__name", gettext_lazy("Major")),
    Column("degree_level", gettext_lazy("Degree level")),
    Column("graduation_year", gettext_lazy("Year of graduation"), sort="graduation_year"),
    # Phones are masked on screen and in downloads: the full number is on the record itself.
    Column("phone", gettext_lazy("Mobile phone"), accessor=lambda r: masked(r.phone, "phone")),
    Column("employer", gettext_lazy("Employer")),
    Column("city", gettext_lazy("City")),
]


class SearchTable(DataTable):
    """A DataTable fed by search_records: a capped count instead of COUNT(*) over the archive."""

    def __init__(self, request: HttpRequest, form: SearchForm) -> None:
        super().__init__(
            request,
            AlumniRecord.objects.none(),
            columns=COLUMNS,
            default_sort="",
            per_page=PAGE_SIZES[0],
            per_page_options=PAGE_SIZES,
            export_formats=("xlsx",),
            empty_title=gettext_lazy("No alumni found"),
            empty_text=gettext_lazy("Try fewer words, the initials (zsf) or fewer filters."),
        )
        self.form = form

    @property
    def sort(self) -> str:
        requested = self.params.get("sort", "")
        if requested.lstrip("-") in self._sortable:
            return requested
        return self.form.sort_key

    @property
    def queryset(self) -> QuerySet[Any]:  # type: ignore[override]
        return search_queryset(
            user=self.request.user, text=self.form.text, filters=self.form.filters, sort=self.sort
        ).select_related("department", "major")

    @property
    def result(self) -> SearchResult:
        if not hasattr(self, "_result"):
            try:
                number = max(1, int(self.params.get("page", 1)))
            except (TypeError, ValueError):
                number = 1
            self._result = search_records(
                user=self.request.user,
                text=self.form.text,
                filters=self.form.filters,
                sort=self.sort,
                page=number,
                page_size=self.per_page,
            )
        return self._result

    @property
    def page(self) -> Page:  # type: ignore[override]
        result = self.result
        paginator = Paginator(result.records, result.page_size)
        known = (result.page - 1) * result.page_size + len(result.records)
        # The paginator believes the capped total (plus one page when more rows follow).
        paginator.count = max(result.total, known + (1 if result.has_next else 0))  # type: ignore[misc]
        return Page(result.records, result.page, paginator)

    @property
    def total(self) -> int:
        return self.result.total

    @property
    def total_capped(self) -> bool:
        return self.result.total_capped

    @property
    def rows(self) -> list[Any]:  # type: ignore[override]
        # Privacy settings (xiaoyou.directory): fields the alumnus hid from staff stay blank.
        records = redact_for_staff(self.request.user, list(self.result.records))
        return [self._row(record) for record in records]

    def export_rows(self) -> Iterator[list[Any]]:
        # As DataTable.export_rows, with the alumni's privacy choices applied to the file.
        exported = [column for column in self.columns if column.export]
        records = self.queryset[:EXPORT_LIMIT].iterator(chunk_size=2000)
        for record in redact_stream(self.request.user, records, export=True):
            yield [_export_value(column.value(record)) for column in exported]


def alumni_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    table = SearchTable(request, form)
    if table.export_format:
        return table.export_response(_("alumni"))
    org = current_org(request)
    saved = list(saved_searches_for(request.user))
    return render(
        request,
        "alumni/console/search/page.html",
        {
            "form": form,
            "table": table,
            "org": org,
            "saved_searches": saved,
            "count_cap": COUNT_CAP,
            "query_string": urlencode(form.saved_query(), doseq=True),
        },
    )


def alumni_search_units(request: HttpRequest) -> HttpResponse:
    """htmx: the department and major options of the chosen college (and department)."""
    college = request.GET.get("college", "")
    department = request.GET.get("department", "")
    departments: QuerySet[Department] = Department.objects.none()
    if college.isdigit():
        departments = Department.objects.filter(parent_id=int(college), is_active=True)
    unit = department if department.isdigit() else college
    majors = (
        Major.objects.filter(department_id=int(unit)) if unit.isdigit() else Major.objects.none()
    )
    return render(
        request,
        "alumni/console/search/_units.html",
        {
            "departments": departments,
            "majors": majors,
            "department": department,
        },
    )


def _saved(request: HttpRequest, pk: int) -> SavedSearch:
    saved = saved_searches_for(request.user).filter(pk=pk).first()
    if saved is None:
        raise Http404
    return saved


@require_POST
def alumni_saved_search_create(request: HttpRequest) -> HttpResponse:
    org = current_org(request)
    query_string = request.POST.get("query", "")
    from django.http import QueryDict

    form = SearchForm(QueryDict(query_string))
    if org is None:
        raise PermissionDenied
    try:
        saved = saved_search_create(
            actor=request.user,
            org=org,
            name=request.POST.get("name", ""),
            query=form.saved_query(),
            is_shared=request.POST.get("is_shared") == "1",
        )
    except ApplicationError as exc:
        messages.error(request, exc.text())
        return redirect(reverse("console:alumni_search") + "?" + query_string)
    messages.success(request, _("Search saved: %(name)s") % {"name": saved.name})
    return redirect(reverse("console:alumni_search") + "?" + query_string)


def alumni_saved_search_open(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _saved(request, pk)
    return redirect(
        reverse("console:alumni_search") + "?" + urlencode(saved.query or {}, doseq=True)
    )


@require_POST
def alumni_saved_search_share(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _saved(request, pk)
    saved_search_share(actor=request.user, saved=saved, is_shared=request.POST.get("shared") == "1")
    messages.success(request, _("Sharing updated."))
    return redirect("console:alumni_search")


@require_POST
def alumni_saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _saved(request, pk)
    saved_search_delete(actor=request.user, saved=saved)
    messages.success(request, _("Saved search deleted."))
    return redirect("console:alumni_search")


def global_search(request: HttpRequest, text: str) -> list[tuple[str, str]]:
    """Console global search provider: the best matching records, linked to the search page."""
    result = search_records(user=request.user, text=text, page_size=10)
    base = reverse("console:alumni_search")
    found = []
    for record in result.records:
        parts = [record.name, _department(record), str(record.graduation_year or "")]
        label = " · ".join(part for part in parts if part)
        found.append((label, f"{base}?{urlencode({'q': record.student_id or record.name})}"))
    return found
