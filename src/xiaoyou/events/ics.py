"""An event as an iCalendar file (RFC 5545): one VCALENDAR with one VEVENT.

Times are written in UTC ("Z" form) so no VTIMEZONE is needed; text values are escaped
(backslash, semicolon, comma, newline); lines end with CRLF and are folded at 75 octets
without splitting a UTF-8 character (Chinese titles are 3 octets a character).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from xiaoyou.events.models import Event, EventStatus

LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """TEXT escaping of RFC 5545 §3.3.11."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Folds a content line into chunks of at most 75 octets, continuation lines starting with
    one space (which counts toward their 75)."""
    chunks: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            chunks.append(current)
            current, size, limit = "", 0, LINE_OCTETS - 1
        current += char
        size += width
    chunks.append(current)
    return "\r\n ".join(chunks)


def utc_stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_ics(event: Event, *, url: str, domain: str) -> str:
    """The calendar file's text for `event`; `url` is the event's absolute hall URL and `domain`
    names this site in the UID (stable, so calendar apps update the entry on a new download)."""
    location = ", ".join(part for part in (event.place, event.address) if part)
    if not location and event.online_url:
        location = event.online_url
    description = event.summary or ""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Xiaoyou//Events//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:event-{event.pk}@{domain}",
        f"DTSTAMP:{utc_stamp(timezone.now())}",
        f"DTSTART:{utc_stamp(event.starts_at)}",
        f"DTEND:{utc_stamp(event.ends_at)}",
        f"SUMMARY:{escape_text(event.title)}",
    ]
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines.append(f"URL:{url}")
    lines.append(
        "STATUS:CANCELLED" if event.status == EventStatus.CANCELLED else "STATUS:CONFIRMED"
    )
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)
