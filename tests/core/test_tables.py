"""DataTable: whitelisted filters, search, sort, pagination, bulk selection and export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests.factories import OrganizationFactory
from xiaoyou.core.tables import BulkAction, Column, DataTable, Filter, display_text
from xiaoyou.organizations.models import Organization, OrganizationKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


factory = RequestFactory()


@pytest.fixture
def orgs():
    # One shared prefix so the order is the same under every database collation.
    root = OrganizationFactory(name="分会00", kind=OrganizationKind.MAIN, city="北京")
    made = [root]
    for index in range(1, 26):
        made.append(
            OrganizationFactory(
                name=f"分会{index:02d}",
                kind=OrganizationKind.REGIONAL if index % 2 else OrganizationKind.COLLEGE,
                parent=root,
                city="上海" if index % 5 == 0 else "杭州",
                is_active=index != 7,
            )
        )
    return made


def make_table(query: str = "", queryset=None, **options) -> DataTable:
    request = factory.get("/console/orgs/" + (f"?{query}" if query else ""))
    defaults = dict(
        columns=[
            Column("name", "Name", sort="name", link=lambda org: f"/console/orgs/{org.pk}/"),
            Column("kind", "Type", sort="kind", badge=True),
            Column("city", "City"),
            Column("is_active", "Active", export=True),
            Column("parent__name", "Parent", export=False),
        ],
        filters=[
            Filter("kind", "Type", lookup="kind", kind="select", choices=OrganizationKind.choices),
            Filter("city", "City", lookup="city__icontains"),
            Filter("active", "Active", lookup="is_active", kind="boolean"),
            Filter("since", "Created from", lookup="created_at__date__gte", kind="date"),
        ],
        search_fields=["name", "short_name"],
        default_sort="name",
        per_page=10,
        export_formats=["xlsx", "csv"],
    )
    defaults.update(options)
    return DataTable(
        request, queryset if queryset is not None else Organization.objects.all(), **defaults
    )


def names(table: DataTable) -> list[str]:
    return [row.obj.name for row in table.rows]


def test_default_sort_and_first_page(orgs):
    table = make_table()
    assert table.sort == "name"
    assert table.total == 26
    assert table.page.paginator.num_pages == 3
    assert names(table) == [f"分会{index:02d}" for index in range(10)]


def test_descending_sort_and_later_page(orgs):
    table = make_table("sort=-name&page=3")
    assert names(table) == ["分会05", "分会04", "分会03", "分会02", "分会01", "分会00"]


def test_sort_on_a_field_that_is_not_a_sortable_column_is_ignored(orgs):
    for key in ("city", "-path", "password", "parent__name"):
        assert make_table(f"sort={key}").sort == "name"


def test_select_filter_and_search(orgs):
    table = make_table("kind=regional&q=分会1")
    assert names(table) == ["分会11", "分会13", "分会15", "分会17", "分会19"]
    assert table.active_filters == {"kind": "regional", "q": "分会1"}


def test_boolean_and_text_filters(orgs):
    assert names(make_table("active=0")) == ["分会07"]
    assert names(make_table("city=上海")) == ["分会05", "分会10", "分会15", "分会20", "分会25"]


def test_date_filter(orgs):
    Organization.objects.filter(name__in=["分会01", "分会02"]).update(
        created_at=timezone.now() - dt.timedelta(days=30)
    )
    since = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert make_table(f"since={since}").total == 24


def test_invalid_filter_values_are_ignored_not_applied(orgs):
    table = make_table("kind=nonsense&since=not-a-date&active=maybe")
    assert table.active_filters == {}
    assert table.total == 26
    assert set(table.filter_form.errors) == {"kind", "since", "active"}


def test_filters_only_narrow_the_given_queryset(orgs):
    scoped = Organization.objects.filter(city="上海")
    table = make_table("q=分会", queryset=scoped)
    assert names(table) == ["分会05", "分会10", "分会15", "分会20", "分会25"]


def test_page_size_only_from_the_offered_options(orgs):
    assert make_table("per_page=50").per_page == 50
    assert make_table("per_page=100000").per_page == 10
    assert make_table("per_page=x").per_page == 10


def test_out_of_range_page_shows_the_last_page(orgs):
    assert make_table("page=99").page.number == 3


def test_cells_rows_and_headers(orgs):
    table = make_table("q=分会03")
    (row,) = table.rows
    org = row.obj
    assert [cell.text for cell in row.cells] == [
        "分会03",
        "Regional association",
        "杭州",
        "Yes",
        "分会00",
    ]
    assert row.cells[0].link == f"/console/orgs/{org.pk}/"
    assert row.cells[1].badge is True
    headers = {header.label: header for header in table.headers}
    assert headers["Name"].direction == "asc"
    assert headers["Name"].url == "?q=%E5%88%86%E4%BC%9A03&sort=-name"
    assert headers["Type"].direction == ""
    assert headers["Type"].url == "?q=%E5%88%86%E4%BC%9A03&sort=kind"
    assert headers["City"].sortable is False


def test_selected_keeps_only_ids_of_the_scoped_queryset(orgs):
    scoped = Organization.objects.filter(city="上海")
    table = make_table(queryset=scoped)
    inside = Organization.objects.get(name="分会05")
    outside = Organization.objects.get(name="分会01")
    data = QueryDict(mutable=True)
    data.setlist("ids", [str(inside.pk), str(outside.pk), "'; DROP TABLE x;--"])
    assert list(table.selected(data)) == [inside]


def test_export_xlsx_has_every_filtered_row_not_only_the_page(orgs):
    table = make_table("kind=college&export=xlsx")
    assert table.export_format == "xlsx"
    response = table.export_response("orgs")
    assert response["Content-Disposition"].startswith('attachment; filename="orgs.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Name", "Type", "City", "Active")
    assert len(rows) == 1 + 12
    assert rows[1] == ("分会02", "College association", "杭州", "Yes")


def test_export_csv_neutralizes_formulas(orgs):
    OrganizationFactory(name='=HYPERLINK("http://x")', kind=OrganizationKind.CLUB, parent=orgs[0])
    table = make_table("kind=club&export=csv")
    content = table.export_response("orgs").content.decode("utf-8-sig")
    assert content.splitlines()[1].startswith('"\'=HYPERLINK(""http://x"")"')


def test_export_format_must_be_offered(orgs):
    assert make_table("export=pdf").export_format == ""
    assert make_table("export=csv", export_formats=["xlsx"]).export_format == ""


def test_component_renders_filters_headers_rows_bulk_bar_and_pagination(orgs):
    table = make_table(
        "sort=-name",
        bulk_actions=[BulkAction("archive", "Archive", is_destructive=True)],
        bulk_url="/console/orgs/bulk",
        row_actions=lambda org: [("Edit", f"/console/orgs/{org.pk}/edit")],
    )
    html = render_to_string("components/data_table.html", {"table": table}, request=table.request)
    assert 'class="filters"' in html and 'name="q"' in html
    assert '<option value="regional">Regional association</option>' in html
    assert 'aria-sort="descending"' in html
    assert html.count("data-bulk-item") == 10
    assert 'action="/console/orgs/bulk"' in html
    assert 'data-confirm="Apply this action to the selected rows?"' in html
    assert 'href="?sort=-name&amp;export=xlsx"' in html
    assert 'aria-current="page">1<' in html
    assert html.count('/edit"') == 10


def test_component_empty_states(orgs):
    empty = make_table(queryset=Organization.objects.none(), empty_title="No organizations")
    html = render_to_string("components/data_table.html", {"table": empty}, request=empty.request)
    assert "No organizations" in html and "<table" not in html
    filtered = make_table("q=nothing-matches")
    html = render_to_string(
        "components/data_table.html", {"table": filtered}, request=filtered.request
    )
    assert "No results match these filters" in html


def test_display_text():
    moment = dt.datetime(2025, 1, 1, 0, 30, tzinfo=dt.UTC)
    assert display_text(moment) == "2025-01-01 08:30"  # shown in Asia/Shanghai
    assert display_text(None) == "—"
    assert display_text(dt.date(2025, 3, 9)) == "2025-03-09"
