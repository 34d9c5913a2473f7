"""Albums and photos services: upload (per-file errors, de-duplication, moderation), bulk
moderation and deletion, event albums, audit."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.utils import translation
from PIL import Image

from tests.content.factories import AlbumFactory, PhotoFactory
from tests.content.images import GPS_IFD, jpeg_bytes, png_bytes, upload
from tests.events.factories import EventFactory, RegistrationFactory
from xiaoyou.content import images
from xiaoyou.content.models import Album, Photo, PhotoStatus, UploadPermission, ViewPermission
from xiaoyou.content.services import albums as album_services
from xiaoyou.content.services import photos as photo_services
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry, ReviewItem, ReviewStatus
from xiaoyou.core.reviews import review_decide
from xiaoyou.events.models import RegistrationStatus, Visibility


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _stored_files(photo: Photo) -> list[str]:
    return [photo.original.name, *photo_services._names(photo.thumbnails)]


def test_album_create_by_org_admin_is_audited(org_tree, college_admin):
    album = album_services.album_create(
        actor=college_admin,
        org=org_tree.college,
        title="  毕业 典礼 ",
        view_permission=ViewPermission.VERIFIED,
        upload_permission=UploadPermission.MANAGERS,
        requires_moderation=True,
    )
    assert (album.title, album.org, album.view_permission, album.upload_permission) == (
        "毕业 典礼",
        org_tree.college,
        "verified",
        "managers",
    )
    assert album.requires_moderation is True
    assert list(
        AuditEntry.objects.filter(action="content.album.create").values_list("object_id", flat=True)
    ) == [str(album.pk)]


@pytest.mark.parametrize("persona", ["regional_admin", "verified_alumnus", "outsider"])
def test_album_create_refused_outside_ones_orgs(request, org_tree, persona):
    with pytest.raises(PermissionDenied):
        album_services.album_create(
            actor=request.getfixturevalue(persona), org=org_tree.college, title="x"
        )
    assert Album.objects.count() == 0


def test_album_create_requires_a_title(org_tree, college_admin):
    with pytest.raises(ApplicationError) as caught:
        album_services.album_create(actor=college_admin, org=org_tree.college, title="  ")
    assert caught.value.code == "content_title_required"


def test_album_update_and_delete(
    org_tree, college_admin, platform_admin, django_capture_on_commit_callbacks
):
    album = AlbumFactory(org=org_tree.club, title="旧")
    photo = PhotoFactory(album=album)
    name = photo.original.name
    album_services.album_update(
        actor=college_admin, album=album, title="新", view_permission="members"
    )
    album.refresh_from_db()
    assert (album.title, album.view_permission) == ("新", "members")
    with pytest.raises(PermissionDenied):
        album_services.album_delete(actor=photo.uploader, album=album)
    with django_capture_on_commit_callbacks(execute=True):
        album_services.album_delete(actor=platform_admin, album=album)
    assert not Album.objects.filter(pk=album.pk).exists()
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True))[-2:] == [
        "content.album.update",
        "content.album.delete",
    ]
    assert default_storage.exists(name) is False


def test_upload_many_files_reports_each_refused_one(
    org_tree, verified_alumnus, django_capture_on_commit_callbacks
):
    album = AlbumFactory(org=org_tree.root, upload_permission=UploadPermission.VIEWERS)
    files = [
        upload("a.jpg", jpeg_bytes(color=(10, 200, 10), gps=True)),
        upload("page.jpg", b"<html><body>hi</body></html>"),
        upload("b.png", png_bytes()),
        upload("again.jpg", jpeg_bytes(color=(10, 200, 10), gps=True)),  # same bytes as a.jpg
    ]
    with django_capture_on_commit_callbacks(execute=True):
        result = photo_services.photo_upload(
            actor=verified_alumnus, album=album, files=files, caption=" 聚会 "
        )

    assert [photo.caption for photo in result.created] == ["聚会", "聚会"]
    assert result.errors == [
        ("page.jpg", "The file is not an image, or it is damaged."),
        ("again.jpg", "This photo is already in the album."),
    ]
    photos = list(Photo.objects.filter(album=album).order_by("id"))
    assert [(p.status, p.uploader_id, p.original.name.rsplit(".", 1)[1]) for p in photos] == [
        ("published", verified_alumnus.pk, "jpg"),
        ("published", verified_alumnus.pk, "png"),
    ]
    album.refresh_from_db()
    assert album.cover_id == photos[0].pk
    # Every stored size of the GPS-tagged upload is without GPS (and without EXIF at all).
    for name in _stored_files(photos[0]):
        with default_storage.open(name) as handle:
            image = Image.open(io.BytesIO(handle.read()))
            assert image.getexif().get_ifd(GPS_IFD) == {}
            assert len(image.getexif()) == 0
    assert len(_stored_files(photos[0])) == 7


def test_large_upload_gets_thumbnails_from_the_background_task(
    org_tree, verified_alumnus, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(images, "INLINE_THUMBNAIL_BYTES", 10)
    album = AlbumFactory(org=org_tree.root)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = photo_services.photo_upload(
            actor=verified_alumnus, album=album, files=[upload("a.jpg", jpeg_bytes())]
        )
    photo = result.created[0]
    assert photo.thumbnails == {}
    for callback in callbacks:
        callback()  # eager Celery: the task runs here
    photo.refresh_from_db()
    assert sorted(photo.thumbnails) == ["1920", "320", "960"]
    assert photo_services.photo_thumbnails_make(photo_id=photo.pk) is False  # idempotent


def test_upload_refused_to_whom_the_album_does_not_allow(org_tree, outsider, verified_alumnus):
    album = AlbumFactory(org=org_tree.root, upload_permission=UploadPermission.MANAGERS)
    for actor in (outsider, verified_alumnus):
        with pytest.raises(PermissionDenied):
            photo_services.photo_upload(
                actor=actor, album=album, files=[upload("a.jpg", jpeg_bytes())]
            )
    assert Photo.objects.count() == 0


def test_upload_checks_the_number_of_files(org_tree, college_admin):
    album = AlbumFactory(org=org_tree.college)
    with pytest.raises(ApplicationError) as caught:
        photo_services.photo_upload(actor=college_admin, album=album, files=[])
    assert caught.value.code == "content_no_files"
    with pytest.raises(ApplicationError) as caught:
        photo_services.photo_upload(
            actor=college_admin, album=album, files=[upload(f"{i}.jpg", b"x") for i in range(51)]
        )
    assert caught.value.text() == "Upload at most 50 photos at a time."


def test_moderated_album_queues_uploads_and_the_queue_publishes(
    org_tree, verified_alumnus, college_admin
):
    album = AlbumFactory(
        org=org_tree.college, requires_moderation=True, upload_permission=UploadPermission.VIEWERS
    )
    result = photo_services.photo_upload(
        actor=verified_alumnus, album=album, files=[upload("a.jpg", jpeg_bytes())]
    )
    photo = result.created[0]
    assert photo.status == PhotoStatus.PENDING
    item = ReviewItem.objects.get(kind="content.photo", object_id=str(photo.pk))
    assert (item.org, item.status) == (org_tree.college, ReviewStatus.PENDING)
    review_decide(item=item, actor=college_admin, approved=True)
    photo.refresh_from_db()
    album.refresh_from_db()
    assert photo.status == PhotoStatus.PUBLISHED
    assert album.cover_id == photo.pk
    # A manager's own upload is not queued.
    managed = photo_services.photo_upload(
        actor=college_admin, album=album, files=[upload("b.png", png_bytes())]
    )
    assert managed.created[0].status == PhotoStatus.PUBLISHED


def test_bulk_moderation_decides_queued_items_and_is_audited(
    org_tree, verified_alumnus, college_admin, regional_admin
):
    album = AlbumFactory(
        org=org_tree.college, requires_moderation=True, upload_permission=UploadPermission.VIEWERS
    )
    pending = photo_services.photo_upload(
        actor=verified_alumnus, album=album, files=[upload("a.jpg", jpeg_bytes())]
    ).created[0]
    published = PhotoFactory(album=album)
    with pytest.raises(PermissionDenied):
        photo_services.photo_moderate(
            actor=regional_admin, album=album, photos=[pending], action="publish"
        )
    with pytest.raises(ApplicationError):
        photo_services.photo_moderate(
            actor=college_admin, album=album, photos=[pending], action="burn"
        )

    assert (
        photo_services.photo_moderate(
            actor=college_admin, album=album, photos=[pending, published], action="hide"
        )
        == 2
    )

    assert set(Photo.objects.filter(album=album).values_list("status", flat=True)) == {"hidden"}
    item = ReviewItem.objects.get(object_id=str(pending.pk), kind="content.photo")
    assert (item.status, item.reason) == (ReviewStatus.REJECTED, "Hidden by the album's managers.")
    entry = AuditEntry.objects.filter(action="content.photo.hide").get()
    assert entry.changes == {"photos": [None, [pending.pk, published.pk]]}
    assert (
        photo_services.photo_moderate(
            actor=college_admin, album=album, photos=[published], action="publish"
        )
        == 1
    )


def test_delete_own_photo_and_not_anothers(
    org_tree, verified_alumnus, outsider, college_admin, django_capture_on_commit_callbacks
):
    album = AlbumFactory(org=org_tree.college)
    mine = PhotoFactory(album=album, uploader=verified_alumnus)
    theirs = PhotoFactory(album=album, uploader=outsider)
    with pytest.raises(PermissionDenied):
        photo_services.photo_delete(actor=verified_alumnus, photos=[mine, theirs])
    assert set(Photo.objects.values_list("status", flat=True)) == {"published"}

    name = mine.original.name
    with django_capture_on_commit_callbacks(execute=True):
        assert photo_services.photo_delete(actor=verified_alumnus, photos=[mine]) == 1
    mine.refresh_from_db()
    assert mine.status == PhotoStatus.DELETED
    assert default_storage.exists(name) is False
    assert not AuditEntry.objects.filter(
        action="content.photo.delete"
    ).exists()  # not a staff write

    with django_capture_on_commit_callbacks(execute=True):
        assert photo_services.photo_delete(actor=college_admin, photos=[theirs]) == 1
    assert AuditEntry.objects.filter(action="content.photo.delete").count() == 1
    # The same file may be uploaded again after deletion.
    PhotoFactory(album=album, sha256=mine.sha256)


def test_event_album_is_created_once_owned_by_the_events_org(org_tree):
    event = EventFactory(org=org_tree.club, title="羽毛球赛", visibility=Visibility.INVITE)
    album = album_services.event_album(event=event)
    assert album_services.event_album(event=event).pk == album.pk
    assert (album.org, album.event, album.title, album.view_permission) == (
        org_tree.club,
        event,
        "羽毛球赛",
        "members",
    )
    assert Album.objects.filter(event=event).count() == 1
    public = album_services.event_album(
        event=EventFactory(org=org_tree.root, visibility=Visibility.PUBLIC)
    )
    assert public.view_permission == "public"


def test_event_registrant_may_upload_to_an_event_album(org_tree, unverified_user, outsider):
    event = EventFactory(org=org_tree.college, visibility=Visibility.PUBLIC)
    album = album_services.event_album(event=event)
    album.upload_permission = UploadPermission.MANAGERS
    album.save()
    RegistrationFactory(event=event, user=unverified_user)
    RegistrationFactory(event=event, user=outsider, status=RegistrationStatus.CANCELLED)
    result = photo_services.photo_upload(
        actor=unverified_user, album=album, files=[upload("a.jpg", jpeg_bytes())]
    )
    assert len(result.created) == 1
    with pytest.raises(PermissionDenied):
        photo_services.photo_upload(
            actor=outsider, album=album, files=[upload("b.jpg", jpeg_bytes(color=(1, 2, 3)))]
        )


def test_album_with_event_is_not_deleted_alone(org_tree, college_admin):
    album = album_services.event_album(event=EventFactory(org=org_tree.college))
    with pytest.raises(ApplicationError) as caught:
        album_services.album_delete(actor=college_admin, album=album)
    assert caught.value.code == "content_album_has_event"


def test_uploads_are_rate_limited_for_non_managers(
    org_tree, verified_alumnus, college_admin, monkeypatch
):
    monkeypatch.setattr(photo_services, "UPLOAD_RATE", (1, 3600))
    album = AlbumFactory(org=org_tree.college, upload_permission=UploadPermission.VIEWERS)
    photo_services.photo_upload(
        actor=verified_alumnus, album=album, files=[upload("a.jpg", jpeg_bytes())]
    )
    with pytest.raises(ApplicationError) as caught:
        photo_services.photo_upload(
            actor=verified_alumnus, album=album, files=[upload("b.png", png_bytes())]
        )
    assert (caught.value.code, caught.value.status) == ("rate_limited", 429)
    for index in range(2):  # the album's managers are not limited
        photo_services.photo_upload(
            actor=college_admin,
            album=album,
            files=[upload(f"{index}.jpg", jpeg_bytes(color=(index, 0, 0)))],
        )


def test_catch_up_makes_missing_thumbnails(org_tree, verified_alumnus, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from xiaoyou.core import schedules

    monkeypatch.setattr(images, "INLINE_THUMBNAIL_BYTES", 10)
    album = AlbumFactory(org=org_tree.root)
    # No on-commit here (the test's transaction never commits): the message is "lost".
    photo = photo_services.photo_upload(
        actor=verified_alumnus, album=album, files=[upload("a.jpg", jpeg_bytes())]
    ).created[0]
    assert photo_services.photos_without_thumbnails_enqueue() == 0  # too recent
    Photo.objects.filter(pk=photo.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert photo_services.photos_without_thumbnails_enqueue() == 1  # eager: made at once
    photo.refresh_from_db()
    assert sorted(photo.thumbnails) == ["1920", "320", "960"]
    assert photo_services.photos_without_thumbnails_enqueue() == 0
    names = {entry.name for entry in schedules.all_schedules()}
    assert "content.thumbnails-catch-up" in names


def test_review_item_details_show_the_photo(org_tree, verified_alumnus):
    album = AlbumFactory(org=org_tree.root, title="返校")
    photo = PhotoFactory(album=album, uploader=verified_alumnus)
    details = dict((str(label), value) for label, value in photo_services._details(photo))
    assert f'src="/content/photos/{photo.pk}/320.jpg"' in details["Photo"]
    assert (details["Album"], details["Uploaded by"], details["Size"]) == ("返校", "张伟", "64×32")


def test_album_propose_by_an_admin_is_published_and_audited(
    org_tree, college_admin, unverified_user
):
    album = album_services.album_propose(actor=college_admin, org=org_tree.college, title="年会")
    assert album.status == "published"
    assert AuditEntry.objects.filter(
        action="content.album.create", object_id=str(album.pk)
    ).exists()
    assert not ReviewItem.objects.filter(kind="content.album").exists()
    with pytest.raises(PermissionDenied):
        album_services.album_propose(actor=unverified_user, org=org_tree.root, title="x")


def test_album_review_rejection(org_tree, verified_alumnus, college_admin):
    album = album_services.album_propose(actor=verified_alumnus, org=org_tree.college, title="班级")
    item = ReviewItem.objects.get(kind="content.album", object_id=str(album.pk))
    review_decide(item=item, actor=college_admin, approved=False, reason="重复")
    album.refresh_from_db()
    assert album.status == "rejected"
