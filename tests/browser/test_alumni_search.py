"""Browser journey of the alumni search: "zsf" and a two-character name in the search box, the
cascading college -> department filter (htmx), and saving the search (desktop)."""

from __future__ import annotations

import os

import pytest

from xiaoyou.alumni.models import AlumniRecord, Department, Major
from xiaoyou.alumni.models.departments import DepartmentKind
from xiaoyou.alumni.models.searches import SavedSearch
from xiaoyou.alumni.services.search_keys import record_search_keys_fill

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _wait_for_htmx(page) -> None:
    page.wait_for_function(
        "() => !document.querySelector("
        "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def _records(org_tree):
    cs = Department.objects.create(
        name="计算机学院", code="CS", kind=DepartmentKind.COLLEGE, org=org_tree.college
    )
    software = Department.objects.create(
        name="软件工程系", code="CS-SE", kind=DepartmentKind.DEPARTMENT, parent=cs
    )
    Major.objects.create(department=software, name="软件工程")
    records = [
        AlumniRecord(org=org_tree.root, name="张三丰", department=software, phone="13912345678",
                     graduation_year=2005, student_id="2001010203"),
        AlumniRecord(org=org_tree.root, name="王芳", department=cs, graduation_year=2007,
                     student_id="2003020001"),
        AlumniRecord(org=org_tree.root, name="王芳琳", graduation_year=2008,
                     student_id="2004020002"),
        AlumniRecord(org=org_tree.root, name="李四", graduation_year=2010, student_id="2006020002"),
    ]  # fmt: skip
    record_search_keys_fill(records)
    for record in records:
        record.save()
    return cs, software


def _result_names(page):
    return [
        row.locator("td").first.inner_text().strip()
        for row in page.locator("#alumni-results table.table tbody tr").all()
    ]


def test_search_by_initials_two_character_name_and_filters(
    desktop_page, sign_in, screenshot, org_tree, platform_admin
):
    cs, software = _records(org_tree)
    page = desktop_page
    sign_in(page, platform_admin)
    page.goto("/console/alumni/search/")
    page.fill("#id_q", "zsf")
    page.locator('[data-testid="alumni-search-form"] button[type="submit"]').click()
    page.wait_for_url("**q=zsf**")
    assert _result_names(page) == ["张三丰"]
    assert "139****5678" in page.locator("#alumni-results").inner_text()
    screenshot(page, "alumni-search-zsf-desktop", full_page=True)

    page.fill("#id_q", "王芳")
    page.locator('[data-testid="alumni-search-form"] button[type="submit"]').click()
    page.wait_for_url("**q=%E7%8E%8B%E8%8A%B3**")
    assert _result_names(page) == ["王芳", "王芳琳"]

    # Choosing the college loads its departments (htmx) and narrows the result.
    page.fill("#id_q", "")
    page.select_option("#id_college", str(cs.pk))
    page.locator(f'#id_department option[value="{software.pk}"]').wait_for(state="attached")
    # The swapped-in select listens for changes only once htmx has settled it; on a loaded
    # machine choosing earlier would go unnoticed.
    _wait_for_htmx(page)
    page.select_option("#id_department", str(software.pk))
    page.locator('#id_major option:has-text("软件工程")').wait_for(state="attached")
    page.locator('[data-testid="alumni-search-form"] button[type="submit"]').click()
    page.wait_for_url(f"**department={software.pk}**")
    assert _result_names(page) == ["张三丰"]

    page.fill("#saved-name", "软件工程系校友")
    page.locator('[data-testid="save-search"] button[type="submit"]').click()
    page.locator('[data-testid="saved-searches"]').wait_for()
    saved = SavedSearch.objects.get(name="软件工程系校友")
    assert saved.query["department"] == str(software.pk)
    screenshot(page, "alumni-search-saved-desktop", full_page=True)
