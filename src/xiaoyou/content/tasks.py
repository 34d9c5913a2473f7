"""Celery tasks of content: each takes ids and calls a service."""

from __future__ import annotations

from celery import shared_task

PHOTO_THUMBNAILS = "xiaoyou.content.photo_thumbnails"
THUMBNAILS_CATCH_UP = "xiaoyou.content.thumbnails_catch_up"


@shared_task(name=PHOTO_THUMBNAILS, acks_late=True, ignore_result=True, max_retries=3)
def photo_thumbnails_task(photo_id: int) -> bool:
    """Makes the thumbnails of a large upload (idempotent: a second run does nothing)."""
    from xiaoyou.content.services.photos import photo_thumbnails_make

    return photo_thumbnails_make(photo_id=photo_id)


@shared_task(name=THUMBNAILS_CATCH_UP, ignore_result=True)
def thumbnails_catch_up() -> int:
    """Periodic: photos still without thumbnails a while after upload (a lost message, a worker
    killed mid-way) get them now."""
    from xiaoyou.content.services.photos import photos_without_thumbnails_enqueue

    return photos_without_thumbnails_enqueue()


def register() -> None:
    from xiaoyou.core import schedules

    schedules.schedule(
        "content.thumbnails-catch-up",
        THUMBNAILS_CATCH_UP,
        crontab="*/15 * * * *",
        description="Content: make the thumbnails of photos that still lack them.",
    )
