"""The working calendar as data: which calendar an instance's clocks run on, and its edits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.errors import Conflict, InvalidInput, NotFound, NotPermitted
from app.models import Agency, OfficeHours, RegionalDay, Service, User
from app.services.context import Platform
from app.services.deadlines.calendars import (
    CalendarService,
    calendar_for,
    parse_week,
    week_rows,
    years_around,
)
from app.sla.calendar import indonesian_government_default

pytestmark = pytest.mark.usefixtures("demo")

MORNINGS = [[["08:00", "12:00"]]] * 5 + [[], []]
EVENINGS = [[["13:00", "17:00"]]] * 5 + [[], []]
AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def agency(session: Session, code: str) -> Agency:
    return session.scalars(select(Agency).where(Agency.code == code)).one()


def service(session: Session, code: str) -> Service:
    return session.scalars(select(Service).where(Service.code == code)).one()


def calendars(session: Session, platform: Platform, username: str | None = "admin") -> Any:
    actor = session.scalar(select(User).where(User.username == username)) if username else None
    return CalendarService(session, platform.clock, actor)


@pytest.fixture
def statements(platform: Platform) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(platform.engine, "before_cursor_execute", count)
    yield seen
    event.remove(platform.engine, "before_cursor_execute", count)


class TestCalendarFor:
    def test_without_rows_is_the_built_in_default_in_the_pds_zone(self, session: Session) -> None:
        bkpsdm = agency(session, "BKPSDM")
        bkpsdm.timezone = "Asia/Makassar"
        built = calendar_for(session, bkpsdm, service(session, "SIMPEG"), years=[2026])
        assert built.office_hours == indonesian_government_default().office_hours
        assert built.time_zone == "Asia/Makassar"
        assert built.non_working_days[date(2026, 12, 25)] == ("Hari Raya Natal", "public")
        assert {day.year for day in built.non_working_days} == {2026}

    def test_the_pds_own_row_wins_over_the_default_row(self, session: Session) -> None:
        bkpsdm, bpkad = agency(session, "BKPSDM"), agency(session, "BPKAD")
        session.add_all(
            [
                OfficeHours(agency_id=None, office_hours=MORNINGS, updated_at=AT),
                OfficeHours(agency_id=bkpsdm.id, office_hours=EVENINGS, updated_at=AT),
            ]
        )
        session.flush()
        assert week_rows(calendar_for(session, bkpsdm, None, [2026]).office_hours) == EVENINGS
        assert week_rows(calendar_for(session, bpkad, None, [2026]).office_hours) == MORNINGS
        assert week_rows(calendar_for(session, None, None, [2026]).office_hours) == MORNINGS

    def test_a_24x7_service_is_always_open_in_the_pds_zone(
        self, session: Session, statements: list[str]
    ) -> None:
        diskominfo = agency(session, "DISKOMINFO")
        diskominfo.timezone = "Asia/Jayapura"
        email = service(session, "EMAIL")
        session.flush()
        statements.clear()
        built = calendar_for(session, diskominfo, email)
        assert (built.always_open, built.time_zone) == (True, "Asia/Jayapura")
        assert statements == []

    def test_without_an_agency_the_services_pd_decides(self, session: Session) -> None:
        agency(session, "BPKAD").timezone = "Asia/Jayapura"
        assert calendar_for(session, None, service(session, "SIPKD"), [2026]).time_zone == (
            "Asia/Jayapura"
        )
        assert calendar_for(session, None, None, [2026]).time_zone == "Asia/Jakarta"

    def test_regional_days_of_every_pd_and_its_own_the_own_name_wins(
        self, session: Session
    ) -> None:
        bkpsdm, bpkad = agency(session, "BKPSDM"), agency(session, "BPKAD")
        session.add_all(
            [
                RegionalDay(agency_id=None, day=date(2026, 12, 3), name="Hari Jadi Kabupaten"),
                RegionalDay(agency_id=bkpsdm.id, day=date(2026, 12, 3), name="Hari Jadi BKPSDM"),
                RegionalDay(agency_id=bpkad.id, day=date(2026, 10, 1), name="Hari Jadi BPKAD"),
                RegionalDay(agency_id=None, day=date(2030, 1, 2), name="Jauh"),
            ]
        )
        session.flush()
        days = calendar_for(session, bkpsdm, None, [2026]).non_working_days
        assert days[date(2026, 12, 3)] == ("Hari Jadi BKPSDM", "regional")
        assert date(2026, 10, 1) not in days
        assert date(2030, 1, 2) not in days
        others = calendar_for(session, bpkad, None, [2026, 2030]).non_working_days
        assert others[date(2026, 12, 3)] == ("Hari Jadi Kabupaten", "regional")
        assert others[date(2030, 1, 2)] == ("Jauh", "regional")

    def test_years_choose_the_holidays_across_a_new_year(self, session: Session) -> None:
        years = years_around(datetime(2026, 12, 30, tzinfo=UTC))
        assert list(years) == [2025, 2026, 2027, 2028]
        days = calendar_for(session, agency(session, "BKPSDM"), None, years).non_working_days
        assert days[date(2027, 1, 1)] == ("Tahun Baru Masehi", "public")
        assert date(2029, 1, 1) not in days

    def test_costs_at_most_two_queries(self, session: Session, statements: list[str]) -> None:
        bkpsdm, simpeg = agency(session, "BKPSDM"), service(session, "SIMPEG")
        statements.clear()
        calendar_for(session, bkpsdm, simpeg, [2026, 2027])
        assert len(statements) <= 2


class TestParseWeek:
    def test_midnight_closes_as_24_00(self) -> None:
        week = parse_week([[["22:00", "00:00"]]] + [[["07:30", "24:00"]]] * 6)
        assert week[0] == ((time(22), time(0)),)
        assert week_rows(week)[0] == [["22:00", "24:00"]]

    def test_every_malformed_interval_is_listed(self) -> None:
        with pytest.raises(InvalidInput) as raised:
            parse_week([[["7:30", "16:00"]], [["08:00"]], "pagi"] + MORNINGS[3:])
        assert len(raised.value.errors["office_hours"]) == 3
        assert raised.value.errors["office_hours"][0].startswith("Senin")


class TestCalendarService:
    def test_non_admin_may_not_edit(self, session: Session, platform: Platform) -> None:
        service = calendars(session, platform, "pimpinan")
        with pytest.raises(NotPermitted):
            service.set_office_hours("BKPSDM", MORNINGS)
        with pytest.raises(NotPermitted):
            service.add_regional_day(None, date(2026, 12, 3), "Hari Jadi")
        assert session.scalars(select(OfficeHours)).all() == []

    def test_the_system_edits_without_an_actor(self, session: Session, platform: Platform) -> None:
        shown = calendars(session, platform, None).set_office_hours(None, MORNINGS)
        assert (shown.key, shown.source, shown.office_hours) == ("default", "default", MORNINGS)

    def test_editing_the_default_twice_keeps_one_row(
        self, session: Session, platform: Platform
    ) -> None:
        service = calendars(session, platform)
        service.set_office_hours(None, MORNINGS)
        service.set_office_hours(None, EVENINGS)
        [row] = session.scalars(select(OfficeHours)).all()
        assert (row.agency_id, row.office_hours) == (None, EVENINGS)

    def test_reset_of_the_default_is_refused(self, session: Session, platform: Platform) -> None:
        with pytest.raises(InvalidInput):
            calendars(session, platform).reset(None)

    def test_regional_day_twice_conflicts_and_unknown_is_not_found(
        self, session: Session, platform: Platform
    ) -> None:
        service = calendars(session, platform)
        service.add_regional_day("BKPSDM", date(2026, 12, 3), " Hari Jadi ")
        with pytest.raises(Conflict):
            service.add_regional_day("BKPSDM", date(2026, 12, 3), "Lagi")
        service.add_regional_day(None, date(2026, 12, 3), "Hari Jadi Kabupaten")  # other scope
        with pytest.raises(InvalidInput):
            service.add_regional_day(None, date(2026, 12, 4), "  ")
        with pytest.raises(NotFound):
            service.remove_regional_day("BKPSDM", date(2026, 12, 4))
        with pytest.raises(NotFound):
            service.add_regional_day("TIDAK-ADA", date(2026, 12, 4), "X")
        names = session.scalars(select(RegionalDay.name).order_by(RegionalDay.id)).all()
        assert names == ["Hari Jadi", "Hari Jadi Kabupaten"]

    def test_deadline_is_in_the_calendars_zone(self, session: Session, platform: Platform) -> None:
        agency(session, "BKPSDM").timezone = "Asia/Jayapura"
        result = calendars(session, platform, "pengguna").deadline(
            "BKPSDM", "SIMPEG", datetime(2026, 11, 23, 0, 0, tzinfo=UTC), timedelta(hours=2)
        )
        assert result.due_at.isoformat() == "2026-11-23T11:00:00+09:00"
        assert result.time_zone == "Asia/Jayapura"
        assert all(s.start.utcoffset() == timedelta(hours=9) for s in result.segments)

    def test_zero_duration_is_due_at_the_start(self, session: Session, platform: Platform) -> None:
        start = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)  # Saturday
        result = calendars(session, platform).deadline(None, None, start, timedelta(0))
        assert (result.due_at, result.segments) == (start, [])

    @pytest.mark.parametrize(
        ("start", "duration", "field"),
        [
            (datetime(2026, 11, 23, 9), timedelta(hours=1), "start"),
            (AT, timedelta(hours=-1), "duration"),
            (AT, timedelta(hours=43 * 104 + 1), "duration"),  # 43 h a week
        ],
    )
    def test_deadline_refuses_bad_input(
        self, session: Session, platform: Platform, start: datetime, duration: timedelta, field: str
    ) -> None:
        with pytest.raises(InvalidInput) as raised:
            calendars(session, platform).deadline("BKPSDM", None, start, duration)
        assert field in raised.value.errors
