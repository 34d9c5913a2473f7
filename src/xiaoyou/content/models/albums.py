from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


class ViewPermission(models.TextChoices):
    """谁可查看: who sees an album's published photos (its managers always do)."""

    PUBLIC = "public", _("Everyone")
    VERIFIED = "verified", _("Verified alumni")
    MEMBERS = "members", _("Members of the organization")


class UploadPermission(models.TextChoices):
    """谁可上传: who may add photos (an event album also lets the event's registrants upload)."""

    MANAGERS = "managers", _("Managers only")
    VERIFIED = "verified", _("Verified alumni")
    VIEWERS = "viewers", _("Anyone who may view")


class PhotoStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden")
    # Deleted photos keep their row (a pending review item may still point at it) but lose
    # their files at once.
    DELETED = "deleted", _("Deleted")


class AlbumStatus(models.TextChoices):
    """An album an alumnus creates waits for the organization's approval (审核); albums of
    admins and of events are published at once."""

    PENDING = "pending", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class Album(TimeStampedModel):
    """相册: photos of an organization, optionally of one event (活动掠影)."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="albums",
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="albums",
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    cover = models.ForeignKey(
        "content.Photo",
        verbose_name=_("cover photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    view_permission = models.CharField(
        _("who may view"),
        max_length=16,
        choices=ViewPermission.choices,
        default=ViewPermission.PUBLIC,
    )
    upload_permission = models.CharField(
        _("who may upload"),
        max_length=16,
        choices=UploadPermission.choices,
        default=UploadPermission.VERIFIED,
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AlbumStatus.choices,
        default=AlbumStatus.PUBLISHED,
        db_index=True,
    )
    # On: photos uploaded by people who do not manage the album wait in the review queue.
    requires_moderation = models.BooleanField(_("review uploads"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("album")
        verbose_name_plural = _("albums")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One album per event: event_album() gets or creates it.
            models.UniqueConstraint(
                fields=["event"], condition=Q(event__isnull=False), name="content_album_one_event"
            )
        ]

    def __str__(self) -> str:
        return self.title


def original_path(photo: Photo, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"content/photos/{photo.album_id}/{uuid.uuid4().hex}.{extension}"


class Photo(TimeStampedModel):
    """照片 of an album. The stored original has EXIF orientation applied and no metadata."""

    album = models.ForeignKey(
        Album, verbose_name=_("album"), on_delete=models.CASCADE, related_name="photos"
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="album_photos",
    )
    original = models.FileField(_("original"), upload_to=original_path, max_length=200)
    file_size = models.PositiveIntegerField(_("file size"), default=0)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    # Of the uploaded bytes: the same file uploaded twice to one album is refused.
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PhotoStatus.choices,
        default=PhotoStatus.PUBLISHED,
        db_index=True,
    )
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    # {"320": {"jpg": "<storage name>", "webp": "..."}, "960": ..., "1920": ...}; empty until
    # made (inline for small uploads, by a background task for large ones).
    thumbnails = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["album", "sha256"],
                condition=~Q(status="deleted"),
                name="content_photo_unique_file",
            )
        ]
        indexes = [
            models.Index(fields=["album", "status", "-created_at"], name="content_photo_album"),
        ]

    def __str__(self) -> str:
        return self.caption or f"#{self.pk}"

    @property
    def has_thumbnails(self) -> bool:
        return bool(self.thumbnails)

    def thumbnail_name(self, size: int | str, image_format: str = "jpg") -> str:
        return str(self.thumbnails.get(str(size), {}).get(image_format, ""))
