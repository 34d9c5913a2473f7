"""Browser journey: view the statistics map (校友统计) — the China map shows the provinces of
the records; a click on Guangdong drills down into its cities (desktop)."""

from __future__ import annotations

import os

import pytest

from tests.factories import AlumniRecordFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUANGZHOU = [113.28, 23.13]  # a point well inside Guangdong on china.json


def test_view_the_statistics_map_and_drill_into_a_province(
    desktop_page, sign_in, screenshot, org_tree, platform_admin
):
    from django.core.cache import cache

    cache.clear()  # the statistics cache (locmem, shared with the live server's thread)
    root = org_tree.root
    AlumniRecordFactory(org=root, province="广东省", city="广州", graduation_year=2010)
    AlumniRecordFactory(org=root, province="广东", city="深圳", graduation_year=2011)
    AlumniRecordFactory(org=root, province="北京市", city="北京", graduation_year=2012)
    AlumniRecordFactory(org=root, country="美国", city="纽约", graduation_year=2012)
    page = desktop_page
    sign_in(page, platform_admin)
    page.goto("/console/alumni/stats/")

    china = page.locator('[data-chart="province"]')
    page.locator('[data-chart="province"][data-ready="true"]').wait_for(timeout=20_000)
    assert china.locator("canvas").count() >= 1
    data = page.evaluate(
        "() => window.xiaoyouStats.charts.province.getOption().series[0].data"
        ".filter(item => item.value != null).map(item => [item.name, item.value])"
    )
    assert dict(data) == {"广东": 2, "北京": 1}
    page.locator('[data-chart="country"][data-ready="true"]').wait_for(timeout=20_000)
    world = page.evaluate(
        "() => window.xiaoyouStats.charts.country.getOption().series[0].data"
        ".filter(item => item.value != null).map(item => [item.name, item.value])"
    )
    assert dict(world) == {"China": 3, "United States": 1}
    screenshot(page, "alumni-stats-page-desktop", full_page=True)
    china.scroll_into_view_if_needed()
    screenshot(page, "alumni-stats-china-map-desktop")

    # A real click on Guangdong: the pixel of a point inside it, from the chart's own projection.
    point = page.evaluate(
        "(coord) => window.xiaoyouStats.charts.province.convertToPixel({seriesIndex: 0}, coord)",
        GUANGZHOU,
    )
    box = china.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    page.wait_for_function("() => window.xiaoyouStats.maps.province.level === '广东'")
    cities = page.evaluate(
        "() => { const o = window.xiaoyouStats.charts.province.getOption();"
        " return [o.series[0].map, o.series[0].data.filter(item => item.value != null)"
        ".map(item => [item.name, item.value])]; }"
    )
    assert cities[0] == "广东"
    assert dict(cities[1]) == {"广州市": 1, "深圳市": 1}
    back = page.locator('[data-stats="province"] [data-map-back]')
    assert back.is_visible()
    excel = page.locator('[data-stats="province"] [data-export]').get_attribute("href")
    assert "/city.xlsx?province=" in excel
    screenshot(page, "alumni-stats-guangdong-cities-desktop")

    back.click()
    page.wait_for_function("() => window.xiaoyouStats.maps.province.level === 'china'")
    excel = page.locator('[data-stats="province"] [data-export]').get_attribute("href")
    assert excel.endswith("/province.xlsx")

    # The figures' "as of" time is shown once the charts are in; the table follows the map.
    assert page.locator("[data-as-of]").inner_text().strip() != ""
    rows = page.locator('[data-stats="province"] [data-table-body] tr')
    assert rows.count() == 2

    # A municipality: the record naming only 北京 as its city is in the note and the table.
    page.evaluate("() => window.xiaoyouStats.maps.province.click('北京')")
    page.wait_for_function("() => window.xiaoyouStats.maps.province.level === '北京'")
    hint = page.locator('[data-stats="province"] [data-map-title]').inner_text()
    assert "北京" in hint and "1" in hint
    assert page.locator('[data-stats="province"] [data-table-body] tr').count() == 1
    back.click()
    page.wait_for_function("() => window.xiaoyouStats.maps.province.level === 'china'")

    # Refresh recomputes every chart; the charts come back ready.
    page.locator("[data-stats-refresh]").click()
    page.wait_for_function(
        "() => document.querySelectorAll('[data-chart][data-ready=\"loading\"]').length === 0"
    )
    page.locator('[data-chart="gender"][data-ready="true"]').wait_for(timeout=20_000)

    # The world map drills into China.
    page.evaluate("() => window.xiaoyouStats.maps.country.click('China')")
    page.wait_for_function("() => window.xiaoyouStats.maps.country.level === 'china'")
