"""Zip import (all or nothing, per-file report, zip bombs and path tricks) and export."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from tests.content.factories import AlbumFactory, PhotoFactory
from tests.content.images import GPS_IFD, jpeg_bytes, png_bytes
from xiaoyou.content.models import Photo, PhotoStatus
from xiaoyou.content.services import archives
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _zip(
    entries: list[tuple[str, bytes]], *, compression: int = zipfile.ZIP_DEFLATED
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return SimpleUploadedFile("photos.zip", buffer.getvalue(), content_type="application/zip")


def _media_files(settings) -> list[str]:
    import pathlib

    root = pathlib.Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_import_stores_every_image_and_skips_junk(
    org_tree, college_admin, django_capture_on_commit_callbacks
):
    album = AlbumFactory(org=org_tree.college)
    archive = _zip(
        [
            ("trip/day1.jpg", jpeg_bytes(gps=True)),
            ("trip/day2.png", png_bytes()),
            ("__MACOSX/trip/._day1.jpg", b"junk"),
            ("trip/.DS_Store", b"junk"),
        ]
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = archives.album_import_zip(actor=college_admin, album=album, file=archive)
    assert report.ok and report.errors == [] and report.skipped == []
    assert [photo.thumbnails for photo in report.created] == [{}, {}]
    for callback in callbacks:
        callback()  # the thumbnail tasks (eager)
    photos = list(Photo.objects.filter(album=album).order_by("caption"))
    assert [(p.caption, p.status, p.uploader_id) for p in photos] == [
        ("day1", "published", college_admin.pk),
        ("day2", "published", college_admin.pk),
    ]
    assert [sorted(photo.thumbnails) for photo in photos] == [["1920", "320", "960"]] * 2
    with default_storage.open(photos[0].original.name) as handle:
        assert Image.open(io.BytesIO(handle.read())).getexif().get_ifd(GPS_IFD) == {}
    assert AuditEntry.objects.get(action="content.album.import").changes == {
        "photos": [None, 2],
        "skipped": [None, 0],
    }


def test_import_is_all_or_nothing_with_a_report_per_file(org_tree, college_admin, settings):
    album = AlbumFactory(org=org_tree.college)
    archive = _zip(
        [
            ("a.jpg", jpeg_bytes()),
            ("../../etc/evil.jpg", jpeg_bytes(color=(1, 1, 1))),
            ("notes.jpg", b"<html>not an image</html>"),
            ("z.png", png_bytes()),
        ]
    )
    report = archives.album_import_zip(actor=college_admin, album=album, file=archive)
    assert not report.ok
    assert report.created == []
    assert report.errors == [
        ("../../etc/evil.jpg", "Refused: the name points outside the archive."),
        ("notes.jpg", "The file is not an image, or it is damaged."),
    ]
    assert Photo.objects.count() == 0
    assert _media_files(settings) == []  # the files stored before the refusal are gone too
    assert not AuditEntry.objects.filter(action="content.album.import").exists()


@pytest.mark.parametrize(
    "name", ["/abs/photo.jpg", "C:/photo.jpg", "dir\\..\\photo.jpg", "a/../../b.jpg"]
)
def test_import_refuses_path_tricks(org_tree, college_admin, name):
    album = AlbumFactory(org=org_tree.college)
    report = archives.album_import_zip(
        actor=college_admin, album=album, file=_zip([(name, jpeg_bytes())])
    )
    assert [error for _name, error in report.errors] == [
        "Refused: the name points outside the archive."
    ]


def test_import_refuses_a_zip_bomb_entry(org_tree, college_admin):
    album = AlbumFactory(org=org_tree.college)
    # 20 MB of zeros compress to ~20 KB: a ratio no photo has.
    report = archives.album_import_zip(
        actor=college_admin, album=album, file=_zip([("zeros.jpg", b"\0" * (20 * 1024 * 1024))])
    )
    assert report.errors == [
        ("zeros.jpg", "Refused: the file expands far beyond its compressed size.")
    ]


def test_import_refuses_lying_headers(org_tree, college_admin, monkeypatch):
    # An entry whose real size is beyond the limit is stopped while reading, whatever its header says.
    monkeypatch.setattr(archives, "ZIP_MAX_RATIO", 10**9)
    monkeypatch.setattr(archives.images, "PHOTO_MAX_BYTES", 2000)
    album = AlbumFactory(org=org_tree.college)
    archive = _zip(
        [("big.jpg", jpeg_bytes((400, 400), quality=95))], compression=zipfile.ZIP_STORED
    )
    report = archives.album_import_zip(actor=college_admin, album=album, file=archive)
    assert len(report.errors) == 1 and report.errors[0][0] == "big.jpg"


def test_import_skips_photos_already_in_the_album(org_tree, college_admin):
    album = AlbumFactory(org=org_tree.college)
    data = jpeg_bytes()
    archives.album_import_zip(actor=college_admin, album=album, file=_zip([("a.jpg", data)]))
    report = archives.album_import_zip(
        actor=college_admin, album=album, file=_zip([("again.jpg", data), ("b.png", png_bytes())])
    )
    assert report.ok
    assert report.skipped == [("again.jpg", "This photo is already in the album.")]
    assert Photo.objects.filter(album=album).count() == 2


@pytest.mark.parametrize(
    ("payload", "code"),
    [(b"PK\x03\x04broken", "content_zip_invalid"), (None, "content_zip_empty")],
)
def test_import_refuses_bad_archives(org_tree, college_admin, payload, code):
    album = AlbumFactory(org=org_tree.college)
    file = _zip([("readme/", b"")]) if payload is None else SimpleUploadedFile("x.zip", payload)
    with pytest.raises(ApplicationError) as caught:
        archives.album_import_zip(actor=college_admin, album=album, file=file)
    assert caught.value.code == code


def test_import_refuses_too_many_entries(org_tree, college_admin, monkeypatch):
    monkeypatch.setattr(archives, "ZIP_MAX_ENTRIES", 2)
    album = AlbumFactory(org=org_tree.college)
    with pytest.raises(ApplicationError) as caught:
        archives.album_import_zip(
            actor=college_admin, album=album, file=_zip([(f"{i}.jpg", b"x") for i in range(3)])
        )
    assert caught.value.text() == "The zip archive holds too many files (the limit is 2)."


@pytest.mark.parametrize("persona", ["regional_admin", "verified_alumnus"])
def test_import_and_export_are_for_the_albums_managers(request, org_tree, persona):
    album = AlbumFactory(org=org_tree.college)
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        archives.album_import_zip(actor=actor, album=album, file=_zip([("a.jpg", jpeg_bytes())]))
    with pytest.raises(PermissionDenied):
        archives.album_export_zip(actor=actor, album=album)


def test_export_streams_the_originals(org_tree, college_admin):
    album = AlbumFactory(org=org_tree.college)
    first = PhotoFactory(album=album, caption="合影/第一排")
    second = PhotoFactory(album=album, caption="", status=PhotoStatus.HIDDEN)
    PhotoFactory(album=album, status=PhotoStatus.DELETED)
    PhotoFactory()  # another album

    chunks = list(archives.album_export_zip(actor=college_admin, album=album))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.testzip() is None
    assert archive.namelist() == [f"{first.pk:06d}-合影_第一排.jpg", f"{second.pk:06d}.jpg"]
    with default_storage.open(first.original.name) as handle:
        assert archive.read(archive.namelist()[0]) == handle.read()
    assert AuditEntry.objects.get(action="content.album.export").changes == {"photos": [None, 2]}


def test_export_of_chosen_photos(org_tree, college_admin):
    album = AlbumFactory(org=org_tree.college)
    chosen = PhotoFactory(album=album)
    PhotoFactory(album=album)
    stranger = PhotoFactory()
    data = b"".join(
        archives.album_export_zip(actor=college_admin, album=album, photos=[chosen, stranger])
    )
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == [f"{chosen.pk:06d}.jpg"]
