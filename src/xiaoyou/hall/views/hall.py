"""Hall shell pages: home, personal center (我的), placeholders for modules to come, language."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from xiaoyou.core import fragment_cache
from xiaoyou.core.registry import Section, hall_home_sections, personal_center_entries
from xiaoyou.hall.sections import menu_links
from xiaoyou.hall.selectors import main_membership

# Tabs of the hall whose module is not built yet; the module's own URL (mounted before the
# hall's catch-all include) takes the same path over when it lands.
PLACEHOLDERS = {
    "events": (_("Events"), _("Event sign-up, tickets and check-in are coming soon.")),
    "alumni": (_("Alumni"), _("The alumni directory and business cards are coming soon.")),
}


def _rendered(registry_items: list, request: HttpRequest) -> list[dict]:
    """Each registered section's HTML; sections that render nothing (a module with nothing to
    show this visitor) are left out. The HTML comes from the module's own templates."""
    result = []
    for item in registry_items:
        html = _section_html(item, request)
        if html:
            result.append({"key": item.key, "label": item.label, "html": mark_safe(html)})  # noqa: S308
    return result


def _section_html(item: Section, request: HttpRequest) -> str:
    if not item.cache_seconds:
        return item.render(request)
    return fragment_cache.cached(
        f"hall.section.{item.key}",
        topics=item.cache_topics,
        vary="member" if request.user.is_authenticated else "visitor",
        timeout=item.cache_seconds,
        render=lambda: item.render(request),
    )


def home(request: HttpRequest) -> HttpResponse:
    """首页: the school's header (branding, cached), the menu of common entries and the sections
    the modules register. Each section costs at most one query, so the page's query count is
    fixed whatever the size of the archive (tests/hall/test_home.py asserts it)."""
    return render(
        request,
        "hall/home.html",
        {
            "menu": menu_links(request),
            "sections": _rendered(hall_home_sections.all(), request),
        },
    )


def me(request: HttpRequest) -> HttpResponse:
    """The personal center; visitors who are not signed in get the sign-in invitation. A user
    who is not a member of the main association is invited to join it first (入会)."""
    if not request.user.is_authenticated:
        return render(request, "hall/me.html", {"entries": []})
    return render(
        request,
        "hall/me.html",
        {
            "main": main_membership(request.user),
            "entries": _rendered(personal_center_entries.all(), request),
        },
    )


def placeholder(request: HttpRequest, section: str) -> HttpResponse:
    if section not in PLACEHOLDERS:
        raise Http404
    title, text = PLACEHOLDERS[section]
    return render(
        request, "hall/placeholder.html", {"section": section, "title": title, "text": text}
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie and redirect), and the choice kept on the signed-in user so
    it follows them to other devices."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES) and user.language != language:  # type: ignore[union-attr]
        # A person's own display preference: no policy decision and nothing for the audit log.
        user.language = language  # type: ignore[union-attr]
        user.save(update_fields=["language"])  # type: ignore[union-attr]
    return response


# --- The foundation's own personal-center entries (registered in HallConfig.ready) ---------


def _entry(request: HttpRequest, *, url: str, label: object, text: object, icon: str) -> str:
    return render_to_string(
        "components/menu_entry.html",
        {"url": url, "label": label, "text": text, "icon": icon},
        request=request,
    )


def account_entry(request: HttpRequest) -> str:
    if not request.user.is_authenticated:
        return ""
    return _entry(
        request,
        url=reverse("mfa_index"),
        label=_("Account security"),
        text=_("Sign-in methods and two-factor authentication"),
        icon="shield",
    )


def console_entry(request: HttpRequest) -> str:
    from xiaoyou.console.context import is_console_user

    if not is_console_user(request.user):
        return ""
    return _entry(
        request,
        url=reverse("console:dashboard"),
        label=_("Console"),
        text=_("Manage your organizations"),
        icon="dashboard",
    )
