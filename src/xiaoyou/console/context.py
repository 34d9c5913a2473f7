"""The console's request context: who may enter, which organization is being worked on, the shell.

- `is_console_user(user)`: signed in, staff, and admin of some organization (or a superuser).
- `console_required`: the decorator every console view wears (anonymous -> login, others -> 403).
- `current_org(request)`: the organization chosen in the org switcher (kept in the session),
  always one the user administers; views scope their pages with it.
- `shell(request)`: a context processor giving templates `console_shell`, whose parts (sidebar,
  org list, to-do count) are computed only when a console page touches them, once per request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, URLPattern, URLResolver, reverse

from xiaoyou.core.registry import NavEntry, QuickEntry, console_nav, quick_entries
from xiaoyou.organizations.models import Organization, Role
from xiaoyou.organizations.selectors import administered_organizations, role_paths

SESSION_KEY = "console_org_id"
# The switcher lists this many organizations; a platform with more is searched, not scrolled.
ORG_SWITCHER_LIMIT = 300


def is_console_user(user: Any) -> bool:
    """Staff who administer at least one organization, and platform operators (superusers)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(user.is_staff and role_paths(user, Role.ADMIN))


def console_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors go to the login page; signed-in users without console rights get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            if request.headers.get("HX-Request"):
                # htmx would swap the login page into a fragment; load it as a whole page.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = redirect_to_login(request.get_full_path())["Location"]
                return response
            return redirect_to_login(request.get_full_path())
        if not is_console_user(request.user):
            raise PermissionDenied("console access requires an administrator role")
        return view(request, *args, **kwargs)

    return wrapper


def require_console_access(patterns: list[Any]) -> list[Any]:
    """Wraps every view of a URLconf (includes too) in `console_required`, so no console page
    can forget the check; views keep their own, finer permission checks."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            require_console_access(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = console_required(pattern.callback)
    return patterns


def org_choices(request: HttpRequest) -> list[Organization]:
    """The organizations the user administers, in tree order (cached on the request)."""
    cached = getattr(request, "_console_orgs", None)
    if cached is None:
        queryset: QuerySet[Organization] = administered_organizations(request.user).order_by("path")
        cached = list(
            queryset.only("id", "name", "short_name", "path", "depth", "kind", "parent_id")[
                :ORG_SWITCHER_LIMIT
            ]
        )
        request._console_orgs = cached  # type: ignore[attr-defined]
    return cached


def current_org(request: HttpRequest) -> Organization | None:
    """The organization the console works on: the one chosen in the switcher if the user still
    administers it, else the top-most one they administer (None for users who administer none).
    """
    if hasattr(request, "_console_current_org"):
        return request._console_current_org  # type: ignore[attr-defined]
    choices = org_choices(request)
    chosen_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    org = next((item for item in choices if item.pk == chosen_id), None)
    if org is None and chosen_id is not None and request.user.is_authenticated:
        # Beyond the switcher's list (a very large tree): still allowed if administered.
        org = administered_organizations(request.user).filter(pk=chosen_id).first()
    if org is None:
        org = min(choices, key=lambda item: (item.depth, item.path)) if choices else None
    request._console_current_org = org  # type: ignore[attr-defined]
    return org


def set_current_org(request: HttpRequest, org_id: int) -> Organization:
    """Remembers the chosen organization; one the user does not administer is refused (403)."""
    org = administered_organizations(request.user).filter(pk=org_id).first()
    if org is None:
        raise PermissionDenied("not an administered organization")
    request.session[SESSION_KEY] = org.pk
    request._console_current_org = org  # type: ignore[attr-defined]
    return org


def in_current_org(
    queryset: QuerySet[Any], request: HttpRequest, field: str = "org"
) -> QuerySet[Any]:
    """Narrows an already policy-scoped queryset to the current organization's subtree.

    A superuser working on the root organization sees the whole platform, including rows that
    belong to no organization.
    """
    org = current_org(request)
    if org is None:
        return queryset.none()
    if request.user.is_superuser and org.parent_id is None:
        return queryset
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    return queryset.filter(**{lookup: org.path})


@dataclass(frozen=True)
class NavItem:
    entry: NavEntry
    url: str
    is_active: bool
    badge: int = 0


@dataclass(frozen=True)
class NavSection:
    title: Any
    items: list[NavItem]


def _reverse(url_name: str) -> str:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return ""


def _allowed(entry: NavEntry | QuickEntry, user: Any) -> bool:
    return entry.permission is None or bool(entry.permission(user))


def nav_sections(request: HttpRequest) -> list[NavSection]:
    """The sidebar: entries the user may use, grouped by section in registry order.

    The active entry is the one whose URL is the longest prefix of the current path (so a
    detail page lights up its list's entry), the dashboard only on its own page.
    """
    user = request.user
    items: list[tuple[NavEntry, str]] = []
    for entry in console_nav.all():
        url = _reverse(entry.url_name)
        if url and _allowed(entry, user):
            items.append((entry, url))
    path = request.path
    matches = [
        url
        for _entry, url in items
        if path == url or (url != _console_root() and path.startswith(url))
    ]
    active_url = max(matches, key=len) if matches else ""
    sections: list[NavSection] = []
    by_title: dict[str, NavSection] = {}
    for entry, url in items:
        item = NavItem(
            entry=entry,
            url=url,
            is_active=url == active_url,
            badge=int(entry.badge(request)) if entry.badge else 0,
        )
        key = str(entry.section)
        if key not in by_title:
            by_title[key] = NavSection(title=entry.section, items=[])
            sections.append(by_title[key])
        by_title[key].items.append(item)
    return sections


def _console_root() -> str:
    return _reverse("console:dashboard")


def quick_entry_links(request: HttpRequest) -> list[tuple[QuickEntry, str]]:
    result = []
    for entry in quick_entries.all():
        url = _reverse(entry.url_name)
        if url and _allowed(entry, request.user):
            result.append((entry, url))
    return result


def pending_count(request: HttpRequest) -> int | None:
    """The to-do badge count, or None when the review queue is not installed."""
    try:
        from xiaoyou.core.reviews import pending_count_for
    except ImportError:  # the review queue is optional for the shell
        return None
    return pending_count_for(request.user)


class ConsoleShell:
    """What console/base.html shows; each part is computed on first use."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def allowed(self) -> bool:
        return is_console_user(self.request.user)

    @cached_property
    def nav(self) -> list[NavSection]:
        return nav_sections(self.request) if self.allowed else []

    @cached_property
    def orgs(self) -> list[Organization]:
        return org_choices(self.request) if self.allowed else []

    @cached_property
    def org_options(self) -> list[dict[str, Any]]:
        """Switcher options, indented by depth below the user's top-most organization."""
        orgs = self.orgs
        top = min((org.depth for org in orgs), default=0)
        return [{"org": org, "label": ("\u3000" * (org.depth - top)) + org.name} for org in orgs]

    @cached_property
    def org(self) -> Organization | None:
        return current_org(self.request) if self.allowed else None

    @cached_property
    def todo_count(self) -> int | None:
        return pending_count(self.request) if self.allowed else None

    @cached_property
    def todo_url(self) -> str:
        for name in ("console:reviews", "console:review_list", "console:todos"):
            url = _reverse(name)
            if url:
                return url
        return ""

    @property
    def page_layout(self) -> str:
        """The shell a page shared by both (the error pages) extends: the console's under
        /console/, the hall's elsewhere."""
        return (
            "console/base.html" if self.request.path.startswith("/console/") else "hall/base.html"
        )

    @cached_property
    def sidebar_collapsed(self) -> bool:
        return self.request.COOKIES.get("xy_sidebar") == "collapsed"


def shell(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `console_shell` for console/base.html (lazy, so free for hall pages)."""
    return {"console_shell": ConsoleShell(request)}
