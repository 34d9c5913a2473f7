"""人脸识别 (face search): consent, searching with a selfie, deleting one's face data, staff
tagging, and the background scan of album photos.

PIPL treats face information as sensitive (敏感个人信息): it is processed only with the person's
separate, explicit consent to a versioned text (FaceConsent), for the stated purpose (finding
their photos), and deleted when they ask or withdraw. The selfie is read in memory, encoded and
dropped: only the 128 numbers of the encoding are kept (FaceProfile), so the next visit shows
the results without another upload.

Photos are scanned once, in the background, after upload (photos.photo_store enqueues the task
when its transaction commits); a periodic task catches up on photos whose message was lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.content import faces_engine
from xiaoyou.content.models import (
    DetectedFace,
    FaceConsent,
    FaceProfile,
    FaceScanStatus,
    Photo,
    PhotoFaceScan,
    PhotoStatus,
)
from xiaoyou.content.selectors_faces import PhotoMatch, photos_matching
from xiaoyou.core import audit, policy, ratelimit
from xiaoyou.core.errors import ApplicationError

logger = logging.getLogger(__name__)

# The consent text: a new wording is a new version, and people are asked again.
CONSENT_TEXT_VERSION = "1"
CONSENT_TITLE = _("Consent to face search (sensitive personal information)")
CONSENT_PARAGRAPHS = (
    _(
        "Face search finds the album photos you appear in. To do so we compute a face "
        "encoding (128 numbers describing your face) from a selfie you upload, and compare it "
        "with the faces detected in album photos you are allowed to see."
    ),
    _(
        "Face information is sensitive personal information under the Personal Information "
        "Protection Law. We process it only with this separate consent and only to find your "
        "photos. Your selfie is not stored: it is discarded as soon as it is encoded. We keep "
        "the encoding until you delete it or withdraw this consent."
    ),
    _(
        "You can delete your face data or withdraw this consent at any time under “My face "
        "data”; withdrawing deletes your encoding and any tags linking you to faces in "
        "photos. Not consenting has no effect on any other service."
    ),
)
SELFIE_MAX_BYTES = 10 * 1024 * 1024
# Selfie searches per person and hour: each one runs the face encoder (~0.3 s of CPU).
SEARCH_RATE = (20, 3600)
# A scan claimed this long ago without finishing (a killed worker) may be claimed again.
SCAN_STALE_AFTER = dt.timedelta(minutes=15)
SCAN_MAX_ATTEMPTS = 3


# --- Consent, profile, deletion ---------------------------------------------------------------


@transaction.atomic
def face_consent_give(*, actor: Any) -> FaceConsent:
    """Records the person's explicit consent to the current text; giving it again while one is
    in force returns that one."""
    current = FaceConsent.objects.filter(user_id=actor.pk, withdrawn_at__isnull=True).first()
    if current is not None:
        return current
    consent = FaceConsent.objects.create(user=actor, text_version=CONSENT_TEXT_VERSION)
    audit.record(
        actor=actor,
        action="content.face.consent_give",
        obj=actor,
        changes={"text_version": [None, CONSENT_TEXT_VERSION]},
    )
    return consent


def _face_data_delete(user: Any) -> dict[str, int]:
    profiles = FaceProfile.objects.filter(user_id=user.pk).delete()[0]
    tags = DetectedFace.objects.filter(tagged_user_id=user.pk).update(
        tagged_user=None, tagged_by=None, tagged_at=None
    )
    return {"face_profiles": profiles, "face_tags": tags}


@transaction.atomic
def face_data_delete(*, actor: Any) -> dict[str, int]:
    """删除我的人脸数据: deletes the person's face encoding and every tag linking them to a face
    in a photo; the consent stays in force (they may search again)."""
    counts = _face_data_delete(actor)
    audit.record(actor=actor, action="content.face.data_delete", obj=actor, changes=counts)
    return counts


@transaction.atomic
def face_consent_withdraw(*, actor: Any) -> dict[str, int]:
    """撤回同意: ends the consent (its row stays, as proof of what was agreed and when) and
    deletes the person's face data, as face_data_delete."""
    counts = _face_data_delete(actor)
    counts["consents_withdrawn"] = FaceConsent.objects.filter(
        user_id=actor.pk, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    audit.record(actor=actor, action="content.face.consent_withdraw", obj=actor, changes=counts)
    return counts


def face_data_erase(user: Any) -> dict[str, int]:
    """For account deletion (privacy.erasure, inside its transaction): the face data goes and
    the consent is withdrawn; no audit entry of its own (the erasure has one)."""
    counts = _face_data_delete(user)
    counts["face_consents_withdrawn"] = FaceConsent.objects.filter(
        user_id=user.pk, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    return counts


def face_data_export(user: Any) -> list[dict[str, Any]]:
    """The person's face data for "download my data": consents, whether an encoding is kept
    (not its numbers: they are meaningless to a reader) and the photos they are tagged in."""
    from xiaoyou.core.audit import to_json_value

    rows: list[dict[str, Any]] = [
        {
            "kind": "consent",
            "text_version": consent.text_version,
            "given_at": to_json_value(consent.given_at),
            "withdrawn_at": to_json_value(consent.withdrawn_at),
        }
        for consent in FaceConsent.objects.filter(user_id=user.pk).order_by("given_at", "id")
    ]
    profile = FaceProfile.objects.filter(user_id=user.pk).first()
    if profile is not None:
        rows.append(
            {
                "kind": "face_encoding",
                "created_at": to_json_value(profile.created_at),
                "updated_at": to_json_value(profile.updated_at),
            }
        )
    for face in DetectedFace.objects.filter(tagged_user_id=user.pk).order_by("photo_id", "id"):
        rows.append(
            {"kind": "tag", "photo_id": face.photo_id, "tagged_at": to_json_value(face.tagged_at)}
        )
    return rows


# --- Search -----------------------------------------------------------------------------------


def _selfie_encoding(selfie: Any) -> Any:
    if selfie is None:
        raise ApplicationError("face_selfie_required")
    size = int(getattr(selfie, "size", 0) or 0)
    if size > SELFIE_MAX_BYTES:
        raise ApplicationError("face_selfie_too_large", limit=SELFIE_MAX_BYTES // (1024 * 1024))
    content = selfie.read(SELFIE_MAX_BYTES + 1)
    if not content:
        raise ApplicationError("face_selfie_required")
    if len(content) > SELFIE_MAX_BYTES:
        raise ApplicationError("face_selfie_too_large", limit=SELFIE_MAX_BYTES // (1024 * 1024))
    try:
        rgb, _scale = faces_engine.rgb_from_bytes(content, max_side=faces_engine.SELFIE_MAX_SIDE)
    except faces_engine.UnreadableImage:
        raise ApplicationError("face_selfie_unreadable") from None
    finally:
        del content
    faces = faces_engine.faces_find(rgb)
    if not faces:
        raise ApplicationError("face_none_found")
    if len(faces) > 1:
        raise ApplicationError("face_several_found", count=len(faces))
    return faces[0].encoding


def face_search(*, actor: Any, selfie: Any) -> list[PhotoMatch]:
    """以脸搜图: the photos the person appears in, from a selfie with exactly one face.

    Rules: a consent in force is required; 20 searches an hour; the selfie is encoded in memory
    and discarded, its encoding replaces the person's profile; results only from albums the
    person may view (selectors_faces.photos_matching), nearest first.
    """
    consent = FaceConsent.objects.filter(user_id=actor.pk, withdrawn_at__isnull=True).first()
    if consent is None:
        raise ApplicationError("face_consent_required", status=403)
    limit, window = SEARCH_RATE
    if not ratelimit.hit(f"content:face_search:{actor.pk}", limit=limit, window_seconds=window):
        raise ApplicationError("rate_limited", status=429)
    encoding = _selfie_encoding(selfie)
    with transaction.atomic():
        FaceProfile.objects.update_or_create(
            user=actor,
            defaults={"consent": consent, "encoding": faces_engine.encoding_to_bytes(encoding)},
        )
    return photos_matching(actor, encoding)


def face_search_profile(*, actor: Any) -> list[PhotoMatch]:
    """The person's photos from their stored encoding (no upload): consent and profile needed."""
    if FaceConsent.objects.filter(user_id=actor.pk, withdrawn_at__isnull=True).first() is None:
        raise ApplicationError("face_consent_required", status=403)
    profile = FaceProfile.objects.filter(user_id=actor.pk).first()
    if profile is None:
        raise ApplicationError("face_no_profile")
    return photos_matching(actor, faces_engine.encoding_from_bytes(profile.encoding))


# --- Staff tagging ----------------------------------------------------------------------------


def person_find(text: str) -> Any:
    """The active account with this phone number, email or user name (exact), if any."""
    text = text.strip()
    if not text:
        return None
    return (
        get_user_model()
        .objects.filter(Q(phone=text) | Q(email__iexact=text) | Q(username=text), is_active=True)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def face_tag(*, actor: Any, face: DetectedFace, person: Any | None) -> DetectedFace:
    """Tags a detected face with the person it shows, or removes the tag (`person` None).

    Rules: admins of the photo's organization (policy "tag"); the person must have consented to
    face search (linking a face to a name is processing their face information); audited.
    """
    policy.require(actor, "tag", face)
    if (
        person is not None
        and not FaceConsent.objects.filter(user_id=person.pk, withdrawn_at__isnull=True).exists()
    ):
        raise ApplicationError("face_person_not_consented")
    before = face.tagged_user_id
    face.tagged_user = person
    face.tagged_by = actor if person is not None else None
    face.tagged_at = timezone.now() if person is not None else None
    face.save(update_fields=["tagged_user", "tagged_by", "tagged_at"])
    audit.record(
        actor=actor,
        action="content.face.tag" if person is not None else "content.face.untag",
        obj=face.photo.album,
        org=face.photo.album.org,
        changes={
            "photo": [None, face.photo_id],
            "face": [None, face.pk],
            "person": [before, face.tagged_user_id],
        },
    )
    return face


# --- Background scan --------------------------------------------------------------------------


def photo_faces_enqueue_on_commit(photo: Photo) -> None:
    """Called by photo_store: scan the photo's faces once its transaction commits."""
    transaction.on_commit(partial(_enqueue, photo.pk))


def _enqueue(photo_id: int) -> None:
    from xiaoyou.content.tasks_faces import photo_faces_scan_task

    photo_faces_scan_task.delay(photo_id)


def _claim(photo_id: int, now: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            PhotoFaceScan.objects.get_or_create(photo_id=photo_id)
    except IntegrityError:  # pragma: no cover - another worker created it at the same moment
        pass
    claimable = Q(status=FaceScanStatus.QUEUED) | Q(
        status=FaceScanStatus.SCANNING,
        claimed_at__lt=now - SCAN_STALE_AFTER,
        attempts__lt=SCAN_MAX_ATTEMPTS,
    )
    return bool(
        PhotoFaceScan.objects.filter(claimable, photo_id=photo_id).update(
            status=FaceScanStatus.SCANNING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def photo_faces_scan(*, photo_id: int) -> bool:
    """Detects and encodes the faces of a photo; idempotent: the scan is claimed by a
    conditional UPDATE (queued -> scanning), so a second run, or a second worker, does nothing.
    A photo that cannot be read is marked failed. Returns whether this call scanned it."""
    photo = Photo.objects.filter(pk=photo_id).exclude(status=PhotoStatus.DELETED).first()
    if photo is None:
        return False
    now = timezone.now()
    if not _claim(photo_id, now):
        return False
    mine = PhotoFaceScan.objects.filter(
        photo_id=photo_id, status=FaceScanStatus.SCANNING, claimed_at=now
    )
    try:
        with photo.original.open("rb") as source:
            content = source.read()
        rgb, scale = faces_engine.rgb_from_bytes(content)
        del content
    except (OSError, faces_engine.UnreadableImage) as error:
        logger.warning("face scan of photo %s failed: %s", photo_id, error)
        mine.update(status=FaceScanStatus.FAILED, error=str(error)[:200])
        return False
    faces = faces_engine.faces_find(rgb, scale=scale)
    with transaction.atomic():
        if not mine.exists():  # pragma: no cover - reclaimed after going stale meanwhile
            return False
        DetectedFace.objects.filter(photo_id=photo_id).delete()
        DetectedFace.objects.bulk_create(
            DetectedFace(
                photo_id=photo_id,
                top=face.top,
                right=face.right,
                bottom=face.bottom,
                left=face.left,
                encoding=faces_engine.encoding_to_bytes(face.encoding),
            )
            for face in faces
        )
        mine.update(
            status=FaceScanStatus.DONE, scanned_at=timezone.now(), face_count=len(faces), error=""
        )
    return True


def photos_faces_catch_up(*, older_than_minutes: int = 10, limit: int = 500) -> int:
    """Periodic: enqueues the scan of live photos stored over `older_than_minutes` ago that were
    never scanned, or whose scan went stale (a killed worker); drops the faces of deleted
    photos (their files are gone, their faces must go too). Returns the number enqueued."""
    now = timezone.now()
    DetectedFace.objects.filter(photo__status=PhotoStatus.DELETED).delete()
    cutoff = now - dt.timedelta(minutes=older_than_minutes)
    waiting = (
        Q(face_scan__isnull=True)
        | Q(face_scan__status=FaceScanStatus.QUEUED)
        | Q(
            face_scan__status=FaceScanStatus.SCANNING,
            face_scan__claimed_at__lt=now - SCAN_STALE_AFTER,
            face_scan__attempts__lt=SCAN_MAX_ATTEMPTS,
        )
    )
    ids = list(
        Photo.objects.filter(waiting, created_at__lt=cutoff)
        .exclude(status=PhotoStatus.DELETED)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    for photo_id in ids:
        _enqueue(photo_id)
    return len(ids)
