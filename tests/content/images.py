"""Test images built with Pillow: JPEGs with EXIF orientation and GPS tags, PNGs, bombs."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
ORIENTATION = 0x0112
MAKE = 0x010F


def jpeg_bytes(
    size: tuple[int, int] = (64, 32),
    *,
    color: tuple[int, int, int] = (200, 30, 40),
    orientation: int | None = None,
    gps: bool = False,
    taken: str | None = None,
    quality: int = 90,
) -> bytes:
    """A JPEG whose left half is `color` and right half white (so a rotation is visible)."""
    image = Image.new("RGB", size, (255, 255, 255))
    image.paste(color, (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[MAKE] = "TestCam"
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (31.0, 14.0, 30.0), 3: "E", 4: (121.0, 28.0, 10.0)}
    if taken:
        exif[EXIF_IFD] = {36867: taken}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=exif.tobytes())
    return buffer.getvalue()


def png_bytes(
    size: tuple[int, int] = (40, 40), color: tuple[int, int, int, int] = (0, 90, 200, 255)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def bomb_png_bytes(side: int = 20_000) -> bytes:
    """A PNG declaring side x side pixels (a few hundred KB; 400 megapixels once decoded)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit grayscale
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
