"""The photo pipeline: real type, limits, orientation, metadata stripped, thumbnails."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image

from tests.content.images import GPS_IFD, bomb_png_bytes, jpeg_bytes, png_bytes, upload
from xiaoyou.content import images


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_orientation_applied_and_every_tag_stripped():
    data = jpeg_bytes((64, 32), orientation=6, gps=True, taken="2024:05:01 10:20:30")
    assert _open(data).getexif().get_ifd(GPS_IFD)  # the upload does carry GPS

    prepared = images.photo_prepare(upload("phone.jpg", data))

    stored = _open(prepared.content)
    # Orientation 6 (rotate 90° clockwise to view): 64x32 becomes 32x64, the red half on top.
    assert (prepared.width, prepared.height) == (32, 64) == stored.size
    red, white = stored.getpixel((16, 8)), stored.getpixel((16, 56))
    assert red[0] > 150 and red[1] < 90
    assert min(white) > 240
    assert len(stored.getexif()) == 0
    assert stored.getexif().get_ifd(GPS_IFD) == {}
    assert "exif" not in stored.info
    assert b"Exif" not in prepared.content[:2000]
    assert prepared.extension == "jpg"
    assert prepared.taken_at == timezone.make_aware(
        dt.datetime(2024, 5, 1, 10, 20, 30), timezone.get_default_timezone()
    )


def test_thumbnails_in_every_size_and_format_without_metadata():
    data = jpeg_bytes((2400, 1200), gps=True)
    prepared = images.photo_prepare(upload("big.jpg", data))

    thumbnails = images.thumbnails_make(prepared.content)

    assert sorted(thumbnails, key=int) == ["320", "960", "1920"]
    for size, formats in thumbnails.items():
        assert sorted(formats) == ["jpg", "webp"]
        for image_format, content in formats.items():
            image = _open(content)
            assert image.format == {"jpg": "JPEG", "webp": "WEBP"}[image_format]
            assert max(image.size) == int(size)
            assert len(image.getexif()) == 0
            assert "exif" not in image.info and "xmp" not in image.info


def test_small_image_is_not_upscaled():
    prepared = images.photo_prepare(upload("small.png", png_bytes((40, 20)), "image/png"))
    thumbnails = images.thumbnails_make(prepared.content)
    assert {size: _open(formats["jpg"]).size for size, formats in thumbnails.items()} == {
        "320": (40, 20),
        "960": (40, 20),
        "1920": (40, 20),
    }


def test_png_named_jpg_is_kept_as_png():
    prepared = images.photo_prepare(upload("holiday.jpg", png_bytes(), "image/jpeg"))
    assert prepared.extension == "png"
    assert _open(prepared.content).format == "PNG"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"just some text, not a photo",
        jpeg_bytes((200, 200))[:300],  # truncated
    ],
    ids=["html", "text", "truncated"],
)
def test_not_an_image_is_refused(data):
    with pytest.raises(ValidationError) as caught:
        images.photo_prepare(upload("photo.jpg", data))
    assert caught.value.code == "image_invalid"
    assert caught.value.messages == ["The file is not an image, or it is damaged."]


def test_decompression_bomb_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as caught:
        images.photo_prepare(upload("scan.png", bomb_png_bytes(), "image/png"))
    assert caught.value.code == "image_too_many_pixels"
    assert caught.value.messages == ["The image has too many pixels; the limit is 40 megapixels."]


def test_too_many_pixels_under_pillows_own_limit():
    # 7000 x 7000 = 49 MP: Pillow opens it, our 40 MP limit refuses it.
    with pytest.raises(ValidationError) as caught:
        images.photo_prepare(upload("wide.png", bomb_png_bytes(7000), "image/png"))
    assert caught.value.code == "image_too_many_pixels"


def test_too_large_file_is_refused(monkeypatch):
    monkeypatch.setattr(images, "PHOTO_MAX_BYTES", 1000)
    with pytest.raises(ValidationError) as caught:
        images.photo_prepare(upload("big.jpg", jpeg_bytes((300, 300))))
    assert caught.value.code == "image_too_large"


def test_gif_is_stored_as_png():
    buffer = io.BytesIO()
    Image.new("P", (10, 10)).save(buffer, "GIF")
    prepared = images.photo_prepare(upload("anim.gif", buffer.getvalue(), "image/gif"))
    assert prepared.extension == "png"
    assert _open(prepared.content).format == "PNG"


def test_messages_are_translated():
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        images.photo_prepare(upload("photo.jpg", b"<html></html>"))
    assert caught.value.messages == ["文件不是图片，或已损坏。"]
