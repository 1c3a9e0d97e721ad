"""The embedded default fires timers without a second command: `spbe serve` runs the
worker's loop in a thread (issue 13, item 2), the same loop `spbe worker` runs."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app.cli import main
from app.clock import FixedClock
from app.models import Event
from app.services.context import Platform
from app.worker import start_in_background
from tests.services.tracking_data import complaint

pytestmark = pytest.mark.usefixtures("deployed")


def _escalations(platform: Platform, instance_id: int) -> list[str]:
    with platform.sessions() as session:
        return list(
            session.scalars(
                select(Event.kind).where(
                    Event.instance_id == instance_id, Event.kind == "escalated"
                )
            )
        )


def test_the_servers_thread_fires_a_due_timer(platform: Platform, clock: FixedClock) -> None:
    instance_id = complaint(platform)  # P3: level 1 at 45 of the 60 response minutes
    thread, stop = start_in_background(platform, interval=0.05)
    try:
        time.sleep(0.2)  # passes run with nothing due
        assert _escalations(platform, instance_id) == []
        clock.advance(timedelta(minutes=50))
        waited = 0.0
        while not _escalations(platform, instance_id) and waited < 10:
            time.sleep(0.05)
            waited += 0.05
        assert _escalations(platform, instance_id) == ["escalated"]
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()


def test_serve_says_whether_it_fires_timers() -> None:
    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    assert "--worker / --no-worker" in help_text
