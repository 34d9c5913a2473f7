"""Registries the shells read: each app registers its own entries in AppConfig.ready().

Core knows no feature; the console and the hall render whatever is registered here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class NavEntry:
    """A console sidebar entry. `permission(user)` hides it from those who may not use it."""

    key: str
    label: Any  # lazy translated string
    url_name: str
    icon: str = ""
    section: Any = ""
    order: int = 100
    permission: Callable[[Any], bool] | None = None
    badge: Callable[[HttpRequest], int] | None = None


@dataclass(frozen=True)
class Figure:
    """A dashboard figure: `value(request)` returns a number for the current org scope."""

    key: str
    label: Any
    value: Callable[[HttpRequest], int | str]
    url_name: str = ""
    order: int = 100


@dataclass(frozen=True)
class QuickEntry:
    key: str
    label: Any
    url_name: str
    icon: str = ""
    order: int = 100
    permission: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class Section:
    """A hall home section or personal-center entry: `render(request)` returns HTML or ''.

    A home section whose HTML depends only on the language and on whether the visitor is
    signed in may set `cache_seconds`: the hall then keeps its HTML in core.fragment_cache for
    that long, rebuilt sooner when a service calls `fragment_cache.invalidate(topic)` for one of
    its `cache_topics`.
    """

    key: str
    label: Any
    render: Callable[[HttpRequest], str]
    order: int = 100
    cache_seconds: int = 0
    cache_topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchProvider:
    """Console global search: `search(request, text)` returns [(label, url), ...]."""

    key: str
    label: Any
    search: Callable[[HttpRequest, str], list[tuple[str, str]]]
    order: int = 100


@dataclass(frozen=True)
class OrgCounter:
    """A count per organization shown as a column of the console's organization list.

    `value(org_ids)` returns {org_id: count} for the organizations of one page (or one export),
    computed in one query whatever the number of ids; ids missing from the result count as 0.
    """

    key: str
    label: Any
    value: Callable[[Sequence[int]], dict[int, int]]
    order: int = 100


@dataclass(frozen=True)
class OrgSection:
    """A section of an organization's hall home page: `render(request, org)` returns HTML or ''.

    Modules that belong to an organization (events: "upcoming activity") plug in here; a
    section with nothing to show renders '' and is left out.
    """

    key: str
    label: Any
    render: Callable[[HttpRequest, Any], str]
    order: int = 100


@dataclass
class Registry:
    items: dict[str, Any] = field(default_factory=dict)

    def add(self, item: Any) -> None:
        self.items[item.key] = item

    def all(self) -> list[Any]:
        return sorted(self.items.values(), key=lambda item: (item.order, item.key))


console_nav = Registry()


def console_nav_section(
    section: Any,
    entries: list[tuple[str, Any, str, str, int]],
    *,
    permission: Callable[[Any], bool] | None = None,
) -> None:
    """Adds a sidebar section's entries, each (key, label, URL name, icon, order), all seen by
    the users `permission` lets in."""
    for key, label, url_name, icon, order in entries:
        console_nav.add(
            NavEntry(
                key=key,
                label=label,
                url_name=url_name,
                icon=icon,
                section=section,
                order=order,
                permission=permission,
            )
        )


dashboard_figures = Registry()
quick_entries = Registry()
# The hall home's menu of common entries (QuickEntry; `permission(user)` may hide one).
hall_menu = Registry()
hall_home_sections = Registry()
personal_center_entries = Registry()
search_providers = Registry()
# Columns of the organization list (组织管理), e.g. events per organization.
org_counters = Registry()
# Sections of an organization's hall home page (OrgSection), e.g. upcoming events.
org_home_sections = Registry()


@dataclass(frozen=True)
class PersonalDataExporter:
    """A section of "download my data" (PIPL): `export(user)` returns the rows about `user`
    (a list of flat dicts, values JSON-serializable). Each app registers its own section."""

    key: str
    label: Any
    export: Callable[[Any], list[dict[str, Any]]]
    order: int = 100


# Sections of a person's data export (xiaoyou.privacy), e.g. profile, memberships, posts.
personal_data_exporters = Registry()


@dataclass(frozen=True)
class DemoSeeder:
    """Demo content of one module, loaded by `xiaoyou seed-demo` once the demo school exists.

    `seed(result, root=..., org_by_key=..., accounts=..., alumni=...)` runs inside the seeding's
    transaction: it creates whatever part of its content is missing (every object found by a
    natural key first, so a second run creates nothing) and counts what it created with
    `result.add(kind, n)`. `accounts` are the demo accounts by key ("platform_admin", ...),
    `alumni` the accounts of the demo alumnus and the demo alumni, each linked to a record.
    """

    key: str
    seed: Callable[..., None]
    order: int = 100


# Demo content of the modules (DemoSeeder), seeded in order after the demo school.
demo_seeder_registry = Registry()


def demo_seeder(order: int, func: Callable[..., None]) -> None:
    """Registers `func` as a module's demo content, run by `xiaoyou seed-demo` in `order`."""
    key = f"{func.__module__}.{func.__qualname__}"
    demo_seeder_registry.add(DemoSeeder(key=key, seed=func, order=order))


def demo_seeders() -> list[Callable[..., None]]:
    """The registered demo seeders, in order."""
    return [item.seed for item in demo_seeder_registry.all()]
