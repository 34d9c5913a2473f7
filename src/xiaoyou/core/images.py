"""Uploaded images (logos, covers, photos): checked by their real content, renamed by it.

`image_validate(file, max_bytes=...)` opens the upload with Pillow and accepts only JPEG, PNG,
WebP and GIF within a byte size and a pixel count (a small file can still decode into a huge
bitmap: a "decompression bomb"). It returns the extension of the real format; `renamed(file,
ext)` gives the file a random name with that extension, so a PNG uploaded as "page.html" is
stored and served as an image, never as HTML.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

FORMATS: dict[str, str] = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MAX_PIXELS = 40_000_000  # 40 megapixels: every real photo, no bomb


def image_validate(file: Any, *, max_bytes: int, max_pixels: int = MAX_PIXELS) -> str:
    """The extension of the image's real format; ValidationError (translated) when refused."""
    from PIL import Image, UnidentifiedImageError

    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            _("The image is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
            code="image_too_large",
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format or ""
            width, height = image.size
            if image_format not in FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG, WebP or GIF image."), code="image_format"
                )
            if width * height > max_pixels:
                raise ValidationError(
                    _("The image has too many pixels (%(width)s×%(height)s).")
                    % {"width": width, "height": height},
                    code="image_too_many_pixels",
                )
            image.verify()  # reads the whole stream: a truncated or corrupt file fails here
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("The file is not an image, or it is damaged."), code="image_invalid"
        ) from None
    finally:
        file.seek(position)
    return FORMATS[image_format]


def renamed(file: Any, extension: str) -> Any:
    """The same upload under a random name ending in the real format's extension."""
    file.name = f"{uuid.uuid4().hex}.{extension}"
    return file
