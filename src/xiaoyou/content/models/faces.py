"""人脸识别 (face search): biometric consent, a person's face profile, the faces detected in
album photos and each photo's scan state.

A face encoding is sensitive personal information under PIPL (敏感个人信息, art. 28-29): it is
only computed for a person who gave separate, explicit consent (FaceConsent), and the selfie
they search with is encoded in memory and discarded; only its 128 numbers (FaceProfile) stay,
until they delete them or withdraw. Encodings are float32 bytes (128 x 4 = 512 bytes).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel

ENCODING_DIMENSIONS = 128
ENCODING_BYTES = ENCODING_DIMENSIONS * 4


class FaceConsent(models.Model):
    """人脸信息单独同意: one grant of consent to face search, with the version of the text the
    person agreed to; withdrawing sets `withdrawn_at` (the row stays as proof)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="face_consents",
    )
    text_version = models.CharField(_("consent text version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("face search consent")
        verbose_name_plural = _("face search consents")
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(withdrawn_at__isnull=True),
                name="content_face_consent_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} v{self.text_version}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class FaceProfile(TimeStampedModel):
    """The person's face: the encoding of their last selfie (never the image itself)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="face_profile",
    )
    consent = models.ForeignKey(
        FaceConsent, verbose_name=_("consent"), on_delete=models.CASCADE, related_name="+"
    )
    encoding = models.BinaryField(_("face encoding"), max_length=ENCODING_BYTES)

    class Meta:
        verbose_name = _("face profile")
        verbose_name_plural = _("face profiles")

    def __str__(self) -> str:
        return str(self.user_id)


class DetectedFace(models.Model):
    """A face found in a photo: its box in the stored original's pixels and its encoding;
    staff may tag it with the person it shows (who must have consented)."""

    photo = models.ForeignKey(
        "content.Photo", verbose_name=_("photo"), on_delete=models.CASCADE, related_name="faces"
    )
    top = models.PositiveIntegerField()
    right = models.PositiveIntegerField()
    bottom = models.PositiveIntegerField()
    left = models.PositiveIntegerField()
    encoding = models.BinaryField(_("face encoding"), max_length=ENCODING_BYTES)
    tagged_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tagged person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="face_tags",
    )
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tagged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tagged_at = models.DateTimeField(_("tagged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("detected face")
        verbose_name_plural = _("detected faces")
        ordering = ["photo_id", "left", "id"]

    def __str__(self) -> str:
        return f"{self.photo_id}:{self.pk}"

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top


class FaceScanStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SCANNING = "scanning", _("Scanning")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PhotoFaceScan(models.Model):
    """Whether a photo's faces were detected: a worker claims a queued scan with a conditional
    UPDATE (queued -> scanning), so two workers never scan the same photo."""

    photo = models.OneToOneField(
        "content.Photo",
        verbose_name=_("photo"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="face_scan",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=FaceScanStatus.choices,
        default=FaceScanStatus.QUEUED,
        db_index=True,
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    face_count = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("photo face scan")
        verbose_name_plural = _("photo face scans")

    def __str__(self) -> str:
        return f"{self.photo_id}: {self.status}"
