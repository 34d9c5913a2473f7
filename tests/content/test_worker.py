"""The thumbnails of a large upload are made by a real Celery worker process, after commit."""

from __future__ import annotations

import time

import pytest

from tests.content.factories import AlbumFactory
from tests.content.images import jpeg_bytes, upload
from xiaoyou.content import images
from xiaoyou.content.models import Photo
from xiaoyou.content.services import photos as photo_services

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_broker_environment(celery_broker_environment, settings):
    # The worker stores the thumbnails where this test keeps its media.
    celery_broker_environment["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    return celery_broker_environment


def test_large_upload_thumbnails_come_from_the_worker(
    celery_worker_process, monkeypatch, org_tree, college_admin
):
    monkeypatch.setattr(images, "INLINE_THUMBNAIL_BYTES", 10)
    album = AlbumFactory(org=org_tree.college)
    result = photo_services.photo_upload(
        actor=college_admin, album=album, files=[upload("big.jpg", jpeg_bytes((2400, 1600)))]
    )
    photo = result.created[0]
    assert photo.thumbnails == {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        thumbnails = Photo.objects.get(pk=photo.pk).thumbnails
        if thumbnails:
            break
        time.sleep(0.2)
    assert sorted(thumbnails) == ["1920", "320", "960"], celery_worker_process.log()[-2000:]
    photo.refresh_from_db()
    from django.core.files.storage import default_storage

    assert all(default_storage.exists(name) for name in photo_services._names(photo.thumbnails))
    assert "xiaoyou.content.photo_thumbnails" in celery_worker_process.log()
