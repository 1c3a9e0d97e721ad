"""Met, missed and lapsed targets as SQL over the instance columns, for lists and counts.

The same rule as `app.sla.stopwatch.target_met`, which reads one clock: the regulation's
targets are "kurang dari" (Perbup Bangka 21/2025, Tabel 2 and 4), so a clock stopped
before its deadline met it, one stopped at or after it missed it, and one still running
when its deadline came has lapsed. Lists (the overdue filters) and counts (the dashboard)
ask here so that they agree with the clocks to the second.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_

from app.models import Instance


def met(due: Any, stopped: Any) -> ColumnElement[bool]:
    """The clock stopped before its deadline."""
    return stopped.is_not(None) & (stopped < due)


def missed(due: Any, stopped: Any) -> ColumnElement[bool]:
    """The clock stopped at its deadline or later."""
    return stopped.is_not(None) & (stopped >= due)


def lapsed(due: Any, stopped: Any, now: datetime) -> ColumnElement[bool]:
    """The clock still runs and its deadline has come."""
    return stopped.is_(None) & (due <= now)


def running_late(now: datetime) -> ColumnElement[bool]:
    """The instance's response or resolution clock has lapsed (the overdue filters)."""
    return or_(
        lapsed(Instance.response_due_at, Instance.responded_at, now),
        lapsed(Instance.resolution_due_at, Instance.resolved_at, now),
    )
