"""Indonesian national holidays and cuti bersama, read from the `holidays` package.

This is the only module under `app.sla` that imports a third-party package: it turns the
package's calendar into plain data, ``{date: (name, category)}``, that
`app.sla.calendar.WorkingCalendar` accepts, so the arithmetic stays standard library only
and an administrator's table can replace or extend what the package knows.

In `holidays` 0.108 the Indonesia calendar supports the categories ``public`` (libur
nasional, by Keputusan Presiden) and ``government`` (cuti bersama, by the yearly SKB of
the Minister of Religious Affairs, Manpower and PANRB), and the language ``id``, which is
also its default. Names of Islamic holidays whose dates the package only estimates carry
the suffix "(perkiraan)"; an administrator confirms or corrects them as regional data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import holidays

PUBLIC = "public"
GOVERNMENT = "government"


def indonesian_holidays(
    years: int | Iterable[int],
    extra: Mapping[date, tuple[str, str]] | None = None,
) -> dict[date, tuple[str, str]]:
    """Return Indonesia's non-working days for `years`, with Indonesian names.

    When a date is both a public holiday and cuti bersama, the public holiday wins: the
    day is off by law either way, and its name is the one people know. `extra` is applied
    last and wins over the package, so administrators can add regional days (category
    "regional") or correct a date the government moved.

    Args:
        years: one year or several.
        extra: administrator-maintained days, ``{date: (name, category)}``.

    Returns:
        ``{date: (name, category)}`` sorted by date, category "public" (libur nasional) or
        "government" (cuti bersama), or whatever `extra` says.
    """
    wanted = [years] if isinstance(years, int) else sorted(set(years))
    days: dict[date, tuple[str, str]] = {}
    for category in (GOVERNMENT, PUBLIC):  # public second, so it overwrites
        for day, name in _package_days(wanted, category).items():
            days[day] = (name, category)
    days.update(extra or {})
    return dict(sorted(days.items()))


def _package_days(years: list[int], category: str) -> dict[date, str]:
    calendar = holidays.country_holidays("ID", years=years, categories=(category,), language="id")
    return dict(calendar.items())
