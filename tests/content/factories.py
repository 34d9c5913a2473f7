"""factory_boy factories of content (Album, Photo)."""

from __future__ import annotations

import hashlib

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from tests.content.images import jpeg_bytes
from tests.factories import OrganizationFactory, UserFactory
from xiaoyou.content.models import Album, Photo, PhotoStatus, UploadPermission, ViewPermission


class AlbumFactory(DjangoModelFactory):
    class Meta:
        model = Album

    org = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"相册{n}")
    view_permission = ViewPermission.PUBLIC
    upload_permission = UploadPermission.VERIFIED


class PhotoFactory(DjangoModelFactory):
    """A stored photo row with a small original (no thumbnails: served as the original)."""

    class Meta:
        model = Photo

    album = factory.SubFactory(AlbumFactory)
    uploader = factory.SubFactory(UserFactory)
    original = factory.LazyAttribute(
        lambda photo: ContentFile(jpeg_bytes(color=(photo.seed % 255, 10, 10)), name="p.jpg")
    )
    sha256 = factory.LazyAttribute(
        lambda photo: hashlib.sha256(str(photo.seed).encode()).hexdigest()
    )
    width = 64
    height = 32
    status = PhotoStatus.PUBLISHED

    class Params:
        seed = factory.Sequence(lambda n: n)
