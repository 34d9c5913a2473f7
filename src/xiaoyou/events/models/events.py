"""活动: an event of an organization, its ticket types, sessions and series."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


class EventKind(models.TextChoices):
    OFFLINE = "offline", _("On site")
    ONLINE = "online", _("Online")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Waiting for review")  # started by an alumnus (审核)
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Members of the organization")
    VERIFIED = "verified", _("Verified alumni")
    INVITE = "invite", _("By invitation only")


class DiscussionMode(models.TextChoices):
    OPEN = "open", _("Comments appear at once")
    MODERATED = "moderated", _("Comments appear after review")
    CLOSED = "closed", _("No comments")


class Event(TimeStampedModel):
    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)  # sanitized HTML (core.richtext)
    cover = models.ImageField(_("cover"), upload_to="events/covers/", blank=True)
    kind = models.CharField(
        _("type"), max_length=16, choices=EventKind.choices, default=EventKind.OFFLINE
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    map_url = models.URLField(_("map link"), blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    # Seats of the whole event (None: no limit); ticket types may have their own limits too.
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    # Seats held (confirmed, awaiting payment or review, offered): moved only by conditional
    # UPDATEs (services.capacity), so concurrent sign-ups never oversell.
    seats_taken = models.PositiveIntegerField(default=0)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    requires_approval = models.BooleanField(_("registrations need approval"), default=False)
    visibility = models.CharField(
        _("who may register"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EventStatus.choices,
        default=EventStatus.DRAFT,
        db_index=True,
    )
    # Registration form: [{"key", "label", "type": text|number|choice|multiple|phone|email|date,
    # "required", "choices": [...]}] on top of name and phone.
    form_fields = models.JSONField(_("registration form"), default=list, blank=True)
    max_guests = models.PositiveSmallIntegerField(_("extra guests per registration"), default=0)
    waitlist_enabled = models.BooleanField(_("waitlist when full"), default=True)
    # A waitlisted person offered a paid seat has this long to pay.
    offer_minutes = models.PositiveIntegerField(_("minutes to accept a freed seat"), default=120)
    blacklist_enabled = models.BooleanField(_("apply the blacklist"), default=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    discussion = models.CharField(
        _("discussion"), max_length=16, choices=DiscussionMode.choices, default=DiscussionMode.OPEN
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_recommended = models.BooleanField(_("recommended"), default=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("main event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    series_key = models.CharField(max_length=32, blank=True, db_index=True)  # recurring series
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    # Signs e-tickets of this event (HMAC); rotating it invalidates every ticket issued.
    ticket_secret = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["status", "starts_at"], name="events_event_listing")]

    def __str__(self) -> str:
        return self.title


class TicketType(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ticket_types")
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)
    price = models.PositiveIntegerField(_("price (fen)"), default=0)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    seats_taken = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        ordering = ["event", "position", "id"]

    def __str__(self) -> str:
        return f"{self.event}: {self.name}"

    @property
    def is_free(self) -> bool:
        return self.price == 0
