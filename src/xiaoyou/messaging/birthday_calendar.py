"""Whose birthday is it today (生日): solar dates, and lunar dates (农历) through `lunardate`.

Rules:
- Solar: a person born on 29 February is greeted on 28 February in years without a 29th.
- Lunar: the archive keeps the lunar date of birth as text ("1975-08-15"; a leap month as
  "1975-闰04-15" or "1975-L04-15"). The birthday is the same month and day of the current lunar
  year. Someone born in a leap month (闰月) is greeted in the ordinary month of that number,
  which every year has (the custom; the leap month itself returns only every few years).
  Someone born on the 30th is greeted on the 29th in a year whose month has only 29 days
  (大月/小月).
- A record with a lunar date of birth prefers its lunar birthday (the archive has no separate
  preference field); other records are greeted on their solar birthday.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from lunardate import LunarDate

LUNAR_TEXT = re.compile(
    r"^\s*(?P<year>\d{4})\s*[-/.年]\s*(?P<leap>闰|L|l|R|r)?\s*(?P<month>\d{1,2})\s*[-/.月]\s*"
    r"(?P<day>\d{1,2})\s*日?\s*$"
)


@dataclass(frozen=True)
class LunarBirth:
    year: int
    month: int
    day: int
    is_leap_month: bool = False


def parse_lunar(text: str) -> LunarBirth | None:
    """The lunar date of birth written in the archive, or None when it cannot be read."""
    match = LUNAR_TEXT.match(text or "")
    if match is None:
        return None
    month, day = int(match["month"]), int(match["day"])
    if not (1 <= month <= 12 and 1 <= day <= 30):
        return None
    return LunarBirth(int(match["year"]), month, day, bool(match["leap"]))


def solar_birthday(birth_date: dt.date, year: int) -> dt.date:
    """The solar birthday in `year` (29 February becomes the 28th in common years)."""
    if birth_date.month == 2 and birth_date.day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return birth_date.replace(year=year)


def lunar_month_days(lunar_year: int, month: int) -> int:
    """29 or 30: the length of the ordinary month `month` of `lunar_year`."""
    try:
        LunarDate(lunar_year, month, 30).to_solar_date()
    except ValueError:
        return 29
    return 30


def lunar_birthday(birth: LunarBirth, lunar_year: int) -> dt.date:
    """The solar date of the lunar birthday in lunar year `lunar_year`."""
    day = min(birth.day, lunar_month_days(lunar_year, birth.month))
    return LunarDate(lunar_year, birth.month, day).to_solar_date()


def is_solar_birthday(birth_date: dt.date, today: dt.date) -> bool:
    return solar_birthday(birth_date, today.year) == today


def is_lunar_birthday(birth: LunarBirth, today: dt.date) -> bool:
    """True when `today` is the lunar birthday in the lunar year that contains `today`."""
    lunar_today = LunarDate.from_solar_date(today.year, today.month, today.day)
    if lunar_today.is_leap_month:
        return False  # birthdays fall in the ordinary month
    return lunar_birthday(birth, lunar_today.year) == today


def solar_lookups(today: dt.date) -> list[tuple[int, int]]:
    """(month, day) pairs of birth dates to greet on `today`."""
    pairs = [(today.month, today.day)]
    if today.month == 2 and today.day == 28 and not calendar.isleap(today.year):
        pairs.append((2, 29))
    return pairs
