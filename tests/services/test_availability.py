"""AvailabilityService: which records are outages and agreed downtime, gathered from
instances made through the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.errors import InvalidInput
from app.models import Instance, Service, User
from app.services.context import Platform
from app.services.deadlines.availability import (
    AvailabilityService,
    agreed_window,
    check_period,
    reported_at,
)
from tests.services.tracking_data import complaint, complete, start

pytestmark = pytest.mark.usefixtures("deployed")

T0 = datetime(2026, 11, 23, 2, tzinfo=UTC)  # Monday 09:00 WIB
DAY = (datetime(2026, 11, 22, 17, tzinfo=UTC), datetime(2026, 11, 23, 17, tzinfo=UTC))
MIN = timedelta(minutes=1)


def measure(platform: Platform, session: Session, code: str, **kwargs: Any) -> Any:
    service = AvailabilityService(session, platform.clock, platform.instances(session), **kwargs)
    return service.for_service(code, None, *DAY).figures


def test_a_disruption_reported_as_a_request_is_down_from_the_report(
    platform: Platform, session: Session, clock: FixedClock
) -> None:
    """The request turned complaint counts from the user's report, once: the request
    itself (which also carries the impact) is no outage of its own."""
    disruption = {
        "layanan": "SRIKANDI",
        "laporan_gangguan": True,
        "judul": "SRIKANDI tidak dapat diakses",
        "uraian": "Sejak pagi halaman masuk menampilkan galat 502.",
        "nip_nik": "198501012010011001",
        "instansi": "BKPSDM",
        "telepon": "081234567890",
    }
    request = start(platform, "permintaan-layanan", "pengguna", disruption)
    clock.advance(timedelta(hours=2))
    classified = {
        "klasifikasi": "akses",
        "prioritas": "tinggi",
        "gangguan": True,
        "dampak": "Mayor",
    }
    complete(platform, request, "admin.layanan", classified)
    clock.advance(timedelta(hours=2))  # 13:00 WIB, still down

    figures = measure(platform, session, "SRIKANDI")
    [outage] = figures.outages
    assert outage.key != request
    assert outage.start == T0  # the report at 09:00, not the complaint's start at 11:00
    assert outage.open
    assert figures.outage_time == 4 * 60 * MIN  # 09:00-13:00, measured up to now


def test_a_terminated_complaint_is_no_outage(
    platform: Platform, session: Session, clock: FixedClock
) -> None:
    withdrawn = complaint(platform)
    complaint(platform, dampak="Minor")
    with platform.sessions() as db, db.begin():
        supervisor = db.scalars(select(User).where(User.username == "pj.layanan")).one()
        platform.instances(db).terminate(withdrawn, supervisor)
    clock.advance(timedelta(hours=1))
    figures = measure(platform, session, "SRIKANDI")
    assert figures.outages == ()  # one withdrawn, the other Minor


def test_the_record_scope_is_the_seam_for_items_a_service_depends_on(
    platform: Platform, session: Session, clock: FixedClock
) -> None:
    """Until the CMDB links cases to items, a service's records are its own; a scope that
    reaches further (here: SIMPEG's cases count for SRIKANDI) changes nothing else."""
    simpeg = complaint(platform, layanan="SIMPEG")
    clock.advance(timedelta(hours=1))
    assert measure(platform, session, "SRIKANDI").outages == ()

    class AlsoSimpeg:
        def clause(self, service: Service) -> ColumnElement[bool]:
            ids = select(Service.id).where(Service.code.in_((service.code, "SIMPEG")))
            return Instance.service_id.in_(ids.scalar_subquery())

    [outage] = measure(platform, session, "SRIKANDI", scope=AlsoSimpeg()).outages
    assert outage.key == simpeg
    assert outage.counted == 60 * MIN


def test_an_agency_lists_its_services_by_code(platform: Platform, session: Session) -> None:
    service = AvailabilityService(session, platform.clock, platform.instances(session))
    codes = [m.service.code for m in service.for_agency("DISDUKCAPIL", None, *DAY)]
    assert codes == ["ANTREAN", "SIAK"]


def _instance(model: str, **data: Any) -> Instance:
    return Instance(process_model_id=model, data=data, started_at=T0)


WINDOW = {
    "jadwal_mulai": "2026-11-27T08:00:00+07:00",
    "jadwal_selesai": "2026-11-27T09:00:00+07:00",
}
RELEASE = {
    "jadwal_mulai_rilis": "2026-11-27T20:00:00+07:00",
    "jadwal_selesai_rilis": "2026-11-27T22:00:00+07:00",
    "rilis_disetujui": True,
    "perkiraan_henti_layanan": 30,
}


@pytest.mark.parametrize(
    ("model", "data", "agreed"),
    [
        ("manajemen-perubahan", WINDOW, True),
        ("manajemen-perubahan", {**WINDOW, "keputusan_perubahan": "setuju"}, True),
        ("manajemen-perubahan", {**WINDOW, "keputusan_perubahan": "tolak"}, False),
        ("manajemen-perubahan", {}, False),  # not scheduled yet
        ("manajemen-perubahan", {**WINDOW, "jadwal_selesai": "2026-11-27T07:00:00+07:00"}, False),
        ("manajemen-perubahan", {**WINDOW, "jadwal_mulai": "2026-11-27T08:00:00"}, False),
        ("manajemen-perubahan", {**WINDOW, "jadwal_mulai": "besok"}, False),
        ("rilis-layanan", RELEASE, True),
        ("rilis-layanan", {**RELEASE, "perkiraan_henti_layanan": 0}, False),  # no downtime
        ("rilis-layanan", {**RELEASE, "rilis_disetujui": False}, False),
        ("rilis-layanan", {**RELEASE, "perkiraan_henti_layanan": True}, False),
    ],
)
def test_agreed_downtime_is_an_approved_schedule(
    model: str, data: dict[str, Any], agreed: bool
) -> None:
    assert (agreed_window(_instance(model, **data)) is not None) is agreed


def test_a_complaint_is_reported_when_its_clocks_start() -> None:
    linked = _instance("penanganan-aduan")
    linked.sla_history = {"latest": {"inputs": {"waktu_laporan": "2026-11-23T08:00:00+07:00"}}}
    assert reported_at(linked) == datetime(2026, 11, 23, 1, tzinfo=UTC)
    assert reported_at(_instance("penanganan-aduan")) == T0


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (datetime(2026, 11, 23), DAY[1], "from"),  # noqa: DTZ001
        (DAY[0], datetime(2026, 11, 24), "to"),  # noqa: DTZ001
        (DAY[1], DAY[0], "to"),
        (DAY[0], DAY[0] + timedelta(days=366, seconds=1), "to"),
        (datetime(1999, 12, 1, tzinfo=UTC), datetime(2000, 1, 2, tzinfo=UTC), "from"),
        (datetime(2100, 12, 1, tzinfo=UTC), datetime(2101, 1, 2, tzinfo=UTC), "to"),
    ],
)
def test_a_bad_period_names_its_field(start: datetime, end: datetime, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_period(start, end)
    assert field in refused.value.errors


def test_a_period_of_366_days_is_allowed() -> None:
    check_period(DAY[0], DAY[0] + timedelta(days=366))
