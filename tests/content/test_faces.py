"""Face search (人脸识别): consent, selfie search within viewable albums, refusals, deletion and
withdrawal, staff tagging rights, the idempotent background scan, the in-process index.

Faces come from scikit-image's astronaut (one face), offline; the real dlib models run.
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.content.factories import AlbumFactory, PhotoFactory
from tests.organizations.org_support import console_login
from xiaoyou.content.models import (
    DetectedFace,
    FaceConsent,
    FaceProfile,
    FaceScanStatus,
    Photo,
    PhotoFaceScan,
    PhotoStatus,
    ViewPermission,
)
from xiaoyou.content.selectors_faces import FaceIndex, face_index
from xiaoyou.content.services import faces as face_services
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry

pytestmark = pytest.mark.django_db

# The console page of a photo's faces: shell (session, user, org switcher, navigation, to-do
# badge) plus photo, faces with their tagged people.
QUERY_BUDGET = 8


def _astronaut() -> Image.Image:
    from skimage import data

    return Image.fromarray(data.astronaut())


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _selfie(image: Image.Image | None = None, name: str = "selfie.jpg") -> SimpleUploadedFile:
    if image is None:
        # The astronaut's face with some margin, a little brighter: a different picture.
        image = _astronaut().crop((130, 30, 320, 230)).resize((380, 400))
    return SimpleUploadedFile(name, _jpeg(image), content_type="image/jpeg")


def _two_faces() -> Image.Image:
    face = _astronaut().crop((130, 30, 320, 230))
    canvas = Image.new("RGB", (420, 220), (240, 240, 240))
    canvas.paste(face, (10, 10))
    canvas.paste(face, (220, 10))
    return canvas


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _photo(album, image: Image.Image | None = None, **fields) -> Photo:
    # PNG: JPEG artefacts on the astronaut's suit make dlib see a second (false) face.
    image = image if image is not None else _astronaut()
    return PhotoFactory(
        album=album,
        original=ContentFile(_png(image), name="p.png"),
        width=image.width,
        height=image.height,
        **fields,
    )


def _scanned(album, image: Image.Image | None = None, **fields) -> Photo:
    photo = _photo(album, image, **fields)
    assert face_services.photo_faces_scan(photo_id=photo.pk) is True
    return photo


@pytest.fixture(autouse=True)
def _english(settings):
    # Chinese is the default language; assertions here read the English msgids.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fresh_index():
    face_index.clear()
    yield
    face_index.clear()


# --- Consent --------------------------------------------------------------------------------


def test_search_requires_consent(verified_alumnus, org_tree):
    _scanned(AlbumFactory(org=org_tree.college))
    with pytest.raises(ApplicationError) as error:
        face_services.face_search(actor=verified_alumnus, selfie=_selfie())
    assert error.value.code == "face_consent_required"
    assert error.value.status == 403
    assert not FaceProfile.objects.exists()


def test_consent_page_first_then_consent_is_recorded(client, verified_alumnus):
    client.force_login(verified_alumnus)
    url = reverse("hall:content_face_search")
    page = client.get(url)
    assert page.status_code == 200
    assert page.templates[0].name == "content/hall/face_consent.html"
    assert "Personal Information Protection Law" in page.content.decode()
    refused = client.post(reverse("hall:content_face_consent"), {})
    assert refused.status_code == 400
    assert not FaceConsent.objects.exists()
    agreed = client.post(reverse("hall:content_face_consent"), {"agree": "yes"})
    assert agreed.status_code == 302
    assert agreed["Location"] == url
    consent = FaceConsent.objects.get()
    assert (consent.user_id, consent.text_version, consent.withdrawn_at) == (
        verified_alumnus.pk,
        face_services.CONSENT_TEXT_VERSION,
        None,
    )
    assert AuditEntry.objects.filter(action="content.face.consent_give").count() == 1
    # Agreeing again keeps the one consent in force.
    client.post(reverse("hall:content_face_consent"), {"agree": "yes"})
    assert FaceConsent.objects.count() == 1
    page = client.get(url)
    assert page.templates[0].name == "content/hall/face_search.html"
    assert 'capture="user"' in page.content.decode()


def test_selfie_post_without_consent_shows_the_consent_screen(client, verified_alumnus):
    client.force_login(verified_alumnus)
    response = client.post(reverse("hall:content_face_search_selfie"), {"selfie": _selfie()})
    assert response.status_code == 403
    assert response.templates[0].name == "content/hall/face_consent.html"


def test_pages_need_sign_in(client):
    response = client.get(reverse("hall:content_face_search"))
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"] or "login" in response["Location"]


# --- Search ---------------------------------------------------------------------------------


def test_search_finds_photos_only_in_albums_the_person_may_view(verified_alumnus, org_tree):
    face_services.face_consent_give(actor=verified_alumnus)
    public = AlbumFactory(org=org_tree.college, view_permission=ViewPermission.PUBLIC)
    members_elsewhere = AlbumFactory(org=org_tree.regional, view_permission=ViewPermission.MEMBERS)
    mine_as_member = AlbumFactory(org=org_tree.college, view_permission=ViewPermission.MEMBERS)
    seen = _scanned(public)
    tilted = _scanned(public, _astronaut().rotate(8, expand=True))
    _scanned(members_elsewhere)  # the alumnus is no member of the Shanghai association
    seen_as_member = _scanned(mine_as_member)
    _scanned(public, status=PhotoStatus.HIDDEN)
    _scanned(public, Image.new("RGB", (300, 200), (90, 120, 200)))  # no face

    matches = face_services.face_search(actor=verified_alumnus, selfie=_selfie())

    assert {match.photo.pk for match in matches} == {seen.pk, tilted.pk, seen_as_member.pk}
    distances = [match.distance for match in matches]
    assert distances == sorted(distances)
    assert all(distance <= 0.5 for distance in distances)
    profile = FaceProfile.objects.get(user=verified_alumnus)
    assert len(bytes(profile.encoding)) == 512
    # The next visit shows the results from the stored encoding, no upload.
    again = face_services.face_search_profile(actor=verified_alumnus)
    assert [match.photo.pk for match in again] == [match.photo.pk for match in matches]


def test_outsider_finds_nothing_in_members_albums(outsider, org_tree):
    face_services.face_consent_give(actor=outsider)
    _scanned(AlbumFactory(org=org_tree.college, view_permission=ViewPermission.MEMBERS))
    _scanned(AlbumFactory(org=org_tree.college, view_permission=ViewPermission.VERIFIED))
    public = _scanned(AlbumFactory(org=org_tree.college, view_permission=ViewPermission.PUBLIC))
    matches = face_services.face_search(actor=outsider, selfie=_selfie())
    assert [match.photo.pk for match in matches] == [public.pk]


@pytest.mark.parametrize(
    ("image", "code", "params"),
    [
        (Image.new("RGB", (400, 400), (200, 180, 160)), "face_none_found", {}),
        ("two", "face_several_found", {"count": 2}),
    ],
)
def test_selfie_must_show_exactly_one_face(verified_alumnus, image, code, params):
    face_services.face_consent_give(actor=verified_alumnus)
    picture = _two_faces() if image == "two" else image
    with pytest.raises(ApplicationError) as error:
        face_services.face_search(actor=verified_alumnus, selfie=_selfie(picture))
    assert error.value.code == code
    assert error.value.params == params
    assert not FaceProfile.objects.exists()


def test_selfie_that_is_no_image_or_missing_is_refused(verified_alumnus):
    face_services.face_consent_give(actor=verified_alumnus)
    text = SimpleUploadedFile("me.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ApplicationError) as error:
        face_services.face_search(actor=verified_alumnus, selfie=text)
    assert error.value.code == "face_selfie_unreadable"
    with pytest.raises(ApplicationError) as error:
        face_services.face_search(actor=verified_alumnus, selfie=None)
    assert error.value.code == "face_selfie_required"


def test_two_faces_message_in_the_page(client, verified_alumnus):
    face_services.face_consent_give(actor=verified_alumnus)
    client.force_login(verified_alumnus)
    response = client.post(
        reverse("hall:content_face_search_selfie"), {"selfie": _selfie(_two_faces())}
    )
    assert response.status_code == 400
    assert "2 faces were found in the photo. Use a photo with only your face." in (
        response.content.decode()
    )


def test_searches_are_rate_limited(verified_alumnus, monkeypatch):
    face_services.face_consent_give(actor=verified_alumnus)
    monkeypatch.setattr(face_services, "SEARCH_RATE", (2, 3600))
    blank = Image.new("RGB", (64, 64), (10, 10, 10))
    for _attempt in range(2):
        with pytest.raises(ApplicationError) as error:
            face_services.face_search(actor=verified_alumnus, selfie=_selfie(blank))
        assert error.value.code == "face_none_found"
    with pytest.raises(ApplicationError) as error:
        face_services.face_search(actor=verified_alumnus, selfie=_selfie(blank))
    assert (error.value.code, error.value.status) == ("rate_limited", 429)


def test_search_page_lists_the_matches(
    client, verified_alumnus, org_tree, django_assert_max_num_queries
):
    face_services.face_consent_give(actor=verified_alumnus)
    album = AlbumFactory(org=org_tree.college)
    photos = [_scanned(album), _scanned(album, _astronaut().rotate(-6, expand=True))]
    client.force_login(verified_alumnus)
    response = client.post(reverse("hall:content_face_search_selfie"), {"selfie": _selfie()})
    assert response.status_code == 302
    with django_assert_max_num_queries(14):
        page = client.get(reverse("hall:content_face_search"))
    html = page.content.decode()
    for photo in photos:
        assert f'data-face-result="{photo.pk}"' in html
    assert "2 photos found" in html


# --- Deletion and withdrawal -----------------------------------------------------------------


def _tagged(user, album) -> DetectedFace:
    photo = _scanned(album)
    face = DetectedFace.objects.get(photo=photo)
    DetectedFace.objects.filter(pk=face.pk).update(tagged_user=user, tagged_at=timezone.now())
    return face


def test_withdrawing_deletes_the_profile_and_the_tags(verified_alumnus, org_tree):
    face_services.face_consent_give(actor=verified_alumnus)
    face_services.face_search(actor=verified_alumnus, selfie=_selfie())
    face = _tagged(verified_alumnus, AlbumFactory(org=org_tree.college))

    counts = face_services.face_consent_withdraw(actor=verified_alumnus)

    assert counts == {"face_profiles": 1, "face_tags": 1, "consents_withdrawn": 1}
    assert not FaceProfile.objects.exists()
    face.refresh_from_db()
    assert (face.tagged_user_id, face.tagged_at) == (None, None)
    consent = FaceConsent.objects.get()
    assert consent.withdrawn_at is not None  # kept, as proof
    with pytest.raises(ApplicationError) as error:
        face_services.face_search(actor=verified_alumnus, selfie=_selfie())
    assert error.value.code == "face_consent_required"
    assert AuditEntry.objects.filter(action="content.face.consent_withdraw").count() == 1


def test_delete_my_face_data_keeps_the_consent(client, verified_alumnus, org_tree):
    face_services.face_consent_give(actor=verified_alumnus)
    face_services.face_search(actor=verified_alumnus, selfie=_selfie())
    _tagged(verified_alumnus, AlbumFactory(org=org_tree.college))
    client.force_login(verified_alumnus)
    page = client.get(reverse("hall:content_face_data"))
    assert "data-tag-count>1<" in page.content.decode()
    response = client.post(reverse("hall:content_face_data_delete"))
    assert response.status_code == 302
    assert not FaceProfile.objects.exists()
    assert not DetectedFace.objects.filter(tagged_user=verified_alumnus).exists()
    assert FaceConsent.objects.get().withdrawn_at is None


def test_withdraw_from_the_page(client, verified_alumnus):
    face_services.face_consent_give(actor=verified_alumnus)
    client.force_login(verified_alumnus)
    response = client.post(reverse("hall:content_face_withdraw"))
    assert response.status_code == 302
    assert FaceConsent.objects.get().withdrawn_at is not None
    page = client.get(reverse("hall:content_face_search"))
    assert page.templates[0].name == "content/hall/face_consent.html"


def test_account_deletion_erases_face_data_and_export_lists_it(verified_alumnus, org_tree):
    from xiaoyou.privacy.erasure import account_delete

    face_services.face_consent_give(actor=verified_alumnus)
    face_services.face_search(actor=verified_alumnus, selfie=_selfie())
    face = _tagged(verified_alumnus, AlbumFactory(org=org_tree.college))
    rows = face_services.face_data_export(verified_alumnus)
    assert [row["kind"] for row in rows] == ["consent", "face_encoding", "tag"]
    assert rows[2]["photo_id"] == face.photo_id

    erasure = account_delete(actor=verified_alumnus, reauthenticated_by="password")

    assert erasure.erased["face_profiles"] == 1
    assert erasure.erased["face_tags"] == 1
    assert erasure.erased["face_consents_withdrawn"] == 1
    assert not FaceProfile.objects.exists()
    assert FaceConsent.objects.get().withdrawn_at is not None


# --- Tagging ---------------------------------------------------------------------------------


@pytest.fixture
def college_face(org_tree):
    return DetectedFace.objects.get(photo=_scanned(AlbumFactory(org=org_tree.college)))


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("platform_admin", True),
        ("college_admin", True),
        ("regional_admin", False),
        ("verified_alumnus", False),
        ("unverified_user", False),
        ("outsider", False),
    ],
)
def test_who_may_tag_a_face(request, persona, allowed, college_face, verified_alumnus):
    actor = request.getfixturevalue(persona)
    face_services.face_consent_give(actor=verified_alumnus)
    if allowed:
        face_services.face_tag(actor=actor, face=college_face, person=verified_alumnus)
        college_face.refresh_from_db()
        assert (college_face.tagged_user_id, college_face.tagged_by_id) == (
            verified_alumnus.pk,
            actor.pk,
        )
        entry = AuditEntry.objects.get(action="content.face.tag")
        assert entry.actor_id == actor.pk
    else:
        with pytest.raises(PermissionDenied):
            face_services.face_tag(actor=actor, face=college_face, person=verified_alumnus)
        assert not DetectedFace.objects.filter(tagged_user__isnull=False).exists()


def test_only_people_who_consented_can_be_tagged(college_admin, college_face, outsider):
    with pytest.raises(ApplicationError) as error:
        face_services.face_tag(actor=college_admin, face=college_face, person=outsider)
    assert error.value.code == "face_person_not_consented"


def test_a_tag_shows_the_photo_to_the_person_and_can_be_removed(
    college_admin, college_face, verified_alumnus
):
    face_services.face_consent_give(actor=verified_alumnus)
    face_services.face_tag(actor=college_admin, face=college_face, person=verified_alumnus)
    # A quite different face: only the tag finds the photo.
    encoding = np.ones(128, dtype=np.float32)
    from xiaoyou.content.selectors_faces import photos_matching

    matches = photos_matching(verified_alumnus, encoding)
    assert [(m.photo.pk, m.distance, m.is_tagged) for m in matches] == [
        (college_face.photo_id, 0.0, True)
    ]
    face_services.face_tag(actor=college_admin, face=college_face, person=None)
    college_face.refresh_from_db()
    assert college_face.tagged_user_id is None
    assert AuditEntry.objects.filter(action="content.face.untag").count() == 1


def test_console_tagging_page_and_form(
    client, college_admin, regional_admin, college_face, verified_alumnus
):
    face_services.face_consent_give(actor=verified_alumnus)
    verified_alumnus.phone = "13800138000"
    verified_alumnus.save(update_fields=["phone"])
    url = reverse("console:content_photo_faces", args=[college_face.photo_id])
    console_login(client, college_admin)
    client.get(url)  # the console shell's per-session lookups
    # More faces cost no more queries (the tagged people come with the faces).
    extra = DetectedFace.objects.get(pk=college_face.pk)
    extra.pk = None
    extra.tagged_user = verified_alumnus
    extra.save()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    assert len(queries) <= QUERY_BUDGET, [query["sql"] for query in queries]
    assert page.content.decode().count("data-face-box=") == 2
    assert f'data-face-box="{college_face.pk}"' in page.content.decode()
    tag_url = reverse("console:content_face_tag", args=[college_face.pk])
    unknown = client.post(tag_url, {"person": "13900000000"}, follow=True)
    assert "No person with this phone number, email or user name." in unknown.content.decode()
    response = client.post(tag_url, {"person": "13800138000"})
    assert response.status_code == 302
    college_face.refresh_from_db()
    assert college_face.tagged_user_id == verified_alumnus.pk
    console_login(client, regional_admin)
    assert client.get(url).status_code == 404
    assert client.post(tag_url, {"person": ""}).status_code == 404
    college_face.refresh_from_db()
    assert college_face.tagged_user_id == verified_alumnus.pk


# --- Background scan -------------------------------------------------------------------------


def test_scan_is_idempotent_and_claimed_once(org_tree):
    photo = _photo(AlbumFactory(org=org_tree.college))
    assert face_services.photo_faces_scan(photo_id=photo.pk) is True
    first = list(DetectedFace.objects.filter(photo=photo).values_list("pk", "left", "top"))
    assert len(first) == 1
    assert face_services.photo_faces_scan(photo_id=photo.pk) is False
    assert list(DetectedFace.objects.filter(photo=photo).values_list("pk", "left", "top")) == first
    scan = PhotoFaceScan.objects.get(photo=photo)
    assert (scan.status, scan.face_count, scan.attempts) == (FaceScanStatus.DONE, 1, 1)


def test_a_scan_in_progress_elsewhere_is_not_taken_until_stale(org_tree):
    photo = _photo(AlbumFactory(org=org_tree.college))
    PhotoFaceScan.objects.create(
        photo=photo, status=FaceScanStatus.SCANNING, claimed_at=timezone.now(), attempts=1
    )
    assert face_services.photo_faces_scan(photo_id=photo.pk) is False
    assert not DetectedFace.objects.exists()
    PhotoFaceScan.objects.filter(photo=photo).update(
        claimed_at=timezone.now() - dt.timedelta(minutes=20)
    )
    assert face_services.photo_faces_scan(photo_id=photo.pk) is True
    assert PhotoFaceScan.objects.get(photo=photo).attempts == 2


def test_unreadable_original_fails_the_scan(org_tree):
    photo = PhotoFactory(
        album=AlbumFactory(org=org_tree.college),
        original=ContentFile(b"garbage", name="p.jpg"),
    )
    assert face_services.photo_faces_scan(photo_id=photo.pk) is False
    scan = PhotoFaceScan.objects.get(photo=photo)
    assert scan.status == FaceScanStatus.FAILED
    assert scan.error


def test_upload_scans_the_photo_after_commit(
    verified_alumnus, org_tree, college_admin, django_capture_on_commit_callbacks
):
    from xiaoyou.content.services.photos import photo_upload

    album = AlbumFactory(org=org_tree.college)
    with django_capture_on_commit_callbacks(execute=True):
        result = photo_upload(
            actor=college_admin,
            album=album,
            files=[SimpleUploadedFile("a.jpg", _jpeg(_astronaut()), content_type="image/jpeg")],
        )
    photo = result.created[0]
    scan = PhotoFaceScan.objects.get(photo=photo)
    assert scan.status == FaceScanStatus.DONE
    # The astronaut's face where dlib finds it in the original (the stored copy is re-encoded).
    boxes = list(DetectedFace.objects.filter(photo=photo).values_list("left", "top"))
    assert scan.face_count == len(boxes) >= 1
    assert any(abs(left - 179) <= 8 and abs(top - 83) <= 8 for left, top in boxes)


def test_catch_up_enqueues_unscanned_photos_and_drops_faces_of_deleted_ones(org_tree, monkeypatch):
    album = AlbumFactory(org=org_tree.college)
    old = timezone.now() - dt.timedelta(minutes=30)
    waiting = _photo(album)
    recent = _photo(album)
    done = _scanned(album)
    deleted = _scanned(album)
    Photo.objects.filter(pk__in=[waiting.pk, done.pk, deleted.pk]).update(created_at=old)
    Photo.objects.filter(pk=deleted.pk).update(status=PhotoStatus.DELETED)
    sent: list[int] = []
    monkeypatch.setattr(face_services, "_enqueue", sent.append)

    assert face_services.photos_faces_catch_up() == 1

    assert sent == [waiting.pk]
    assert recent.pk not in sent
    assert not DetectedFace.objects.filter(photo=deleted).exists()
    assert DetectedFace.objects.filter(photo=done).count() == 1


# --- The in-process index ---------------------------------------------------------------------


def test_index_is_refreshed_incrementally_and_matches_brute_force(org_tree):
    rng = np.random.default_rng(7)
    photo = _photo(AlbumFactory(org=org_tree.college))
    vectors = rng.normal(size=(30, 128)).astype(np.float32) * 0.05

    def store(rows):
        return DetectedFace.objects.bulk_create(
            DetectedFace(photo=photo, top=0, left=0, right=1, bottom=1, encoding=row.tobytes())
            for row in rows
        )

    store(vectors[:20])
    index = FaceIndex()
    index.refresh()
    assert index.size == 20
    store(vectors[20:])
    index.refresh()
    assert index.size == 30
    assert index.max_id == DetectedFace.objects.order_by("-pk").first().pk
    query = vectors[3] + 0.01
    brute = np.sqrt(((vectors - query) ** 2).sum(axis=1))
    expected = sorted((float(d), i) for i, d in enumerate(brute) if d <= 0.5)
    found = index.nearest(query, 0.5)
    ids = list(DetectedFace.objects.order_by("pk").values_list("pk", flat=True))
    assert [ids.index(face_id) for face_id, _photo, _d in found] == [i for _d, i in expected]
    assert np.allclose([d for *_rest, d in found], [d for d, _i in expected], atol=1e-4)


# --- Entries ---------------------------------------------------------------------------------


def test_personal_center_and_menu_lead_to_face_search(client, verified_alumnus):
    client.force_login(verified_alumnus)
    center = client.get(reverse("hall:me")).content.decode()
    assert f'href="{reverse("hall:content_face_data")}"' in center
    home = client.get(reverse("hall:home")).content.decode()
    assert f'href="{reverse("hall:content_face_search")}"' in home
