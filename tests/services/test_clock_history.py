"""The clocks' history folded event by event equals the whole log folded at once
(app/services/deadlines/clock_history.py; issue 13, item 1): as a property over any
sequence of events cut anywhere and stored in between, and for instances run through
the services, suspensions and escalations included."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.clock import FixedClock
from app.models import Event, Instance, User
from app.services.context import Platform
from app.services.deadlines.clock_history import (
    CONFIRMED,
    DRP_ACTIVATED,
    FOLDED,
    SERVICE_RESTORED,
    ClockHistory,
)
from tests.services.tracking_data import CLASSIFY_COMPLAINT, complaint, complete
from tests.ticks import tick

KINDS = sorted(FOLDED | {"instance_started", "task_unroutable", "comment_added"})
LANES = [None, "Pemohon", "Administrator Layanan", "Penanggung Jawab Layanan"]
START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)

submitted = st.fixed_dictionaries(
    {},
    optional={
        "konfirmasi": st.sampled_from([CONFIRMED, "ditolak"]),
        DRP_ACTIVATED: st.booleans(),
        SERVICE_RESTORED: st.booleans(),
    },
)
event_data = st.fixed_dictionaries(
    {},
    optional={
        "lane": st.sampled_from(LANES),
        "data": submitted,
        "payload": submitted,
        "restored_at": st.just("2026-01-06T03:00:00+00:00"),
        "inputs": st.fixed_dictionaries({"jenis": st.just("aduan")}),
        "targets": st.just({"respons": {"detik": 3600}}),
        "peringatan": st.lists(st.text(max_size=5), max_size=2),
        "clock": st.sampled_from(["respons", "penyelesaian"]),
        "level": st.integers(min_value=1, max_value=3),
    },
)
events = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(min_value=0, max_value=600), event_data),
    max_size=40,
)


def _timed(drawn: list[tuple[str, int, dict[str, Any]]]) -> list[tuple[str, datetime, Any]]:
    at = START
    timed = []
    for kind, minutes, data in drawn:
        at += timedelta(minutes=minutes)
        timed.append((kind, at, data))
    return timed


@settings(max_examples=300, deadline=None, derandomize=True)
@given(drawn=events)
def test_folding_step_by_step_equals_the_full_rebuild(drawn: list[tuple[str, int, dict[str, Any]]]):
    """Each event folded into the stored JSON, as `record` does, ends where folding the
    whole log at once does."""
    timed = _timed(drawn)
    log = [Event(kind=kind, at=at, data=data) for kind, at, data in timed]

    stored = json.dumps(ClockHistory().to_json())
    for event in log:
        history = ClockHistory.from_json(json.loads(stored))
        history.fold(event.kind, event.at, event.data)
        stored = json.dumps(history.to_json())
    whole = ClockHistory.of_events(log)
    assert json.loads(stored) == whole.to_json()
    assert ClockHistory.from_json(json.loads(stored)) == whole


@pytest.mark.usefixtures("deployed")
def test_instances_keep_the_history_their_log_gives(platform: Platform, clock: FixedClock):
    """A complaint classified, suspended, resumed and escalated: the stored history is the
    fold of its whole log, and a legacy instance without one gets it on its next step."""
    first = complaint(platform)
    second = complaint(platform, layanan="WEBSITE")
    complete(platform, first, "admin.layanan", CLASSIFY_COMPLAINT)
    with platform.sessions() as session:
        boss = session.scalars(select(User).where(User.username == "admin")).one()
        platform.instances(session).suspend(first, boss)
        session.commit()
    clock.advance(timedelta(hours=3))
    with platform.sessions() as session:
        boss = session.scalars(select(User).where(User.username == "admin")).one()
        platform.instances(session).resume(first, boss)
        session.get_one(Instance, second).sla_history = None  # as recorded before 0022
        session.commit()
    clock.advance(timedelta(days=3))
    tick(platform, clock.now())
    complete(platform, second, "admin.layanan", CLASSIFY_COMPLAINT)
    kinds: set[str] = set()
    with platform.sessions() as session:
        for instance_id in (first, second):
            row = session.get_one(Instance, instance_id)
            log = session.scalars(
                select(Event).where(Event.instance_id == instance_id).order_by(Event.id)
            ).all()
            assert row.sla_history == ClockHistory.of_events(log).to_json()
            kinds |= {event.kind for event in log}
        assert {"sla_changed", "escalated", "instance_suspended"} <= kinds
        assert ClockHistory.from_json(session.get_one(Instance, first).sla_history).pauses
