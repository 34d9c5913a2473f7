"""Console: albums of the current organization and below (list, create, edit), an album's page
(photo grid with search, bulk publish / hide / delete / export, zip import), and the Photos tab
of an event (its album's page under the event's tabs).

console/urls.py wraps every view in console_required; albums are looked up through the
policy-scoped selector, so another organization's album is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.console.context import current_org, in_current_org
from xiaoyou.content import selectors
from xiaoyou.content.forms import AlbumForm, PhotoSearchForm, ZipImportForm
from xiaoyou.content.models import Album, AlbumStatus, Photo, ViewPermission
from xiaoyou.content.services import albums as album_services
from xiaoyou.content.services import archives
from xiaoyou.content.services import photos as photo_services
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.organizations.selectors import administered_organizations

PHOTOS_PER_PAGE = 60
KIND_CHOICES = [("event", gettext_lazy("Event albums")), ("other", gettext_lazy("Other albums"))]


def _album(request: HttpRequest, pk: int) -> Album:
    album = selectors.album_console(request.user, pk)
    if album is None:
        raise Http404
    return album


def _album_url(album: Album) -> str:
    if album.event_id is not None:
        return reverse("console:event_photos", args=[album.event_id])
    return reverse("console:content_album", args=[album.pk])


def _filter_kind(queryset: QuerySet[Album], value: str) -> QuerySet[Album]:
    if value == "event":
        return queryset.filter(event__isnull=False)
    if value == "other":
        return queryset.filter(event__isnull=True)
    return queryset


def album_list(request: HttpRequest) -> HttpResponse:
    """相册管理: albums of the current organization and its sub-organizations."""
    table = DataTable(
        request,
        in_current_org(selectors.albums_console(request.user), request),
        columns=[
            Column("title", gettext_lazy("Title"), sort="title", link=_album_url),
            Column("org__name", gettext_lazy("Organization"), sort="org__path"),
            Column(
                "event",
                gettext_lazy("Event"),
                accessor=lambda album: album.event.title if album.event_id else "",
            ),
            Column(
                "status",
                gettext_lazy("Status"),
                accessor=lambda album: album.get_status_display(),
                badge=True,
            ),
            Column("photo_count", gettext_lazy("Published"), sort="photo_count", align="num"),
            Column("pending_count", gettext_lazy("Waiting for review"), align="num"),
            Column(
                "view_permission",
                gettext_lazy("Who may view"),
                accessor=lambda album: album.get_view_permission_display(),
            ),
            Column("created_at", gettext_lazy("Created"), sort="created_at"),
        ],
        filters=[
            Filter(
                "kind",
                gettext_lazy("Type"),
                kind="select",
                lookup=_filter_kind,
                choices=KIND_CHOICES,
            ),
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=AlbumStatus.choices,
            ),
            Filter(
                "view",
                gettext_lazy("Who may view"),
                kind="select",
                lookup="view_permission",
                choices=ViewPermission.choices,
            ),
        ],
        search_fields=["title", "event__title"],
        search_placeholder=gettext_lazy("Album or event title"),
        default_sort="-created_at",
        empty_title=gettext_lazy("No albums yet"),
        empty_text=gettext_lazy("Create an album, or open an event's Photos tab."),
    )
    return render(
        request, "content/console/album_list.html", {"table": table, "org": current_org(request)}
    )


def album_create(request: HttpRequest) -> HttpResponse:
    orgs = list(administered_organizations(request.user).order_by("path")[:500])
    org = current_org(request)
    form = AlbumForm(request.POST or None, orgs=orgs, initial={"org": org.pk if org else None})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org_id = data.pop("org")
        chosen = next((item for item in orgs if item.pk == org_id), None)
        if chosen is None:
            raise PermissionDenied
        try:
            album = album_services.album_create(actor=request.user, org=chosen, **data)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Album created."))
            return redirect("console:content_album", pk=album.pk)
    return render(request, "content/console/album_form.html", {"form": form, "album": None})


def album_edit(request: HttpRequest, pk: int) -> HttpResponse:
    album = _album(request, pk)
    form = AlbumForm(
        request.POST or None,
        initial={
            "title": album.title,
            "description": album.description,
            "view_permission": album.view_permission,
            "upload_permission": album.upload_permission,
            "requires_moderation": album.requires_moderation,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            album_services.album_update(actor=request.user, album=album, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Saved."))
            return redirect(_album_url(album))
    return render(request, "content/console/album_form.html", {"form": form, "album": album})


@require_POST
def album_delete(request: HttpRequest, pk: int) -> HttpResponse:
    album = _album(request, pk)
    try:
        album_services.album_delete(actor=request.user, album=album)
    except ApplicationError as error:
        messages.error(request, error.text())
        return redirect(_album_url(album))
    messages.success(request, _("Album deleted."))
    return redirect("console:content_albums")


def _album_page(request: HttpRequest, album: Album, *, event: Any = None) -> HttpResponse:
    search = PhotoSearchForm(request.GET or None)
    criteria = search.cleaned_data if search.is_valid() else {}
    photos = selectors.album_photos_console(album, **{k: v for k, v in criteria.items() if v})
    page = Paginator(photos, PHOTOS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "content/console/album_detail.html",
        {
            "album": album,
            "event": event,
            "page": page,
            "search": search,
            "import_form": ZipImportForm(),
            "query": request.GET.urlencode(),
        },
    )


def album_detail(request: HttpRequest, pk: int) -> HttpResponse:
    album = _album(request, pk)
    if album.event_id is not None:
        return redirect("console:event_photos", pk=album.event_id)
    return _album_page(request, album)


def event_photos(request: HttpRequest, pk: int) -> HttpResponse:
    """The Photos tab of an event (活动掠影): the event's album, created on first visit."""
    from xiaoyou.events.models import Event

    event = in_current_org(Event.objects.select_related("org"), request).filter(pk=pk).first()
    if event is None:
        raise Http404
    policy.require(request.user, "manage", event)
    album = album_services.event_album(event=event)
    return _album_page(request, album, event=event)


def _selected(request: HttpRequest, album: Album) -> list[Photo]:
    ids = [int(value) for value in request.POST.getlist("photo") if value.isdigit()]
    return selectors.photos_of(album, ids)


@require_POST
def album_bulk(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    """Bulk actions on the chosen photos: publish, hide, delete, export (zip)."""
    album = _album(request, pk)
    action = request.POST.get("action", "")
    chosen = _selected(request, album)
    if action == "export":
        return _zip_response(request, album, chosen if chosen else None)
    if not chosen:
        messages.error(request, _("Choose at least one photo."))
        return redirect(_album_url(album))
    if action == "cover":
        if len(chosen) != 1:
            messages.error(request, _("Choose one published photo as the cover."))
            return redirect(_album_url(album))
        try:
            album_services.album_update(actor=request.user, album=album, cover=chosen[0])
        except ApplicationError:
            messages.error(request, _("Choose one published photo as the cover."))
        else:
            messages.success(request, _("Cover changed."))
        return redirect(_album_url(album))
    try:
        if action == "delete":
            count = photo_services.photo_delete(actor=request.user, photos=chosen)
        else:
            count = photo_services.photo_moderate(
                actor=request.user, album=album, photos=chosen, action=action
            )
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("%(count)s photo(s) changed.") % {"count": count})
    return redirect(_album_url(album))


def _zip_response(request: HttpRequest, album: Album, chosen: list | None) -> StreamingHttpResponse:  # type: ignore[type-arg]
    stream = archives.album_export_zip(actor=request.user, album=album, photos=chosen)
    response = StreamingHttpResponse(stream, content_type="application/zip")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="album-{album.pk}-{stamp}.zip"'
    return response


def album_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    return _zip_response(request, _album(request, pk), None)


@require_POST
def album_import(request: HttpRequest, pk: int) -> HttpResponse:
    album = _album(request, pk)
    form = ZipImportForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        try:
            report = archives.album_import_zip(
                actor=request.user, album=album, file=form.cleaned_data["archive"]
            )
        except ApplicationError as error:
            form.add_error("archive", error.text())
    if report is not None and report.ok:
        messages.success(
            request,
            _("%(created)s photo(s) imported, %(skipped)s already in the album.")
            % {"created": len(report.created), "skipped": len(report.skipped)},
        )
        return redirect(_album_url(album))
    return render(
        request,
        "content/console/import_report.html",
        {"album": album, "form": form, "report": report, "back_url": _album_url(album)},
        status=400,
    )
