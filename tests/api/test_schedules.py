"""Periodic procedures: Admin Sistem schedules them per agency, `spbe tick` starts them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.clock import FixedClock
from app.services.context import Platform
from app.services.instances.schedules import advance, period_label
from tests.conftest import Auth
from tests.ticks import tick

pytestmark = pytest.mark.usefixtures("deployed")
WIB = ZoneInfo("Asia/Jakarta")
MONTHLY = {
    "process_model_id": "pemantauan-pemeliharaan",
    "agency": "DISKOMINFO",
    "cycle": "P1M",
    "next_at": "2026-12-01T08:00:00+07:00",
    "owner": "penyedia",
    "start_data": {"layanan": "SRIKANDI"},
}


def test_a_monthly_report_starts_once_per_month_for_the_month_just_ended(
    auth: Auth, platform: Platform, clock: FixedClock
) -> None:
    created = auth.post("admin", "/api/v1/schedules", json=MONTHLY)
    assert created.status_code == 201, created.json
    assert "schedule" not in tick(platform, datetime(2026, 12, 1, 0, 59, tzinfo=UTC))
    output = tick(platform, datetime(2026, 12, 1, 1, 1, tzinfo=UTC))
    assert f"schedule {created.json['id']}: started instance" in output
    assert "for 2026-11" in output
    assert "schedule" not in tick(platform, datetime(2026, 12, 2, tzinfo=UTC))
    [schedule] = auth.get("admin", "/api/v1/schedules").json
    assert schedule["next_at"] == "2027-01-01T01:00:00+00:00"
    [report] = auth.get("penyedia", "/api/v1/process-instances").json["items"]
    assert report["process_model_id"] == "pemantauan-pemeliharaan"
    assert "data" not in report  # lists leave it out; the instance has it
    detail = auth.get("penyedia", f"/api/v1/process-instances/{report['id']}").json
    assert detail["data"]["periode"] == "2026-11"
    assert report["started_by"] == "penyedia"
    assert report["reference"].startswith("PMN-2026-")


def test_missed_months_start_once_and_the_schedule_catches_up(
    auth: Auth, platform: Platform
) -> None:
    auth.post("admin", "/api/v1/schedules", json=MONTHLY)
    output = tick(platform, datetime(2027, 3, 15, tzinfo=UTC))
    assert output.count("started instance") == 1
    assert "for 2027-02" in output
    [schedule] = auth.get("admin", "/api/v1/schedules").json
    assert schedule["next_at"] == "2027-04-01T01:00:00+00:00"


def test_a_paused_schedule_starts_nothing(auth: Auth, platform: Platform) -> None:
    schedule_id = auth.post("admin", "/api/v1/schedules", json=MONTHLY).json["id"]
    paused = auth.client.patch(
        f"/api/v1/schedules/{schedule_id}", json={"active": False}, headers=auth.headers("admin")
    )
    assert paused.json["active"] is False
    assert "schedule" not in tick(platform, datetime(2027, 1, 2, tzinfo=UTC))


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"cycle": "P2D"}, 422),
        ({"process_model_id": "permintaan-layanan", "start_data": {}}, 422),  # no timer start
        ({"start_data": {}}, 422),  # the start form needs `layanan`
        ({"process_model_id": "tidak-ada"}, 404),
        ({"agency": "TIDAK-ADA"}, 404),
        ({"owner": "tidak.ada"}, 404),
    ],
)
def test_bad_schedules_are_refused_and_nothing_is_stored(
    auth: Auth, change: dict, status: int
) -> None:
    response = auth.post("admin", "/api/v1/schedules", json={**MONTHLY, **change})
    assert response.status_code == status, response.json
    assert auth.get("admin", "/api/v1/schedules").json == []


def test_only_admin_sistem_manages_schedules(auth: Auth) -> None:
    assert auth.post("pj.layanan", "/api/v1/schedules", json=MONTHLY).status_code == 403
    assert auth.get("pj.layanan", "/api/v1/schedules").status_code == 403
    schedule_id = auth.post("admin", "/api/v1/schedules", json=MONTHLY).json["id"]
    forbidden = auth.client.delete(
        f"/api/v1/schedules/{schedule_id}", headers=auth.headers("pj.layanan")
    )
    assert forbidden.status_code == 403
    removed = auth.client.delete(f"/api/v1/schedules/{schedule_id}", headers=auth.headers("admin"))
    assert removed.status_code == 204
    assert auth.get("admin", "/api/v1/schedules").json == []


@pytest.mark.parametrize(
    ("cycle", "start", "label", "following"),
    [
        (
            "P1W",
            datetime(2026, 12, 7, 8, tzinfo=WIB),
            "2026-W49",
            datetime(2026, 12, 14, 8, tzinfo=WIB),
        ),
        (
            "P1M",
            datetime(2026, 1, 31, 8, tzinfo=WIB),
            "2026-01",
            datetime(2026, 2, 28, 8, tzinfo=WIB),
        ),
        (
            "P3M",
            datetime(2026, 10, 1, 8, tzinfo=WIB),
            "2026-T3",
            datetime(2027, 1, 1, 8, tzinfo=WIB),
        ),
        (
            "P6M",
            datetime(2026, 7, 1, 8, tzinfo=WIB),
            "2026-S1",
            datetime(2027, 1, 1, 8, tzinfo=WIB),
        ),
        ("P1Y", datetime(2027, 1, 1, 8, tzinfo=WIB), "2026", datetime(2028, 1, 1, 8, tzinfo=WIB)),
    ],
)
def test_cycles_and_period_labels(
    cycle: str, start: datetime, label: str, following: datetime
) -> None:
    assert period_label(start, cycle, WIB) == label
    assert advance(start, cycle, WIB) == following
    assert advance(start, cycle, WIB) - start >= timedelta(days=7)


@pytest.mark.parametrize(
    ("cycle", "start", "label"),
    [
        ("P1W", datetime(2026, 11, 23, 8, tzinfo=WIB), "2026-W48"),  # a Monday: this week
        ("P1W", datetime(2026, 11, 24, 8, tzinfo=WIB), "2026-W49"),
        ("P1M", datetime(2026, 12, 1, 8, tzinfo=WIB), "2026-12"),
        ("P1M", datetime(2026, 11, 20, 8, tzinfo=WIB), "2026-12"),
        ("P3M", datetime(2026, 11, 15, 8, tzinfo=WIB), "2027-T1"),
        ("P6M", datetime(2026, 7, 1, 8, tzinfo=WIB), "2026-S2"),
        ("P1Y", datetime(2026, 10, 1, 8, tzinfo=WIB), "2027"),
        ("P1Y", datetime(2027, 1, 1, 8, tzinfo=WIB), "2027"),
    ],
)
def test_a_plan_is_for_the_period_beginning_next(cycle: str, start: datetime, label: str) -> None:
    assert period_label(start, cycle, WIB, "next") == label


#: Each periodic procedure, the cycle its diagram's timer start event declares, the start
#: data a PD's schedule gives it, and when its first period ends.
PERIODIC = [
    (
        "manajemen-masalah",
        "P1M",
        {"layanan": "SRIKANDI", "judul": "Reviu gangguan", "uraian": "Reviu berkala bulanan"},
    ),
    ("pemantauan-pemeliharaan", "P1M", {"layanan": "SRIKANDI"}),
    (
        "perencanaan",
        "P1Y",
        {"jenis_dokumen": "daftar_kebutuhan_layanan", "judul": "Daftar kebutuhan layanan"},
    ),
    ("evaluasi", "P6M", {}),
    ("verifikasi-konfigurasi", "P3M", {"layanan": "SRIKANDI"}),
]
#: A start on 1 January 2027 reviews the period just ended; the yearly plan is for 2027.
LABELS = {
    "manajemen-masalah": "2026-12",
    "pemantauan-pemeliharaan": "2026-12",
    "perencanaan": "2027",
    "evaluasi": "2026-S2",
    "verifikasi-konfigurasi": "2026-T4",
}


@pytest.mark.parametrize(("model", "cycle", "start_data"), PERIODIC)
def test_each_periodic_procedure_starts_by_its_timer_start_event_on_its_own_cycle(
    auth: Auth, platform: Platform, model: str, cycle: str, start_data: dict
) -> None:
    schedule = {
        "process_model_id": model,
        "agency": "DISKOMINFO",
        "next_at": "2027-01-01T08:00:00+07:00",
        "owner": "pj.layanan",
        "start_data": start_data,
    }
    created = auth.post("admin", "/api/v1/schedules", json=schedule)
    assert created.status_code == 201, created.json
    assert created.json["cycle"] == cycle  # the diagram's timeCycle is the default
    output = tick(platform, datetime(2027, 1, 1, 2, tzinfo=UTC))
    assert f"for {LABELS[model]}" in output
    [started] = auth.get("pj.layanan", f"/api/v1/process-instances?process_model_id={model}").json[
        "items"
    ]
    assert started["status"] in ("running", "waiting")
    detail = auth.get("pj.layanan", f"/api/v1/process-instances/{started['id']}").json
    assert detail["data"]["periode"] == LABELS[model]
    [begun] = [event for event in detail["events"] if event["kind"] == "instance_started"]
    assert begun["data"]["schedule"] == created.json["id"]
    assert detail["tasks"], "the periodic instance waits at its first user task"


def test_a_pd_may_choose_another_cycle_than_the_diagram(auth: Auth, platform: Platform) -> None:
    model, _monthly, start_data = PERIODIC[0]  # the incident review, monthly by default
    quarterly = auth.post(
        "admin",
        "/api/v1/schedules",
        json={**MONTHLY, "process_model_id": model, "start_data": start_data, "cycle": "P3M"},
    )
    assert quarterly.status_code == 201, quarterly.json
    assert quarterly.json["cycle"] == "P3M"
    output = tick(platform, datetime(2026, 12, 1, 2, tzinfo=UTC))
    assert "for 2026-T4" in output
    [schedule] = auth.get("admin", "/api/v1/schedules").json
    assert schedule["next_at"] == "2027-03-01T01:00:00+00:00"


def test_a_cycle_the_start_form_cannot_label_is_refused(auth: Auth) -> None:
    """The monitoring report's form wants a month (2026-11): a quarterly cycle would
    label its periods 2026-T4, so the schedule is refused rather than failing later."""
    refused = auth.post("admin", "/api/v1/schedules", json={**MONTHLY, "cycle": "P3M"})
    assert refused.status_code == 422
    assert "periode" in refused.json["errors"]
    assert auth.get("admin", "/api/v1/schedules").json == []


def test_a_start_by_hand_still_uses_the_message_start(auth: Auth) -> None:
    started = auth.post(
        "penyedia",
        "/api/v1/process-instances",
        json={
            "process_model_id": "pemantauan-pemeliharaan",
            "data": {"layanan": "SRIKANDI", "periode": "2026-10"},
        },
    )
    assert started.status_code == 201, started.json
    detail = auth.get("penyedia", f"/api/v1/process-instances/{started.json['id']}").json
    [begun] = [event for event in detail["events"] if event["kind"] == "instance_started"]
    assert "schedule" not in begun["data"]
    assert detail["tasks"]
