"""Hall shell: home sections, personal center, placeholders, language switch, error pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.template import Context, Template
from django.template.loader import get_template
from django.test import override_settings
from django.utils import translation

from xiaoyou.core.registry import Section, hall_home_sections, personal_center_entries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def sections():
    """Empties the hall registries for the test and restores them afterwards."""
    saved = [
        (registry, dict(registry.items))
        for registry in (hall_home_sections, personal_center_entries)
    ]
    for registry, _items in saved:
        registry.items = {}
    yield
    for registry, items in saved:
        registry.items = items


def tab_classes(html: str, container: str) -> dict[str, str]:
    block = re.search(rf'<nav class="{container}".*?</nav>', html, re.S)
    assert block is not None
    return dict(
        (tab, classes)
        for classes, tab in re.findall(
            r'<a href="[^"]*" class="([^"]*)" data-tab="([^"]+)"', block.group(0)
        )
    )


def test_home_renders_registered_sections_in_order(client, org_tree, sections):
    hall_home_sections.add(
        Section(
            key="news",
            label="News",
            render=lambda request: '<div id="t-news">News list</div>',
            order=20,
        )
    )
    hall_home_sections.add(
        Section(
            key="events",
            label="Events",
            render=lambda request: '<div id="t-events">Upcoming</div>',
            order=10,
        )
    )
    hall_home_sections.add(Section(key="quiet", label="Quiet", render=lambda request: "", order=30))
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'data-section="([^"]+)"', html) == ["events", "news"]
    assert html.index('id="t-events"') < html.index('id="t-news"')
    assert "More services are on the way" not in html


def test_home_with_an_empty_registry(client, org_tree, sections):
    html = client.get("/").content.decode()
    assert "More services are on the way" in html
    assert 'data-section="' not in html


def test_home_shows_the_school_and_sign_in_links(client, org_tree):
    html = client.get("/").content.decode()
    assert '<span class="brand-name">示范大学校友总会</span>' in html
    assert '<span class="brand-sub">示范大学</span>' in html
    assert '<h1 id="hero-title">示范大学校友总会</h1>' in html
    assert 'href="/accounts/login/?next=/"' in html
    assert 'href="/accounts/signup/"' in html
    assert "<title>Home · 示范大学校友总会</title>" in html


def test_signed_in_visitors_get_the_user_menu(client, verified_alumnus):
    client.force_login(verified_alumnus)
    html = client.get("/").content.decode()
    assert 'class="dropdown user-menu"' in html
    assert "张伟" in html
    assert 'href="/accounts/login/' not in html
    # Not staff: no console link.
    assert 'href="/console/"' not in html


def test_tab_bar_and_top_navigation_mark_the_current_page(client, org_tree):
    html = client.get("/events/").content.decode()
    for container in ("hall-nav", "hall-tabbar"):
        assert tab_classes(html, container) == {
            "home": "",
            "events": "is-active",
            "alumni": "",
            "me": "",
        }
    home = client.get("/").content.decode()
    assert tab_classes(home, "hall-tabbar")["home"] == "is-active"


# /alumni/ is the directory now (xiaoyou.directory, tests/directory/test_views.py) and /events/
# the events list (xiaoyou.events, tests/events/test_hall_pages.py): no placeholder tab is left.
def test_events_tab_is_the_events_list(client, org_tree):
    response = client.get("/events/")
    assert response.status_code == 200
    assert b"data-event-list" in response.content or b'class="empty-state' in response.content


def test_me_lists_the_personal_center_entries(client, verified_alumnus, sections):
    personal_center_entries.add(
        Section(
            key="cards",
            label="Card",
            render=lambda request: f'<a id="t-card">{request.user}</a>',
            order=5,
        )
    )
    personal_center_entries.add(Section(key="hidden", label="Hidden", render=lambda request: ""))
    client.force_login(verified_alumnus)
    html = client.get("/me/").content.decode()
    assert re.findall(r'<li data-entry="([^"]+)">', html) == ["cards"]
    assert '<a id="t-card">张伟</a>' in html
    assert (
        '<div class="me-meta">' + verified_alumnus.phone[3:6] + "****" + verified_alumnus.phone[-4:]
        in html
    )


def test_me_for_visitors_invites_to_sign_in(client, org_tree, sections):
    personal_center_entries.add(
        Section(key="cards", label="Card", render=lambda request: "<a id='t-card'>x</a>")
    )
    html = client.get("/me/").content.decode()
    assert "t-card" not in html
    assert 'href="/accounts/login/?next=/me/"' in html


def test_foundation_entries_in_the_personal_center(client, college_admin, verified_alumnus):
    Authenticator.objects.create(
        user=college_admin, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    client.force_login(college_admin)
    admin_html = client.get("/me/").content.decode()
    assert re.findall(r'<li data-entry="(console|account)">', admin_html) == ["console", "account"]
    client.force_login(verified_alumnus)
    alumnus_html = client.get("/me/").content.decode()
    assert 'data-entry="console"' not in alumnus_html
    assert 'data-entry="account"' in alumnus_html


# --- language ------------------------------------------------------------------------------


def test_language_switch_sets_the_cookie_and_the_users_language(client, verified_alumnus):
    client.force_login(verified_alumnus)
    response = client.post("/language", {"language": "zh-hans", "next": "/me/"})
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    verified_alumnus.refresh_from_db()
    assert verified_alumnus.language == "zh-hans"

    response = client.post("/language", {"language": "en", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    verified_alumnus.refresh_from_db()
    assert verified_alumnus.language == "en"
    assert '<html lang="en"' in client.get("/").content.decode()


def test_language_switch_for_visitors_sets_only_the_cookie(client, org_tree):
    response = client.post("/language", {"language": "zh-hans", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert '<html lang="zh-hans"' in client.get("/").content.decode()


def test_unknown_language_changes_nothing(client, verified_alumnus):
    client.force_login(verified_alumnus)
    response = client.post("/language", {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    verified_alumnus.refresh_from_db()
    assert verified_alumnus.language == ""


def test_language_switch_refuses_get_and_outside_redirects(client, org_tree):
    assert client.get("/language").status_code == 405
    response = client.post("/language", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_both_shells_offer_the_language_switch(client, college_admin):
    Authenticator.objects.create(
        user=college_admin, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    client.force_login(college_admin)
    for path in ("/", "/console/"):
        html = client.get(path).content.decode()
        assert '<form class="language-switch" method="post" action="/language">' in html
        assert re.findall(r'name="language" value="([^"]+)"', html)[:2] == ["zh-hans", "en"]


def test_chinese_is_the_default_language(client, org_tree):
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="").content.decode()
    assert '<html lang="zh-hans"' in html


def test_times_are_shown_in_shanghai_time():
    moment = dt.datetime(2025, 1, 1, 0, 30, tzinfo=dt.UTC)
    assert (
        Template("{{ moment|date:'Y-m-d H:i' }}").render(Context({"moment": moment}))
        == "2025-01-01 08:30"
    )


# --- error pages ---------------------------------------------------------------------------


def test_404_in_the_hall_style(client, org_tree):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<div class="error-code">404</div>' in html
    assert "hall-topnav" in html and "console-sidebar" not in html


def test_404_in_the_console_style(client, college_admin):
    Authenticator.objects.create(
        user=college_admin, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    client.force_login(college_admin)
    response = client.get("/console/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<div class="error-code">404</div>' in html
    assert "console-sidebar" in html and "hall-topnav" not in html
    assert 'href="/console/">Back to the console home' in html


def test_403_in_the_hall_style_for_application_errors(client, org_tree, rf):
    from xiaoyou.core.errors import ApplicationError
    from xiaoyou.core.middleware import ApplicationErrorMiddleware

    request = rf.get("/events/1/")
    request.user = type("Anonymous", (), {"is_authenticated": False, "is_staff": False})()
    request.session = {}
    response = ApplicationErrorMiddleware(lambda r: None).process_exception(
        request, ApplicationError("permission_denied", status=403)
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "You do not have permission to do this." in html
    assert "hall-topnav" in html


@override_settings(DEBUG=False)
def test_500_renders_without_any_context():
    html = get_template("500.html").render()
    assert '<div class="error-code">500</div>' in html
    assert "--xy-brand: #C8102E" in html
