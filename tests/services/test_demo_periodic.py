"""The demo's periodic procedures (issue 14, items 3, 6, 7 and 8), as `spbe demo` leaves a
deployed database (the `cmdb` state): the Kritis services' DRP tests and verifications are
scheduled and start as their diagrams ask, and SIMPEG's monitoring report waits at its
availability report with the figures computed from the demo's past outage."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.models import Instance, InstanceStatus, Schedule, Service, TaskState, User
from app.services.configuration.demo import PAST_OUTAGE_REPORTER, PAST_OUTAGE_TIMES, WIB
from app.services.context import Platform
from app.services.deadlines.availability import AvailabilityService, month_of
from app.services.demo_periodic import (
    DRP_TEST_MODEL,
    DRP_TESTS,
    MONITOR,
    MONITORED,
    MONITORING_MODEL,
    REPORT_TASK,
    VERIFICATION_MODEL,
    VERIFIED,
    file_demo_monitoring,
    load_demo_schedules,
)
from app.services.instances.schedules import fire_due_schedules

pytestmark = pytest.mark.usefixtures("cmdb")


def schedules(session: Session, model: str) -> dict[str, Schedule]:
    rows = session.scalars(select(Schedule).where(Schedule.process_model_id == model))
    return {row.start_data["layanan"]: row for row in rows}


def test_each_kritis_service_is_tested_yearly_and_verified_quarterly_after_the_load(
    session: Session, clock: FixedClock
) -> None:
    kritis = set(session.scalars(select(Service.code).where(Service.classification == "Kritis")))
    tests, checks = schedules(session, DRP_TEST_MODEL), schedules(session, VERIFICATION_MODEL)
    assert set(tests) == set(checks) == kritis
    assert {s.cycle for s in tests.values()} == {"P1Y"}  # the diagrams' own cycles
    assert {s.cycle for s in checks.values()} == {"P3M"}
    for code, schedule in {**tests, **checks}.items():
        local = schedule.next_at.astimezone(WIB)
        assert schedule.next_at > clock.now(), code
        assert (local.day, local.time()) == (1, time(8)), code
        service = session.scalars(select(Service).where(Service.code == code)).one()
        assert schedule.agency_id == service.agency_id
    owners = {code: tests[code].owner.username for code, _owner, _months in DRP_TESTS}
    assert owners == {code: owner for code, owner, _months in DRP_TESTS}
    assert len({s.next_at for s in tests.values()}) == len(tests)  # spread over months
    [first] = {checks[code].next_at for code in VERIFIED}  # the next quarter's first day
    assert first.astimezone(WIB).month % 3 == 1
    assert first - clock.now() <= timedelta(days=92)


def test_the_schedules_start_the_tests_with_the_drp_in_force_and_the_verifications(
    platform: Platform, session: Session, clock: FixedClock
) -> None:
    due = max(s.next_at for s in session.scalars(select(Schedule)))
    clock.set(due)
    started = fire_due_schedules(platform.sessions, platform.instances)
    assert len(started) == len(DRP_TESTS) + len(VERIFIED)
    session.expire_all()
    cases = {
        (case.process_model_id, case.data["layanan"]): case
        for case in session.scalars(
            select(Instance).where(Instance.id.in_([s.instance_id for s in started]))
        )
    }
    email = session.scalars(select(Service).where(Service.code == "EMAIL")).one()
    in_force = cases[DRP_TEST_MODEL, "EMAIL"].data["drp_berlaku"]
    assert (in_force["rpo_menit"], in_force["rto_menit"]) == (email.rpo_minutes, email.rto_minutes)
    assert email.drp_reference == f"DRP EMAIL v{in_force['versi']}"
    for code in VERIFIED:
        case = cases[VERIFICATION_MODEL, code]
        assert case.data["periode"].count("-T") == 1
        assert case.started_by.username == "admin.infra"


def test_simpegs_monitoring_report_waits_with_the_availability_computed_from_the_outage(
    platform: Platform, session: Session, clock: FixedClock
) -> None:
    outage = session.scalars(
        select(Instance)
        .join(User, User.id == Instance.started_by_id)
        .where(User.username == PAST_OUTAGE_REPORTER, Instance.status == InstanceStatus.COMPLETE)
    ).one()
    case = session.scalars(
        select(Instance).where(Instance.process_model_id == MONITORING_MODEL)
    ).one()
    period = case.data["periode"]
    assert period == f"{outage.started_at.astimezone(WIB):%Y-%m}"
    [task] = platform.instances(session).open_tasks(case)
    assert (task.bpmn_id, task.state) == (REPORT_TASK, TaskState.READY)
    monitor = session.scalars(select(User).where(User.username == MONITOR)).one()
    prefill = platform.tasks(session).get(task.id, monitor).data

    month = month_of(period, "Asia/Jakarta")
    assert month is not None
    measured = AvailabilityService(session, clock, platform.instances(session))
    figures = measured.for_service(MONITORED, None, *month).figures
    assert [share.key for share in figures.outages] == [outage.id]
    (h0, m0), (h1, m1) = PAST_OUTAGE_TIMES[0], PAST_OUTAGE_TIMES[-1]
    minutes = datetime.combine(date.min, time(h1, m1)) - datetime.combine(date.min, time(h0, m0))
    assert figures.outage_time == minutes
    assert figures.achieved is not None
    assert figures.achieved < 100
    assert prefill["layanan"] == MONITORED
    assert prefill["target_ketersediaan_persen"] == figures.target
    assert prefill["ketersediaan_tercapai_persen"] == float(figures.achieved)
    assert prefill["target_ketersediaan_tercapai"] == figures.met
    assert prefill["ketersediaan"]["waktu_henti_menit"] == minutes.total_seconds() / 60
    assert prefill["waktu_henti_menit"] == minutes.total_seconds() / 60  # as typed, the same


def test_a_second_load_adds_no_schedule_and_no_case(platform: Platform, session: Session) -> None:
    instances = platform.instances(session)
    assert load_demo_schedules(instances) == 0
    assert file_demo_monitoring(instances) is None
