"""Users: one account per person, signing in by phone and SMS code, email and password, or WeChat."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class XiaoyouUserManager(UserManager["User"]):
    pass


class User(AbstractUser):
    """An account. `username` stays internal (generated); people sign in by phone, email or WeChat."""

    phone = models.CharField(
        _("mobile phone"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text=_("E.164 format, e.g. +8613800138000"),
    )
    phone_verified = models.BooleanField(_("phone verified"), default=False)
    display_name = models.CharField(pgettext_lazy("person", "name"), max_length=100, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    failed_login_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[XiaoyouUserManager] = XiaoyouUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        # The username is internal (generated): a phone-only account shows its masked number.
        return (
            self.display_name
            or self.get_full_name()
            or self.email
            or self.masked_phone
            or self.username
        )

    @property
    def masked_phone(self) -> str:
        if not self.phone:
            return ""
        digits = self.phone[-11:]
        return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 11 else "****"
