"""Reads of face search: the person's consent and profile, the photos a face matches (only in
albums the person may view), a photo's detected faces for the console.

Matching runs in-process over every stored encoding as one float32 matrix (FaceIndex): 100,000
faces are 51 MB and one search is a single matrix-vector product. Each process keeps its own
copy, refreshed incrementally (rows with an id above the largest it holds) before a search and
reloaded in full every few minutes, which drops faces deleted meanwhile; results are checked
against the database anyway, so a deleted face or photo never shows.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Q, QuerySet

from xiaoyou.content import selectors as album_selectors
from xiaoyou.content.models import (
    DetectedFace,
    FaceConsent,
    FaceProfile,
    Photo,
    PhotoStatus,
)
from xiaoyou.content.models.faces import ENCODING_DIMENSIONS

# Euclidean distance under which two encodings are taken for one person. dlib's own figure is
# 0.6; 0.5 was measured on the labeled set (tests/content/test_faces_quality.py) to keep
# precision near 1 with group photos of people of one ethnicity, where 0.6 confuses strangers.
DEFAULT_THRESHOLD = 0.5
FULL_RELOAD_SECONDS = 600
LOAD_CHUNK = 5000
# Faces looked up per search (a person is rarely in more photos than this).
MAX_FACES = 5000


def match_threshold() -> float:
    return float(getattr(settings, "CONTENT_FACE_MATCH_THRESHOLD", DEFAULT_THRESHOLD))


class FaceIndex:
    """Every detected face's (id, photo id, encoding), as arrays grown by doubling."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.size = 0
        self.max_id = 0
        self.loaded_at = 0.0
        self.ids = np.zeros(0, dtype=np.int64)
        self.photo_ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, ENCODING_DIMENSIONS), dtype=np.float32)
        self.norms = np.zeros(0, dtype=np.float32)

    def _reserve(self, needed: int) -> None:
        capacity = len(self.ids)
        if needed <= capacity:
            return
        capacity = max(needed, capacity * 2, 1024)
        for name in ("ids", "photo_ids", "norms"):
            grown = np.zeros(capacity, dtype=getattr(self, name).dtype)
            grown[: self.size] = getattr(self, name)[: self.size]
            setattr(self, name, grown)
        matrix = np.zeros((capacity, ENCODING_DIMENSIONS), dtype=np.float32)
        matrix[: self.size] = self.matrix[: self.size]
        self.matrix = matrix

    def append(self, ids: np.ndarray, photo_ids: np.ndarray, encodings: np.ndarray) -> None:
        count = len(ids)
        if not count:
            return
        self._reserve(self.size + count)
        end = self.size + count
        self.ids[self.size : end] = ids
        self.photo_ids[self.size : end] = photo_ids
        self.matrix[self.size : end] = encodings
        self.norms[self.size : end] = np.einsum("ij,ij->i", encodings, encodings)
        self.size = end
        self.max_id = max(self.max_id, int(ids.max()))

    def refresh(self) -> None:
        """Loads the faces stored since the last refresh (all of them every few minutes)."""
        with self._lock:
            if time.monotonic() - self.loaded_at > FULL_RELOAD_SECONDS:
                self.clear()
                self.loaded_at = time.monotonic()
            while True:
                rows = list(
                    DetectedFace.objects.filter(pk__gt=self.max_id)
                    .order_by("pk")
                    .values_list("pk", "photo_id", "encoding")[:LOAD_CHUNK]
                )
                if not rows:
                    return
                self.append(
                    np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows)),
                    np.fromiter((row[1] for row in rows), dtype=np.int64, count=len(rows)),
                    np.frombuffer(b"".join(bytes(row[2]) for row in rows), dtype="<f4")
                    .reshape(len(rows), ENCODING_DIMENSIONS)
                    .astype(np.float32),
                )

    def nearest(self, encoding: np.ndarray, threshold: float) -> list[tuple[int, int, float]]:
        """(face id, photo id, distance) of every stored face within `threshold`, nearest
        first: one vectorized computation, |a - b|^2 = |a|^2 + |b|^2 - 2 a.b."""
        if not self.size:
            return []
        query = np.asarray(encoding, dtype=np.float32)
        squared = (
            self.norms[: self.size]
            + float(query @ query)
            - 2.0 * (self.matrix[: self.size] @ query)
        )
        hits = np.flatnonzero(squared <= threshold * threshold)
        if not len(hits):
            return []
        distances = np.sqrt(np.maximum(squared[hits], 0.0))
        order = np.argsort(distances, kind="stable")
        return [
            (int(self.ids[hits[i]]), int(self.photo_ids[hits[i]]), float(distances[i]))
            for i in order
        ]


face_index = FaceIndex()


def face_consent_active(user: Any) -> FaceConsent | None:
    """The person's consent in force, if any (at most one: a unique constraint)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return FaceConsent.objects.filter(user_id=user.pk, withdrawn_at__isnull=True).first()


def face_profile_of(user: Any) -> FaceProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return FaceProfile.objects.filter(user_id=user.pk).first()


def face_consents_of(user: Any) -> QuerySet[FaceConsent]:
    return FaceConsent.objects.filter(user_id=user.pk).order_by("-given_at", "-id")


@dataclass(frozen=True)
class PhotoMatch:
    photo: Photo
    distance: float
    # Tagged by staff as this person (distance 0 then).
    is_tagged: bool = False


def photos_matching(
    user: Any, encoding: np.ndarray, *, threshold: float | None = None, limit: int = 500
) -> list[PhotoMatch]:
    """Published photos with a face within `threshold` of `encoding`, or tagged as `user`,
    in albums `user` may view (albums_visible: the album policy as one query); one entry per
    photo, nearest first. One query (after the index refresh) whatever the number of matches."""
    threshold = match_threshold() if threshold is None else threshold
    face_index.refresh()
    # The nearest faces only: a face deleted since the index loaded is not in the database any
    # more, so the query below drops it.
    distances = {
        face_id: distance
        for face_id, _photo_id, distance in face_index.nearest(encoding, threshold)[:MAX_FACES]
    }
    faces = (
        DetectedFace.objects.filter(
            Q(pk__in=list(distances)) | Q(tagged_user_id=user.pk),
            photo__status=PhotoStatus.PUBLISHED,
            photo__album__in=album_selectors.albums_visible(user).values("pk"),
        )
        .select_related("photo__album")
        .defer("encoding")
    )
    best: dict[int, PhotoMatch] = {}
    for face in faces:
        is_tagged = face.tagged_user_id == user.pk
        distance = 0.0 if is_tagged else distances[face.pk]
        known = best.get(face.photo_id)
        if known is None or distance < known.distance:
            best[face.photo_id] = PhotoMatch(
                photo=face.photo,
                distance=distance,
                is_tagged=is_tagged or bool(known and known.is_tagged),
            )
    matches = sorted(best.values(), key=lambda match: (match.distance, -match.photo.pk))
    return matches[:limit]


def photo_faces_console(photo: Photo) -> QuerySet[DetectedFace]:
    """The faces detected in a photo, left to right, with the tagged person."""
    return (
        DetectedFace.objects.filter(photo=photo)
        .select_related("tagged_user", "tagged_by")
        .order_by("left", "id")
    )


def photo_console(user: Any, pk: int) -> Photo | None:
    """A live photo of an album `user` manages (the console's album scope)."""
    photo = (
        Photo.objects.exclude(status=PhotoStatus.DELETED)
        .select_related("album__org", "face_scan")
        .filter(pk=pk, album__in=album_selectors.albums_console(user).values("pk"))
        .first()
    )
    return photo
