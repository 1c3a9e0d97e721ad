"""Tests for app/sla/calendar.py: deadline arithmetic, explanations and script helpers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.sla.calendar import (
    ALWAYS_OPEN,
    CLOSED_WEEK,
    WorkingCalendar,
    add_working_time,
    end_of_working_days,
    explain,
    indonesian_government_default,
    is_working_time,
    next_opening,
    parse_iso_duration,
    script_helpers,
    working_time_between,
)
from app.sla.holidays_id import indonesian_holidays

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
HOLIDAYS = indonesian_holidays([2025, 2026, 2027])
OFFICE = indonesian_government_default("Asia/Jakarta", HOLIDAYS)
H = timedelta(hours=1)


def wib(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


class TestAddWorkingTime:
    def test_add_within_one_day_stays_that_day(self) -> None:
        assert add_working_time(wib(11, 23, 9), 2 * H, OFFICE) == wib(11, 23, 11)

    def test_add_across_night_continues_next_morning(self) -> None:
        assert add_working_time(wib(11, 23, 15), 2 * H, OFFICE) == wib(11, 24, 8, 30)

    def test_add_across_weekend_skips_saturday_and_sunday(self) -> None:
        # Friday 15:00-16:30 gives 1.5 h, Monday from 07:30 the other 2.5 h.
        assert add_working_time(wib(11, 20, 15), 4 * H, OFFICE) == wib(11, 23, 10)

    def test_add_from_friday_night_starts_monday_morning(self) -> None:
        assert add_working_time(wib(11, 20, 22), 4 * H, OFFICE) == wib(11, 23, 11, 30)

    def test_add_ending_at_closing_time_returns_closing_time(self) -> None:
        assert add_working_time(wib(11, 23, 7, 30), 8.5 * H, OFFICE) == wib(11, 23, 16)

    def test_add_across_nyepi_and_idul_fitri_skips_holidays_and_cuti_bersama(self) -> None:
        # Tue 17 March: 2 h left. 18 cuti bersama Nyepi, 19 Nyepi, 20 cuti bersama,
        # 21-22 Idul Fitri, 23-24 cuti bersama: the clock resumes Wednesday 25 March.
        deadline = add_working_time(wib(3, 17, 14), 8 * H, OFFICE)
        assert deadline == wib(3, 25, 13, 30)

    def test_add_with_regional_day_skips_it(self) -> None:
        regional = {date(2026, 11, 24): ("Hari Jadi Kabupaten", "regional")}
        calendar = indonesian_government_default("Asia/Jakarta", {**HOLIDAYS, **regional})
        assert add_working_time(wib(11, 23, 15), 2 * H, calendar) == wib(11, 25, 8, 30)

    def test_add_with_breaks_skips_lunch(self) -> None:
        calendar = indonesian_government_default("Asia/Jakarta", HOLIDAYS, with_breaks=True)
        assert add_working_time(wib(11, 23, 11), 2 * H, calendar) == wib(11, 23, 14)
        assert add_working_time(wib(11, 27, 11), 1 * H, calendar) == wib(11, 27, 13, 30)

    def test_add_returns_aware_utc(self) -> None:
        deadline = add_working_time(wib(11, 23, 9), H, OFFICE)
        assert deadline.tzinfo is UTC

    def test_add_zero_returns_start_even_outside_hours(self) -> None:
        start = wib(11, 20, 22)
        assert add_working_time(start, timedelta(0), OFFICE) == start
        assert next_opening(start, OFFICE) == wib(11, 23, 7, 30)

    def test_add_same_instant_in_wib_and_wit_gives_different_deadlines(self) -> None:
        instant = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 14:00 WIB, 16:00 WIT
        in_wib = add_working_time(instant, H, OFFICE)
        in_wit = add_working_time(instant, H, indonesian_government_default("Asia/Jayapura"))
        assert in_wib == datetime(2026, 11, 23, 15, 0, tzinfo=WIB)
        assert in_wit == datetime(2026, 11, 24, 8, 30, tzinfo=WIT)

    @pytest.mark.parametrize("zone", [WIB, WITA, WIT])
    def test_add_counts_office_hours_in_local_time(self, zone: ZoneInfo) -> None:
        calendar = indonesian_government_default(str(zone))
        start = datetime(2026, 11, 23, 15, tzinfo=zone)
        deadline = add_working_time(start, 2 * H, calendar)
        assert deadline == datetime(2026, 11, 24, 8, 30, tzinfo=zone)

    def test_add_always_open_is_plain_addition(self) -> None:
        start = wib(3, 20, 22)  # a Friday night in the Idul Fitri holidays
        assert add_working_time(start, 50 * H, ALWAYS_OPEN) == start + 50 * H

    def test_add_negative_duration_raises(self) -> None:
        with pytest.raises(ValueError, match="negative"):
            add_working_time(wib(11, 23, 9), -H, OFFICE)

    def test_add_naive_start_raises(self) -> None:
        with pytest.raises(ValueError, match="aware"):
            add_working_time(datetime(2026, 11, 23, 9), H, OFFICE)


class TestWorkingTimeBetween:
    def test_between_over_a_plain_week_is_43_hours(self) -> None:
        assert working_time_between(wib(11, 23, 0), wib(11, 30, 0), OFFICE) == 43 * H

    def test_between_with_breaks_is_the_regulation_37_5_hours(self) -> None:
        calendar = indonesian_government_default(with_breaks=True)
        assert working_time_between(wib(11, 23, 0), wib(11, 30, 0), calendar) == 37.5 * H

    def test_between_end_before_start_is_zero(self) -> None:
        assert working_time_between(wib(11, 24, 9), wib(11, 23, 9), OFFICE) == timedelta(0)

    def test_between_inside_holidays_is_zero(self) -> None:
        assert working_time_between(wib(3, 18, 0), wib(3, 25, 7, 30), OFFICE) == timedelta(0)

    def test_between_always_open_is_wall_time(self) -> None:
        assert working_time_between(wib(3, 20, 0), wib(3, 25, 0), ALWAYS_OPEN) == 120 * H


class TestExplain:
    def test_explain_names_each_rule_in_indonesian(self) -> None:
        segments = explain(wib(3, 17, 14), wib(3, 25, 13, 30), OFFICE)
        rules = [(s.counted, s.rule) for s in segments]
        assert rules == [
            (True, "jam kerja Selasa 07:30-16:00"),
            (False, "di luar jam kerja"),
            (False, "cuti bersama: Cuti Bersama Hari Suci Nyepi"),
            (False, "libur nasional: Hari Suci Nyepi"),
            (False, "cuti bersama: Cuti Bersama Hari Raya Idul Fitri"),
            (False, "libur nasional: Hari Raya Idul Fitri"),
            (False, "libur nasional: Hari kedua dari Hari Raya Idul Fitri"),
            (False, "cuti bersama: Cuti Bersama Hari Raya Idul Fitri"),
            (False, "di luar jam kerja"),
            (True, "jam kerja Rabu 07:30-16:00"),
        ]
        assert segments[7].start == wib(3, 23, 0)
        assert segments[7].end == wib(3, 25, 0)

    def test_explain_merges_weekend_into_one_segment(self) -> None:
        segments = explain(wib(11, 20, 16), wib(11, 23, 8), OFFICE)
        assert [(s.rule, s.duration) for s in segments] == [
            ("jam kerja Jumat 07:30-16:30", timedelta(minutes=30)),
            ("di luar jam kerja", 7.5 * H),
            ("akhir pekan", 48 * H),
            ("di luar jam kerja", 7.5 * H),
            ("jam kerja Senin 07:30-16:00", timedelta(minutes=30)),
        ]

    def test_explain_names_a_closed_weekday(self) -> None:
        week = (((time(8), time(12)),), (), *((),) * 5)
        calendar = WorkingCalendar(office_hours=week)
        segments = explain(wib(11, 24, 9), wib(11, 24, 10), calendar)
        assert [s.rule for s in segments] == ["bukan hari kerja: Selasa"]

    def test_explain_end_before_start_is_empty(self) -> None:
        assert explain(wib(11, 24, 9), wib(11, 24, 9), OFFICE) == []

    def test_explain_always_open_is_one_segment(self) -> None:
        segments = explain(wib(3, 20, 0), wib(3, 25, 0), ALWAYS_OPEN)
        assert [(s.counted, s.rule, s.duration) for s in segments] == [
            (True, "layanan 24x7", 120 * H)
        ]

    def test_explain_midnight_closing_is_shown_as_24(self) -> None:
        week = (((time(20), time(0)),), *((),) * 6)
        calendar = WorkingCalendar(time_zone="Asia/Makassar", office_hours=week)
        start = datetime(2026, 11, 23, 21, tzinfo=WITA)
        assert [s.rule for s in explain(start, start + 4 * H, calendar)] == [
            "jam kerja Senin 20:00-24:00",
            "bukan hari kerja: Selasa",
        ]


class TestWorkingCalendar:
    def test_default_has_government_hours(self) -> None:
        calendar = indonesian_government_default()
        monday, friday, saturday = (calendar.office_hours[i] for i in (0, 4, 5))
        assert monday == ((time(7, 30), time(16)),)
        assert friday == ((time(7, 30), time(16, 30)),)
        assert saturday == ()

    def test_lists_are_frozen_and_calendar_is_hashable(self) -> None:
        week = [[[time(8), time(16)]], [], [], [], [], [], []]
        calendar = WorkingCalendar(office_hours=week)  # type: ignore[arg-type]
        assert calendar.office_hours[0] == ((time(8), time(16)),)
        assert hash(calendar) == hash(WorkingCalendar(office_hours=calendar.office_hours))
        with pytest.raises(TypeError):
            calendar.non_working_days[date(2026, 1, 2)] = ("x", "regional")  # type: ignore[index]

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"time_zone": "Europe/Berlin"}, "unsupported time zone"),
            ({"office_hours": CLOSED_WEEK[:6]}, "7 days"),
            ({"office_hours": CLOSED_WEEK}, "at least one weekday"),
            ({"office_hours": (((time(16), time(8)),), *CLOSED_WEEK[1:])}, "closes before"),
            (
                {"office_hours": (((time(8), time(12)), (time(11), time(14))), *CLOSED_WEEK[1:])},
                "overlap",
            ),
            (
                {"office_hours": (((time(8), time(0)), (time(1), time(2))), *CLOSED_WEEK[1:])},
                "overlap",
            ),
            (
                {"always_open": True, "non_working_days": {date(2026, 1, 1): ("x", "national")}},
                "unknown category",
            ),
            (
                {"always_open": True, "non_working_days": {datetime(2026, 1, 1): ("x", "public")}},
                "datetime.date",
            ),
        ],
    )
    def test_invalid_calendar_raises(self, kwargs: dict[str, object], message: str) -> None:
        with pytest.raises(ValueError, match=message):
            WorkingCalendar(**kwargs)  # type: ignore[arg-type]


class TestScriptHelpers:
    helpers = script_helpers(OFFICE)

    def test_tambah_waktu_kerja_returns_utc_iso(self) -> None:
        deadline = self.helpers["tambah_waktu_kerja"]("2026-11-20T22:00:00+07:00", "PT4H")
        assert deadline == "2026-11-23T04:30:00+00:00"

    def test_waktu_kerja_antara_returns_whole_seconds(self) -> None:
        seconds = self.helpers["waktu_kerja_antara"]("2026-11-20T16:00+07:00", "2026-11-23T01:00Z")
        assert seconds == 3600
        assert type(seconds) is int

    def test_jam_kerja_berikutnya_and_dalam_jam_kerja(self) -> None:
        assert self.helpers["jam_kerja_berikutnya"]("2026-11-21T10:00+07:00") == (
            "2026-11-23T00:30:00+00:00"
        )
        assert self.helpers["dalam_jam_kerja"]("2026-11-23T10:00+07:00") is True
        assert self.helpers["dalam_jam_kerja"]("2026-11-23T16:00+07:00") is False

    def test_naive_iso_string_raises(self) -> None:
        with pytest.raises(ValueError, match="aware"):
            self.helpers["tambah_waktu_kerja"]("2026-11-20T22:00:00", "PT4H")

    def test_non_string_raises(self) -> None:
        with pytest.raises(TypeError, match="ISO-8601"):
            self.helpers["dalam_jam_kerja"](datetime(2026, 11, 23, tzinfo=UTC))

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("PT4H", 4 * H),
            ("PT1H30M", 1.5 * H),
            ("PT1.5H", 1.5 * H),
            ("PT0,25H", 0.25 * H),
            ("PT90S", timedelta(seconds=90)),
            ("pt48h", 48 * H),
        ],
    )
    def test_parse_iso_duration_accepts_hours_minutes_seconds(
        self, text: str, expected: timedelta
    ) -> None:
        assert parse_iso_duration(text) == expected

    @pytest.mark.parametrize("text", ["P2D", "P1W", "PT", "P", "", "4h", "PT4", "PT4H1D"])
    def test_parse_iso_duration_rejects_others(self, text: str) -> None:
        with pytest.raises(ValueError, match="ISO-8601"):
            parse_iso_duration(text)


# --- properties -----------------------------------------------------------------------

PROPERTIES = settings(max_examples=200, deadline=None, derandomize=True, database=None)

ODD_WEEK = (
    ((time(7, 30), time(12)), (time(13), time(16))),
    (),
    ((time(0), time(0)),),
    ((time(22), time(0)),),
    ((time(7, 30), time(16, 30)),),
    ((time(9, 15, 30), time(9, 45)),),
    (),
)
CALENDARS = st.sampled_from(
    [
        OFFICE,
        indonesian_government_default("Asia/Jayapura", HOLIDAYS, with_breaks=True),
        WorkingCalendar(
            time_zone="Asia/Makassar", office_hours=ODD_WEEK, non_working_days=HOLIDAYS
        ),
        ALWAYS_OPEN,
    ]
)
MOMENTS = st.datetimes(
    min_value=datetime(2025, 12, 1),
    max_value=datetime(2026, 12, 31),
    timezones=st.sampled_from([UTC, WIB, WITA, WIT]),
)
DURATIONS = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=200))


def assert_aware_utc(moment: datetime) -> None:
    assert moment.tzinfo is UTC


class TestProperties:
    @PROPERTIES
    @given(calendar=CALENDARS, start=MOMENTS, duration=DURATIONS)
    def test_add_then_measure_round_trips(
        self, calendar: WorkingCalendar, start: datetime, duration: timedelta
    ) -> None:
        deadline = add_working_time(start, duration, calendar)
        assert_aware_utc(deadline)
        assert working_time_between(start, deadline, calendar) == duration
        assert working_time_between(next_opening(start, calendar), deadline, calendar) == duration

    @PROPERTIES
    @given(calendar=CALENDARS, start=MOMENTS, duration=DURATIONS)
    def test_add_outside_hours_counts_from_next_opening(
        self, calendar: WorkingCalendar, start: datetime, duration: timedelta
    ) -> None:
        opening = next_opening(start, calendar)
        assert_aware_utc(opening)
        assert opening >= start
        assert is_working_time(opening, calendar)
        assert (opening == start) == is_working_time(start, calendar)
        if duration:
            expected = add_working_time(opening, duration, calendar)
            assert add_working_time(start, duration, calendar) == expected

    @PROPERTIES
    @given(calendar=CALENDARS, start=MOMENTS, first=DURATIONS, second=DURATIONS)
    def test_add_is_monotonic(
        self, calendar: WorkingCalendar, start: datetime, first: timedelta, second: timedelta
    ) -> None:
        shorter, longer = sorted((first, second))
        assert add_working_time(start, shorter, calendar) <= add_working_time(
            start, longer, calendar
        )

    @PROPERTIES
    @given(calendar=CALENDARS, start=MOMENTS, first=DURATIONS, second=DURATIONS)
    def test_add_is_additive(
        self, calendar: WorkingCalendar, start: datetime, first: timedelta, second: timedelta
    ) -> None:
        stepwise = add_working_time(add_working_time(start, first, calendar), second, calendar)
        assert stepwise == add_working_time(start, first + second, calendar)

    @PROPERTIES
    @given(calendar=CALENDARS, start=MOMENTS, span=DURATIONS)
    def test_explain_covers_the_span_and_sums_to_elapsed(
        self, calendar: WorkingCalendar, start: datetime, span: timedelta
    ) -> None:
        end = start + span
        segments = explain(start, end, calendar)
        if not span:
            assert segments == []
            return
        assert segments[0].start == start
        assert segments[-1].end == end
        for before, after in zip(segments, segments[1:], strict=False):
            assert before.end == after.start
            assert (before.rule, before.counted) != (after.rule, after.counted)
        for segment in segments:
            assert_aware_utc(segment.start)
            assert_aware_utc(segment.end)
            assert segment.start < segment.end
        counted = sum((s.duration for s in segments if s.counted), timedelta(0))
        assert counted == working_time_between(start, end, calendar)

    @PROPERTIES
    @given(calendar=CALENDARS, start=MOMENTS, first=DURATIONS, second=DURATIONS)
    def test_between_splits_at_any_midpoint(
        self, calendar: WorkingCalendar, start: datetime, first: timedelta, second: timedelta
    ) -> None:
        middle, end = start + first, start + first + second
        whole = working_time_between(start, end, calendar)
        parts = working_time_between(start, middle, calendar) + working_time_between(
            middle, end, calendar
        )
        assert whole == parts <= first + second


class TestEndOfWorkingDays:
    """`end_of_working_days`: "within n working days" as people count them."""

    def test_friday_plus_three_closes_wednesday_whatever_the_hour(self) -> None:
        for hour in (8, 15, 22):
            due = end_of_working_days(wib(11, 27, hour), 3, OFFICE)  # Friday
            assert due == wib(12, 2, 16)  # Wednesday, at closing

    def test_holidays_do_not_count(self) -> None:
        # Wednesday 23 Dec: Thursday 24 (cuti bersama) and Friday 25 (Natal) are closed.
        assert end_of_working_days(wib(12, 23, 10), 1, OFFICE) == wib(12, 28, 16)
        assert end_of_working_days(wib(12, 23, 10), 2, OFFICE) == wib(12, 29, 16)

    def test_every_day_counts_round_the_clock(self) -> None:
        always = WorkingCalendar(always_open=True)
        assert end_of_working_days(wib(11, 27, 22), 2, always) == wib(11, 30, 0)

    def test_at_least_one_day(self) -> None:
        with pytest.raises(ValueError, match="at least 1"):
            end_of_working_days(wib(11, 27, 9), 0, OFFICE)
