"""API of face search: consent, selfie search (multipart), matches, deletion; same rules as the
hall (consent first, one face, viewable albums only)."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.content.factories import AlbumFactory, PhotoFactory
from xiaoyou.content.models import FaceConsent, FaceProfile, ViewPermission
from xiaoyou.content.selectors_faces import face_index
from xiaoyou.content.services import faces as face_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.LANGUAGE_CODE = "en"
    face_index.clear()
    yield
    face_index.clear()


def _bytes(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return buffer.getvalue()


def _astronaut() -> Image.Image:
    from skimage import data

    return Image.fromarray(data.astronaut())


def _selfie() -> SimpleUploadedFile:
    crop = _astronaut().crop((130, 30, 320, 230)).resize((380, 400))
    return SimpleUploadedFile("me.jpg", _bytes(crop, "JPEG"), content_type="image/jpeg")


def test_consent_search_matches_and_delete(client, verified_alumnus, org_tree):
    visible = AlbumFactory(org=org_tree.college, title="毕业典礼")
    hidden = AlbumFactory(org=org_tree.regional, view_permission=ViewPermission.MEMBERS)
    photos = []
    for album in (visible, hidden):
        photo = PhotoFactory(
            album=album, original=ContentFile(_bytes(_astronaut(), "PNG"), name="a.png")
        )
        face_services.photo_faces_scan(photo_id=photo.pk)
        photos.append(photo)
    client.force_login(verified_alumnus)

    state = client.get("/api/v1/content/faces/consent").json()
    assert (state["is_active"], state["current_text_version"], state["has_face_encoding"]) == (
        False,
        face_services.CONSENT_TEXT_VERSION,
        False,
    )
    assert len(state["paragraphs"]) == 3

    refused = client.post("/api/v1/content/faces/search", {"selfie": _selfie()})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "face_consent_required"

    given = client.post("/api/v1/content/faces/consent")
    assert given.status_code == 200
    assert given.json()["is_active"] is True

    found = client.post("/api/v1/content/faces/search", {"selfie": _selfie()})
    assert found.status_code == 200, found.content
    body = found.json()
    assert [(row["photo_id"], row["album_title"], row["is_tagged"]) for row in body] == [
        (photos[0].pk, "毕业典礼", False)
    ]
    assert body[0]["distance"] < 0.5
    assert body[0]["thumbnail_url"] == f"/content/photos/{photos[0].pk}/320.jpg"
    again = client.get("/api/v1/content/faces/matches").json()
    assert [row["photo_id"] for row in again] == [photos[0].pk]

    deleted = client.delete("/api/v1/content/faces/data")
    assert deleted.json() == {"face_profiles": 1, "face_tags": 0, "consents_withdrawn": 0}
    assert not FaceProfile.objects.exists()
    no_profile = client.get("/api/v1/content/faces/matches")
    assert no_profile.status_code == 400
    assert no_profile.json()["error"]["code"] == "face_no_profile"

    withdrawn = client.delete("/api/v1/content/faces/consent")
    assert withdrawn.json() == {"face_profiles": 0, "face_tags": 0, "consents_withdrawn": 1}
    assert FaceConsent.objects.get().withdrawn_at is not None


def test_selfie_with_no_face_is_refused_with_the_message(client, verified_alumnus):
    face_services.face_consent_give(actor=verified_alumnus)
    client.force_login(verified_alumnus)
    blank = SimpleUploadedFile(
        "me.png", _bytes(Image.new("RGB", (300, 300), (200, 190, 180)), "PNG")
    )
    response = client.post("/api/v1/content/faces/search", {"selfie": blank})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "face_none_found"
    assert error["message"].startswith("No face was found in the photo.")


def test_anonymous_gets_401(client):
    assert client.get("/api/v1/content/faces/consent").status_code == 401
    assert client.delete("/api/v1/content/faces/data").status_code == 401
