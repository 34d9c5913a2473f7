"""Browser journey: staff check attendees in with the phone camera (Chromium's fake camera plays
a video of the e-ticket's QR); a second scan of the same ticket is refused; the lottery then
draws the checked-in guest on the venue screen; offline, the page verifies a ticket with the
downloaded key (WebCrypto) and syncs the check-in when back."""

from __future__ import annotations

from pathlib import Path

import pytest
import segno
from PIL import Image

from tests.events.factories import EventFactory, RegistrationFactory
from xiaoyou.events.models import CheckIn, CheckInSource, LotteryWinner, Registration
from xiaoyou.events.services import tickets
from xiaoyou.events.services.lottery import prize_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def qr_video(token: str, folder: Path, *, frames: int = 5) -> Path:
    """A 640x480 Y4M video (4:2:0) of the token's QR on white, as a phone camera would see it."""
    code = segno.make(token, error="m", micro=False)
    png = folder / "ticket.png"
    code.save(str(png), scale=10, border=4)
    frame = Image.new("RGB", (640, 480), "white")
    with Image.open(png) as qr:
        qr = qr.convert("RGB")
        frame.paste(qr, ((640 - qr.width) // 2, (480 - qr.height) // 2))
    y, u, v = frame.convert("YCbCr").split()
    half = (320, 240)
    planes = y.tobytes() + u.resize(half).tobytes() + v.resize(half).tobytes()
    video = folder / "ticket.y4m"
    with video.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)
    return video


def test_scan_with_the_camera_then_a_second_scan_is_refused(
    camera_browser, live_server, sign_in, screenshot, org_tree, college_admin, tmp_path
):
    event = EventFactory(org=org_tree.college, title="校庆晚宴")
    guest = tickets.ticket_issue(
        registration=RegistrationFactory(event=event, name="王小明", seat="3桌5号")
    )
    chromium = camera_browser(qr_video(tickets.ticket_payload(guest), tmp_path))
    context = chromium.new_context(
        base_url=live_server.url, viewport=PHONE, locale="zh-CN", permissions=["camera"]
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, college_admin)
    page.goto(f"/console/events/checkin/{event.pk}/")
    page.click("[data-start-camera]")

    page.wait_for_selector("[data-result][data-state='accepted']")
    assert page.inner_text("[data-name]") == "王小明"
    assert page.inner_text("[data-seat]") == "3桌5号"
    assert page.inner_text("[data-count-checked-in]") == "1"
    screenshot(page, "event-checkin-accepted")
    assert Registration.objects.get(pk=guest.pk).checked_in_at is not None

    page.click("[data-next]")  # the guest holds the same ticket up again
    page.wait_for_selector("[data-result][data-state='refused']")
    assert page.inner_text("[data-message]").startswith(tickets.reason_text(tickets.DUPLICATE))
    screenshot(page, "event-checkin-refused")
    rows = CheckIn.objects.filter(event=event).order_by("id")
    assert [(row.accepted, row.reason, row.source) for row in rows] == [
        (True, "", CheckInSource.SCAN),
        (False, tickets.DUPLICATE, CheckInSource.SCAN),
    ]

    # The lottery draws a winner among the checked-in (the issue's journey ends here).
    prize_create(actor=college_admin, event=event, name="一等奖", quantity=1)
    page.set_viewport_size({"width": 1280, "height": 800})  # the venue screen
    page.goto(f"/console/events/{event.pk}/lottery/screen")
    page.click("[data-draw]")
    page.wait_for_selector("[data-lottery][data-drawn]", timeout=15_000)
    assert page.inner_text("[data-winners] .lottery-winner-name") == "王小明"
    assert LotteryWinner.objects.get(prize__event=event).registration_id == guest.pk
    screenshot(page, "event-checkin-lottery-winner")
    context.close()


def test_offline_check_in_verifies_locally_and_syncs(
    desktop_page, sign_in, org_tree, college_admin
):
    event = EventFactory(org=org_tree.college)
    guest = tickets.ticket_issue(registration=RegistrationFactory(event=event, name="李雷"))
    token = tickets.ticket_payload(guest)
    page = desktop_page
    sign_in(page, college_admin)
    page.goto(f"/console/events/checkin/{event.pk}/")
    page.click("[data-download]")
    page.wait_for_function("document.querySelector('[data-bundle-info]').textContent.includes('1')")
    page.check("[data-offline-toggle]")

    page.fill("[data-token-input]", token[:-3] + "AAA")  # forged: refused by the local HMAC
    page.press("[data-token-input]", "Enter")
    page.wait_for_selector("[data-result][data-state='refused']")
    assert page.inner_text("[data-message]") == tickets.reason_text(tickets.FORGED)
    page.click("[data-next]")

    page.fill("[data-token-input]", token)
    page.press("[data-token-input]", "Enter")
    page.wait_for_selector("[data-result][data-state='accepted']")
    assert page.inner_text("[data-name]") == "李雷"
    assert page.inner_text("[data-queue]") == "1"
    assert not CheckIn.objects.exists()  # nothing reached the server while offline

    page.uncheck("[data-offline-toggle]")  # back online: the queue syncs
    page.wait_for_function("document.querySelector('[data-queue]').textContent === '0'")
    row = CheckIn.objects.get()
    assert (row.accepted, row.source, row.registration_id) == (
        True,
        CheckInSource.OFFLINE,
        guest.pk,
    )

    # Another door lets a guest in: the page's figures follow by their periodic poll (scans
    # answer with the attendee only).
    other = tickets.ticket_issue(registration=RegistrationFactory(event=event, name="韩梅梅"))
    tickets.check_in(event=event, registration=other, actor=college_admin, source="search")
    page.wait_for_function(
        "document.querySelector('[data-count-checked-in]').textContent === '2'"
        " && document.querySelector('[data-count-confirmed]').textContent === '2'",
        timeout=15_000,
    )
