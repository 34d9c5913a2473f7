"""报名: one person's registration for an event, with its ticket, seat and check-ins."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xiaoyou.core.models import TimeStampedModel
from xiaoyou.events.models.events import Event, TicketType


class RegistrationStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review", _("Waiting for approval")
    AWAITING_PAYMENT = "awaiting_payment", _("Waiting for payment")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    OFFERED = "offered", _("Seat offered")  # a waitlisted person may now pay for a freed seat
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    ASKED_TO_LEAVE = "asked_to_leave", _("Asked to leave")  # 请退


# Statuses that hold a seat (counted in Event.seats_taken / TicketType.seats_taken).
SEAT_HOLDING = (
    RegistrationStatus.PENDING_REVIEW,
    RegistrationStatus.AWAITING_PAYMENT,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.OFFERED,
)


class Registration(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    ticket_type = models.ForeignKey(
        TicketType, verbose_name=_("ticket type"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    guests = models.PositiveSmallIntegerField(_("extra guests"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=RegistrationStatus.choices, db_index=True
    )
    # Seats this registration holds: 1 + guests while in a seat-holding status, else 0.
    seats = models.PositiveSmallIntegerField(default=0)
    waitlisted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    amount = models.PositiveIntegerField(_("amount (fen)"), default=0)
    payment = models.ForeignKey(
        "payments.PaymentOrder",
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invitation = models.ForeignKey(
        "events.InvitationCode", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The e-ticket's public number (in the QR with its signature); unique across events.
    ticket_code = models.CharField(
        _("ticket number"), max_length=24, unique=True, null=True, blank=True
    )
    seat = models.CharField(_("seat"), max_length=40, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["event", "status"], name="events_registration_status")]
        constraints = [
            # One live registration per person and event (cancelled ones may be many).
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=models.Q(user__isnull=False)
                & ~models.Q(status__in=["cancelled", "rejected", "asked_to_leave"]),
                name="events_one_live_registration",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.name}"


class CheckInSource(models.TextChoices):
    SCAN = "scan", _("Ticket scanned")
    SEARCH = "search", _("Found by name")
    SELF = "self", _("Self check-in")
    OFFLINE = "offline", _("Scanned offline, synced")


class CheckIn(models.Model):
    """签到: every accepted or refused scan, so duplicates and offline conflicts are visible."""

    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="check_ins"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=16, choices=CheckInSource.choices)
    accepted = models.BooleanField(_("accepted"), default=True)
    reason = models.CharField(_("reason"), max_length=100, blank=True)  # duplicate, forged...
    device = models.CharField(_("device"), max_length=64, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-scanned_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.registration_id} {self.source}"
