"""线上活动: what alumni who cannot come take part in.

- 祝福墙 / 照片纪念墙: blessings and photos, moderated, shown live on the venue's screen.
- 领取礼品: claim-a-gift offers (a free periodical, mooncakes) with address collection and a
  stock held by conditional UPDATEs like seats.
- 线上挑战: challenges with reported check-ins (线上毅行 distances) and a leaderboard.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core.models import TimeStampedModel
from xiaoyou.events.models.events import Event


class WallKind(models.TextChoices):
    BLESSING = "blessing", _("Blessing")
    PHOTO = "photo", _("Photo")


class WallPost(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="wall_posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=WallKind.choices)
    # What the wall shows as the author: the name and class they chose to sign with.
    signature = models.CharField(_("signed as"), max_length=60)
    text = models.CharField(_("text"), max_length=300, blank=True)
    image = models.ImageField(_("photo"), upload_to="events/wall/", blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PENDING,
        db_index=True,
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("wall post")
        verbose_name_plural = _("wall posts")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["event", "kind", "status", "published_at"], name="events_wall")
        ]

    def __str__(self) -> str:
        return self.text[:30] or self.signature


class GiftOffer(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="gift_offers")
    name = models.CharField(_("gift"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    stock = models.PositiveIntegerField(_("stock"))
    claimed = models.PositiveIntegerField(default=0)  # moved by conditional UPDATE only
    needs_address = models.BooleanField(_("ship to an address"), default=True)
    closes_at = models.DateTimeField(_("claims close"), null=True, blank=True)
    is_active = models.BooleanField(_("open for claims"), default=True)

    class Meta:
        verbose_name = _("gift offer")
        verbose_name_plural = _("gift offers")
        ordering = ["event", "id"]

    def __str__(self) -> str:
        return self.name


class GiftClaimStatus(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    SHIPPED = "shipped", _("Shipped")
    CANCELLED = "cancelled", _("Cancelled")


class GiftClaim(TimeStampedModel):
    offer = models.ForeignKey(GiftOffer, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("recipient"), max_length=50)
    phone = models.CharField(_("mobile phone"), max_length=20)
    address = models.CharField(_("address"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=GiftClaimStatus.choices, default=GiftClaimStatus.CLAIMED
    )
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("gift claim")
        verbose_name_plural = _("gift claims")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "user"],
                condition=~models.Q(status="cancelled"),
                name="events_gift_once_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer}: {self.name}"


class Challenge(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="challenges")
    name = models.CharField(_("challenge"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=16)  # km, 步, 次
    goal = models.DecimalField(
        _("goal per person"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Largest amount one report may carry: keeps typos (5000 km in a day) off the leaderboard.
    max_per_report = models.DecimalField(_("most per report"), max_digits=12, decimal_places=2)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("online challenge")
        verbose_name_plural = _("online challenges")
        ordering = ["event", "starts_at", "id"]

    def __str__(self) -> str:
        return self.name


class ChallengeReport(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    reported_at = models.DateTimeField(auto_now_add=True)
    is_void = models.BooleanField(_("voided by staff"), default=False)

    class Meta:
        verbose_name = _("challenge check-in")
        verbose_name_plural = _("challenge check-ins")
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["challenge", "user"], name="events_challenge_user")]

    def __str__(self) -> str:
        return f"{self.challenge_id} {self.user_id} {self.amount}"
