"""Password rules (OWASP ASVS): longer passwords for staff, breached and common ones refused."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LengthByRoleValidator:
    def __init__(self, staff_min_length: int = 12, min_length: int = 8):
        self.staff_min_length = staff_min_length
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        needed = (
            self.staff_min_length
            if user is not None and getattr(user, "is_staff", False)
            else self.min_length
        )
        if len(password) < needed:
            raise ValidationError(
                _(
                    "This password is too short. It must contain at least %(min_length)d characters."
                ),
                code="password_too_short",
                params={"min_length": needed},
            )

    def get_help_text(self) -> str:
        return _("At least %(min)d characters (%(staff)d for staff).") % {
            "min": self.min_length,
            "staff": self.staff_min_length,
        }


class BreachedPasswordValidator:
    """Refuses passwords found in a breach corpus, offline (OWASP ASVS 2.1.7).

    settings.PASSWORD_BREACHED_SHA1_FILE names a text file of upper-case SHA-1 hex digests,
    one per line, sorted, each optionally followed by ":COUNT": the "ordered by hash" download
    of Have I Been Pwned's Pwned Passwords has this shape. The file is searched by bisection on
    disk (about 30 reads for a billion lines), never loaded, so it may be many gigabytes. With
    no file configured the validator refuses nothing; CommonPasswordValidator still applies.
    """

    def __init__(self, path: str | None = None):
        self._path = path

    @property
    def path(self) -> Path | None:
        value = (
            self._path
            if self._path is not None
            else getattr(settings, "PASSWORD_BREACHED_SHA1_FILE", "")
        )
        return Path(value) if value else None

    def validate(self, password: str, user: Any = None) -> None:
        path = self.path
        if path is None:
            return
        digest = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()
        if sorted_file_contains(path, digest):
            raise ValidationError(
                _("This password has appeared in a data breach. Choose another one."),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        if self.path is None:
            return ""
        return _("Passwords known from data breaches are refused.")


def sorted_file_contains(path: Path, digest: str) -> bool:
    """Whether the sorted file of "DIGEST[:COUNT]" lines holds `digest`, by bisection on bytes."""
    key = digest.encode("ascii")
    with path.open("rb") as handle:
        size = handle.seek(0, io.SEEK_END)
        low, high = 0, size
        # Invariant: every line starting before `low` is < key; every line starting at or
        # after `high` is > key (or the file ends).
        while low < high:
            middle = (low + high) // 2
            line_start = _line_start_at_or_after(handle, middle)
            if line_start >= high:
                # No line starts in [middle, high): look at the half before.
                line_start = _line_start_at_or_after(handle, low)
                if line_start >= high:
                    return False
            handle.seek(line_start)
            line = handle.readline()
            entry = line.split(b":", 1)[0].strip().upper()
            if entry == key:
                return True
            if entry < key:
                low = line_start + len(line)
            else:
                high = line_start
    return False


def _line_start_at_or_after(handle: BinaryIO, offset: int) -> int:
    if offset == 0:
        return 0
    handle.seek(offset - 1)
    if handle.read(1) == b"\n":
        return offset
    handle.readline()
    return handle.tell()
