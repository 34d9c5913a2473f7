"""Console and hall pages of albums: lists (query counts), the album pages, uploads, files,
bulk actions, zip import and export, the event's Photos tab and the event page's section."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.content.factories import AlbumFactory, PhotoFactory
from tests.content.images import jpeg_bytes, png_bytes
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import UserFactory
from tests.organizations.org_support import console_login
from xiaoyou.content.models import Album, Photo, PhotoStatus, UploadPermission, ViewPermission
from xiaoyou.core.models import AuditEntry
from xiaoyou.events.models import Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _jpeg(name: str, color=(200, 10, 10)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(color=color), content_type="image/jpeg")


# --- Console ------------------------------------------------------------------------------------


def test_console_album_list_is_org_scoped_with_a_fixed_query_count(
    client, org_tree, college_admin, django_assert_max_num_queries
):
    console_login(client, college_admin)
    AlbumFactory(org=org_tree.college, title="学院相册")
    AlbumFactory(org=org_tree.other_college, title="别的学院")
    url = reverse("console:content_albums")
    with django_assert_max_num_queries(40) as few:
        response = client.get(url)
    assert [row.obj.title for row in response.context["table"].rows] == ["学院相册"]
    for index in range(8):
        album = AlbumFactory(org=org_tree.club, event=EventFactory(org=org_tree.club))
        PhotoFactory.create_batch(2, album=album)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["table"].rows) == 9
    kinds = client.get(url, {"kind": "other"}).context["table"].rows
    assert [row.obj.title for row in kinds] == ["学院相册"]


def test_console_album_create_and_page(client, org_tree, college_admin):
    console_login(client, college_admin)
    response = client.post(
        reverse("console:content_album_create"),
        {
            "org": org_tree.club.pk,
            "title": "球赛",
            "view_permission": "members",
            "upload_permission": "managers",
        },
    )
    album = Album.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("console:content_album", args=[album.pk])
    assert (album.org, album.view_permission, album.requires_moderation) == (
        org_tree.club,
        "members",
        False,
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"data-zip-import" in page.content


def test_console_album_of_another_org_is_404(client, org_tree, regional_admin):
    console_login(client, regional_admin)
    album = AlbumFactory(org=org_tree.college)
    assert client.get(reverse("console:content_album", args=[album.pk])).status_code == 404
    response = client.post(
        reverse("console:content_album_bulk", args=[album.pk]), {"action": "hide"}
    )
    assert response.status_code == 404


def test_console_search_and_bulk_hide(
    client, org_tree, college_admin, django_assert_max_num_queries
):
    console_login(client, college_admin)
    album = AlbumFactory(org=org_tree.college)
    alice = UserFactory(display_name="王小明")
    mine = PhotoFactory(album=album, uploader=alice, caption="操场合影")
    other = PhotoFactory(album=album, caption="食堂")
    url = reverse("console:content_album", args=[album.pk])
    assert [p.pk for p in client.get(url, {"uploader": "小明"}).context["page"].object_list] == [
        mine.pk
    ]
    assert [p.pk for p in client.get(url, {"caption": "食堂"}).context["page"].object_list] == [
        other.pk
    ]
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    PhotoFactory.create_batch(10, album=album)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url).context["page"].object_list) == 12

    response = client.post(
        reverse("console:content_album_bulk", args=[album.pk]),
        {"action": "hide", "photo": [mine.pk]},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == PhotoStatus.HIDDEN
    hidden = client.get(url, {"status": "hidden"}).context["page"].object_list
    assert [p.pk for p in hidden] == [mine.pk]


def test_console_export_and_import(client, org_tree, college_admin):
    console_login(client, college_admin)
    album = AlbumFactory(org=org_tree.college)
    photo = PhotoFactory(album=album)
    response = client.get(reverse("console:content_album_export", args=[album.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert names == [f"{photo.pk:06d}.jpg"]

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ok.png", png_bytes())
        archive.writestr("../bad.jpg", jpeg_bytes())
    upload = SimpleUploadedFile("p.zip", buffer.getvalue(), content_type="application/zip")
    refused = client.post(
        reverse("console:content_album_import", args=[album.pk]), {"archive": upload}
    )
    assert refused.status_code == 400
    with translation.override("zh-hans"):
        message = gettext("Refused: the name points outside the archive.")
    assert refused.context["report"].errors == [("../bad.jpg", message)]
    assert b'data-refused="../bad.jpg"' in refused.content
    assert Photo.objects.filter(album=album).count() == 1


def test_event_photos_tab(client, org_tree, college_admin, regional_admin):
    event = EventFactory(org=org_tree.college, title="返校日")
    url = reverse("console:event_photos", args=[event.pk])
    console_login(client, regional_admin)
    assert client.get(url).status_code == 404
    console_login(client, college_admin)
    response = client.get(url)
    assert response.status_code == 200
    album = Album.objects.get(event=event)
    assert response.context["album"] == album
    assert (
        b'data-event-tab="photos"' in response.content
        and b'aria-current="page" data-event-tab="photos"' in response.content
    )
    # The album's own console URL leads to the tab.
    assert client.get(reverse("console:content_album", args=[album.pk]))["Location"] == url


# --- Hall ---------------------------------------------------------------------------------------


def test_hall_album_list_shows_what_the_visitor_may_see(
    client, org_tree, verified_alumnus, django_assert_max_num_queries
):
    AlbumFactory(org=org_tree.root, title="公开", view_permission=ViewPermission.PUBLIC)
    AlbumFactory(org=org_tree.college, title="学院成员", view_permission=ViewPermission.MEMBERS)
    AlbumFactory(
        org=org_tree.other_college, title="别的学院成员", view_permission=ViewPermission.MEMBERS
    )
    AlbumFactory(org=org_tree.root, title="认证校友", view_permission=ViewPermission.VERIFIED)
    client.force_login(verified_alumnus)
    url = reverse("hall:content_albums")
    with django_assert_max_num_queries(40) as few:
        response = client.get(url)
    assert [a.title for a in response.context["page"].object_list] == [
        "认证校友",
        "学院成员",
        "公开",
    ]
    for _index in range(6):
        album = AlbumFactory(org=org_tree.root)
        album.cover = PhotoFactory(album=album)
        album.save()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 9
    client.force_login(UserFactory())
    assert [a.title for a in client.get(url, {"q": "公开"}).context["page"].object_list] == ["公开"]


def test_hall_album_detail_and_files_follow_the_permission(
    client, org_tree, verified_alumnus, outsider
):
    album = AlbumFactory(org=org_tree.college, view_permission=ViewPermission.MEMBERS)
    photo = PhotoFactory(album=album)
    hidden = PhotoFactory(album=album, status=PhotoStatus.HIDDEN)
    file_url = reverse("hall:content_photo_file", args=[photo.pk, "320", "jpg"])
    client.force_login(outsider)
    assert client.get(reverse("hall:content_album", args=[album.pk])).status_code == 404
    assert client.get(file_url).status_code == 404
    client.force_login(verified_alumnus)
    page = client.get(reverse("hall:content_album", args=[album.pk]))
    assert [p.pk for p in page.context["page"].object_list] == [photo.pk]
    response = client.get(file_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert (
        client.get(reverse("hall:content_photo_file", args=[hidden.pk, "320", "jpg"])).status_code
        == 404
    )
    download = client.get(reverse("hall:content_photo_download", args=[photo.pk]))
    assert download["Content-Disposition"] == f'attachment; filename="photo-{photo.pk}.jpg"'


def test_hall_upload_answers_json_per_file(client, org_tree, verified_alumnus):
    album = AlbumFactory(org=org_tree.root, upload_permission=UploadPermission.VERIFIED)
    client.force_login(verified_alumnus)
    response = client.post(
        reverse("hall:content_album_upload", args=[album.pk]),
        {
            "photos": [_jpeg("a.jpg"), SimpleUploadedFile("evil.jpg", b"<html></html>")],
            "caption": "好",
        },
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "created": 1,
        "pending": 0,
        "errors": [
            {"name": "evil.jpg", "message": "文件不是图片，或已损坏。"}
        ],  # the user's language
    }
    assert Photo.objects.get().caption == "好"


def test_hall_upload_refused_json(client, org_tree, unverified_user):
    album = AlbumFactory(org=org_tree.root, upload_permission=UploadPermission.VERIFIED)
    client.force_login(unverified_user)
    response = client.post(
        reverse("hall:content_album_upload", args=[album.pk]),
        {"photos": [_jpeg("a.jpg")]},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 403
    with translation.override("zh-hans"):
        expected = gettext("You may not upload photos to this album.")
    assert json.loads(response.content) == {"error": expected}


def test_hall_delete_own_photo(client, org_tree, verified_alumnus, outsider):
    album = AlbumFactory(org=org_tree.root)
    photo = PhotoFactory(album=album, uploader=verified_alumnus)
    client.force_login(outsider)
    assert client.post(reverse("hall:content_photo_delete", args=[photo.pk])).status_code == 403
    client.force_login(verified_alumnus)
    assert client.post(reverse("hall:content_photo_delete", args=[photo.pk])).status_code == 302
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.DELETED


def test_event_page_photo_section_and_event_album(client, org_tree, unverified_user, outsider):
    event = EventFactory(org=org_tree.college, visibility=Visibility.PUBLIC)
    RegistrationFactory(event=event, user=unverified_user)
    client.force_login(unverified_user)
    page = client.get(reverse("hall:event", args=[event.pk]))
    assert b'data-action="event-photos-upload"' in page.content
    response = client.get(reverse("hall:content_event_album", args=[event.pk]))
    album = Album.objects.get(event=event)
    assert response["Location"] == reverse("hall:content_album", args=[album.pk])
    detail = client.get(response["Location"])
    assert detail.context["may_upload"] is True
    PhotoFactory(album=album)
    client.force_login(outsider)
    page = client.get(reverse("hall:event", args=[event.pk]))
    assert page.content.count(b'class="event-photo-strip"') == 1
    assert b'data-action="event-photos-upload"' not in page.content
    assert AuditEntry.objects.filter(action__startswith="content.").count() == 0


def test_hall_album_page_query_count_is_fixed(
    client, org_tree, verified_alumnus, django_assert_max_num_queries
):
    album = AlbumFactory(org=org_tree.root)
    PhotoFactory(album=album)
    client.force_login(verified_alumnus)
    url = reverse("hall:content_album", args=[album.pk])
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    PhotoFactory.create_batch(12, album=album)
    PhotoFactory(album=album, uploader=verified_alumnus, status=PhotoStatus.PENDING)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 14
    assert response.content.count(b'href="/content/photos/') == 14


def test_console_sets_the_cover(client, org_tree, college_admin):
    console_login(client, college_admin)
    album = AlbumFactory(org=org_tree.college)
    first, second = PhotoFactory(album=album), PhotoFactory(album=album)
    hidden = PhotoFactory(album=album, status=PhotoStatus.HIDDEN)
    bulk = reverse("console:content_album_bulk", args=[album.pk])
    client.post(bulk, {"action": "cover", "photo": [second.pk]})
    album.refresh_from_db()
    assert album.cover_id == second.pk
    for photos in ([first.pk, second.pk], [hidden.pk]):  # not one, or not published
        client.post(bulk, {"action": "cover", "photo": photos})
        album.refresh_from_db()
        assert album.cover_id == second.pk
    page = client.get(reverse("console:content_album", args=[album.pk]))
    assert page.content.count(b"data-cover") == 1


def test_event_page_for_a_signed_out_visitor(client, org_tree):
    event = EventFactory(org=org_tree.college, visibility=Visibility.PUBLIC)
    assert client.get(reverse("hall:event", args=[event.pk])).status_code == 200
    album = AlbumFactory(org=org_tree.college, event=event)
    PhotoFactory(album=album)
    page = client.get(reverse("hall:event", args=[event.pk]))
    assert page.content.count(b'class="event-photo-strip"') == 1
    assert b'data-action="event-photos-upload"' not in page.content


def test_alumnus_creates_an_album_that_waits_for_approval(
    client, org_tree, verified_alumnus, college_admin, outsider
):
    from xiaoyou.core.models import ReviewItem
    from xiaoyou.core.reviews import review_decide

    client.force_login(verified_alumnus)
    form = client.get(reverse("hall:content_album_create"))
    choices = [value for value, _label in form.context["form"].fields["org"].choices]
    assert choices == [org_tree.root.pk, org_tree.college.pk]
    response = client.post(
        reverse("hall:content_album_create"),
        {
            "org": org_tree.college.pk,
            "title": "计算机051班",
            "view_permission": "public",
            "upload_permission": "viewers",
        },
    )
    album = Album.objects.get()
    assert response["Location"] == reverse("hall:content_album", args=[album.pk])
    assert (album.status, album.created_by, album.org) == (
        "pending",
        verified_alumnus,
        org_tree.college,
    )
    detail = client.get(response["Location"])
    assert b'data-album-status="pending"' in detail.content and detail.context["may_upload"] is True
    mine = client.get(reverse("hall:content_my_albums"))
    assert [a.pk for a in mine.context["page"].object_list] == [album.pk]
    client.force_login(outsider)
    assert client.get(response["Location"]).status_code == 404
    assert list(client.get(reverse("hall:content_albums")).context["page"].object_list) == []

    item = ReviewItem.objects.get(kind="content.album", object_id=str(album.pk))
    review_decide(item=item, actor=college_admin, approved=True)
    assert client.get(response["Location"]).status_code == 200
    listed = client.get(reverse("hall:content_albums")).context["page"].object_list
    assert [a.pk for a in listed] == [album.pk]


def test_album_creation_is_for_verified_alumni(client, org_tree, unverified_user):
    client.force_login(unverified_user)
    response = client.get(reverse("hall:content_album_create"))
    assert response.status_code == 403
    response = client.post(
        reverse("hall:content_album_create"), {"org": org_tree.root.pk, "title": "x"}
    )
    assert response.status_code == 403
    assert not Album.objects.exists()
