"""抽奖: prizes of an event and the draws among its checked-in attendees.

Every draw records its seed and the exact pool it drew from (registration ids in ascending
order), so anyone can re-run `services.lottery.winners_pick(seed, pool, count)` afterwards and
get the same winners.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.events.models.events import Event
from xiaoyou.events.models.registrations import Registration


class LotteryPrize(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="lottery_prizes")
    name = models.CharField(_("prize"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    # Winners of earlier draws of this event may win this prize too (otherwise nobody wins twice).
    allow_previous_winners = models.BooleanField(_("earlier winners may win"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("lottery prize")
        verbose_name_plural = _("lottery prizes")
        ordering = ["event", "position", "id"]

    def __str__(self) -> str:
        return self.name


class LotteryDraw(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="lottery_draws")
    prize = models.ForeignKey(LotteryPrize, on_delete=models.PROTECT, related_name="draws")
    count = models.PositiveIntegerField(_("winners drawn"))
    seed = models.CharField(_("random seed"), max_length=64)  # hex, from secrets
    pool = models.JSONField(default=list)  # registration ids in ascending order
    pool_digest = models.CharField(max_length=64)  # sha256 of the pool as published
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("lottery draw")
        verbose_name_plural = _("lottery draws")
        ordering = ["-drawn_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prize} x{self.count}"


class LotteryWinner(models.Model):
    draw = models.ForeignKey(LotteryDraw, on_delete=models.CASCADE, related_name="winners")
    prize = models.ForeignKey(LotteryPrize, on_delete=models.PROTECT, related_name="winners")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()  # order drawn, from 1

    class Meta:
        verbose_name = _("lottery winner")
        verbose_name_plural = _("lottery winners")
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["prize", "registration"], name="events_lottery_once_per_prize"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prize}: {self.registration_id}"
