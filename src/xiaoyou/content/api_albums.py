"""API of albums and photos (相册), for the H5 pages and the mini program.

The same selectors, policy and services as the hall and the console: the albums a caller may
see (public, verified alumni, members of the organization, an event's registrants; one's own
albums whatever their review status), creating an album (published at once for the
organization's admins, reviewed for verified alumni), uploading photos (multipart, each file
checked on its own), deleting one's own photos, and the managers' bulk publish / hide / delete
and cover. An album or photo the caller may not see is a 404; one they see but may not change
a 403.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from xiaoyou.api.pagination import PageNumber
from xiaoyou.content import selectors
from xiaoyou.content.models import (
    Album,
    Photo,
    PhotoStatus,
    UploadPermission,
    ViewPermission,
)
from xiaoyou.content.services import albums as album_services
from xiaoyou.content.services import photos as photo_services
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations.models import Organization

router = Router(tags=["albums"])

PHOTOS_REFUSED = "content_photos_refused"
BULK_MAX_PHOTOS = 500
MODERATED_STATUSES = (PhotoStatus.PENDING, PhotoStatus.PUBLISHED, PhotoStatus.HIDDEN)


# --- Schemas ------------------------------------------------------------------------------------


def _photo_urls(photo_id: int) -> dict[str, str]:
    return {
        "thumbnail_url": reverse("hall:content_photo_file", args=[photo_id, "320", "jpg"]),
        "large_url": reverse("hall:content_photo_file", args=[photo_id, "1920", "jpg"]),
        "original_url": reverse("hall:content_photo_download", args=[photo_id]),
    }


class AlbumOut(Schema):
    id: int
    title: str
    description: str
    org_id: int
    org_name: str
    event_id: int | None
    view_permission: ViewPermission
    upload_permission: UploadPermission
    requires_moderation: bool
    status: str = Field(..., description="published, or pending / rejected (own albums only).")
    photo_count: int = Field(..., description="Published photos.")
    cover_url: str = Field(..., description="Thumbnail of the cover photo; empty without one.")
    created_at: datetime

    @staticmethod
    def resolve_org_name(obj: Album) -> str:
        return obj.org.name

    @staticmethod
    def resolve_photo_count(obj: Album) -> int:
        count = getattr(obj, "photo_count", None)
        if count is None:
            count = obj.photos.filter(status=PhotoStatus.PUBLISHED).count()
        return int(count)

    @staticmethod
    def resolve_cover_url(obj: Album) -> str:
        if obj.cover_id is None:
            return ""
        return reverse("hall:content_photo_file", args=[obj.cover_id, "320", "jpg"])


class AlbumDetailOut(AlbumOut):
    may_upload: bool
    is_manager: bool = Field(..., description="May edit the album and moderate its photos.")

    @staticmethod
    def resolve_may_upload(obj: Album, context: Any) -> bool:
        return selectors.may_upload(context["request"].auth, obj)

    @staticmethod
    def resolve_is_manager(obj: Album, context: Any) -> bool:
        return policy.can(context["request"].auth, "manage", obj)


class AlbumIn(Schema):
    org_id: int = Field(..., description="See /content/me/album-organizations.")
    title: str = Field(..., min_length=1, max_length=100)
    description: str = Field("", max_length=2000)
    view_permission: ViewPermission = ViewPermission.PUBLIC
    upload_permission: UploadPermission = UploadPermission.VERIFIED
    requires_moderation: bool = False


class AlbumUpdateIn(Schema):
    """Only the fields sent change."""

    title: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, max_length=2000)
    view_permission: ViewPermission | None = None
    upload_permission: UploadPermission | None = None
    requires_moderation: bool | None = None


class OrganizationChoiceOut(Schema):
    id: int
    name: str


class PhotoOut(Schema):
    id: int
    album_id: int
    caption: str
    status: str = Field(..., description="published; pending or hidden for its uploader/managers")
    width: int
    height: int
    taken_at: datetime | None
    created_at: datetime
    is_mine: bool
    thumbnail_url: str = Field(..., description="320 px JPEG (the original until it is made).")
    large_url: str = Field(..., description="1920 px JPEG.")
    original_url: str = Field(..., description="The original, as an attachment.")

    @staticmethod
    def resolve_is_mine(obj: Photo, context: Any) -> bool:
        return bool(obj.uploader_id and obj.uploader_id == context["request"].auth.pk)

    @staticmethod
    def resolve_thumbnail_url(obj: Photo) -> str:
        return _photo_urls(obj.pk)["thumbnail_url"]

    @staticmethod
    def resolve_large_url(obj: Photo) -> str:
        return _photo_urls(obj.pk)["large_url"]

    @staticmethod
    def resolve_original_url(obj: Photo) -> str:
        return _photo_urls(obj.pk)["original_url"]


class RefusedFileOut(Schema):
    name: str
    message: str


class UploadOut(Schema):
    created: list[PhotoOut]
    pending: int = Field(..., description="How many of them wait for the managers' review.")
    refused: list[RefusedFileOut] = Field(..., description="Files not added, with the reason.")


class BulkIn(Schema):
    action: Literal["publish", "hide", "delete", "cover"]
    photo_ids: list[int] = Field(..., min_length=1, max_length=BULK_MAX_PHOTOS)


class BulkOut(Schema):
    changed: int


# --- Helpers ------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _album(request: HttpRequest, album_id: int) -> Album:
    album = selectors.album_visible(_user(request), album_id)
    if album is None:
        raise Http404
    return album


def _refused(refused: list[tuple[str, str]]) -> HttpResponse:
    """No file was added: the API's error body, each file's reason in the details."""
    from xiaoyou.api.main import error_response  # the API module imports this one

    reasons = "; ".join(f"{name}: {message}" if name else message for name, message in refused)
    message = gettext("No photo was added. %(reasons)s") % {"reasons": reasons}
    details = [{"name": name, "message": message} for name, message in refused]
    return error_response(422, PHOTOS_REFUSED, message, details)


# --- Albums -------------------------------------------------------------------------------------


@router.get(
    "/content/albums",
    response=list[AlbumOut],
    summary="Albums the caller may see, newest first; search by album or event title",
)
@paginate(PageNumber)
def album_list(
    request: HttpRequest,
    # A plain str annotation: @paginate resolves the parameters outside this module.
    q: str = Query("", max_length=50, description="Part of the album's or event's title."),
) -> Any:
    albums: QuerySet[Album] = selectors.albums_visible(_user(request))
    text = q.strip()
    if text:
        albums = albums.filter(Q(title__icontains=text) | Q(event__title__icontains=text))
    return albums.order_by("-created_at", "-id")


@router.get(
    "/content/me/albums",
    response=list[AlbumOut],
    summary="我的相册: albums I created, with their review status",
)
@paginate(PageNumber)
def my_albums(request: HttpRequest) -> Any:
    return selectors.albums_created_by(_user(request))


@router.get(
    "/content/me/album-organizations",
    response=list[OrganizationChoiceOut],
    summary="Organizations where I may create an album",
)
def album_organizations(request: HttpRequest) -> Any:
    return selectors.album_creatable_orgs(_user(request))


@router.post(
    "/content/albums",
    response={201: AlbumDetailOut},
    summary="Create an album (verified alumni: reviewed first; the organization's admins: at once)",
)
def album_create(request: HttpRequest, payload: AlbumIn) -> Any:
    org = get_object_or_404(
        Organization.objects.filter(is_active=True, archived_at__isnull=True), pk=payload.org_id
    )
    fields = payload.model_dump(exclude={"org_id", "title"})
    album = album_services.album_propose(
        actor=_user(request), org=org, title=payload.title, **fields
    )
    return Status(201, album)


@router.get(
    "/content/albums/{album_id}",
    response=AlbumDetailOut,
    summary="One album; 404 when the caller may not see it",
)
def album_detail(request: HttpRequest, album_id: int) -> Any:
    return _album(request, album_id)


@router.patch(
    "/content/albums/{album_id}",
    response=AlbumDetailOut,
    summary="Change an album's title, description or permissions (its managers)",
)
def album_update(request: HttpRequest, album_id: int, payload: AlbumUpdateIn) -> Any:
    album = _album(request, album_id)
    changes = {key: value for key, value in payload.model_dump(exclude_unset=True).items()}
    if any(value is None for value in changes.values()):
        raise ApplicationError("invalid_input", status=422)
    return album_services.album_update(actor=_user(request), album=album, **changes)


@router.delete(
    "/content/albums/{album_id}",
    response={204: None},
    summary="Delete an album and its photos (its managers; not an event's album)",
)
def album_delete(request: HttpRequest, album_id: int) -> Any:
    album_services.album_delete(actor=_user(request), album=_album(request, album_id))
    return Status(204, None)


# --- Photos -------------------------------------------------------------------------------------


@router.get(
    "/content/albums/{album_id}/photos",
    response=list[PhotoOut],
    summary="An album's photos, newest first",
    description=(
        "Published photos and the caller's own pending ones. The album's managers may filter "
        "by status (pending, published, hidden) to moderate."
    ),
)
@paginate(PageNumber)
def photo_list(
    request: HttpRequest,
    album_id: int,
    status: str = Query("", description="pending, published or hidden (managers only)"),
) -> Any:
    album = _album(request, album_id)
    if status:
        if status not in MODERATED_STATUSES:
            raise ApplicationError("invalid_input", status=422)
        if not policy.can(_user(request), "manage", album):
            raise PermissionDenied
        return selectors.album_photos_console(album, status=status)
    return selectors.album_photos_hall(_user(request), album)


@router.post(
    "/content/albums/{album_id}/photos",
    response={201: UploadOut},
    summary="Upload photos (multipart field `photos`, one or several files)",
    description=(
        "Each file is checked by its content, turned upright and stored without metadata. "
        "Refused files are listed with the reason; when none could be added the answer is "
        "422 content_photos_refused and nothing is stored."
    ),
)
def photo_upload(
    request: HttpRequest,
    album_id: int,
    photos: list[UploadedFile] = File(...),  # noqa: B008
    caption: str = Form("", max_length=200),
) -> Any:
    album = _album(request, album_id)
    result = photo_services.photo_upload(
        actor=_user(request), album=album, files=photos, caption=caption
    )
    if not result.created:
        return _refused(result.errors)
    return Status(
        201,
        {
            "created": result.created,
            "pending": sum(1 for photo in result.created if photo.status == PhotoStatus.PENDING),
            "refused": [{"name": name, "message": message} for name, message in result.errors],
        },
    )


@router.get(
    "/content/photos/{photo_id}",
    response=PhotoOut,
    summary="One photo; 404 when the caller may not see it",
)
def photo_detail(request: HttpRequest, photo_id: int) -> Any:
    photo = selectors.photo_for(_user(request), photo_id)
    if photo is None:
        raise Http404
    return photo


@router.delete(
    "/content/photos/{photo_id}",
    response={204: None},
    summary="Delete a photo (its uploader, the album's creator or its managers)",
)
def photo_delete(request: HttpRequest, photo_id: int) -> Any:
    photo = selectors.photo_for(_user(request), photo_id)
    if photo is None:
        raise Http404
    photo_services.photo_delete(actor=_user(request), photos=[photo])
    return Status(204, None)


@router.post(
    "/content/albums/{album_id}/photos/bulk",
    response=BulkOut,
    summary="Managers: publish, hide or delete chosen photos, or make one the cover",
    description=(
        "publish / hide decide photos waiting in the review queue too; delete is all or "
        "nothing (the uploader of every photo, or the album's managers); cover takes one "
        "published photo."
    ),
)
def photo_bulk(request: HttpRequest, album_id: int, payload: BulkIn) -> Any:
    user = _user(request)
    album = _album(request, album_id)
    chosen = selectors.photos_of(album, payload.photo_ids)
    if payload.action == "cover":
        if len(chosen) != 1:
            raise ApplicationError(
                "invalid_input", gettext("Choose one published photo as the cover."), status=422
            )
        album_services.album_update(actor=user, album=album, cover=chosen[0])
        return {"changed": 1}
    if payload.action == "delete":
        return {"changed": photo_services.photo_delete(actor=user, photos=chosen)}
    return {
        "changed": photo_services.photo_moderate(
            actor=user, album=album, photos=chosen, action=payload.action
        )
    }
