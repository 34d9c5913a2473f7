"""Celery tasks of face search: each takes ids and calls a service (services/faces.py)."""

from __future__ import annotations

from celery import shared_task

PHOTO_FACES_SCAN = "xiaoyou.content.photo_faces_scan"
FACES_CATCH_UP = "xiaoyou.content.faces_catch_up"


@shared_task(name=PHOTO_FACES_SCAN, acks_late=True, ignore_result=True, max_retries=3)
def photo_faces_scan_task(photo_id: int) -> bool:
    """Detects and encodes a photo's faces (idempotent: claimed once, a second run does nothing)."""
    from xiaoyou.content.services.faces import photo_faces_scan

    return photo_faces_scan(photo_id=photo_id)


@shared_task(name=FACES_CATCH_UP, ignore_result=True)
def faces_catch_up() -> int:
    """Periodic: photos never scanned (a lost message, a killed worker) are scanned now."""
    from xiaoyou.content.services.faces import photos_faces_catch_up

    return photos_faces_catch_up()


def register() -> None:
    from xiaoyou.core import schedules

    schedules.schedule(
        "content.faces-catch-up",
        FACES_CATCH_UP,
        crontab="7,37 * * * *",
        description="Content: detect the faces of photos left unscanned.",
    )
