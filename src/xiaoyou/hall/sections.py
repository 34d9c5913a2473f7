"""The hall's own home section (newest members of the main association) and the home menu.

Registered in HallConfig.ready(); the section's HTML is cached by the hall per language and
audience and rebuilt when the organizations services announce a membership change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from xiaoyou.core.registry import hall_menu
from xiaoyou.hall import selectors

SECTION_SECONDS = 60


def recent_members_section(request: HttpRequest) -> str:
    """最新加入: the 10 latest members' avatars; names only for signed-in visitors (a visitor
    from the internet sees faces or initials, never who joined). One query; the hall caches
    the HTML (SECTION_SECONDS, rebuilt when a membership changes)."""
    members = selectors.recent_main_members()
    if not members:
        return ""
    return render_to_string(
        "hall/_home_recent_members.html",
        {
            "members": [membership.user for membership in members],
            "with_names": bool(request.user.is_authenticated),
        },
    )


@dataclass(frozen=True)
class MenuLink:
    key: str
    label: object
    url: str
    icon: str


def menu_links(request: HttpRequest) -> list[MenuLink]:
    """The home menu (常用入口) from the hall_menu registry: entries the user may use and whose
    page exists (a module not built yet has no URL, so its entry simply does not show)."""
    links = []
    for entry in hall_menu.all():
        if entry.permission is not None and not entry.permission(request.user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        links.append(MenuLink(key=entry.key, label=entry.label, url=url, icon=entry.icon))
    return links
