"""现场打印: guest badges as PDF labels for thermal printers, in bulk or one at check-in.

One page per badge, the page being the label: 100x70 mm or 90x54 mm (business-card size).
A badge shows the name, the organization or class, the seat and the ticket's QR (the same
signed token as the e-ticket, so a badge can be scanned at the door too). WeasyPrint renders
it with Noto Sans CJK (Debian fonts-noto-cjk), set on the @page box as well; every image is a
data: URI and the URL fetcher allows nothing else, so rendering never fetches a URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import segno
from django.template.loader import render_to_string

from xiaoyou.core import policy
from xiaoyou.events.models import Event, Registration, RegistrationStatus
from xiaoyou.events.services.tickets import ticket_issue, ticket_payload


@dataclass(frozen=True)
class LabelSize:
    key: str
    width_mm: int
    height_mm: int
    qr_mm: int
    name_pt: int


LABEL_SIZES: dict[str, LabelSize] = {
    "100x70": LabelSize("100x70", 100, 70, 30, 24),
    "90x54": LabelSize("90x54", 90, 54, 24, 20),
}
DEFAULT_SIZE = "100x70"


@dataclass(frozen=True)
class Badge:
    name: str
    subtitle: str
    ticket_type: str
    seat: str
    code: str
    qr_data_uri: str


def _subtitles(registrations: list[Registration]) -> dict[int, str]:
    """Organization or class line per registration: what they answered, else their record."""
    from xiaoyou.alumni.models import AlumniRecord

    user_ids = [row.user_id for row in registrations if row.user_id]
    records = {
        row["user_id"]: row
        for row in AlumniRecord.objects.filter(user_id__in=user_ids).values(
            "user_id", "graduation_year", "class_name", "employer"
        )
    }
    lines: dict[int, str] = {}
    for registration in registrations:
        answers = registration.answers if isinstance(registration.answers, dict) else {}
        answered = next(
            (
                str(answers[key])
                for key in ("organization", "company", "employer", "class")
                if answers.get(key)
            ),
            "",
        )
        record = records.get(registration.user_id or 0)
        from_record = ""
        if record:
            year = str(record["graduation_year"] or "")
            from_record = " ".join(part for part in (year, record["class_name"]) if part) or str(
                record["employer"] or ""
            )
        lines[registration.pk] = (answered or from_record)[:60]
    return lines


def badges_for(registrations: Iterable[Registration]) -> list[Badge]:
    rows = list(registrations)
    subtitles = _subtitles(rows)
    badges = []
    for registration in rows:
        ticket_issue(registration=registration)
        token = ticket_payload(registration)
        qr = segno.make(token, error="m", micro=False)
        badges.append(
            Badge(
                name=registration.name,
                subtitle=subtitles.get(registration.pk, ""),
                ticket_type=registration.ticket_type.name,
                seat=registration.seat,
                code=registration.ticket_code or "",
                qr_data_uri=qr.png_data_uri(scale=8, border=2),
            )
        )
    return badges


def badges_pdf(*, badges: list[Badge], size: str = DEFAULT_SIZE, title: str = "") -> bytes:
    """The badges as one PDF, a label-sized page each."""
    from xiaoyou.core.pdf import html_to_pdf

    label = LABEL_SIZES.get(size, LABEL_SIZES[DEFAULT_SIZE])
    html = render_to_string(
        "events/console/checkin_badges_pdf.html",
        {"badges": badges, "label": label, "title": title},
    )
    return html_to_pdf(html)


def event_badges_pdf(
    *, actor: Any, event: Event, size: str = DEFAULT_SIZE, registration_ids: list[int] | None = None
) -> bytes:
    """Badges of the event's confirmed registrations (all, or the given ones), in seat order."""
    policy.require(actor, "print_badges", event)
    registrations = (
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
        .select_related("ticket_type", "event")
        .order_by("created_at", "id")
    )
    if registration_ids is not None:
        registrations = registrations.filter(pk__in=registration_ids)
    return badges_pdf(badges=badges_for(registrations), size=size, title=event.title)
