"""Console shell pages: the home page (管理首页), the org switcher and the global search."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from xiaoyou.console import selectors
from xiaoyou.console.context import (
    console_required,
    current_org,
    quick_entry_links,
    set_current_org,
)
from xiaoyou.core.registry import dashboard_figures, search_providers

SEARCH_MAX_LENGTH = 100
SEARCH_RESULTS_PER_PROVIDER = 20


def _url(name: str) -> str:
    if not name:
        return ""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@console_required
def dashboard(request: HttpRequest) -> HttpResponse:
    figures = [
        {"figure": figure, "value": figure.value(request), "url": _url(figure.url_name)}
        for figure in dashboard_figures.all()
    ]
    return render(
        request,
        "console/dashboard.html",
        {
            "org": current_org(request),
            "figures": figures,
            "quick_entries": quick_entry_links(request),
            "todos": selectors.latest_todos(request, 5),
            "audit_entries": selectors.latest_audit_entries(request, 10),
        },
    )


@console_required
@require_POST
def switch_org(request: HttpRequest) -> HttpResponse:
    """Keeps the chosen organization in the session, then returns to the page it came from."""
    org_id = request.POST.get("org", "")
    if org_id.isdigit():
        set_current_org(request, int(org_id))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("console:dashboard")
    return redirect(target)


@console_required
def search(request: HttpRequest) -> HttpResponse:
    """Asks every registered search provider; each gives [(label, url), ...] for its module."""
    text = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    groups = []
    if text:
        for provider in search_providers.all():
            results = provider.search(request, text)[:SEARCH_RESULTS_PER_PROVIDER]
            if results:
                groups.append({"provider": provider, "results": results})
    return render(
        request,
        "console/search.html",
        {
            "search_text": text,
            "groups": groups,
            "total": sum(len(group["results"]) for group in groups),
        },
    )
