"""Badges: label-sized PDF pages rendered to images, the QR read back with zbar; seating."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from tests.events.factories import EventFactory, RegistrationFactory
from xiaoyou.events.models import Registration
from xiaoyou.events.services import badges, seats, tickets

needs_tools = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="needs poppler-utils (pdftoppm) and zbar-tools (zbarimg): scripts/setup installs them",
)


@pytest.fixture
def event(org_tree):
    return EventFactory(org=org_tree.college, title="示范大学120周年校庆晚宴")


def render_pages(pdf: bytes, folder: Path) -> list[Path]:
    (folder / "badges.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", str(folder / "badges.pdf"), str(folder / "page")],
        check=True,
        timeout=60,
    )
    return sorted(folder.glob("page*.png"))


def decode_qr(image: Path) -> str:
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@needs_tools
@pytest.mark.parametrize(("size", "width_px"), [("100x70", 787), ("90x54", 709)])
def test_badges_render_label_pages_whose_qr_checks_in(
    event, college_admin, tmp_path, size, width_px
):
    guests = [
        RegistrationFactory(event=event, name="王小明", answers={"organization": "计算机051班"}),
        RegistrationFactory(event=event, name="李雷", seat="3桌5号"),
    ]
    pdf = badges.event_badges_pdf(actor=college_admin, event=event, size=size)
    assert pdf.startswith(b"%PDF")
    pages = render_pages(pdf, tmp_path)
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "badges.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "NotoSansCJK" in fonts.replace("-", "")  # Chinese names drawn with the CJK font
    assert len(pages) == 2
    from PIL import Image

    with Image.open(pages[0]) as image:
        assert abs(image.width - width_px) <= 2  # 100 mm (90 mm) at 200 dpi
    for page, guest in zip(pages, guests, strict=True):
        guest.refresh_from_db()
        token = decode_qr(page)
        assert token == tickets.ticket_payload(guest)
        assert tickets.ticket_verify(event, token) == guest


@needs_tools
def test_one_badge_at_check_in(event, college_admin, tmp_path):
    guest = RegistrationFactory(event=event, name="韩梅梅")
    RegistrationFactory(event=event)
    pdf = badges.event_badges_pdf(
        actor=college_admin, event=event, size="90x54", registration_ids=[guest.pk]
    )
    pages = render_pages(pdf, tmp_path)
    assert len(pages) == 1
    guest.refresh_from_db()
    assert decode_qr(pages[0]) == tickets.ticket_payload(guest)


def test_badges_need_the_event_org(event, regional_admin):
    with pytest.raises(PermissionDenied):
        badges.event_badges_pdf(actor=regional_admin, event=event)


def test_auto_seating_keeps_parties_together_in_registration_order(event, college_admin):
    party_sizes = [1, 2, 3, 1, 4, 1]  # 1 + extra guests
    people = [RegistrationFactory(event=event, guests=size - 1) for size in party_sizes]
    seated = seats.seats_auto_assign(actor=college_admin, event=event, size=4)
    assert seated == 6
    labels = [Registration.objects.get(pk=person.pk).seat for person in people]
    expected = [
        seats.seat_label(seats.TABLE, 1, 1, 1),
        seats.seat_label(seats.TABLE, 1, 2, 3),
        seats.seat_label(seats.TABLE, 2, 1, 3),  # 3 people do not fit the one seat left at 1
        seats.seat_label(seats.TABLE, 2, 4, 4),
        seats.seat_label(seats.TABLE, 3, 1, 4),
        seats.seat_label(seats.TABLE, 4, 1, 1),
    ]
    assert labels == expected
    late = RegistrationFactory(event=event)
    assert seats.seats_auto_assign(actor=college_admin, event=event, size=4, start=5) == 1
    late.refresh_from_db()
    assert late.seat == seats.seat_label(seats.TABLE, 5, 1, 1)
    headers, rows = seats.seats_export_rows(event)
    assert len(headers) == 5 and [row[0] for row in rows] == [*expected, late.seat]


def test_manual_seat_is_audited_and_scoped(event, college_admin, regional_admin):
    guest = RegistrationFactory(event=event)
    seats.seat_assign(actor=college_admin, registration=guest, seat=" VIP 1 ")
    guest.refresh_from_db()
    assert guest.seat == "VIP 1"
    with pytest.raises(PermissionDenied):
        seats.seat_assign(actor=regional_admin, registration=guest, seat="2")
