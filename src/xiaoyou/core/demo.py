"""Helpers of the modules' demo content (`xiaoyou seed-demo`): times relative to now in the
school's time zone, and flat illustrations drawn with Pillow for covers and album photos.

The pictures are drawn, never downloaded: the demo works offline and holds no one's photo.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

SCHOOL_TIME_ZONE = ZoneInfo("Asia/Shanghai")
# Debian's fonts-noto-cjk (also used for the PDFs); without it the pictures carry no text.
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
INK = (17, 17, 17)
WHITE = (255, 255, 255)


@dataclass(frozen=True)
class Palette:
    """Colors of a drawn picture, as #RRGGBB (the design system's by default)."""

    sky: str = "#E5E5E5"
    ground: str = "#F5F5F5"
    accent: str = "#C8102E"
    sun: str = "#FFFFFF"


def local_time(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """`days` from today (negative: ago) at hour:minute in Asia/Shanghai, as an aware time."""
    today = timezone.now().astimezone(SCHOOL_TIME_ZONE).date() + dt.timedelta(days=days)
    return dt.datetime.combine(today, dt.time(hour, minute), tzinfo=SCHOOL_TIME_ZONE)


@cache
def _font_path() -> str:
    return next((path for path in CJK_FONTS if Path(path).exists()), "")


def _font(size: int) -> Any:
    from PIL import ImageFont

    path = _font_path()
    return ImageFont.truetype(path, size) if path else None


def _hex(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return (int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16))


def picture(
    *,
    title: str = "",
    subtitle: str = "",
    palette: Palette | None = None,
    size: tuple[int, int] = (960, 540),
    variant: int = 0,
) -> bytes:
    """A JPEG of a flat campus scene (sky, sun, buildings, ground) with an optional title.

    `variant` moves the sun and changes the skyline, so pictures of one set differ (and their
    files too: an album refuses the same file twice).
    """
    from PIL import Image, ImageDraw

    colors = palette or Palette()
    accent = colors.accent
    width, height = size
    image = Image.new("RGB", size, _hex(colors.sky))
    draw = ImageDraw.Draw(image)
    horizon = int(height * 0.72)
    radius = height // 9
    sun_x = int(width * (0.18 + 0.16 * (variant % 5)))
    sun_y = int(height * (0.22 + 0.04 * (variant % 3)))
    draw.ellipse(
        (sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius), fill=_hex(colors.sun)
    )
    # A skyline: a hall with a tower and lower buildings on both sides.
    heights = (0.30, 0.42, 0.26, 0.52, 0.34, 0.22, 0.38)
    count = len(heights)
    block = width / count
    for index in range(count):
        share = heights[(index + variant) % count]
        top = horizon - int(height * share * 0.8)
        left = int(index * block + block * 0.08)
        right = int((index + 1) * block - block * 0.08)
        shade = INK if index % 3 == 0 else _hex(accent) if index % 3 == 1 else (97, 97, 97)
        draw.rectangle((left, top, right, horizon), fill=shade)
        for row in range(top + 14, horizon - 18, 26):  # windows
            for column in range(left + 12, right - 14, 24):
                draw.rectangle((column, row, column + 8, row + 12), fill=WHITE)
    draw.rectangle((0, horizon, width, height), fill=_hex(colors.ground))
    draw.rectangle((0, horizon, width, horizon + 6), fill=_hex(accent))
    if title:
        _caption(draw, title, subtitle, width, height)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _caption(draw: Any, title: str, subtitle: str, width: int, height: int) -> None:
    title_font = _font(max(height // 11, 16))
    if title_font is None:
        return
    margin = width // 20
    band_top = int(height * 0.76)
    draw.rectangle((0, band_top, width, height), fill=INK)
    draw.text((margin, band_top + height // 36), title, font=title_font, fill=WHITE)
    if subtitle:
        subtitle_font = _font(max(height // 24, 12))
        draw.text(
            (margin, band_top + height // 36 + height // 9),
            subtitle,
            font=subtitle_font,
            fill=(229, 229, 229),
        )
