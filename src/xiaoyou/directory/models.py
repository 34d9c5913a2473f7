"""校友录 and 交换名片: who may see each contact and work field, the school's defaults, and
business-card exchanges between alumni."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


class Visibility(models.TextChoices):
    """Who may see a field. The audiences are not nested: "classmates" does not include the
    members of my organizations, and each choice names exactly who sees it (plus the alumnus
    and, see selectors, the alumni they exchanged cards with)."""

    EVERYONE = "everyone", _("Everyone")
    VERIFIED = "verified", _("Verified alumni")
    MEMBERS = "members", _("Members of my organizations")
    CLASSMATES = "classmates", _("My classmates")
    ONLY_ME = "only_me", _("Only me")


# The contact and work fields of AlumniRecord that privacy settings govern, in display order.
PRIVATE_FIELDS: tuple[str, ...] = (
    "phone",
    "email",
    "wechat",
    "address",
    "employer",
    "position",
    "city",
    "industry",
)
CONTACT_FIELDS: tuple[str, ...] = ("phone", "email", "wechat", "address")

# What a school gets before its platform admin chooses (DirectorySettings).
BUILT_IN_DEFAULTS: dict[str, str] = {
    "phone": Visibility.CLASSMATES,
    "email": Visibility.CLASSMATES,
    "wechat": Visibility.CLASSMATES,
    "address": Visibility.ONLY_ME,
    "employer": Visibility.VERIFIED,
    "position": Visibility.VERIFIED,
    "city": Visibility.VERIFIED,
    "industry": Visibility.VERIFIED,
}


def _level_field(default: str = "") -> models.CharField:
    return models.CharField(max_length=16, choices=Visibility.choices, blank=True, default=default)


class DirectorySettings(TimeStampedModel):
    """校友录设置: the school's default visibility of each field (one row, pk=1), chosen by
    platform admins; an alumnus who never chose follows it, also when it changes later."""

    phone = _level_field(BUILT_IN_DEFAULTS["phone"])
    email = _level_field(BUILT_IN_DEFAULTS["email"])
    wechat = _level_field(BUILT_IN_DEFAULTS["wechat"])
    address = _level_field(BUILT_IN_DEFAULTS["address"])
    employer = _level_field(BUILT_IN_DEFAULTS["employer"])
    position = _level_field(BUILT_IN_DEFAULTS["position"])
    city = _level_field(BUILT_IN_DEFAULTS["city"])
    industry = _level_field(BUILT_IN_DEFAULTS["industry"])

    class Meta:
        verbose_name = _("directory settings")
        verbose_name_plural = _("directory settings")

    def __str__(self) -> str:
        return "directory settings"

    def defaults(self) -> dict[str, str]:
        return {name: getattr(self, name) or BUILT_IN_DEFAULTS[name] for name in PRIVATE_FIELDS}


class PrivacySettings(TimeStampedModel):
    """隐私设置 of one account: an empty value follows the school's default for that field."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="directory_privacy",
    )
    phone = _level_field()
    email = _level_field()
    wechat = _level_field()
    address = _level_field()
    employer = _level_field()
    position = _level_field()
    city = _level_field()
    industry = _level_field()

    class Meta:
        verbose_name = _("privacy settings")
        verbose_name_plural = _("privacy settings")

    def __str__(self) -> str:
        return f"{self.user_id}"


class CardStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Exchanged")
    DECLINED = "declined", _("Declined")


class CardExchange(models.Model):
    """交换名片: `requester` asks `recipient` to exchange cards; once accepted each sees the
    other's fields that are not set to "only me" and may download them as a vCard."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="card_requests_sent",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="card_requests_received",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CardStatus.choices,
        default=CardStatus.PENDING,
        db_index=True,
    )
    message = models.CharField(_("message"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("business-card exchange")
        verbose_name_plural = _("business-card exchanges")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "recipient"],
                condition=models.Q(status__in=["pending", "accepted"]),
                name="one_open_card_exchange_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("recipient")),
                name="card_exchange_not_with_oneself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester_id} -> {self.recipient_id} ({self.status})"

    def other_party_id(self, user_id: int) -> int:
        return self.recipient_id if self.requester_id == user_id else self.requester_id
