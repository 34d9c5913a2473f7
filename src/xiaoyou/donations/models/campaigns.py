"""捐赠日: a giving day, a time-boxed campaign across several projects of an organization, with
its challenges (e.g. "when 100 donors give, a matching gift of 10,000 yuan is unlocked")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel
from xiaoyou.donations.models.projects import DonationProject


class GivingDayStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class GivingDay(TimeStampedModel):
    """捐赠日: its figures are the gifts to its projects paid between its start and its end."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="giving_days",
    )
    title = models.CharField(_("name"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    projects = models.ManyToManyField(
        DonationProject, verbose_name=_("projects"), related_name="giving_days", blank=True
    )
    goal_amount = models.PositiveBigIntegerField(_("goal (fen)"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=GivingDayStatus.choices,
        default=GivingDayStatus.DRAFT,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("giving day")
        verbose_name_plural = _("giving days")
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ChallengeKind(models.TextChoices):
    DONORS = "donors", _("Number of donors")
    AMOUNT = "amount", _("Amount raised")


class GivingChallenge(TimeStampedModel):
    """挑战: unlocked when the giving day reaches `threshold` donors, or `threshold` fen raised."""

    giving_day = models.ForeignKey(
        GivingDay, verbose_name=_("giving day"), on_delete=models.CASCADE, related_name="challenges"
    )
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("type"), max_length=16, choices=ChallengeKind.choices)
    threshold = models.PositiveBigIntegerField(_("threshold"))  # donors, or fen
    reward = models.CharField(_("reward"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("giving challenge")
        verbose_name_plural = _("giving challenges")
        ordering = ["position", "threshold", "id"]

    def __str__(self) -> str:
        return self.title
