"""校友企业: enterprises registered by alumni or found in listed companies' disclosures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


class EnterpriseOrigin(models.TextChoices):
    REGISTERED = "registered", _("Registered by an alumnus")
    DISCLOSURE = "disclosure", _("Found in a listed company's disclosure")


class EnterpriseStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class Enterprise(TimeStampedModel):
    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="alumni_enterprises",
    )
    name = models.CharField(_("company"), max_length=150)
    stock_code = models.CharField(_("stock code"), max_length=20, blank=True)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    origin = models.CharField(_("origin"), max_length=16, choices=EnterpriseOrigin.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.PENDING,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_url = models.URLField(_("source address"), max_length=1000, blank=True)
    retrieved_at = models.DateTimeField(_("retrieved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alumni enterprise")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="discovery_enterprise_unique")
        ]

    def __str__(self) -> str:
        return self.name


class EnterprisePerson(models.Model):
    """An alumnus among an enterprise's founders or executives, with the sentence that says so."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(_("name"), max_length=60)
    role = models.CharField(_("position"), max_length=100, blank=True)
    evidence = models.TextField(_("evidence sentence"), blank=True)
    record = models.ForeignKey(
        "alumni.AlumniRecord",
        verbose_name=_("alumni record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("enterprise alumnus")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="discovery_person_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.enterprise})"
