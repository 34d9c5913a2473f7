"""Browser journey of albums (issue 8): on a phone, a verified alumnus creates an album (it waits
for review), uploads a GPS-tagged photo and a text file named .jpg; the photo is stored without
its GPS tag in every size, the text file is refused with a message; the college admin approves
the album in the to-do list and another alumnus sees it.
"""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from tests.content.images import GPS_IFD, jpeg_bytes
from tests.factories import AlumniRecordFactory
from xiaoyou.alumni.models import VerificationState
from xiaoyou.content.models import Album, Photo
from xiaoyou.core.models import ReviewItem

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_alumnus_album_upload_strips_gps_and_is_approved(
    mobile_page,
    desktop_page,
    sign_in,
    screenshot,
    settings,
    tmp_path,
    org_tree,
    verified_alumnus,
    college_admin,
    outsider,
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    AlumniRecordFactory(
        org=org_tree.root, user=verified_alumnus, verification=VerificationState.VERIFIED
    )
    photo_file = tmp_path / "IMG_0001.jpg"
    photo_file.write_bytes(jpeg_bytes((1600, 1200), gps=True, orientation=6))
    fake = tmp_path / "notes.jpg"
    fake.write_text("这不是照片")

    phone = mobile_page
    sign_in(phone, verified_alumnus)
    phone.goto("/content/albums/")
    phone.locator('[data-action="new-album"]').click()
    phone.wait_for_url("**/content/albums/new")
    phone.select_option("#id_org", str(org_tree.college.pk))
    phone.fill("#id_title", "计算机051班毕业十年")
    phone.select_option("#id_upload_permission", "viewers")
    phone.locator('[data-action="create-album"]').click()
    album = Album.objects.get()
    phone.wait_for_url(f"**/content/albums/{album.pk}/")
    assert phone.locator('[data-album-status="pending"]').count() == 1

    phone.locator("[data-photo-input]").set_input_files([str(photo_file), str(fake)])
    phone.locator('[data-action="upload"]').click()
    phone.locator('[data-upload-result][data-created="1"]').wait_for()
    assert "notes.jpg" in phone.locator("[data-upload-result] .upload-errors").inner_text()
    screenshot(phone, "albums-upload-refused-file-mobile", full_page=True)
    phone.locator('[data-action="show-new-photos"]').click()
    phone.locator("[data-photo-grid] [data-photo]").first.wait_for()

    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (1200, 1600)  # EXIF orientation applied
    names = [photo.original.name] + [
        name for formats in photo.thumbnails.values() for name in formats.values()
    ]
    assert len(names) == 7
    for name in names:
        with default_storage.open(name) as handle:
            image = Image.open(io.BytesIO(handle.read()))
            assert image.getexif().get_ifd(GPS_IFD) == {}, name
            assert len(image.getexif()) == 0, name

    # The college admin approves the album in the to-do list.
    console = desktop_page
    sign_in(console, college_admin)
    console.goto("/console/todos/")
    item = ReviewItem.objects.get(kind="content.album")
    console.locator(f"#review-{item.pk}").locator('button[type="submit"]').first.click()
    # htmx swaps the row in, or (before htmx has loaded) the page reloads: wait for the decision.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        album.refresh_from_db()
        if album.status != "pending":
            break
        time.sleep(0.1)
    assert album.status == "published"

    # Another alumnus finds it in the album list.
    other = mobile_page.context.browser.new_context(
        base_url=phone.url.split("/content/")[0], viewport={"width": 390, "height": 844}
    ).new_page()
    sign_in(other, outsider)
    other.goto("/content/albums/")
    assert other.locator(f'[data-album-card="{album.pk}"]').count() == 1
    screenshot(other, "albums-list-mobile", full_page=True)
    other.context.close()
