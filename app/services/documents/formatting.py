"""Dates and numbers as Indonesian documents write them: "3 Desember 2026", "1.234,5".

Babel (already here for the pages' translations) holds the CLDR data of the `id` locale, so
nothing in this module spells a month or picks a separator by hand.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal

#: Documents are the kabupaten's: Indonesian whatever language the reader's pages use.
LOCALE = "id"


def indonesian_date(day: date) -> str:
    """A date in words, as a letter dates itself: "3 Desember 2026"."""
    return _babel_date(day, format="long", locale=LOCALE)


def indonesian_datetime(moment: datetime, time_zone: str) -> str:
    """A moment in `time_zone` (a PD's zone), e.g. "3 Desember 2026 21.05".

    Raises:
        ValueError: `moment` is naive (which zone it was in would be a guess).
    """
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to indonesian_datetime")
    return _babel_datetime(
        moment, format="d MMMM y HH.mm", tzinfo=ZoneInfo(time_zone), locale=LOCALE
    )


def indonesian_number(value: float, decimals: int = 2) -> str:
    """A number with the thousands dot and the decimal comma, without trailing zeros:
    1234.5 -> "1.234,5", 99.95 -> "99,95", 24 -> "24" (at most `decimals` decimals)."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def indonesian_percent(value: float, decimals: int = 2) -> str:
    """A percentage given in percent (99.5 -> "99,5%"), as the catalog stores targets."""
    return f"{indonesian_number(value, decimals)}%"
