"""Browser journeys of the two shells: console navigation, sidebar collapse, language switch,
the hall's tab bar on a phone and top navigation on a desktop; and the design-system components.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import UserFactory
from xiaoyou.core import audit
from xiaoyou.core.models import ReviewItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_labels(language: str) -> list[str]:
    """首页 活动 校友 我的 once the zh-hans catalogue has them; the msgids read Home, Events..."""
    with translation.override(language):
        return [gettext(label) for label in ("Home", "Events", "Alumni", "Me")]


@pytest.fixture
def console_data(org_tree, platform_admin, college_admin):
    """A few to-dos and admin log entries so the console home has content to show."""
    for index, (org, summary) in enumerate(
        [
            (org_tree.college, "张伟申请加入计算机学院校友会"),
            (org_tree.club, "李娜申请加入羽毛球俱乐部"),
            (org_tree.regional, "王芳申请加入上海校友会"),
        ]
    ):
        ReviewItem.objects.create(
            kind="organizations.join",
            org=org,
            content_type=ContentType.objects.get_for_model(org),
            object_id=str(1000 + index),
            summary=summary,
        )
    for index in range(3):
        UserFactory()
    audit.record(actor=platform_admin, action="organization.update", obj=org_tree.college)
    return org_tree


def test_console_navigation(desktop_page, sign_in, screenshot, console_data, platform_admin):
    page = desktop_page
    sign_in(page, platform_admin)
    page.goto("/console/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator(".console-sidebar").is_visible()
    assert page.locator('.nav-link.is-active[data-nav="dashboard"]').count() == 1
    assert page.locator('[data-figure="organizations"] [data-value]').inner_text() == "5"
    assert page.locator("[data-todo-count]").inner_text() == "3"
    screenshot(page, "console-dashboard-desktop")

    # Every sidebar entry opens its page and lights up there.
    entries = page.locator(".sidebar-nav .nav-link").evaluate_all(
        "links => links.map(link => [link.dataset.nav, link.getAttribute('href')])"
    )
    assert entries[0][0] == "dashboard"
    for key, href in entries:
        page.locator(f'.sidebar-nav .nav-link[data-nav="{key}"]').click()
        page.wait_for_url(f"**{href}")
        assert page.locator(".sidebar-nav .nav-link.is-active").get_attribute("data-nav") == key

    # The org switcher reloads the page on the chosen organization.
    page.goto("/console/")
    page.select_option("#org-switcher", str(console_data.college.pk))
    page.wait_for_load_state("load")
    page.wait_for_function(
        f"document.querySelector('#org-switcher').value === '{console_data.college.pk}'"
    )
    assert page.locator('[data-figure="organizations"] [data-value]').inner_text() == "2"
    assert page.locator(".breadcrumb").inner_text() == console_data.college.name

    # Global search goes to the results page with the text kept.
    page.fill(".topbar-search input", "张伟")
    page.press(".topbar-search input", "Enter")
    page.wait_for_url("**/console/search?q=*")
    assert page.locator(".topbar-search input").input_value() == "张伟"
    screenshot(page, "console-search-desktop")


def test_console_sidebar_collapse_is_remembered(
    desktop_page, sign_in, screenshot, console_data, college_admin
):
    page = desktop_page
    sign_in(page, college_admin)
    page.goto("/console/")
    shell = page.locator(".console")
    sidebar = page.locator(".console-sidebar")
    assert "is-collapsed" not in shell.get_attribute("class")
    wide = sidebar.bounding_box()["width"]

    page.click("[data-sidebar-toggle]")
    page.wait_for_function("document.querySelector('.console').classList.contains('is-collapsed')")
    page.wait_for_timeout(300)  # the width transition
    narrow = sidebar.bounding_box()["width"]
    assert (wide, narrow) == (232, 64)
    assert not page.locator(".sidebar-nav .nav-label").first.is_visible()
    screenshot(page, "console-sidebar-collapsed")

    page.reload()
    assert "is-collapsed" in page.locator(".console").get_attribute("class")
    assert page.locator(".console-sidebar").bounding_box()["width"] == 64

    page.click("[data-sidebar-toggle]")
    page.wait_for_timeout(300)
    page.reload()
    assert "is-collapsed" not in page.locator(".console").get_attribute("class")
    assert page.locator(".console-sidebar").bounding_box()["width"] == 232


def test_console_on_a_phone_opens_the_menu_as_a_drawer(
    mobile_page, sign_in, screenshot, console_data, college_admin
):
    page = mobile_page
    sign_in(page, college_admin)
    page.goto("/console/")
    sidebar = page.locator(".console-sidebar")
    assert sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0  # off-screen
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    screenshot(page, "console-dashboard-mobile")
    page.locator("[data-sidebar-toggle]").tap()
    page.wait_for_timeout(300)  # the slide-in
    assert sidebar.bounding_box()["x"] == 0
    screenshot(page, "console-menu-mobile")
    page.locator(".sidebar-backdrop").tap(position={"x": 350, "y": 400})
    page.wait_for_timeout(300)
    assert sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0


def test_language_switch_from_chinese_to_english_and_back(
    desktop_page, sign_in, screenshot, console_data, college_admin
):
    page = desktop_page
    sign_in(page, college_admin)
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click('.hall-account .language-switch button[data-language="en"]')
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url.endswith("/")
    assert page.locator('.hall-nav [data-tab="events"]').inner_text() == "Events"
    college_admin.refresh_from_db()
    assert college_admin.language == "en"
    screenshot(page, "hall-home-desktop-en")

    # Back to Chinese from the console's user menu.
    page.goto("/console/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click(".user-menu summary")
    page.click('.user-menu button[data-language="zh-hans"]')
    page.wait_for_function("document.documentElement.lang === 'zh-hans'")
    assert re.search(r"/console/$", page.url)
    college_admin.refresh_from_db()
    assert college_admin.language == "zh-hans"


def test_htmx_requests_carry_the_csrf_token(desktop_page, org_tree):
    page = desktop_page
    page.goto("/")
    page.wait_for_function("window.htmx !== undefined && window.xiaoyou !== undefined")
    status = page.evaluate(
        """() => new Promise(resolve => {
            const button = document.createElement('button');
            button.setAttribute('hx-post', '/language');
            button.setAttribute('hx-vals', '{"language": "en", "next": "/healthz"}');
            button.setAttribute('hx-swap', 'none');
            document.body.appendChild(button);
            htmx.process(button);
            button.addEventListener('htmx:afterRequest', event => resolve(event.detail.xhr.status));
            button.click();
        })"""
    )
    assert status == 200  # Django's CSRF check passed (403 otherwise), then /healthz
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert cookies["django_language"] == "en"


def test_hall_tab_bar_on_mobile(mobile_page, screenshot, org_tree):
    page = mobile_page
    page.goto("/")
    tabbar = page.locator(".hall-tabbar")
    assert tabbar.is_visible()
    assert not page.locator(".hall-nav").is_visible()
    box = tabbar.bounding_box()
    assert box["y"] + box["height"] == 844  # fixed to the bottom edge
    assert page.locator(".hall-tabbar a").all_inner_texts() == tab_labels("zh-hans")
    assert page.locator(".hall-tabbar a.is-active").get_attribute("data-tab") == "home"
    assert page.locator(".hero h1").inner_text() == org_tree.root.name
    assert (
        page.evaluate("document.documentElement.scrollWidth") == 390
    )  # nothing overflows sideways
    screenshot(page, "hall-home-mobile")

    page.locator('.hall-tabbar a[data-tab="events"]').tap()
    page.wait_for_url("**/events/")
    assert page.locator(".hall-tabbar a.is-active").get_attribute("data-tab") == "events"
    assert page.locator(".empty-state").is_visible()
    screenshot(page, "hall-events-placeholder-mobile")

    page.locator('.hall-tabbar a[data-tab="me"]').tap()
    page.wait_for_url("**/me/")
    screenshot(page, "hall-me-visitor-mobile")


def test_hall_personal_center_on_mobile(mobile_page, sign_in, screenshot, org_tree, college_admin):
    page = mobile_page
    sign_in(page, college_admin)
    page.goto("/me/")
    assert page.locator(".me-header h1").inner_text() == "学院管理员"
    assert page.locator('[data-entry="console"]').is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    screenshot(page, "hall-me-mobile", full_page=True)


def test_hall_top_navigation_on_desktop(desktop_page, screenshot, org_tree):
    page = desktop_page
    page.goto("/")
    assert page.locator(".hall-nav").is_visible()
    assert not page.locator(".hall-tabbar").is_visible()
    assert page.locator(".hall-nav a").all_inner_texts() == tab_labels("zh-hans")
    assert page.locator(".hall-brand .brand-name").inner_text() == org_tree.root.name
    screenshot(page, "hall-home-desktop")
    # (The alumni tab asks a visitor to sign in first: the events tab is open to everyone.)
    page.click('.hall-nav a[data-tab="events"]')
    page.wait_for_url("**/events/")
    assert page.locator(".hall-nav a.is-active").get_attribute("data-tab") == "events"


def test_error_pages(desktop_page, sign_in, screenshot, org_tree, verified_alumnus):
    page = desktop_page
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert page.locator(".error-code").inner_text() == "404"
    screenshot(page, "hall-404-desktop")
    sign_in(page, verified_alumnus)
    response = page.goto("/console/")
    assert response.status == 403
    assert page.locator(".bare-topbar").is_visible()
    screenshot(page, "console-403-desktop")


# --- design-system components --------------------------------------------------------------


def gallery_html(live_server_url: str) -> str:
    """The components rendered by their templates into one page (a living style guide)."""
    from django import forms

    from xiaoyou.core.tables import BulkAction, Column, DataTable, Filter
    from xiaoyou.organizations.models import Organization, OrganizationKind

    request = RequestFactory().get("/console/gallery/?sort=name")
    request.user = type("Visitor", (), {"is_authenticated": False})()
    get_token(request)

    class ProfileForm(forms.Form):
        name = forms.CharField(label="姓名", max_length=20)
        phone = forms.CharField(label="手机号", help_text="用于接收活动通知")
        graduation_year = forms.IntegerField(label="毕业年份", min_value=1950, max_value=2030)
        college = forms.ChoiceField(
            label="学院", choices=[("cs", "计算机学院"), ("econ", "经济学院")]
        )
        newsletter = forms.BooleanField(label="订阅校友通讯", required=False)

    form = ProfileForm(
        data={"name": "", "phone": "138", "graduation_year": "1900", "college": "cs"}
    )
    form.is_valid()
    table = DataTable(
        request,
        Organization.objects.all(),
        columns=[
            Column("name", "名称", sort="name"),
            Column("kind", "类型", sort="kind", badge=True),
            Column("city", "城市"),
            Column("created_at", "创建时间", sort="created_at"),
        ],
        filters=[
            Filter("kind", "类型", lookup="kind", kind="select", choices=OrganizationKind.choices)
        ],
        search_fields=["name"],
        default_sort="name",
        bulk_actions=[
            BulkAction("approve", "批量通过"),
            BulkAction("delete", "删除", is_destructive=True),
        ],
        export_formats=["xlsx", "csv"],
        per_page=3,
    )
    context = {"table": table, "form": form, "request": request}
    parts = [
        '<div class="console-content stack-lg">',
        '<header class="page-header"><div><h1>组件</h1></div><div class="page-actions">'
        '<button class="btn btn-secondary">导出</button><button class="btn btn-primary">新建活动</button></div></header>',
        '<div class="row"><button class="btn btn-primary">主要</button><button class="btn btn-secondary">次要</button>'
        '<button class="btn btn-dark">深色</button><button class="btn btn-danger" data-confirm="确定删除这条记录？" id="delete">删除</button>'
        '<button class="btn btn-ghost">幽灵</button><button class="btn btn-link">链接</button>'
        '<span class="badge">草稿</span><span class="badge badge-primary">进行中</span><span class="badge badge-soft">待审核</span>'
        '<span class="badge badge-dark">已结束</span><span class="badge badge-outline">公开</span></div>',
        '<div class="stats">'
        '<div class="stat stat-primary"><div class="stat-label">本周新增校友</div><div class="stat-value">128</div></div>'
        '<div class="stat"><div class="stat-label">本月新增</div><div class="stat-value">1,024</div></div>'
        '<div class="stat"><div class="stat-label">组织</div><div class="stat-value">36</div></div></div>',
        render_to_string("components/data_table.html", context, request=request),
        '<div class="grid grid-2"><section class="card"><div class="card-header"><h2 class="card-title">表单</h2></div>'
        '<form class="form" novalidate>'
        + form.render()
        + '<div class="form-actions"><button class="btn btn-primary">保存</button>'
        '<button type="button" class="btn btn-secondary" data-modal-open="#demo-modal">打开对话框</button></div></form></section>',
        '<section class="card stack"><div class="card-header"><h2 class="card-title">进度、二维码、空状态</h2></div>',
        render_to_string(
            "components/progress.html", {"percent": 62, "label": "正在导入 620 / 1000"}
        ),
        render_to_string(
            "components/qr.html",
            {"value": "https://alumni.example.edu/card/8F3K2", "caption": "校友卡"},
        ),
        render_to_string(
            "components/empty_state.html",
            {
                "title": "暂无活动",
                "text": "发布第一场活动，邀请校友参加。",
                "action_url": "#",
                "action_label": "发布活动",
            },
        ),
        "</section></div>",
        render_to_string(
            "components/modal.html",
            {"id": "demo-modal", "title": "审核入会申请", "body": "确定通过张伟的入会申请吗？"},
        ),
        "</div>",
    ]
    head = render_to_string("components/toasts.html", {"messages": []}) + render_to_string(
        "components/confirm.html"
    )
    return (
        f'<!doctype html><html lang="zh-hans" data-icons="{live_server_url}/static/img/icons.svg"><head><meta charset="utf-8">'
        f'<base href="{live_server_url}/"><link rel="stylesheet" href="{live_server_url}/static/css/xiaoyou.css">'
        f'<script src="{live_server_url}/static/vendor/htmx.min.js"></script>'
        f'<script src="{live_server_url}/static/js/xiaoyou.js" defer></script></head>'
        f'<body class="console-body">{"".join(parts)}{head}</body></html>'
    ).replace('href="/static/img/icons.svg', f'href="{live_server_url}/static/img/icons.svg')


def test_components_gallery(desktop_page, live_server, screenshot, org_tree):
    page = desktop_page
    page.goto("/healthz")  # same origin for the sprite and scripts
    page.set_content(gallery_html(live_server.url), wait_until="load")
    page.wait_for_function("window.xiaoyou !== undefined")

    # Inline errors of the form, translated by the form's language.
    assert page.locator('.form-field.has-error[data-field="name"] .field-error').count() == 1
    assert (
        page.locator('.form-field.has-error[data-field="graduation_year"] .field-error').count()
        == 1
    )

    # Bulk selection shows the bar with the count.
    assert not page.locator(".bulk-bar").is_visible()
    page.locator("[data-bulk-item]").nth(0).check()
    page.locator("[data-bulk-item]").nth(1).check()
    assert page.locator(".bulk-bar").is_visible()
    assert page.locator("[data-bulk-count]").inner_text() == "2"
    page.locator("[data-bulk-all]").check()
    assert page.locator("[data-bulk-count]").inner_text() == "3"

    # Toasts from script (as from an HX-Trigger "toast" event).
    page.evaluate(
        "document.body.dispatchEvent(new CustomEvent('toast', {bubbles: true, detail: {message: '已保存', level: 'success'}}))"
    )
    assert page.locator(".toast-success .toast-message").inner_text() == "已保存"
    screenshot(page, "components-desktop", full_page=True)

    # A destructive action asks first; cancelling does nothing.
    page.evaluate(
        "window.clicked = 0; document.getElementById('delete').addEventListener('click', () => window.clicked++)"
    )
    page.click("#delete")
    assert page.locator("#confirm-dialog").is_visible()
    assert page.locator("#confirm-dialog .confirm-message").inner_text() == "确定删除这条记录？"
    page.wait_for_timeout(250)  # the dialog's entrance
    screenshot(page, "components-confirm")
    page.click("#confirm-dialog [data-modal-close]")
    assert not page.locator("#confirm-dialog").is_visible()
    assert page.evaluate("window.clicked") == 0
    page.click("#delete")
    page.click("#confirm-dialog .confirm-ok")
    assert page.evaluate("window.clicked") == 1

    # Modal open and close.
    page.click('[data-modal-open="#demo-modal"]')
    assert page.locator("#demo-modal").is_visible()
    page.wait_for_timeout(250)
    screenshot(page, "components-modal")
    page.keyboard.press("Escape")
    assert not page.locator("#demo-modal").is_visible()
