"""Celery tasks of content: each takes ids and calls a service."""

from __future__ import annotations

from celery import shared_task

PHOTO_THUMBNAILS = "xiaoyou.content.photo_thumbnails"


@shared_task(name=PHOTO_THUMBNAILS, acks_late=True, ignore_result=True, max_retries=3)
def photo_thumbnails_task(photo_id: int) -> bool:
    """Makes the thumbnails of a large upload (idempotent: a second run does nothing)."""
    from xiaoyou.content.services.photos import photo_thumbnails_make

    return photo_thumbnails_make(photo_id=photo_id)
