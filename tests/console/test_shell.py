"""Console shell: who may enter, the sidebar, the org switcher, search and the home page."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import OrganizationFactory, UserFactory
from xiaoyou.console import selectors
from xiaoyou.console.context import SESSION_KEY, current_org, is_console_user
from xiaoyou.core import audit
from xiaoyou.core.models import AuditEntry, ReviewItem, ReviewStatus
from xiaoyou.core.registry import NavEntry, SearchProvider, console_nav, search_providers
from xiaoyou.organizations.models import OrganizationKind, Role
from xiaoyou.organizations.services import role_grant

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DASHBOARD = "/console/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def console_login(client, user):
    """Signs `user` in the way the console expects: staff have a TOTP authenticator (the staff
    security middleware sends staff without one to the 2FA setup)."""
    if user.is_staff:
        Authenticator.objects.get_or_create(
            user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "unused"}}
        )
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def registry_snapshot():
    """Registers test entries in the shell registries and restores them afterwards."""
    saved = [(registry, dict(registry.items)) for registry in (console_nav, search_providers)]
    yield
    for registry, items in saved:
        registry.items = items


def nav_keys(html: str) -> list[str]:
    return re.findall(r'data-nav="([^"]+)"', html)


def switcher_options(html: str) -> list[tuple[str, str]]:
    select = re.search(r'<select id="org-switcher".*?</select>', html, re.S)
    assert select is not None
    return [
        (value, label.replace("\u3000", "").strip())
        for value, label in re.findall(
            r'<option value="(\d+)"[^>]*>([^<]*)</option>', select.group(0)
        )
    ]


def make_review(org, summary: str, *, status=ReviewStatus.PENDING, object_id: str = ""):
    return ReviewItem.objects.create(
        kind="test.review",
        org=org,
        content_type=ContentType.objects.get_for_model(org),
        object_id=object_id or summary,
        summary=summary,
        status=status,
    )


# --- who may enter -------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/console/"


@pytest.mark.parametrize("persona", ["verified_alumnus", "unverified_user", "outsider"])
def test_people_without_console_rights_get_a_friendly_403(client, persona, request):
    user = request.getfixturevalue(persona)
    response = console_login(client, user).get(DASHBOARD)
    assert response.status_code == 403
    html = response.content.decode()
    assert "You do not have access to this page" in html
    assert "The console is for staff who administer an organization." in html
    # The bare console frame: no navigation, no org switcher.
    assert "console-sidebar" not in html and "org-switcher" not in html


def test_staff_without_an_admin_role_get_403(client, org_tree):
    staff_member = UserFactory(is_staff=True)
    role_grant(actor=None, user=staff_member, org=org_tree.college, role=Role.MEMBER)
    assert is_console_user(staff_member) is False
    assert console_login(client, staff_member).get(DASHBOARD).status_code == 403


def test_admins_who_are_not_staff_get_403(client, org_tree):
    admin = UserFactory(is_staff=False)
    role_grant(actor=None, user=admin, org=org_tree.college, role=Role.ADMIN)
    assert console_login(client, admin).get(DASHBOARD).status_code == 403


@pytest.mark.parametrize("persona", ["platform_admin", "college_admin", "regional_admin"])
def test_admins_enter(client, persona, request):
    user = request.getfixturevalue(persona)
    response = console_login(client, user).get(DASHBOARD)
    assert response.status_code == 200
    assert "console-sidebar" in response.content.decode()


def test_superuser_enters_without_any_role(client, db):
    operator = UserFactory(is_staff=True, is_superuser=True)
    assert console_login(client, operator).get(DASHBOARD).status_code == 200


# --- sidebar -------------------------------------------------------------------------------


def test_sidebar_shows_only_entries_the_user_may_use(
    client, org_tree, platform_admin, college_admin, registry_snapshot
):
    console_nav.add(
        NavEntry(
            key="t_everyone",
            label="Everyone",
            url_name="console:search",
            section="Tests",
            order=500,
        )
    )
    console_nav.add(
        NavEntry(
            key="t_operators",
            label="Operators only",
            url_name="console:search",
            section="Tests",
            order=501,
            permission=lambda user: user.is_superuser,
        )
    )
    console_nav.add(
        NavEntry(key="t_unbuilt", label="Not built", url_name="nowhere:list", section="Tests")
    )

    college_html = console_login(client, college_admin).get(DASHBOARD).content.decode()
    assert "t_everyone" in nav_keys(college_html)
    assert "t_operators" not in nav_keys(college_html)
    assert "t_unbuilt" not in nav_keys(college_html)

    client.logout()
    operator_html = console_login(client, platform_admin).get(DASHBOARD).content.decode()
    keys = nav_keys(operator_html)
    assert keys.index("dashboard") < keys.index("t_everyone") < keys.index("t_operators")
    assert "t_unbuilt" not in keys


def test_sidebar_groups_by_section_and_marks_the_active_entry(
    client, college_admin, registry_snapshot
):
    console_nav.add(
        NavEntry(
            key="t_search",
            label="Search page",
            url_name="console:search",
            section="Tests",
            order=500,
        )
    )
    html = console_login(client, college_admin).get("/console/search?q=x").content.decode()
    active = re.findall(r'class="nav-link is-active"[^>]*data-nav="([^"]+)"', html)
    assert active == ["t_search"]
    titles = re.findall(r'<div class="nav-section-title">([^<]+)</div>', html)
    assert titles[0] == "Overview"
    assert "Tests" in titles

    home = client.get(DASHBOARD).content.decode()
    assert re.findall(r'class="nav-link is-active"[^>]*data-nav="([^"]+)"', home) == ["dashboard"]


def test_sidebar_collapsed_state_comes_from_the_cookie(client, college_admin):
    console_login(client, college_admin)
    assert 'class="console is-collapsed"' not in client.get(DASHBOARD).content.decode()
    client.cookies["xy_sidebar"] = "collapsed"
    assert 'class="console is-collapsed"' in client.get(DASHBOARD).content.decode()


# --- org switcher --------------------------------------------------------------------------


def test_org_switcher_lists_only_administered_organizations(client, org_tree, college_admin):
    html = console_login(client, college_admin).get(DASHBOARD).content.decode()
    assert switcher_options(html) == [
        (str(org_tree.college.pk), org_tree.college.name),
        (str(org_tree.club.pk), org_tree.club.name),
    ]


def test_org_switcher_of_a_platform_admin_lists_the_tree(client, org_tree, platform_admin):
    html = console_login(client, platform_admin).get(DASHBOARD).content.decode()
    assert [label for _value, label in switcher_options(html)] == [
        org.name
        for org in sorted(
            [
                org_tree.root,
                org_tree.college,
                org_tree.club,
                org_tree.other_college,
                org_tree.regional,
            ],
            key=lambda org: org.path,
        )
    ]


def test_a_single_organization_shows_as_text(client, org_tree, regional_admin):
    html = console_login(client, regional_admin).get(DASHBOARD).content.decode()
    assert '<select id="org-switcher"' not in html
    assert f'<span class="org-name" id="org-switcher">{org_tree.regional.name}</span>' in html


def test_switching_keeps_the_choice_in_the_session(client, org_tree, college_admin):
    console_login(client, college_admin)
    response = client.post(
        reverse("console:switch_org"), {"org": org_tree.club.pk, "next": "/console/search?q=a"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/console/search?q=a"
    assert client.session[SESSION_KEY] == org_tree.club.pk
    assert client.get(DASHBOARD).context["org"] == org_tree.club


def test_switching_to_an_organization_not_administered_is_refused(client, org_tree, college_admin):
    console_login(client, college_admin)
    response = client.post(reverse("console:switch_org"), {"org": org_tree.other_college.pk})
    assert response.status_code == 403
    assert SESSION_KEY not in client.session
    assert client.get(DASHBOARD).context["org"] == org_tree.college


def test_switching_refuses_an_outside_next_url(client, org_tree, college_admin):
    console_login(client, college_admin)
    response = client.post(
        reverse("console:switch_org"), {"org": org_tree.club.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == DASHBOARD


def test_a_remembered_org_no_longer_administered_falls_back(client, org_tree, college_admin, rf):
    console_login(client, college_admin)
    session = client.session
    session[SESSION_KEY] = org_tree.regional.pk
    session.save()
    assert client.get(DASHBOARD).context["org"] == org_tree.college


def test_current_org_defaults_to_the_top_most(org_tree, platform_admin, rf):
    request = rf.get(DASHBOARD)
    request.user = platform_admin
    request.session = {}
    assert current_org(request) == org_tree.root


# --- dashboard -----------------------------------------------------------------------------

FIXED_NOW = dt.datetime(2025, 6, 18, 10, 0, tzinfo=SHANGHAI)  # a Wednesday


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def dated_users(org_tree, platform_admin, college_admin, regional_admin, monkeypatch):
    """Users who joined around the week and month boundaries of FIXED_NOW (Asia/Shanghai)."""
    monkeypatch.setattr(timezone, "now", lambda: FIXED_NOW.astimezone(dt.UTC))
    get_user_model().objects.update(date_joined=local(2024, 1, 1))

    def joined(when, org=None):
        user = UserFactory(date_joined=when)
        if org is not None:
            role_grant(actor=None, user=user, org=org, role=Role.MEMBER)
        return user

    return {
        "week_club": joined(local(2025, 6, 16, 0, 5), org_tree.club),
        "last_week_college": joined(local(2025, 6, 15, 23, 55), org_tree.college),
        "month_regional": joined(local(2025, 6, 10, 9, 0), org_tree.regional),
        "last_month_college": joined(local(2025, 5, 31, 23, 59), org_tree.college),
        "week_no_role": joined(local(2025, 6, 17, 8, 0)),
    }


def test_week_and_month_start_in_shanghai_time():
    assert selectors.week_start(FIXED_NOW) == local(2025, 6, 16)
    assert selectors.month_start(FIXED_NOW) == local(2025, 6, 1)
    # 2025-06-15 20:00 UTC is already Monday 04:00 in Shanghai.
    assert selectors.week_start(dt.datetime(2025, 6, 15, 20, 0, tzinfo=dt.UTC)) == local(
        2025, 6, 16
    )


def figures_of(response) -> dict[str, object]:
    return {item["figure"].key: item["value"] for item in response.context["figures"]}


def test_dashboard_figures_for_the_platform_admin(client, org_tree, platform_admin, dated_users):
    make_review(org_tree.college, "A")
    make_review(org_tree.club, "B")
    make_review(org_tree.regional, "C")
    make_review(org_tree.college, "D", status=ReviewStatus.APPROVED)
    response = console_login(client, platform_admin).get(DASHBOARD)
    assert figures_of(response) == {
        "new_users_week": 2,
        "new_users_month": 4,
        "organizations": 5,
        "pending_todos": 3,
        "payments_today_income": "0.00",  # yuan, net of refunds (payments app)
    }
    html = response.content.decode()
    assert re.search(
        r'data-figure="new_users_month">\s*<div class="stat-label">New users this month</div>\s*<div class="stat-value" data-value>4</div>',
        html,
    )
    assert re.search(r'<span class="badge-count" data-todo-count>3</span>', html)


def test_dashboard_figures_are_scoped_to_the_current_org(
    client, org_tree, college_admin, dated_users
):
    make_review(org_tree.college, "A")
    make_review(org_tree.club, "B")
    make_review(org_tree.regional, "C")
    console_login(client, college_admin)
    assert figures_of(client.get(DASHBOARD)) == {
        "new_users_week": 1,
        "new_users_month": 2,
        "organizations": 2,
        "pending_todos": 2,
        "payments_today_income": "0.00",
    }
    client.post(reverse("console:switch_org"), {"org": org_tree.club.pk})
    figures = figures_of(client.get(DASHBOARD))
    assert figures["new_users_week"] == 1
    assert figures["new_users_month"] == 1
    assert figures["organizations"] == 1


def test_dashboard_lists_the_latest_todos_and_admin_log(
    client, org_tree, college_admin, regional_admin
):
    for index in range(7):
        make_review(org_tree.college, f"college review {index}")
    make_review(org_tree.regional, "regional review")
    for index in range(12):
        audit.record(
            actor=college_admin,
            action="test.college",
            obj=org_tree.club,
            changes={"n": [None, index]},
        )
    audit.record(actor=regional_admin, action="test.regional", obj=org_tree.regional)

    response = console_login(client, college_admin).get(DASHBOARD)
    todos = response.context["todos"]
    assert [item.summary for item in todos] == [
        f"college review {index}" for index in (6, 5, 4, 3, 2)
    ]
    entries = response.context["audit_entries"]
    expected = list(
        AuditEntry.objects.filter(org__path__startswith=org_tree.college.path).order_by("-id")[:10]
    )
    assert [entry.pk for entry in entries] == [entry.pk for entry in expected]
    assert all(entry.action == "test.college" for entry in entries)
    html = response.content.decode()
    assert "regional review" not in html and "test.regional" not in html
    assert (
        len(re.findall(r'<a class="list-title" href="/console/todos/\d+/">college review', html))
        == 5
    )


def test_dashboard_quick_entries_follow_permissions(client, college_admin, platform_admin):
    from xiaoyou.core.registry import QuickEntry, quick_entries

    saved = dict(quick_entries.items)
    try:
        quick_entries.items = {}  # only this test's entries (apps register real ones)
        quick_entries.add(
            QuickEntry(key="t_search", label="Search", url_name="console:search", icon="search")
        )
        quick_entries.add(
            QuickEntry(
                key="t_ops",
                label="Operators",
                url_name="console:search",
                permission=lambda user: user.is_superuser,
            )
        )
        quick_entries.add(QuickEntry(key="t_unbuilt", label="Unbuilt", url_name="nowhere:x"))
        html = console_login(client, college_admin).get(DASHBOARD).content.decode()
        assert re.findall(r'data-quick="([^"]+)"', html) == ["t_search"]
        client.logout()
        html = console_login(client, platform_admin).get(DASHBOARD).content.decode()
        assert re.findall(r'data-quick="([^"]+)"', html) == ["t_ops", "t_search"]
    finally:
        quick_entries.items = saved


def test_dashboard_empty_states(client, org_tree, regional_admin):
    html = console_login(client, regional_admin).get(DASHBOARD).content.decode()
    assert "All caught up" in html


def count_dashboard_queries(client) -> int:
    client.get(DASHBOARD)  # warms the caches (branding is cached, and reset by org changes)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["platform_admin", "college_admin"])
def test_dashboard_query_count_does_not_grow_with_data(client, org_tree, persona, request):
    user = request.getfixturevalue(persona)
    console_login(client, user)
    small = count_dashboard_queries(client)

    for index in range(6):
        club = OrganizationFactory(
            name=f"俱乐部{index}", kind=OrganizationKind.CLUB, parent=org_tree.college
        )
        member = UserFactory()
        role_grant(actor=None, user=member, org=club, role=Role.MEMBER)
        make_review(club, f"review {index}")
        audit.record(actor=user, action="test.more", obj=club)
    large = count_dashboard_queries(client)

    assert small == large
    assert large <= 16


# --- search --------------------------------------------------------------------------------


def test_search_asks_every_provider(client, college_admin, registry_snapshot):
    seen = []

    def people(request, text):
        seen.append((request.user, text))
        return [(f"Person {text}", "/console/people/1/"), ("Second", "/console/people/2/")]

    search_providers.add(SearchProvider(key="t_people", label="People", search=people, order=1))
    search_providers.add(
        SearchProvider(key="t_none", label="Nothing", search=lambda request, text: [])
    )
    response = console_login(client, college_admin).get("/console/search", {"q": "  王芳 "})
    html = response.content.decode()
    assert seen == [(college_admin, "王芳")]
    assert 'data-provider="t_people"' in html and 'data-provider="t_none"' not in html
    assert '<a class="list-main list-title" href="/console/people/1/">Person 王芳</a>' in html
    assert "2 results" in html
    assert 'value="王芳"' in html  # the top bar keeps the text


def test_search_without_text_asks_nobody(client, college_admin, registry_snapshot):
    calls = []
    search_providers.add(
        SearchProvider(key="t_spy", label="Spy", search=lambda r, t: calls.append(t) or [])
    )
    response = console_login(client, college_admin).get("/console/search")
    assert response.status_code == 200
    assert calls == []


def test_search_is_console_only(client, verified_alumnus):
    assert console_login(client, verified_alumnus).get("/console/search?q=a").status_code == 403


def test_every_registered_icon_exists_in_the_sprite():
    from pathlib import Path

    from xiaoyou.core.registry import quick_entries

    sprite = (Path(settings.BASE_DIR) / "static/img/icons.svg").read_text()
    defined = set(re.findall(r'<symbol id="([a-z0-9-]+)"', sprite))
    used = {entry.icon for entry in [*console_nav.all(), *quick_entries.all()] if entry.icon}
    assert used - defined == set()


def console_paths() -> list[str]:
    """A path for every console URL pattern (1 for each parameter)."""
    from django.urls import URLResolver

    from xiaoyou.console import urls as console_urls

    paths = []

    def walk(patterns: list) -> None:
        # Apps include their own URL modules (organizations/urls/...) under the namespace.
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
                continue
            kwargs = {key: 1 for key in pattern.pattern.converters}
            paths.append(reverse(f"console:{pattern.name}", kwargs=kwargs))

    walk(console_urls.urlpatterns)
    return paths


def test_every_console_url_refuses_people_without_console_rights(
    client, org_tree, verified_alumnus
):
    non_staff_admin = UserFactory(is_staff=False)
    role_grant(actor=None, user=non_staff_admin, org=org_tree.college, role=Role.ADMIN)
    paths = console_paths()
    assert "/console/" in paths and len(paths) >= 3
    for user in (verified_alumnus, non_staff_admin):
        console_login(client, user)
        for path in paths:
            assert (path, client.get(path).status_code) == (path, 403)
            assert (path, client.post(path).status_code) == (path, 403)


def test_every_console_url_sends_visitors_to_sign_in(client, org_tree):
    for path in console_paths():
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        fragment = client.get(path, headers={"HX-Request": "true"})
        assert fragment.status_code == 204
        assert fragment["HX-Redirect"].startswith(reverse("account_login") + "?next=")
