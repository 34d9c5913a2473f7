"""Zip import and export of an album's photos (staff: 批量导入, 导出).

Import is all or nothing per archive: every entry is checked (name, declared and real size,
compression ratio, image content) and the report lists each refused file; a single refusal
stores nothing. Entries are read into memory one at a time and never extracted to disk, so a
name like "../../etc/passwd" cannot land anywhere; such names are refused all the same, as are
links, and archives beyond the limits (a zip bomb declares small sizes or expands hugely: both
are caught, the declared size by the headers and the real one by reading at most the limit).

Import runs in the request (each photo is checked and cleaned there, its thumbnails come from
the background task), which suits archives of up to a few hundred phone photos; a background
job for larger ones is the next step.

Export streams the originals (already without metadata) as a stored (uncompressed: JPEGs do not
shrink) zip, written as the response goes out: no temporary file, constant memory.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoyou.content import images
from xiaoyou.content.models import Album, Photo, PhotoStatus
from xiaoyou.content.services.photos import _cover_if_missing, _files_delete, _message, photo_store
from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError

ZIP_MAX_BYTES = 500 * 1024 * 1024
ZIP_MAX_ENTRIES = 500
ZIP_MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # expanded
ZIP_MAX_RATIO = 50  # photos barely compress; 50:1 is a bomb, not a photo
IGNORED = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|\._)")
IMAGE_NAME = re.compile(r"\.(jpe?g|png|webp|gif)$", re.IGNORECASE)


@dataclass
class ImportReport:
    created: list[Photo] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # duplicates, not errors
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _unsafe_name(name: str) -> bool:
    if "\\" in name or name.startswith("/") or "\x00" in name or re.match(r"^[A-Za-z]:", name):
        return True
    return any(part == ".." for part in name.split("/"))


def _is_link(info: zipfile.ZipInfo) -> bool:
    mode = (info.external_attr >> 16) & 0o170000
    return mode == 0o120000


def _entry_error(info: zipfile.ZipInfo) -> str | None:
    if _unsafe_name(info.filename) or _is_link(info):
        return _("Refused: the name points outside the archive.")
    if info.flag_bits & 0x1:
        return _("Refused: the file is encrypted.")
    if info.file_size > images.PHOTO_MAX_BYTES:
        return _("The image is too large (%(size)s); the limit is %(limit)s.") % {
            "size": filesizeformat(info.file_size),
            "limit": filesizeformat(images.PHOTO_MAX_BYTES),
        }
    if info.compress_size and info.file_size / info.compress_size > ZIP_MAX_RATIO:
        return _("Refused: the file expands far beyond its compressed size.")
    return None


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The entry's bytes, reading at most the photo limit (headers can lie about the size)."""
    with archive.open(info) as source:
        data = source.read(images.PHOTO_MAX_BYTES + 1)
    if len(data) > images.PHOTO_MAX_BYTES:
        raise ValidationError(_("The image is too large."), code="image_too_large")
    return data


def album_import_zip(*, actor: Any, album: Album, file: Any) -> ImportReport:
    """Imports a zip of images into `album` as published photos of `actor`; the album's
    managers only, audited. All or nothing: the report's errors list every refused entry and
    nothing is stored then. Photos already in the album are skipped and reported."""
    policy.require(actor, "import", album)
    size = getattr(file, "size", None)
    if size is not None and size > ZIP_MAX_BYTES:
        raise ApplicationError("content_zip_too_large", limit=filesizeformat(ZIP_MAX_BYTES))
    try:
        archive = zipfile.ZipFile(file)
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ApplicationError("content_zip_invalid") from None
    entries = [info for info in entries if not IGNORED.search(info.filename)]
    if len(entries) > ZIP_MAX_ENTRIES:
        raise ApplicationError("content_zip_too_many", limit=ZIP_MAX_ENTRIES)
    if sum(info.file_size for info in entries) > ZIP_MAX_TOTAL_BYTES:
        raise ApplicationError("content_zip_too_large", limit=filesizeformat(ZIP_MAX_TOTAL_BYTES))
    if not entries:
        raise ApplicationError("content_zip_empty")
    report = ImportReport()
    stored: list[str] = []
    try:
        with transaction.atomic():
            seen = set(
                Photo.objects.filter(album=album)
                .exclude(status=PhotoStatus.DELETED)
                .values_list("sha256", flat=True)
            )
            for info in sorted(entries, key=lambda item: item.filename):
                name = info.filename[:200]
                error = _entry_error(info)
                prepared = None
                if error is None:
                    try:
                        data = _read_capped(archive, info)
                        upload = io.BytesIO(data)
                        upload.size = len(data)  # type: ignore[attr-defined]
                        prepared = images.photo_prepare(upload)
                    except ValidationError as exc:
                        error = _message(exc)
                    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                        error = _("The file is damaged in the archive.")
                if error is not None or prepared is None:
                    report.errors.append((name, error or ""))
                    continue
                if prepared.sha256 in seen:
                    report.skipped.append((name, _("This photo is already in the album.")))
                    continue
                seen.add(prepared.sha256)
                if report.errors:
                    continue  # keep checking for the report, store no more
                caption = posixpath.splitext(posixpath.basename(info.filename))[0]
                report.created.append(
                    photo_store(
                        album=album,
                        uploader=actor,
                        prepared=prepared,
                        caption=caption,
                        status=PhotoStatus.PUBLISHED,
                        stored_names=stored,
                        # Hundreds of photos in one request: their sizes come from the worker.
                        inline_thumbnails=False,
                    )
                )
            if report.errors:
                raise _Refused
            _cover_if_missing(album)
            audit.record(
                actor=actor,
                action="content.album.import",
                obj=album,
                changes={
                    "photos": [None, len(report.created)],
                    "skipped": [None, len(report.skipped)],
                },
            )
    except _Refused:
        _files_delete(stored)
        report.created = []
    except BaseException:
        _files_delete(stored)
        raise
    return report


class _Refused(Exception):
    """Rolls the import back when an entry was refused."""


class _Sink:
    """A write-only file for ZipFile that hands its bytes to the response as they come."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.position = 0

    def write(self, data: bytes) -> int:
        self.buffer += data
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


def _zip_name(photo: Photo) -> str:
    extension = str(photo.original.name).rsplit(".", 1)[-1]
    caption = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", "_", photo.caption).strip(" ._")[:60]
    return f"{photo.pk:06d}{'-' + caption if caption else ''}.{extension}"


def album_export_zip(
    *, actor: Any, album: Album, photos: Sequence[Photo] | None = None
) -> Iterator[bytes]:
    """The originals of `album` (or of the chosen `photos`) as a zip, streamed; the album's
    managers only, audited when asked for."""
    policy.require(actor, "export", album)
    if photos is None:
        chosen = list(
            Photo.objects.filter(album=album).exclude(status=PhotoStatus.DELETED).order_by("id")
        )
    else:
        chosen = [photo for photo in photos if photo.album_id == album.pk]
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="content.album.export",
            obj=album,
            changes={"photos": [None, len(chosen)]},
        )
    return _stream(chosen)


def _stream(photos: list[Photo]) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED) as archive:  # type: ignore[call-overload]
        for photo in photos:
            moment = timezone.localtime(photo.taken_at or photo.created_at)
            info = zipfile.ZipInfo(_zip_name(photo), date_time=moment.timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED
            with archive.open(info, "w") as target, photo.original.open("rb") as source:
                while chunk := source.read(256 * 1024):
                    target.write(chunk)
                    yield sink.drain()
            yield sink.drain()
    yield sink.drain()
