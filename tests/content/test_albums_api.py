"""API of albums and photos: visibility by persona, my albums, creating (reviewed or at once),
uploads (several files; a fake image refused in the error format with nothing stored),
photo lists with pagination and moderation filters, deleting, managers' bulk actions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from tests.content.factories import AlbumFactory, PhotoFactory
from tests.content.images import jpeg_bytes
from tests.factories import UserFactory
from xiaoyou.content.models import (
    Album,
    AlbumStatus,
    Photo,
    PhotoStatus,
    UploadPermission,
    ViewPermission,
)
from xiaoyou.core.models import AuditEntry, ReviewItem, ReviewStatus

pytestmark = pytest.mark.django_db

API = "/api/v1/content"
# A list page costs the same few queries whatever its length (no query per row).
QUERIES = 10


def _jpeg(name: str, color=(200, 10, 10)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(color=color), content_type="image/jpeg")


def _zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def _stored_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


@pytest.fixture
def albums(org_tree, outsider):
    """One album of each kind of visibility, and one waiting for review."""
    return {
        "public": AlbumFactory(org=org_tree.college, title="公开相册"),
        "verified": AlbumFactory(
            org=org_tree.root, title="校友相册", view_permission=ViewPermission.VERIFIED
        ),
        "members": AlbumFactory(
            org=org_tree.regional, title="上海相册", view_permission=ViewPermission.MEMBERS
        ),
        "pending": AlbumFactory(
            org=org_tree.root, title="待审相册", status=AlbumStatus.PENDING, created_by=outsider
        ),
    }


# --- Reading ------------------------------------------------------------------------------------


def test_anonymous_gets_401_even_for_a_public_album(client, albums):
    assert client.get(f"{API}/albums").status_code == 401
    response = client.get(f"{API}/albums/{albums['verified'].pk}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("unverified_user", ["公开相册"]),
        ("verified_alumnus", ["校友相册", "公开相册"]),
        ("regional_admin", ["上海相册", "公开相册"]),
        ("outsider", ["待审相册", "公开相册"]),  # their own album, still in review
    ],
)
def test_the_list_follows_the_view_permission(client, albums, request, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    assert sorted(_titles(client.get(f"{API}/albums")), reverse=True) == sorted(
        expected, reverse=True
    )


def test_album_detail_is_404_when_the_caller_may_not_see_it(
    client, albums, unverified_user, verified_alumnus
):
    client.force_login(unverified_user)
    hidden = client.get(f"{API}/albums/{albums['verified'].pk}")
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "not_found"
    assert client.get(f"{API}/albums/{albums['pending'].pk}").status_code == 404
    assert client.get(f"{API}/albums/{albums['members'].pk}").status_code == 404

    client.force_login(verified_alumnus)
    body = client.get(f"{API}/albums/{albums['verified'].pk}").json()
    assert (body["title"], body["view_permission"], body["may_upload"], body["is_manager"]) == (
        "校友相册",
        "verified",
        True,
        False,
    )


def test_album_list_is_paginated_with_a_fixed_query_count(
    client, org_tree, verified_alumnus, django_assert_max_num_queries
):
    for index in range(3):
        album = AlbumFactory(org=org_tree.college, title=f"相册{index}")
        album.cover = PhotoFactory(album=album)
        album.save(update_fields=["cover"])
    client.force_login(verified_alumnus)
    with django_assert_max_num_queries(QUERIES):
        first = client.get(f"{API}/albums", {"page_size": 2})
    body = first.json()
    assert (body["count"], body["page"], body["page_size"]) == (3, 1, 2)
    assert [item["title"] for item in body["items"]] == ["相册2", "相册1"]
    assert body["items"][0]["photo_count"] == 1
    assert body["items"][0]["cover_url"].endswith("/320.jpg")
    assert _titles(client.get(f"{API}/albums", {"page_size": 2, "page": 2})) == ["相册0"]
    assert _titles(client.get(f"{API}/albums", {"q": "相册1"})) == ["相册1"]
    for index in range(6):
        AlbumFactory(org=org_tree.college, title=f"更多{index}")
        PhotoFactory.create_batch(2, album=Album.objects.get(title=f"更多{index}"))
    with django_assert_max_num_queries(QUERIES):
        assert len(_titles(client.get(f"{API}/albums", {"page_size": 20}))) == 9


def test_invalid_page_size_is_422(client, verified_alumnus):
    client.force_login(verified_alumnus)
    response = client.get(f"{API}/albums", {"page_size": 1000})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


# --- Creating -----------------------------------------------------------------------------------


def test_alumnus_album_waits_for_review_and_shows_in_my_albums(client, org_tree, verified_alumnus):
    client.force_login(verified_alumnus)
    choices = client.get(f"{API}/me/album-organizations").json()
    # The persona belongs to the main association and the college.
    assert [choice["id"] for choice in choices] == [org_tree.root.pk, org_tree.college.pk]
    response = client.post(
        f"{API}/albums",
        {
            "org_id": org_tree.root.pk,
            "title": "  返校日  ",
            "description": "照片",
            "view_permission": "verified",
            "upload_permission": "viewers",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["status"], body["view_permission"], body["upload_permission"]) == (
        "返校日",
        "pending",
        "verified",
        "viewers",
    )
    album = Album.objects.get(pk=body["id"])
    assert album.created_by == verified_alumnus
    assert ReviewItem.objects.filter(kind="content.album", status=ReviewStatus.PENDING).count() == 1
    mine = client.get(f"{API}/me/albums").json()
    assert [(item["title"], item["status"]) for item in mine["items"]] == [("返校日", "pending")]


def test_admin_album_is_published_at_once_and_audited(client, org_tree, college_admin):
    client.force_login(college_admin)
    response = client.post(
        f"{API}/albums",
        {"org_id": org_tree.college.pk, "title": "学院年会", "requires_moderation": True},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "published"
    assert response.json()["is_manager"] is True
    assert AuditEntry.objects.filter(action="content.album.create").count() == 1


@pytest.mark.parametrize(
    ("persona", "org"),
    [("outsider", "root"), ("unverified_user", "root"), ("college_admin", "other_college")],
)
def test_creating_where_one_may_not_is_403(client, org_tree, request, persona, org):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        f"{API}/albums",
        {"org_id": getattr(org_tree, org).pk, "title": "不可以"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Album.objects.exists()


def test_invalid_view_permission_is_422(client, org_tree, college_admin):
    client.force_login(college_admin)
    response = client.post(
        f"{API}/albums",
        {"org_id": org_tree.college.pk, "title": "x", "view_permission": "friends"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"][-1] == "view_permission"


def test_another_organizations_admin_may_not_edit_or_delete(
    client, org_tree, regional_admin, college_admin
):
    album = AlbumFactory(org=org_tree.college, title="学院相册")
    members_only = AlbumFactory(org=org_tree.college, view_permission=ViewPermission.MEMBERS)
    client.force_login(regional_admin)
    url = f"{API}/albums/{album.pk}"
    refused = client.patch(url, {"title": "改"}, content_type="application/json")
    assert refused.status_code == 403
    assert client.delete(url).status_code == 403
    hidden = client.patch(
        f"{API}/albums/{members_only.pk}", {"title": "改"}, content_type="application/json"
    )
    assert hidden.status_code == 404
    album.refresh_from_db()
    assert album.title == "学院相册"

    client.force_login(college_admin)
    changed = client.patch(
        url, {"title": "新名字", "view_permission": "members"}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["view_permission"]) == ("新名字", "members")
    assert client.delete(url).status_code == 204
    assert not Album.objects.filter(pk=album.pk).exists()


# --- Uploading ----------------------------------------------------------------------------------


def test_upload_several_photos(client, org_tree, verified_alumnus, settings):
    album = AlbumFactory(org=org_tree.college)
    client.force_login(verified_alumnus)
    response = client.post(
        f"{API}/albums/{album.pk}/photos",
        {"photos": [_jpeg("a.jpg"), _jpeg("b.jpg", color=(10, 200, 10))], "caption": "合影"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (len(body["created"]), body["pending"], body["refused"]) == (2, 0, [])
    photo = Photo.objects.get(pk=body["created"][0]["id"])
    assert (photo.uploader, photo.caption, photo.status) == (verified_alumnus, "合影", "published")
    assert body["created"][0]["is_mine"] is True
    assert body["created"][0]["thumbnail_url"] == f"/content/photos/{photo.pk}/320.jpg"
    assert body["created"][0]["original_url"] == f"/content/photos/{photo.pk}/original"
    assert os.path.exists(photo.original.path)
    assert client.get(body["created"][0]["thumbnail_url"]).status_code == 200


def test_a_text_file_named_jpg_is_refused_and_nothing_is_stored(
    client, org_tree, verified_alumnus, settings
):
    album = AlbumFactory(org=org_tree.college)
    client.force_login(verified_alumnus)
    fake = SimpleUploadedFile("holiday.jpg", b"just some text, not a photo\n" * 20, "image/jpeg")
    response = client.post(f"{API}/albums/{album.pk}/photos", {"photos": [fake]})
    assert response.status_code == 422
    error = response.json()["error"]
    reason = _zh("The file is not an image, or it is damaged.")
    assert error["code"] == "content_photos_refused"
    assert error["message"] == _zh("No photo was added. %(reasons)s") % {
        "reasons": f"holiday.jpg: {reason}"
    }
    assert error["details"] == [{"name": "holiday.jpg", "message": reason}]
    assert not Photo.objects.exists()
    assert _stored_files(settings) == []


def test_a_refused_file_among_good_ones_is_reported(client, org_tree, verified_alumnus):
    album = AlbumFactory(org=org_tree.college)
    client.force_login(verified_alumnus)
    fake = SimpleUploadedFile("notes.jpg", b"hello", "image/jpeg")
    response = client.post(f"{API}/albums/{album.pk}/photos", {"photos": [_jpeg("ok.jpg"), fake]})
    assert response.status_code == 201
    body = response.json()
    assert len(body["created"]) == 1
    assert body["refused"] == [
        {"name": "notes.jpg", "message": _zh("The file is not an image, or it is damaged.")}
    ]
    assert Photo.objects.count() == 1


def test_upload_refusals(client, org_tree, unverified_user, verified_alumnus):
    album = AlbumFactory(org=org_tree.college, upload_permission=UploadPermission.VERIFIED)
    hidden = AlbumFactory(org=org_tree.root, view_permission=ViewPermission.VERIFIED)
    client.force_login(unverified_user)
    response = client.post(f"{API}/albums/{album.pk}/photos", {"photos": [_jpeg("a.jpg")]})
    assert response.status_code == 403
    assert (
        client.post(f"{API}/albums/{hidden.pk}/photos", {"photos": [_jpeg("a.jpg")]}).status_code
        == 404
    )
    client.force_login(verified_alumnus)
    missing = client.post(f"{API}/albums/{album.pk}/photos", {"caption": "x"})
    assert missing.status_code == 422
    assert not Photo.objects.exists()


def test_moderated_upload_waits_and_managers_publish_in_bulk(
    client, org_tree, verified_alumnus, college_admin, regional_admin
):
    album = AlbumFactory(org=org_tree.college, requires_moderation=True)
    client.force_login(verified_alumnus)
    body = client.post(
        f"{API}/albums/{album.pk}/photos", {"photos": [_jpeg("a.jpg"), _jpeg("b.jpg", (1, 2, 3))]}
    ).json()
    assert body["pending"] == 2
    ids = [photo["id"] for photo in body["created"]]
    # The uploader sees their pending photos; others do not.
    assert client.get(f"{API}/albums/{album.pk}/photos").json()["count"] == 2
    assert client.get(f"{API}/albums/{album.pk}/photos", {"status": "pending"}).status_code == 403
    bulk = {"action": "publish", "photo_ids": ids}
    assert (
        client.post(f"{API}/albums/{album.pk}/photos/bulk", bulk, content_type="application/json")
    ).status_code == 403

    client.force_login(regional_admin)
    assert client.get(f"{API}/albums/{album.pk}/photos").json()["count"] == 0
    refused = client.post(
        f"{API}/albums/{album.pk}/photos/bulk", bulk, content_type="application/json"
    )
    assert refused.status_code == 403

    client.force_login(college_admin)
    waiting = client.get(f"{API}/albums/{album.pk}/photos", {"status": "pending"}).json()
    assert sorted(item["id"] for item in waiting["items"]) == sorted(ids)
    done = client.post(
        f"{API}/albums/{album.pk}/photos/bulk", bulk, content_type="application/json"
    )
    assert done.json() == {"changed": 2}
    assert set(Photo.objects.values_list("status", flat=True)) == {PhotoStatus.PUBLISHED}
    assert not ReviewItem.objects.filter(kind="content.photo", status=ReviewStatus.PENDING).exists()
    cover = client.post(
        f"{API}/albums/{album.pk}/photos/bulk",
        {"action": "cover", "photo_ids": [ids[1]]},
        content_type="application/json",
    )
    assert cover.json() == {"changed": 1}
    album.refresh_from_db()
    assert album.cover_id == ids[1]
    hide = client.post(
        f"{API}/albums/{album.pk}/photos/bulk",
        {"action": "hide", "photo_ids": [ids[0]]},
        content_type="application/json",
    )
    assert hide.json() == {"changed": 1}
    assert client.get(f"{API}/albums/{album.pk}/photos", {"status": "hidden"}).json()["count"] == 1


def test_bulk_delete_by_a_manager(client, org_tree, college_admin):
    album = AlbumFactory(org=org_tree.college)
    photos = PhotoFactory.create_batch(3, album=album)
    client.force_login(college_admin)
    response = client.post(
        f"{API}/albums/{album.pk}/photos/bulk",
        {"action": "delete", "photo_ids": [photos[0].pk, photos[1].pk]},
        content_type="application/json",
    )
    assert response.json() == {"changed": 2}
    assert sorted(Photo.objects.values_list("status", flat=True)) == [
        "deleted",
        "deleted",
        "published",
    ]
    assert AuditEntry.objects.filter(action="content.photo.delete").count() == 1
    empty = client.post(
        f"{API}/albums/{album.pk}/photos/bulk",
        {"action": "delete", "photo_ids": []},
        content_type="application/json",
    )
    assert empty.status_code == 422


def test_delete_own_photo_but_not_anothers(client, org_tree, verified_alumnus):
    album = AlbumFactory(org=org_tree.college)
    mine = PhotoFactory(album=album, uploader=verified_alumnus)
    theirs = PhotoFactory(album=album, uploader=UserFactory())
    hidden = PhotoFactory(
        album=AlbumFactory(org=org_tree.regional, view_permission=ViewPermission.MEMBERS)
    )
    client.force_login(verified_alumnus)
    assert client.delete(f"{API}/photos/{theirs.pk}").status_code == 403
    assert client.delete(f"{API}/photos/{hidden.pk}").status_code == 404
    assert client.delete(f"{API}/photos/{mine.pk}").status_code == 204
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (PhotoStatus.DELETED, PhotoStatus.PUBLISHED)
    assert client.get(f"{API}/photos/{mine.pk}").status_code == 404


def test_photo_list_is_paginated_with_a_fixed_query_count(
    client, org_tree, verified_alumnus, django_assert_max_num_queries
):
    album = AlbumFactory(org=org_tree.college)
    PhotoFactory.create_batch(3, album=album)
    PhotoFactory(album=album, status=PhotoStatus.HIDDEN)
    client.force_login(verified_alumnus)
    url = f"{API}/albums/{album.pk}/photos"
    with django_assert_max_num_queries(QUERIES):
        first = client.get(url, {"page_size": 2}).json()
    assert (first["count"], len(first["items"])) == (3, 2)
    assert len(client.get(url, {"page_size": 2, "page": 2}).json()["items"]) == 1
    PhotoFactory.create_batch(10, album=album)
    with django_assert_max_num_queries(QUERIES):
        assert len(client.get(url, {"page_size": 20}).json()["items"]) == 13
    assert client.get(url, {"status": "deleted-ones"}).status_code == 422
