"""The monitoring procedure's measurements are recorded (issue 14, item 5) and its
availability report is computed, not typed (issue 14, item
6; Kepbup Polewali Mandar 685/2021, III.4.b): the diagram's script asks
`ketersediaan_layanan` before the report, which shows the figures read-only, and what a
person types in their place is replaced by them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.models import (
    CapacityMeasurement,
    CapacityThreshold,
    Instance,
    Task,
    TaskState,
    User,
)
from app.services.configuration.capacity import CapacityService
from app.services.configuration.items import ItemService
from app.services.context import Platform
from app.services.deadlines.availability import AvailabilityService, month_of, report_figures
from tests.api.test_capacity import THRESHOLD
from tests.engine.test_pemantauan_pemeliharaan_model import (
    ANALISIS,
    ANALISIS_LAYANAN,
    LAPORAN_TIDAK_TERCAPAI,
    PEMANTAUAN_INFRA,
    PEMANTAUAN_LAYANAN,
)
from tests.services.configuration.cmdb_data import make
from tests.services.tracking_data import complaint, start

pytestmark = pytest.mark.usefixtures("deployed")

MULAI = {"layanan": "SRIKANDI", "periode": "2026-11"}
WIB = ZoneInfo("Asia/Jakarta")


def _complete(platform: Platform, instance_id: int, name: str, user: str, data: Any) -> None:
    with platform.sessions() as session, session.begin():
        task = session.scalars(
            select(Task).where(
                Task.instance_id == instance_id,
                Task.bpmn_id == name,
                Task.state == TaskState.READY,
            )
        ).one()
        person = session.scalars(select(User).where(User.username == user)).one()
        platform.tasks(session).complete(task.id, data, person)


def test_a_month_is_its_calendar_month() -> None:
    assert month_of("2026-12", "Asia/Jakarta") == (
        datetime(2026, 12, 1, tzinfo=WIB),
        datetime(2027, 1, 1, tzinfo=WIB),
    )
    assert month_of("2026-13", "Asia/Jakarta") is None
    assert month_of("bulan", "Asia/Jakarta") is None


def test_the_report_shows_the_figure_computed_from_an_outage(
    platform: Platform, session: Session, clock: FixedClock
) -> None:
    complaint(platform)  # Mayor, about SRIKANDI, open from now (Monday 09:00 WIB)
    clock.advance(timedelta(hours=3))
    instance_id = start(platform, "pemantauan-pemeliharaan", "penyedia", dict(MULAI))
    _complete(platform, instance_id, "pemantauan_layanan", "penyedia", PEMANTAUAN_LAYANAN)
    _complete(platform, instance_id, "pemantauan_infrastruktur", "admin.infra", PEMANTAUAN_INFRA)
    _complete(platform, instance_id, "analisis_pemantauan_layanan", "penyedia", ANALISIS_LAYANAN)
    _complete(platform, instance_id, "analisis_pemantauan", "admin.infra", ANALISIS)

    november = (datetime(2026, 11, 1, tzinfo=WIB), datetime(2026, 12, 1, tzinfo=WIB))
    service = AvailabilityService(session, platform.clock, platform.instances(session))
    figures = service.for_service("SRIKANDI", None, *november).figures
    assert figures.outage_time == timedelta(hours=3)
    assert figures.achieved is not None
    assert figures.achieved < 100
    expected = {
        "target_ketersediaan_persen": figures.target,
        "ketersediaan_tercapai_persen": float(figures.achieved),
        "target_ketersediaan_tercapai": figures.met,
    }
    # The data the report task opens with (its prefill): computed before it.
    session.expire_all()
    before = session.get(Instance, instance_id)
    assert before is not None
    assert {k: before.data[k] for k in expected} == expected
    assert before.data["ketersediaan"]["waktu_henti_menit"] == 180
    assert before.data["ketersediaan"] == report_figures(
        session, platform.clock, "SRIKANDI", "2026-11"
    )

    # Typed figures are replaced by the computed ones.
    typed = {**LAPORAN_TIDAK_TERCAPAI, **MULAI, "ketersediaan_tercapai_persen": 12.5}
    _complete(platform, instance_id, "laporan_ketersediaan", "penyedia", typed)
    session.expire_all()
    after = session.get(Instance, instance_id)
    assert after is not None
    assert {k: after.data[k] for k in expected} == expected


def test_an_unknown_service_or_period_is_unmeasured(platform: Platform, session: Session) -> None:
    assert report_figures(session, platform.clock, "TIDAK-ADA", "2026-11")["tercapai"] is None
    assert report_figures(session, platform.clock, "SRIKANDI", "2026")["tercapai_persen"] is None


def test_the_monitoring_form_s_measurements_are_stored_and_cross_a_threshold(
    platform: Platform, session: Session, clock: FixedClock
) -> None:
    """Issue 14, item 5: rows of `pengukuran_kapasitas` submitted with the infrastructure
    monitoring step are measurements from the form; one past the critical threshold
    moves the threshold to critical and opens one complaint about the item's service."""
    keeper = session.scalars(select(User).where(User.username == "admin.infra")).one()
    server = make(ItemService(session, clock, keeper), "server", services=["SRIKANDI"])
    capacity = CapacityService(session, platform.clock, platform.instances(session), keeper)
    capacity.set_threshold(server.id, "cpu", {**THRESHOLD})
    session.commit()
    instance_id = start(platform, "pemantauan-pemeliharaan", "penyedia", dict(MULAI))
    _complete(platform, instance_id, "pemantauan_layanan", "penyedia", PEMANTAUAN_LAYANAN)
    at = (clock.now() - timedelta(hours=1)).isoformat()
    rows = [
        {"komponen": server.id, "metrik": "cpu", "nilai": 50, "waktu": at},
        {"komponen": server.id, "metrik": "cpu", "nilai": 96, "waktu": clock.now().isoformat()},
    ]
    infra = {**PEMANTAUAN_INFRA, "pengukuran_kapasitas": rows}
    _complete(platform, instance_id, "pemantauan_infrastruktur", "admin.infra", infra)
    session.expire_all()
    stored = session.scalars(
        select(CapacityMeasurement).where(CapacityMeasurement.item_id == server.id)
    ).all()
    assert sorted((m.value, m.source, m.recorded_by_id) for m in stored) == [
        (50, "form", keeper.id),
        (96, "form", keeper.id),
    ]
    threshold = session.scalars(
        select(CapacityThreshold).where(CapacityThreshold.item_id == server.id)
    ).one()
    assert threshold.level == "critical"
    assert threshold.complaint_id is not None
    filed = session.get(Instance, threshold.complaint_id)
    assert filed is not None
    assert filed.process_model_id == "penanganan-aduan"
