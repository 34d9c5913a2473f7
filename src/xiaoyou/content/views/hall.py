"""Hall pages of albums: the albums I may see, an album with its photo grid, lightbox and
multi-upload (XHR with a progress bar, static/content/upload.js), downloading an original,
deleting my own photo; the photo files themselves (served through a permission check, since an
album may be for members only); and an event's album.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoyou.content import images, selectors
from xiaoyou.content.forms import AlbumForm
from xiaoyou.content.models import AlbumStatus
from xiaoyou.content.services import albums as album_services
from xiaoyou.content.services import photos as photo_services
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError

ALBUMS_PER_PAGE = 20
PHOTOS_PER_PAGE = 60
# Per selection in the upload script, which sends batches of 10 files (40 MB) per request.
SELECTION_MAX_FILES = 200


def album_list(request: HttpRequest) -> HttpResponse:
    """相册: albums the visitor may see, newest first; search by title."""
    albums = selectors.albums_visible(request.user)
    query = request.GET.get("q", "").strip()[:50]
    if query:
        albums = albums.filter(Q(title__icontains=query) | Q(event__title__icontains=query))
    page = Paginator(albums.order_by("-created_at", "-id"), ALBUMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "content/hall/album_list.html", {"page": page, "query": query})


@login_required
def album_create(request: HttpRequest) -> HttpResponse:
    """新建相册: verified alumni, in an organization they belong to (reviewed before it shows)."""
    orgs = selectors.album_creatable_orgs(request.user)
    if not orgs:
        return render(request, "content/hall/album_verified_only.html", status=403)
    form = AlbumForm(request.POST or None, orgs=orgs, initial={"org": orgs[0].pk})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org_id = data.pop("org")
        org = next(item for item in orgs if item.pk == org_id)
        try:
            album = album_services.album_propose(actor=request.user, org=org, **data)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            if album.status == AlbumStatus.PENDING:
                messages.info(request, _("Thank you. Your album will show once approved."))
            else:
                messages.success(request, _("Album created."))
            return redirect("hall:content_album", pk=album.pk)
    return render(request, "content/hall/album_form.html", {"form": form})


@login_required
def my_albums(request: HttpRequest) -> HttpResponse:
    """我的相册: albums I created, with their review status."""
    page = Paginator(selectors.albums_created_by(request.user), ALBUMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "content/hall/my_albums.html", {"page": page})


def album_detail(request: HttpRequest, pk: int) -> HttpResponse:
    album = selectors.album_visible(request.user, pk)
    if album is None:
        raise Http404
    photos = selectors.album_photos_hall(request.user, album)
    page = Paginator(photos, PHOTOS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "content/hall/album_detail.html",
        {
            "album": album,
            "page": page,
            "may_upload": selectors.may_upload(request.user, album),
            "is_manager": policy.can(request.user, "manage", album),
            "max_files": SELECTION_MAX_FILES,
            "max_bytes": images.PHOTO_MAX_BYTES,
        },
    )


def event_album(request: HttpRequest, pk: int) -> HttpResponse:
    """An event's album (活动掠影), for whoever may see the event; created on first use."""
    from xiaoyou.events.models import Event

    event = Event.objects.select_related("org").filter(pk=pk).first()
    if event is None or not policy.can(request.user, "view", event):
        raise Http404
    album = album_services.event_album(event=event)
    if not policy.can(request.user, "view", album):
        raise Http404
    return redirect("hall:content_album", pk=album.pk)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def album_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Several photos in one request (field "photos"); JSON for the upload script, a redirect
    with messages for a plain form post."""
    album = selectors.album_visible(request.user, pk)
    if album is None:
        raise Http404
    try:
        result = photo_services.photo_upload(
            actor=request.user,
            album=album,
            files=request.FILES.getlist("photos"),
            caption=request.POST.get("caption", ""),
        )
    except PermissionDenied:
        if _wants_json(request):
            return JsonResponse(
                {"error": _("You may not upload photos to this album.")}, status=403
            )
        raise
    except ApplicationError as error:
        if _wants_json(request):
            return JsonResponse({"error": error.text()}, status=error.status)
        messages.error(request, error.text())
        return redirect("hall:content_album", pk=album.pk)
    pending = sum(1 for photo in result.created if photo.status == "pending")
    if _wants_json(request):
        return JsonResponse(
            {
                "created": len(result.created),
                "pending": pending,
                "errors": [{"name": name, "message": message} for name, message in result.errors],
            },
            status=200 if result.created or not result.errors else 400,
        )
    if result.created:
        messages.success(
            request, _("%(count)s photo(s) uploaded.") % {"count": len(result.created)}
        )
    for name, message in result.errors:
        messages.error(request, f"{name}: {message}")
    return redirect("hall:content_album", pk=album.pk)


def photo_file(request: HttpRequest, pk: int, size: str, image_format: str) -> FileResponse:
    """A thumbnail (320, 960 or 1920; jpg or webp) of a photo the visitor may see; before the
    thumbnails exist, the original."""
    photo = selectors.photo_for(request.user, pk)
    if photo is None:
        raise Http404
    name = photo.thumbnail_name(size, image_format) or str(photo.original.name)
    return _file(name, attachment=False)


def photo_download(request: HttpRequest, pk: int) -> FileResponse:
    """下载原图: the original (upright, without metadata) as an attachment."""
    photo = selectors.photo_for(request.user, pk)
    if photo is None:
        raise Http404
    return _file(str(photo.original.name), attachment=True, filename=f"photo-{photo.pk}")


def _file(name: str, *, attachment: bool, filename: str = "") -> FileResponse:
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    extension = name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle,
        content_type=images.content_type_of(name),
        as_attachment=attachment,
        filename=f"{filename}.{extension}" if attachment else "",
    )
    # The file names never change, but a photo may be hidden: cache briefly, privately.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def photo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    photo = selectors.photo_for(request.user, pk)
    if photo is None:
        raise Http404
    photo_services.photo_delete(actor=request.user, photos=[photo])
    messages.success(request, _("Photo deleted."))
    return redirect("hall:content_album", pk=photo.album_id)
