"""Browser journey of event photos (活动掠影, issue 7 item 8): on a phone, an alumnus registered
for an event opens the event page, goes to its album and uploads two photos at once with the
progress bar; the college admin sees them in the console's Photos tab of the event and hides
one; the hall album then shows one photo.
"""

from __future__ import annotations

import os

import pytest

from tests.content.images import jpeg_bytes, png_bytes
from tests.events.factories import EventFactory, RegistrationFactory
from xiaoyou.content.models import Photo, PhotoStatus
from xiaoyou.events.models import Visibility

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registrant_uploads_and_staff_hide_one(
    mobile_page,
    desktop_page,
    sign_in,
    screenshot,
    settings,
    tmp_path,
    org_tree,
    unverified_user,
    college_admin,
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    event = EventFactory(
        org=org_tree.college, title="计算机学院返校日", visibility=Visibility.PUBLIC
    )
    RegistrationFactory(event=event, user=unverified_user)
    first = tmp_path / "合影.jpg"
    first.write_bytes(jpeg_bytes((1200, 800), gps=True))
    second = tmp_path / "操场.png"
    second.write_bytes(png_bytes((600, 400)))

    phone = mobile_page
    sign_in(phone, unverified_user)
    phone.goto(f"/events/{event.pk}/")
    phone.locator('[data-action="event-photos-upload"]').click()
    phone.wait_for_url("**/content/albums/*/")
    phone.locator("[data-photo-input]").set_input_files([str(first), str(second)])
    assert "2" in phone.locator("[data-chosen]").inner_text()
    phone.locator('[data-action="upload"]').click()
    phone.locator('[data-upload-result][data-created="2"]').wait_for()
    assert phone.locator("#upload-progress").get_attribute("data-percent") == "100"
    screenshot(phone, "event-photos-uploaded-mobile", full_page=True)
    # The page reloads with the two photos in the grid.
    phone.locator("[data-photo-grid] [data-photo]").nth(1).wait_for()
    assert phone.locator("[data-photo-grid] [data-photo]").count() == 2
    photos = list(Photo.objects.order_by("id"))
    assert [(p.uploader_id, p.status) for p in photos] == [(unverified_user.pk, "published")] * 2

    # The lightbox opens the large size.
    phone.locator("[data-lightbox]").first.click()
    phone.locator("[data-lightbox-dialog][open]").wait_for()
    phone.locator("[data-lightbox-close]").click()

    # The college admin hides one in the console's Photos tab of the event.
    console = desktop_page
    sign_in(console, college_admin)
    console.goto(f"/console/content/events/{event.pk}/photos/")
    assert console.locator('[data-event-tab="photos"][aria-current="page"]').count() == 1
    assert console.locator("[data-photo-grid] [data-photo]").count() == 2
    console.locator(f'[data-photo="{photos[0].pk}"] input[name=photo]').check()
    console.locator('[data-action="hide"]').click()
    console.locator(f'[data-photo="{photos[0].pk}"][data-status="hidden"]').wait_for()
    screenshot(console, "event-photos-console-desktop", full_page=True)
    photos[0].refresh_from_db()
    assert photos[0].status == PhotoStatus.HIDDEN

    # The hall album shows one photo (to another visitor; the uploader too).
    phone.goto(f"/events/{event.pk}/")
    assert phone.locator("[data-event-photos] .event-photo-strip img").count() == 1
    phone.goto(f"/content/albums/{photos[0].album_id}/")
    assert phone.locator("[data-photo-grid] [data-photo]").count() == 1
    assert phone.locator(f'[data-photo="{photos[1].pk}"]').count() == 1
    screenshot(phone, "event-photos-album-mobile", full_page=True)
