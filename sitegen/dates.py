"""Dates known to a day, a month or only a year, as sources give them.

Input: what an editor wrote (2023-09-27, 2023-09, 2023; YAML may hand over a year as a
number). Output: a `PartialDate` that keeps its precision, so a month is never printed as
a false day, and formats itself for readers ("September 2023", "сентябрь 2023") and for
`<time datetime>` ("2023-09").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from .messages import N_

PARTIAL_DATE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
PARTIAL_DATE_HINT = N_("write a day as YYYY-MM-DD, a month as YYYY-MM or a year as YYYY, e.g. 2023-09-27, 2023-09 or 2023")


@dataclass(frozen=True)
class PartialDate:
    """A day, a month or a year."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        """Return 'day', 'month' or 'year'."""
        return "day" if self.day else "month" if self.month else "year"

    @property
    def first_day(self) -> dt.date:
        """Return the first day the date may mean: 2023-09 -> 2023-09-01."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        """Return the last day the date may mean: 2023-09 -> 2023-09-30."""
        if self.day:
            return self.first_day
        if self.month:
            following = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    @property
    def sort_key(self) -> tuple[dt.date, dt.date]:
        """Return what orders dates in time: first day, then last (September 2023 before 30 September)."""
        return self.first_day, self.last_day

    def isoformat(self) -> str:
        """Return the date at its precision, as `<time datetime>` takes it: 2023, 2023-09 or 2023-09-27."""
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text

    def __str__(self) -> str:
        return self.isoformat()


def parse_partial_date(value) -> PartialDate | None:
    """Return the PartialDate an editor wrote, or None when it is not one (or not a real date)."""
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    match = PARTIAL_DATE.match(str(value).strip()) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if match is None:
        return None
    year, month, day = (int(part) if part else None for part in match.group("year", "month", "day"))
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return PartialDate(year, month, day)


# Babel's patterns: a day in the month's genitive ("27 сентября 2023"), a month alone in its
# standalone form ("сентябрь 2023"), which is what Russian needs without a day.
_PATTERNS = {"day": "d MMMM y", "month": "LLLL y", "year": "y"}


@functools.lru_cache(maxsize=4096)
def format_partial_date(value: PartialDate, language: str = "en") -> str:
    """Format a date at its precision for readers: 27 September 2023, September 2023, 2023."""
    from babel.dates import format_date

    return format_date(value.first_day, _PATTERNS[value.precision], locale=language)
