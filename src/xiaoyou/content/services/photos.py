"""照片: uploading (many files at once, each checked on its own), moderation, deletion.

Every upload goes through content/images.py: checked by its real content, turned upright, and
re-encoded without metadata before anything is stored. Thumbnails of small uploads are made in
the request; a large upload's are made by a background task once the transaction commits (the
page shows a placeholder meanwhile), so a batch of camera originals does not hold the request.

In an album with moderation on, photos of uploaders who do not manage the album wait in the
review queue (one item per photo: the to-do list decides them, and so do the bulk actions on the
album page).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoyou.content import images
from xiaoyou.content import policy as content_policy
from xiaoyou.content.models import Album, Photo, PhotoStatus
from xiaoyou.core import audit, policy, ratelimit, reviews
from xiaoyou.core.errors import ApplicationError

logger = logging.getLogger(__name__)

PHOTO_REVIEW_KIND = "content.photo"
MAX_FILES_PER_UPLOAD = 50
CAPTION_MAX_LENGTH = 200
MODERATION_ACTIONS = ("publish", "hide")
# Upload requests per person and hour, for those who do not manage the album (the upload script
# sends up to 10 photos per request: 600 photos an hour is a generous day at an event).
UPLOAD_RATE = (60, 3600)


@dataclass
class UploadResult:
    created: list[Photo] = field(default_factory=list)
    # (file name, translated message) for every refused file
    errors: list[tuple[str, str]] = field(default_factory=list)


def _message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _thumbnails_store(photo: Photo, content: bytes) -> dict[str, dict[str, str]]:
    stored: dict[str, dict[str, str]] = {}
    base = str(photo.original.name).rsplit("/", 1)[-1].rsplit(".", 1)[0]
    for size, formats in images.thumbnails_make(content).items():
        stored[size] = {}
        for image_format, data in formats.items():
            name = f"content/thumbs/{photo.album_id}/{base}-{size}.{image_format}"
            stored[size][image_format] = default_storage.save(name, ContentFile(data))
    return stored


def photo_store(
    *,
    album: Album,
    uploader: Any,
    prepared: images.PreparedImage,
    caption: str,
    status: str,
    stored_names: list[str] | None = None,
    inline_thumbnails: bool = True,
) -> Photo:
    """Stores one cleaned photo (inside the caller's transaction); `stored_names` collects the
    files written, for the caller to remove if its transaction fails. Thumbnails are made here
    for a small photo unless `inline_thumbnails` is off, else by the background task."""
    photo = Photo(
        album=album,
        uploader=uploader if getattr(uploader, "is_authenticated", False) else None,
        file_size=len(prepared.content),
        width=prepared.width,
        height=prepared.height,
        sha256=prepared.sha256,
        caption=caption[:CAPTION_MAX_LENGTH],
        status=status,
        taken_at=prepared.taken_at,
    )
    photo.original.save(f"upload.{prepared.extension}", ContentFile(prepared.content), save=False)
    if stored_names is not None:
        stored_names.append(str(photo.original.name))
    if inline_thumbnails and len(prepared.content) <= images.INLINE_THUMBNAIL_BYTES:
        photo.thumbnails = _thumbnails_store(photo, prepared.content)
        if stored_names is not None:
            stored_names.extend(_names(photo.thumbnails))
    photo.save()
    if not photo.thumbnails:
        transaction.on_commit(partial(_enqueue_thumbnails, photo.pk))
    from xiaoyou.content.services.faces import photo_faces_enqueue_on_commit  # 人脸识别

    photo_faces_enqueue_on_commit(photo)
    return photo


def _enqueue_thumbnails(photo_id: int) -> None:
    from xiaoyou.content.tasks import photo_thumbnails_task

    photo_thumbnails_task.delay(photo_id)


def photo_thumbnails_make(*, photo_id: int) -> bool:
    """Makes the thumbnails of a photo stored without them; idempotent (done once, skipped
    after, also for a photo deleted meanwhile). Returns whether it made them."""
    photo = Photo.objects.filter(pk=photo_id).exclude(status=PhotoStatus.DELETED).first()
    if photo is None or photo.thumbnails:
        return False
    with photo.original.open("rb") as source:
        content = source.read()
    thumbnails = _thumbnails_store(photo, content)
    updated = Photo.objects.filter(pk=photo_id, thumbnails={}).update(thumbnails=thumbnails)
    if not updated:  # another worker was first, or the photo is gone: drop our copies
        _files_delete(list(_names(thumbnails)))
    return bool(updated)


def photos_without_thumbnails_enqueue(*, older_than_minutes: int = 10, limit: int = 500) -> int:
    """Sends the thumbnail task again for live photos stored over `older_than_minutes` ago that
    still have none; the task is idempotent, so a photo in progress is not done twice."""
    cutoff = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    ids = list(
        Photo.objects.filter(thumbnails={}, created_at__lt=cutoff)
        .exclude(status=PhotoStatus.DELETED)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    for photo_id in ids:
        _enqueue_thumbnails(photo_id)
    return len(ids)


def _names(thumbnails: dict[str, dict[str, str]]) -> list[str]:
    return [name for formats in thumbnails.values() for name in formats.values()]


def _files_delete(names: Iterable[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - a missing file is what we wanted
            logger.warning("could not delete %s", name)


def files_delete_on_commit(photos: Iterable[Photo]) -> None:
    names = []
    for photo in photos:
        if photo.original:
            names.append(str(photo.original.name))
        names.extend(_names(photo.thumbnails))
    if names:
        transaction.on_commit(partial(_files_delete, names))


def _initial_status(actor: Any, album: Album) -> str:
    if album.requires_moderation and not content_policy.is_manager(actor, album):
        return PhotoStatus.PENDING
    return PhotoStatus.PUBLISHED


def photo_upload(
    *, actor: Any, album: Album, files: Sequence[Any], caption: str = ""
) -> UploadResult:
    """Adds photos to `album`; who may follows the album's upload permission (and an event
    album's registrants). Each file is checked on its own: a refused one is reported with a
    translated message and the others are kept. The same file twice in one album is refused."""
    policy.require(actor, "upload", album)
    if not files:
        raise ApplicationError("content_no_files")
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise ApplicationError("content_too_many_files", limit=MAX_FILES_PER_UPLOAD)
    if not content_policy.is_manager(actor, album):
        limit, window = UPLOAD_RATE
        if not ratelimit.hit(f"content:upload:{actor.pk}", limit=limit, window_seconds=window):
            raise ApplicationError("rate_limited", status=429)
    caption = " ".join(str(caption or "").split())
    result = UploadResult()
    prepared_files: list[tuple[str, images.PreparedImage]] = []
    for upload in files:
        name = str(getattr(upload, "name", "") or "")[:120]
        try:
            prepared_files.append((name, images.photo_prepare(upload)))
        except ValidationError as error:
            result.errors.append((name, _message(error)))
    if not prepared_files:
        return result
    status = _initial_status(actor, album)
    stored: list[str] = []
    try:
        with transaction.atomic():
            seen = set(
                Photo.objects.filter(
                    album=album, sha256__in=[prepared.sha256 for _name, prepared in prepared_files]
                )
                .exclude(status=PhotoStatus.DELETED)
                .values_list("sha256", flat=True)
            )
            for name, prepared in prepared_files:
                if prepared.sha256 in seen:
                    result.errors.append(
                        (name, str(gettext_lazy("This photo is already in the album.")))
                    )
                    continue
                seen.add(prepared.sha256)
                photo = photo_store(
                    album=album,
                    uploader=actor,
                    prepared=prepared,
                    caption=caption,
                    status=status,
                    stored_names=stored,
                )
                result.created.append(photo)
                if status == PhotoStatus.PENDING:
                    reviews.review_submit(
                        obj=photo,
                        submitter=actor,
                        org=album.org,
                        kind=PHOTO_REVIEW_KIND,
                        summary=_("Photo for the album “%(album)s”") % {"album": album.title},
                    )
            _cover_if_missing(album)
    except BaseException:
        _files_delete(stored)
        raise
    return result


def _cover_if_missing(album: Album) -> None:
    """The album's cover is its first published photo until its managers choose one."""
    if album.cover_id is not None:
        return
    first = (
        Photo.objects.filter(album=album, status=PhotoStatus.PUBLISHED)
        .order_by("created_at", "id")
        .first()
    )
    if first is not None:
        Album.objects.filter(pk=album.pk, cover__isnull=True).update(cover=first)
        album.cover = first


def _pending_items(photos: Sequence[Photo]) -> dict[str, Any]:
    from django.contrib.contenttypes.models import ContentType

    from xiaoyou.core.models import ReviewItem, ReviewStatus

    return {
        item.object_id: item
        for item in ReviewItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Photo),
            object_id__in=[str(photo.pk) for photo in photos],
            status=ReviewStatus.PENDING,
        )
    }


@transaction.atomic
def photo_moderate(*, actor: Any, album: Album, photos: Sequence[Photo], action: str) -> int:
    """Publishes or hides photos of `album` in bulk; its managers only, audited. A photo waiting
    in the review queue is decided there (approved, or rejected with the reason "hidden")."""
    if action not in MODERATION_ACTIONS:
        raise ApplicationError("content_unknown_action")
    policy.require(actor, "moderate", Photo(album=album))
    target = PhotoStatus.PUBLISHED if action == "publish" else PhotoStatus.HIDDEN
    photos = [photo for photo in photos if photo.album_id == album.pk]
    pending = _pending_items(photos)
    changed = []
    for photo in photos:
        if photo.status in (target, PhotoStatus.DELETED):
            continue
        item = pending.get(str(photo.pk))
        if item is not None:
            reviews.review_decide(
                item=item,
                actor=actor,
                approved=action == "publish",
                reason=""
                if action == "publish"
                else str(gettext_lazy("Hidden by the album's managers.")),
            )
        else:
            Photo.objects.filter(pk=photo.pk).update(status=target)
        changed.append(photo.pk)
        photo.status = target
    if changed:
        if target == PhotoStatus.HIDDEN and album.cover_id in changed:
            Album.objects.filter(pk=album.pk).update(cover=None)
            album.cover_id = None
        _cover_if_missing(album)
        audit.record(
            actor=actor,
            action=f"content.photo.{action}",
            obj=album,
            org=album.org,
            changes={"photos": [None, changed]},
        )
    return len(changed)


@transaction.atomic
def photo_delete(*, actor: Any, photos: Sequence[Photo]) -> int:
    """Deletes photos: their uploader may delete their own, the album's managers any. The files
    (original and every size) go at once; the row stays as "deleted" for the review queue.
    Deletions by managers are audited. All or nothing: one photo not theirs refuses the lot."""
    for photo in photos:
        policy.require(actor, "delete", photo)
    live = [photo for photo in photos if photo.status != PhotoStatus.DELETED]
    if not live:
        return 0
    Photo.objects.filter(pk__in=[photo.pk for photo in live]).update(
        status=PhotoStatus.DELETED, thumbnails={}
    )
    files_delete_on_commit(live)
    by_album: dict[int, list[Photo]] = {}
    for photo in live:
        by_album.setdefault(photo.album_id, []).append(photo)
    for album_photos in by_album.values():
        album = album_photos[0].album
        ids = [photo.pk for photo in album_photos]
        if album.cover_id in ids:
            Album.objects.filter(pk=album.pk).update(cover=None)
            album.cover_id = None
            _cover_if_missing(album)
        if content_policy.is_manager(actor, album):
            audit.record(
                actor=actor,
                action="content.photo.delete",
                obj=album,
                org=album.org,
                changes={"photos": [ids, None]},
            )
    for photo in live:
        photo.status = PhotoStatus.DELETED
    return len(live)


# --- Review queue -------------------------------------------------------------------------------


def _approve(photo: Photo, *, item: Any, actor: Any, reason: str) -> None:
    if photo.status == PhotoStatus.PENDING:
        Photo.objects.filter(pk=photo.pk).update(status=PhotoStatus.PUBLISHED)
        _cover_if_missing(photo.album)


def _reject(photo: Photo, *, item: Any, actor: Any, reason: str) -> None:
    if photo.status == PhotoStatus.PENDING:
        Photo.objects.filter(pk=photo.pk).update(status=PhotoStatus.HIDDEN)


def _details(photo: Photo) -> list[tuple[Any, Any]]:
    from django.urls import reverse
    from django.utils.html import format_html

    picture = format_html(
        '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="" width="240"></a>',
        reverse("hall:content_photo_file", args=[photo.pk, "1920", "jpg"]),
        reverse("hall:content_photo_file", args=[photo.pk, "320", "jpg"]),
    )
    return [
        (gettext_lazy("Photo"), picture),
        (gettext_lazy("Album"), photo.album.title),
        (gettext_lazy("Uploaded by"), str(photo.uploader) if photo.uploader else ""),
        (gettext_lazy("Size"), f"{photo.width}×{photo.height}"),
    ]


def register() -> None:
    reviews.register(
        PHOTO_REVIEW_KIND,
        model=Photo,
        label=gettext_lazy("Album photos"),
        on_approve=_approve,
        on_reject=_reject,
        details=_details,
        order=60,
    )
