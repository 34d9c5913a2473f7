"""The photo pipeline: check an upload by its real content, clean it, make its thumbnails.

`photo_prepare(file)` checks the upload with core.images.image_validate (real type, byte size,
pixel count: no decompression bomb, no HTML named .jpg), applies the EXIF orientation and
re-encodes it without any metadata, so what is stored and served carries no GPS position, no
camera serial and no EXIF at all (the ICC colour profile is kept: it is colour, not data about
the person). The capture time is read from EXIF first and kept as a field.

`thumbnails_make(content)` makes the sizes the pages use (long edge 320, 960 and 1920 px, as
JPEG and WebP) from the cleaned original, never from the upload, so no size inherits metadata.

Animated GIFs are stored as a PNG of their first frame: an album shows photographs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoyou.core.images import image_validate

PHOTO_MAX_BYTES = 25 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
# Uploads up to this size get their thumbnails in the request (a phone photo: ~0.3 s); larger
# ones (a camera's 20+ MB JPEG takes seconds) get them from a background task.
INLINE_THUMBNAIL_BYTES = 4 * 1024 * 1024
THUMBNAIL_SIZES = (320, 960, 1920)
THUMBNAIL_FORMATS = ("jpg", "webp")
JPEG_QUALITY = 90
THUMBNAIL_QUALITY = 82

EXIF_IFD = 0x8769
EXIF_DATETIME_ORIGINAL = 36867
EXIF_DATETIME = 306


@dataclass(frozen=True)
class PreparedImage:
    content: bytes  # the cleaned original (orientation applied, no metadata)
    extension: str  # jpg, png or webp
    width: int
    height: int
    sha256: str  # of the uploaded bytes
    taken_at: dt.datetime | None


def _read(file: Any) -> bytes:
    file.seek(0)
    data = file.read()
    file.seek(0)
    return bytes(data)


def _taken_at(exif: Any) -> dt.datetime | None:
    value = None
    try:
        value = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL) or exif.get(EXIF_DATETIME)
    except Exception:  # a damaged EXIF block is no reason to refuse the photo
        return None
    if not isinstance(value, str):
        return None
    try:
        naive = dt.datetime.strptime(value.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    # EXIF times carry no zone: take them as local time of the installation (Asia/Shanghai).
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _encode(image: Any, image_format: str, *, quality: int, icc: bytes | None = None) -> bytes:
    """Saves `image` with only the pixels (and the colour profile): no EXIF, XMP or text."""
    buffer = io.BytesIO()
    options: dict[str, Any] = {}
    if icc:
        options["icc_profile"] = icc
    if image_format == "jpg":
        if image.mode not in ("RGB", "L"):
            image = _flatten(image)
        image.save(buffer, "JPEG", quality=quality, optimize=True, **options)
    elif image_format == "webp":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        image.save(buffer, "WEBP", quality=quality, method=4, **options)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA")
        image.save(buffer, "PNG", optimize=False, **options)
    return buffer.getvalue()


def _flatten(image: Any) -> Any:
    """RGB on white for JPEG (which has no alpha)."""
    from PIL import Image

    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _pixels_only(image: Any) -> Any:
    """A copy carrying the pixels and nothing of the source's info (EXIF, XMP, comments)."""
    clean = image.copy()
    clean.info = {}
    return clean


def _refuse_bomb(file: Any) -> None:
    """Pillow refuses to open images far beyond its pixel limit; say so plainly (the generic
    "damaged" message would puzzle the owner of a 20,000 x 20,000 scan)."""
    from PIL import Image

    file.seek(0)
    try:
        with Image.open(file):
            pass
    except Image.DecompressionBombError:
        raise ValidationError(
            _("The image has too many pixels; the limit is %(limit)s megapixels.")
            % {"limit": PHOTO_MAX_PIXELS // 1_000_000},
            code="image_too_many_pixels",
        ) from None
    except Exception:  # noqa: S110 - image_validate gives the message for anything else
        pass
    finally:
        file.seek(0)


def photo_prepare(file: Any) -> PreparedImage:
    """Validates and cleans one uploaded photo; ValidationError (translated) when refused."""
    from PIL import Image, ImageOps

    _refuse_bomb(file)
    extension = image_validate(file, max_bytes=PHOTO_MAX_BYTES, max_pixels=PHOTO_MAX_PIXELS)
    data = _read(file)
    try:
        with Image.open(io.BytesIO(data)) as source:
            icc = source.info.get("icc_profile")
            taken_at = _taken_at(source.getexif())
            source.seek(0)
            oriented = ImageOps.exif_transpose(source)  # a new image, upright
            image = _pixels_only(oriented)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            _("The file is not an image, or it is damaged."), code="image_invalid"
        ) from None
    if extension == "gif":
        extension = "png"
    content = _encode(image, extension, quality=JPEG_QUALITY, icc=icc)
    return PreparedImage(
        content=content,
        extension=extension,
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(data).hexdigest(),
        taken_at=taken_at,
    )


def thumbnails_make(content: bytes) -> dict[str, dict[str, bytes]]:
    """{"320": {"jpg": bytes, "webp": bytes}, ...} from a cleaned original (never upscaled)."""
    from PIL import Image

    result: dict[str, dict[str, bytes]] = {}
    with Image.open(io.BytesIO(content)) as source:
        source.load()
        icc = source.info.get("icc_profile")
        base = _pixels_only(source)
    # Largest first, each from the previous one: cheaper than from the original every time.
    current = base
    for size in sorted(THUMBNAIL_SIZES, reverse=True):
        if max(current.size) > size:
            current = current.copy()
            current.thumbnail((size, size), Image.Resampling.LANCZOS)
        result[str(size)] = {
            image_format: _encode(current, image_format, quality=THUMBNAIL_QUALITY, icc=icc)
            for image_format in THUMBNAIL_FORMATS
        }
    return result


def content_type_of(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower()
    return {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(
        extension, "application/octet-stream"
    )
