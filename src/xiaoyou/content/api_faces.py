"""API of face search (人脸识别), for the H5 pages and the mini program: the consent (text,
give, withdraw), searching with a selfie (multipart upload), the photos the stored encoding
matches, and deleting one's face data. The same services as the hall: consent first, exactly
one face, results only from albums the person may view, the same rate limit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from xiaoyou.content import selectors_faces
from xiaoyou.content.selectors_faces import PhotoMatch
from xiaoyou.content.services import faces as face_services

router = Router(tags=["face search"])


class ConsentOut(Schema):
    is_active: bool
    text_version: str
    given_at: datetime | None
    current_text_version: str
    title: str
    paragraphs: list[str]
    has_face_encoding: bool


class MatchOut(Schema):
    photo_id: int
    album_id: int
    album_title: str
    distance: float
    is_tagged: bool
    thumbnail_url: str
    original_url: str


class DeletedOut(Schema):
    face_profiles: int
    face_tags: int
    consents_withdrawn: int = 0


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _consent(user: Any) -> dict[str, Any]:
    consent = selectors_faces.face_consent_active(user)
    return {
        "is_active": consent is not None,
        "text_version": consent.text_version if consent else "",
        "given_at": consent.given_at if consent else None,
        "current_text_version": face_services.CONSENT_TEXT_VERSION,
        "title": str(face_services.CONSENT_TITLE),
        "paragraphs": [str(paragraph) for paragraph in face_services.CONSENT_PARAGRAPHS],
        "has_face_encoding": selectors_faces.face_profile_of(user) is not None,
    }


def _matches(matches: list[PhotoMatch]) -> list[dict[str, Any]]:
    return [
        {
            "photo_id": match.photo.pk,
            "album_id": match.photo.album_id,
            "album_title": match.photo.album.title,
            "distance": round(match.distance, 4),
            "is_tagged": match.is_tagged,
            "thumbnail_url": reverse(
                "hall:content_photo_file", args=[match.photo.pk, "320", "jpg"]
            ),
            "original_url": reverse("hall:content_photo_download", args=[match.photo.pk]),
        }
        for match in matches
    ]


@router.get(
    "/content/faces/consent", response=ConsentOut, summary="Face search consent: text and state"
)
def consent_get(request: HttpRequest) -> dict[str, Any]:
    return _consent(_user(request))


@router.post(
    "/content/faces/consent",
    response=ConsentOut,
    summary="Agree to the face search text (separate consent, PIPL sensitive information)",
)
def consent_give(request: HttpRequest) -> dict[str, Any]:
    face_services.face_consent_give(actor=_user(request))
    return _consent(_user(request))


@router.delete(
    "/content/faces/consent",
    response=DeletedOut,
    summary="Withdraw the consent; deletes the face encoding and tags",
)
def consent_withdraw(request: HttpRequest) -> dict[str, int]:
    return face_services.face_consent_withdraw(actor=_user(request))


@router.post(
    "/content/faces/search",
    response=list[MatchOut],
    summary="Search with a selfie (exactly one face; the image is not stored)",
)
def search(request: HttpRequest, selfie: UploadedFile = File(...)) -> list[dict[str, Any]]:  # noqa: B008
    return _matches(face_services.face_search(actor=_user(request), selfie=selfie))


@router.get(
    "/content/faces/matches",
    response=list[MatchOut],
    summary="The photos the stored face encoding matches (no upload)",
)
def matches(request: HttpRequest) -> list[dict[str, Any]]:
    return _matches(face_services.face_search_profile(actor=_user(request)))


@router.delete(
    "/content/faces/data",
    response=DeletedOut,
    summary="Delete my face data (encoding and tags); the consent stays",
)
def data_delete(request: HttpRequest) -> dict[str, int]:
    return face_services.face_data_delete(actor=_user(request))
