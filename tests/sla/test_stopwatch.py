"""Tests for app/sla/stopwatch.py: clocks read from facts, with pauses and warning points."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from app.sla.calendar import (
    ALWAYS_OPEN,
    add_working_time,
    indonesian_government_default,
    working_time_between,
)
from app.sla.holidays_id import indonesian_holidays
from app.sla.stopwatch import (
    RULE_PAUSED,
    Pause,
    Target,
    advance,
    counted_time,
    end_of_next_working_day,
    read_clock,
    target_met,
)

WIB = ZoneInfo("Asia/Jakarta")
OFFICE = indonesian_government_default("Asia/Jakarta", indonesian_holidays([2026, 2027]))
H = timedelta(hours=1)


def wib(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


class TestAdvance:
    def test_without_pauses_it_is_working_time_arithmetic(self) -> None:
        assert advance(wib(11, 23, 9), 3 * H, OFFICE) == add_working_time(
            wib(11, 23, 9), 3 * H, OFFICE
        )

    def test_a_pause_in_working_hours_moves_the_deadline_by_the_working_time_paused(
        self,
    ) -> None:
        # Monday 09:00 + 3 h = 12:00; paused 10:00-11:00 -> 13:00.
        pause = Pause(wib(11, 23, 10), wib(11, 23, 11))
        assert advance(wib(11, 23, 9), 3 * H, OFFICE, [pause]) == wib(11, 23, 13)

    def test_a_pause_outside_working_hours_moves_nothing(self) -> None:
        pause = Pause(wib(11, 23, 18), wib(11, 24, 6))
        assert advance(wib(11, 23, 15), 2 * H, OFFICE, [pause]) == wib(11, 24, 8, 30)

    def test_a_pause_still_in_progress_stops_the_clock(self) -> None:
        assert advance(wib(11, 23, 9), 3 * H, OFFICE, [Pause(wib(11, 23, 10), None)]) is None

    def test_a_pause_after_the_deadline_does_not_matter(self) -> None:
        pause = Pause(wib(11, 23, 13), None)
        assert advance(wib(11, 23, 9), 3 * H, OFFICE, [pause]) == wib(11, 23, 12)

    @settings(max_examples=60, deadline=None)
    @given(
        start_minutes=st.integers(0, 14 * 24 * 60),
        hours=st.integers(1, 72),
        pause_offset=st.integers(0, 5 * 24 * 60),
        pause_length=st.integers(1, 3 * 24 * 60),
    )
    def test_counted_time_up_to_the_deadline_is_the_target(
        self, start_minutes: int, hours: int, pause_offset: int, pause_length: int
    ) -> None:
        start = wib(11, 2, 0) + timedelta(minutes=start_minutes)
        pause_start = start + timedelta(minutes=pause_offset)
        pauses = [Pause(pause_start, pause_start + timedelta(minutes=pause_length))]
        due = advance(start, hours * H, OFFICE, pauses)
        assert due is not None
        assert counted_time(start, due, OFFICE, pauses) == hours * H


class TestEndOfNextWorkingDay:
    def test_friday_evening_is_due_monday_at_closing(self) -> None:
        assert end_of_next_working_day(wib(11, 20, 20), OFFICE) == wib(11, 23, 16)

    def test_before_opening_the_same_day_counts_as_the_next_working_day(self) -> None:
        assert end_of_next_working_day(wib(11, 24, 6), OFFICE) == wib(11, 24, 16)

    def test_christmas_eve_evening_skips_christmas_and_the_weekend(self) -> None:
        # 24 Dec 2026 (Thursday) is cuti bersama, 25 Natal, 26-27 the weekend.
        assert end_of_next_working_day(wib(12, 23, 20), OFFICE) == wib(12, 28, 16)


class TestReadClock:
    @settings(max_examples=60, deadline=None)
    @given(
        start_minutes=st.integers(0, 14 * 24 * 60),
        hours=st.integers(1, 72),
        read_after=st.integers(0, 10 * 24 * 60),
        stop_after=st.one_of(st.none(), st.integers(0, 10 * 24 * 60)),
        pause_offset=st.integers(0, 5 * 24 * 60),
        pause_length=st.one_of(st.none(), st.integers(1, 3 * 24 * 60)),
    )
    def test_without_its_explanation_a_reading_is_otherwise_the_same(
        self,
        start_minutes: int,
        hours: int,
        read_after: int,
        stop_after: int | None,
        pause_offset: int,
        pause_length: int | None,
    ) -> None:
        start = wib(11, 2, 0) + timedelta(minutes=start_minutes)
        now = start + timedelta(minutes=read_after)
        stopped = None if stop_after is None else min(now, start + timedelta(minutes=stop_after))
        pause_start = start + timedelta(minutes=pause_offset)
        end = None if pause_length is None else pause_start + timedelta(minutes=pause_length)
        pauses = [Pause(pause_start, end)] if pause_start <= now else []
        args = ("respons", start, Target(hours * H, "x"), OFFICE, now)
        full = read_clock(*args, pauses=pauses, stopped_at=stopped)
        bare = read_clock(*args, pauses=pauses, stopped_at=stopped, explained=False)
        assert bare.segments == []
        assert replace(bare, segments=full.segments) == full

    def test_a_running_clock_has_a_deadline_a_warning_point_and_is_undecided(self) -> None:
        reading = read_clock(
            "respons", wib(11, 23, 8), Target(4 * H, "Tabel 4"), OFFICE, wib(11, 23, 9)
        )
        assert reading.due_at == wib(11, 23, 12)
        assert reading.warning_at == wib(11, 23, 11)
        assert reading.met is None
        assert reading.elapsed == H
        assert not reading.paused

    def test_the_warning_point_follows_the_fraction(self) -> None:
        reading = read_clock(
            "respons",
            wib(11, 23, 8),
            Target(4 * H, "x"),
            OFFICE,
            wib(11, 23, 9),
            warning_fraction=0.5,
        )
        assert reading.warning_at == wib(11, 23, 10)

    def test_stopped_before_the_deadline_is_met_and_after_is_missed(self) -> None:
        target = Target(4 * H, "x")
        met = read_clock(
            "respons", wib(11, 23, 8), target, OFFICE, wib(11, 25, 9), stopped_at=wib(11, 23, 11)
        )
        missed = read_clock(
            "respons", wib(11, 23, 8), target, OFFICE, wib(11, 25, 9), stopped_at=wib(11, 23, 13)
        )
        assert (met.met, missed.met) == (True, False)
        assert met.elapsed == 3 * H

    def test_past_the_deadline_and_not_stopped_is_missed(self) -> None:
        reading = read_clock("respons", wib(11, 23, 8), Target(H, "x"), OFFICE, wib(11, 23, 10))
        assert reading.met is False

    def test_an_unset_target_has_no_deadline_and_stays_undecided(self) -> None:
        reading = read_clock(
            "penyelesaian", wib(11, 23, 8), Target(None, "tidak diatur"), OFFICE, wib(12, 23, 8)
        )
        assert (reading.due_at, reading.warning_at, reading.met) == (None, None, None)

    def test_the_next_working_day_rule(self) -> None:
        target = Target(None, "Tabel 12", end_of_next_working_day=True)
        reading = read_clock("respons", wib(11, 20, 20), target, OFFICE, wib(11, 21, 9))
        assert reading.due_at == wib(11, 23, 16)
        assert reading.warning_at == add_working_time(wib(11, 20, 20), 8.5 * H * 0.75, OFFICE)

    def test_the_explanation_shows_the_pause_as_not_counted(self) -> None:
        pause = Pause(wib(11, 23, 10), wib(11, 23, 11))
        reading = read_clock(
            "respons", wib(11, 23, 9), Target(3 * H, "x"), OFFICE, wib(11, 23, 12), pauses=[pause]
        )
        assert reading.due_at == wib(11, 23, 13)
        paused = [s for s in reading.segments if s.rule == RULE_PAUSED]
        assert [(s.start, s.end, s.counted) for s in paused] == [
            (wib(11, 23, 10), wib(11, 23, 11), False)
        ]
        counted = sum((s.duration for s in reading.segments if s.counted), timedelta())
        assert counted == 3 * H

    def test_while_paused_there_is_no_deadline(self) -> None:
        reading = read_clock(
            "respons",
            wib(11, 23, 9),
            Target(3 * H, "x"),
            OFFICE,
            wib(11, 23, 11),
            pauses=[Pause(wib(11, 23, 10), None)],
        )
        assert reading.paused
        assert reading.due_at is None
        assert reading.elapsed == H

    def test_the_rto_clock_runs_on_wall_time(self) -> None:
        reading = read_clock(
            "rto", wib(11, 21, 23), Target(2 * H, "RTO"), ALWAYS_OPEN, wib(11, 22, 0)
        )
        assert reading.due_at == wib(11, 22, 1)
        assert working_time_between(wib(11, 21, 23), wib(11, 22, 1), ALWAYS_OPEN) == 2 * H


class TestTargetMet:
    """The regulation's targets are "kurang dari" (less than): the limit itself misses."""

    DUE = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)

    def test_stopped_before_the_limit_meets_it(self) -> None:
        assert target_met(self.DUE, self.DUE - timedelta(seconds=1), self.DUE) is True

    def test_stopped_at_the_limit_misses_it(self) -> None:
        assert target_met(self.DUE, self.DUE, self.DUE) is False

    def test_running_when_the_limit_comes_misses_it(self) -> None:
        assert target_met(self.DUE, None, self.DUE) is False
        assert target_met(self.DUE, None, self.DUE - timedelta(seconds=1)) is None

    def test_without_a_deadline_nothing_is_decided(self) -> None:
        assert target_met(None, self.DUE, self.DUE) is None
