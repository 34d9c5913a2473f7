"""Hall pages of the directory (校友录): find alumni, an entry, alumni near me, an
organization's address book, the QR poster; and the home section. Every contact and work field
shown goes through `selectors.visible_fields_bulk`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse

from xiaoyou.directory import selectors_directory as listing
from xiaoyou.directory.forms import DirectorySearchForm
from xiaoyou.directory.selectors import viewer_for
from xiaoyou.organizations.models import Organization

PAGE_SIZE = 20


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _verified_only(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/hall/verified_only.html", status=403)


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    """校友录 / 找校友: the verified alumni, filtered by the search panel."""
    viewer = viewer_for(request.user)
    if not viewer.is_verified:
        return _verified_only(request)
    form = DirectorySearchForm(request.GET or None)
    page = _page(request, listing.find_alumni(viewer, form.filters()))
    return render(
        request,
        "directory/hall/directory.html",
        {
            "form": form,
            "page": page,
            "entries": listing.entries(request.user, viewer, list(page.object_list)),
            "viewer": viewer,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    if not viewer.is_verified:
        return _verified_only(request)
    record = listing.directory_records().filter(pk=pk).first()
    if record is None:
        raise Http404
    shown = listing.entries(request.user, viewer, [record])[0]
    exchange = None
    if record.user_id and record.user_id != request.user.pk:
        user: Any = request.user
        exchange = listing.exchange_between(user.pk, record.user_id)
    return render(
        request,
        "directory/hall/entry.html",
        {
            "entry": shown,
            "exchange": exchange,
            "is_me": record.user_id == request.user.pk,
            "entry_url": request.build_absolute_uri(reverse("hall:directory_entry", args=[pk])),
        },
    )


@login_required
def near(request: HttpRequest) -> HttpResponse:
    """同城校友: by the city asked for, else the viewer's own city."""
    viewer = viewer_for(request.user)
    if not viewer.is_verified:
        return _verified_only(request)
    city = (request.GET.get("city") or (viewer.record.city if viewer.record else "")).strip()[:60]
    page = _page(request, listing.near_me(viewer, city))
    return render(
        request,
        "directory/hall/near.html",
        {
            "city": city,
            "page": page,
            "entries": listing.entries(request.user, viewer, list(page.object_list)),
        },
    )


@login_required
def address_book(request: HttpRequest, pk: int) -> HttpResponse:
    """通讯录 of one organization, for its members and admins."""
    org = get_object_or_404(Organization, pk=pk)
    if not listing.may_read_address_book(request.user, org):
        raise Http404
    viewer = viewer_for(request.user)
    page = _page(request, listing.address_book(org))
    return render(
        request,
        "directory/hall/address_book.html",
        {
            "org": org,
            "page": page,
            "entries": listing.entries(request.user, viewer, list(page.object_list)),
        },
    )


def qr_poster(request: HttpRequest) -> HttpResponse:
    """The directory's QR code for posters (and the mini program's scan): the directory's
    address; scanning it asks to sign in, then opens the directory."""
    return render(
        request,
        "directory/hall/qr.html",
        {"directory_url": request.build_absolute_uri(reverse("hall:alumni"))},
    )


def home_section(request: HttpRequest) -> str:
    """The hall home's directory entry: a search box and "near me" (no query)."""
    return render_to_string("directory/hall/_home.html", {}, request=request)
