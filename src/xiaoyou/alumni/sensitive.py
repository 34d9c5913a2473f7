"""National ID numbers (身份证号): validation, encryption at rest, duplicate hash, masking.

The clear number is never stored: `national_id_encrypted` holds a Fernet token made with
settings.FIELD_ENCRYPTION_KEY, `national_id_hash` a keyed HMAC-SHA256 of the normalized number
(finds duplicates without decrypting), `national_id_last4` the tail for the masked display.
Only users with the "view_sensitive" right (platform admins) see the number, and every reveal
is written to the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import audit

MASK = "**************"
# GB 11643-1999: weights of the first 17 digits and the check character for sum mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def normalize_national_id(value: str) -> str:
    """Upper-case X, no spaces (full-width digits and X folded to ASCII)."""
    folded = "".join(
        chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch for ch in value or ""
    )
    return "".join(folded.split()).upper()


def national_id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def validate_national_id(value: str) -> str:
    """Returns the normalized number or raises ValidationError (18 characters, check digit)."""
    number = normalize_national_id(value)
    if (
        len(number) != 18
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise ValidationError(
            _("A national ID number has 18 characters: 17 digits and a digit or X."),
            code="national_id_format",
        )
    if national_id_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("The national ID number's check digit is wrong."), code="national_id_check"
        )
    return number


def _fernet() -> Fernet:
    return Fernet(settings.FIELD_ENCRYPTION_KEY.encode())


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        # A token made under another key (rotated without re-encryption): unreadable, not fatal.
        return ""


def national_id_hash(value: str) -> str:
    """Keyed hash of the normalized number; the same person always hashes the same."""
    key = hashlib.sha256(b"national_id:" + settings.FIELD_ENCRYPTION_KEY.encode()).digest()
    return hmac.new(key, normalize_national_id(value).encode(), hashlib.sha256).hexdigest()


def national_id_columns(value: str) -> dict[str, str]:
    """The three stored columns for a (validated) number; empty strings clear them."""
    if not value:
        return {"national_id_encrypted": "", "national_id_hash": "", "national_id_last4": ""}
    number = normalize_national_id(value)
    return {
        "national_id_encrypted": encrypt(number),
        "national_id_hash": national_id_hash(number),
        "national_id_last4": number[-4:],
    }


def can_view_sensitive(user: Any) -> bool:
    """The "view_sensitive" right: platform administrators only."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "is_superuser", False)
    )


def masked_national_id(record: Any) -> str:
    if not record.national_id_last4:
        return ""
    return MASK + record.national_id_last4


def national_id_display(user: Any, record: Any) -> str:
    """What `user` may see in a list, page or export: the mask (never the number)."""
    return masked_national_id(record)


def national_id_reveal(*, actor: Any, record: Any) -> str:
    """The clear number for a user with the right, audited; PermissionDenied otherwise."""
    from django.core.exceptions import PermissionDenied

    if not can_view_sensitive(actor):
        raise PermissionDenied("view_sensitive denied")
    if not record.national_id_encrypted:
        return ""
    audit.record(
        actor=actor,
        action="alumni_record.reveal_national_id",
        obj=record,
        changes={"national_id": ["", "revealed"]},
    )
    return decrypt(record.national_id_encrypted)


def check_field_encryption_key(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """System check: the key must be a Fernet key, or every ID-number save would fail."""
    from django.core.checks import Error

    try:
        Fernet(settings.FIELD_ENCRYPTION_KEY.encode())
    except (ValueError, TypeError):
        return [
            Error(
                "FIELD_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded bytes).",
                hint='python3 -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"',
                id="alumni.E001",
            )
        ]
    return []
