"""Browser journey of face search (issue 8, "after consenting finds the photos with their
face"): on a phone, an alumnus uploads two photos to an album (one shows them: the astronaut),
opens "Find my photos", reads and accepts the consent text, takes a selfie (a crop of the same
face, brighter) and finds the photo they appear in, not the other one; then deletes their face
data.
"""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image, ImageEnhance

from tests.content.factories import AlbumFactory
from tests.factories import AlumniRecordFactory
from xiaoyou.alumni.models import VerificationState
from xiaoyou.content.models import FaceConsent, FaceProfile, Photo, PhotoFaceScan, UploadPermission
from xiaoyou.content.selectors_faces import face_index

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def test_alumnus_consents_and_finds_the_photo_with_their_face(
    mobile_page, sign_in, screenshot, settings, tmp_path, org_tree, verified_alumnus
):
    from skimage import data

    settings.MEDIA_ROOT = str(tmp_path / "media")
    face_index.clear()
    AlumniRecordFactory(
        org=org_tree.root, user=verified_alumnus, verification=VerificationState.VERIFIED
    )
    album = AlbumFactory(
        org=org_tree.college, title="2016届毕业典礼", upload_permission=UploadPermission.VIEWERS
    )
    astronaut = Image.fromarray(data.astronaut())
    me = tmp_path / "IMG_0001.jpg"
    me.write_bytes(_jpeg(astronaut))
    landscape = tmp_path / "IMG_0002.jpg"
    landscape.write_bytes(_jpeg(Image.new("RGB", (800, 600), (70, 130, 180))))
    selfie = tmp_path / "selfie.jpg"
    crop = astronaut.crop((120, 20, 330, 240)).resize((420, 440))
    selfie.write_bytes(_jpeg(ImageEnhance.Brightness(crop).enhance(1.15)))

    phone = mobile_page
    sign_in(phone, verified_alumnus)
    phone.goto(f"/content/albums/{album.pk}/")
    phone.locator("[data-photo-input]").set_input_files([str(me), str(landscape)])
    phone.locator('[data-action="upload"]').click()
    phone.locator('[data-upload-result][data-created="2"]').wait_for()
    # The upload's transaction committed: the eager task scanned both photos.
    mine = Photo.objects.get(album=album, width=512)
    other = Photo.objects.get(album=album, width=800)
    assert PhotoFaceScan.objects.get(photo=mine).face_count >= 1
    assert PhotoFaceScan.objects.get(photo=other).face_count == 0

    phone.goto("/content/faces/")
    phone.locator("[data-face-consent]").wait_for()
    assert "Protection Law" in phone.locator(".face-consent-text").inner_text() or (
        "个人信息保护法" in phone.locator(".face-consent-text").inner_text()
    )
    screenshot(phone, "faces-consent-mobile", full_page=True)
    phone.locator('[data-field="agree"]').check()
    phone.locator('[data-action="consent"]').click()
    phone.locator('[data-form="selfie"]').wait_for()
    assert FaceConsent.objects.filter(user=verified_alumnus, withdrawn_at__isnull=True).count() == 1
    picker = phone.locator('[data-field="selfie"]')
    assert picker.get_attribute("capture") == "user"
    assert picker.get_attribute("accept") == "image/*"
    picker.set_input_files(str(selfie))
    phone.locator('[data-action="search"]').click()
    phone.locator("[data-face-results]").wait_for()
    results = phone.locator("[data-face-result]")
    assert results.count() == 1
    assert results.first.get_attribute("data-face-result") == str(mine.pk)
    screenshot(phone, "faces-results-mobile", full_page=True)
    # The result opens the album the photo is in.
    results.first.locator("a").first.click()
    phone.wait_for_url(f"**/content/albums/{album.pk}/**")
    assert FaceProfile.objects.filter(user=verified_alumnus).count() == 1

    # 我的人脸数据: delete (confirmed in the dialog).
    phone.goto("/content/faces/data/")
    phone.locator('[data-action="delete-face-data"]').click()
    phone.locator("#confirm-dialog .confirm-ok").click()
    # The page reloads with the delete button gone (nothing left to delete).
    phone.locator('[data-action="delete-face-data"]').wait_for(state="detached")
    assert FaceProfile.objects.filter(user=verified_alumnus).count() == 0
    assert FaceConsent.objects.get(user=verified_alumnus).withdrawn_at is None
