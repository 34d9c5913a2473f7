"""vCard 4.0 (RFC 6350) of an alumnus's card: the fields the downloader may see, nothing else.

Text values are escaped (backslash, comma, semicolon, newline; §3.4), lines end in CRLF and are
folded at 75 octets without splitting a UTF-8 character (§3.2).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import Http404
from django.utils import timezone

from xiaoyou.alumni.models import AlumniRecord


def escape(value: str) -> str:
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Splits a content line into 75-octet pieces, continuation lines starting with a space."""
    pieces: list[str] = []
    current = ""
    limit = 75
    for character in line:
        if len((current + character).encode("utf-8")) > limit:
            pieces.append(current)
            current = character
            limit = 74  # the leading space counts
        else:
            current += character
    pieces.append(current)
    return "\r\n ".join(pieces)


def _tel_uri(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    return f"tel:{digits}"


def build_vcard(record: AlumniRecord, fields: Mapping[str, str], *, school: str = "") -> str:
    """The vCard of `record` with the visible `fields` (from selectors.visible_fields)."""
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        f"FN:{escape(record.name)}",
        # N: family;given;additional;prefix;suffix — a Chinese name is kept whole as family.
        f"N:{escape(record.name)};;;;",
        "KIND:individual",
    ]
    if fields.get("phone"):
        lines.append(f"TEL;VALUE=uri;TYPE=cell:{_tel_uri(fields['phone'])}")
    if fields.get("email"):
        lines.append(f"EMAIL:{escape(fields['email'])}")
    if fields.get("wechat"):
        lines.append(f"IMPP:weixin:{escape(fields['wechat'])}")
    if fields.get("address") or fields.get("city"):
        # ADR: PO box;extended;street;locality;region;postal code;country
        street = escape(fields.get("address", ""))
        city = escape(fields.get("city", ""))
        lines.append(f"ADR;TYPE=home:;;{street};{city};;;")
    if fields.get("employer"):
        lines.append(f"ORG:{escape(fields['employer'])}")
    if fields.get("position"):
        lines.append(f"TITLE:{escape(fields['position'])}")
    notes = []
    if fields.get("industry"):
        notes.append(fields["industry"])
    years = "–".join(str(year) for year in (record.enrollment_year, record.graduation_year) if year)
    study = " ".join(
        part for part in (school, record.major.name if record.major else "", years) if part
    )
    if study:
        notes.append(study)
    if notes:
        lines.append(f"NOTE:{escape(' · '.join(notes))}")
    lines.append(f"REV:{timezone.now().strftime('%Y%m%dT%H%M%SZ')}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def card_vcard(*, user: Any, exchange: Any) -> tuple[str, str]:
    """(name, vCard text) of the other party of an accepted exchange, as `user` may see it.
    Raises PermissionDenied unless `user` is a party of an accepted exchange."""
    from django.conf import settings

    from xiaoyou.core import policy
    from xiaoyou.directory.selectors import visible_fields
    from xiaoyou.directory.selectors_directory import record_of_user

    policy.require(user, "download", exchange)
    record = record_of_user(exchange.other_party_id(user.pk))
    if record is None:
        raise Http404
    school = getattr(settings, "SCHOOL_NAME", "") or ""
    return record.name, build_vcard(record, visible_fields(user, record), school=school)
