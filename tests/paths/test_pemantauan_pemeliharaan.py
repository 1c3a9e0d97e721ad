"""Every way through Pemantauan dan Pemeliharaan Layanan (Perbup Bangka 21/2025, 2.2.2.1),
through the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app.services.context import Platform
from tests.api.test_capacity import complaints, server_with_threshold
from tests.api.test_hostile_input import assert_error_shape
from tests.conftest import T0, Auth
from tests.engine import test_pemantauan_pemeliharaan_model as engine
from tests.engine.test_pemantauan_pemeliharaan_model import (
    ANALISIS,
    ANALISIS_LAYANAN,
    ANOMALI_INFRA,
    DISETUJUI,
    PEMANTAUAN_INFRA,
    PEMANTAUAN_LAYANAN,
    PENANGANAN,
    PENANGANAN_INFRA,
    REVISI,
)
from tests.paths.driver import Driver

MODEL = "pemantauan-pemeliharaan"
# The only Penyedia Layanan is at DISKOMINFO: monitor one of its services.
MULAI = {"layanan": "SRIKANDI", "periode": "2026-11"}
PROVIDER, INFRA, OFFICIAL = "penyedia", "admin.infra", "pj.layanan"
# The engine test's reports name SIMPEG; the report form may correct `layanan` (the
# instance then moves to that service), so keep it on the service being monitored.
LAPORAN = {**engine.LAPORAN, **MULAI}
LAPORAN_TIDAK_TERCAPAI = {**engine.LAPORAN_TIDAK_TERCAPAI, **MULAI}
ANOMALI_LAYANAN = {
    **PEMANTAUAN_LAYANAN,
    "anomali_layanan": True,
    "uraian_anomali_layanan": "Peringatan gagal masuk beruntun dari satu alamat IP.",
}


@pytest.fixture
def drive(auth: Auth) -> Driver:
    return Driver(auth)


def _inbox(drive: Driver, username: str, instance_id: int) -> list[str]:
    items = drive.auth.get(username, "/api/v1/tasks?per_page=200").json["items"]
    return [t["name"] for t in items if t["process_instance_id"] == instance_id]


def _monitored(
    drive: Driver,
    layanan: dict[str, Any] = PEMANTAUAN_LAYANAN,
    infra: dict[str, Any] = PEMANTAUAN_INFRA,
) -> int:
    """Start the period; both monitoring branches run at once, each in its own inbox."""
    instance = drive.start(PROVIDER, MODEL, {**MULAI})
    instance_id = instance["id"]
    assert instance["reference"].startswith("PMN-2026-")
    assert instance["service"] == "SRIKANDI"
    assert _inbox(drive, PROVIDER, instance_id) == ["pemantauan_layanan"]
    assert _inbox(drive, INFRA, instance_id) == ["pemantauan_infrastruktur"]
    assert _inbox(drive, OFFICIAL, instance_id) == []
    open_tasks = {t["name"] for t in drive.instance(PROVIDER, instance_id)["tasks"]}
    assert open_tasks == {"pemantauan_layanan", "pemantauan_infrastruktur"}
    drive.complete(PROVIDER, instance_id, "pemantauan_layanan", layanan, outsider="admin.layanan")
    # The other branch still waits; the join holds the flow until it is done.
    assert _inbox(drive, INFRA, instance_id) == ["pemantauan_infrastruktur"]
    assert _inbox(drive, PROVIDER, instance_id) == []
    drive.complete(INFRA, instance_id, "pemantauan_infrastruktur", infra, outsider=PROVIDER)
    return instance_id


def test_no_anomaly_report_revised_then_approved(drive: Driver) -> None:
    instance_id = _monitored(drive)
    # Both analyse, each in their own inbox (Tabel 8 no. 1 angka 3, no. 2 angka 3).
    assert _inbox(drive, PROVIDER, instance_id) == ["analisis_pemantauan_layanan"]
    assert _inbox(drive, INFRA, instance_id) == ["analisis_pemantauan"]
    drive.complete(
        PROVIDER, instance_id, "analisis_pemantauan_layanan", ANALISIS_LAYANAN, outsider=INFRA
    )
    drive.complete(INFRA, instance_id, "analisis_pemantauan", ANALISIS, outsider=OFFICIAL)
    for review in (REVISI, DISETUJUI):
        drive.complete(PROVIDER, instance_id, "laporan_ketersediaan", LAPORAN, outsider=OFFICIAL)
        done = drive.complete(OFFICIAL, instance_id, "reviu_laporan", review, outsider=PROVIDER)
    assert done["status"] == "complete"
    assert done["data"]["status_pemantauan"] == "selesai"
    assert done["data"]["ada_anomali"] is False
    assert done["data"]["catatan_reviu"] == REVISI["catatan_reviu"]
    kinds = drive.kinds(PROVIDER, instance_id)
    assert kinds.count("task_completed") == 8
    assert "child_started" not in kinds
    assert "service_changed" not in kinds
    assert drive.instance(PROVIDER, instance_id)["children"] == []


@pytest.mark.parametrize(
    ("layanan", "infra"),
    [(PEMANTAUAN_LAYANAN, ANOMALI_INFRA), (ANOMALI_LAYANAN, PEMANTAUAN_INFRA)],
    ids=["infrastructure", "service"],
)
def test_an_anomaly_files_a_complaint_and_the_report_goes_on(
    drive: Driver, layanan: dict[str, Any], infra: dict[str, Any]
) -> None:
    instance_id = _monitored(drive, layanan, infra)
    # Both handle the anomaly (Tabel 8 no. 1 angka 2, no. 2 angka 2); nobody analyses.
    assert _inbox(drive, INFRA, instance_id) == ["penanganan_anomali_infrastruktur"]
    drive.complete(
        INFRA, instance_id, "penanganan_anomali_infrastruktur", PENANGANAN_INFRA, outsider=PROVIDER
    )
    drive.complete(
        PROVIDER, instance_id, "penanganan_anomali", PENANGANAN, outsider="admin.layanan"
    )
    parent = drive.instance(PROVIDER, instance_id)
    [started] = [e for e in parent["events"] if e["kind"] == "child_started"]
    [child] = parent["children"]
    assert child["process_model_id"] == "penanganan-aduan"
    assert child["reference"].startswith("ADU-2026-")
    assert started["data"]["child"] == child["id"]
    assert started["data"]["reference"] == child["reference"]
    # The complaint runs on its own; the monitoring goes on to its report.
    assert [t["name"] for t in parent["tasks"]] == ["laporan_ketersediaan"]
    complaint = drive.instance(PROVIDER, child["id"])
    assert complaint["parent"]["id"] == instance_id
    assert complaint["parent"]["reference"] == parent["reference"]
    assert complaint["started_by"] == PROVIDER
    assert complaint["service"] == "SRIKANDI"
    assert complaint["status"] not in ("complete", "error")
    assert complaint["data"]["judul"] == PENANGANAN["judul_aduan"]
    assert complaint["data"]["dampak"] == PENANGANAN["dampak_gangguan"]

    drive.complete(PROVIDER, instance_id, "laporan_ketersediaan", LAPORAN_TIDAK_TERCAPAI)
    done = drive.complete(OFFICIAL, instance_id, "reviu_laporan", DISETUJUI)
    assert done["status"] == "complete"
    assert done["data"]["status_pemantauan"] == "selesai"
    assert done["data"]["ada_anomali"] is True
    # The report's figures are the computed ones (issue 14, item 6), not the typed ones.
    computed = done["data"]["ketersediaan"]
    assert done["data"]["target_ketersediaan_tercapai"] == computed["tercapai"]
    assert done["data"]["ketersediaan_tercapai_persen"] == computed["tercapai_persen"]
    kinds = drive.kinds(PROVIDER, instance_id)
    assert kinds.count("task_completed") == 6
    assert kinds.count("child_started") == 1
    assert "message_undelivered" not in kinds
    assert "service_changed" not in kinds


def test_review_switched_off_for_one_pd_skips_it_there_only(drive: Driver) -> None:
    """`reviu_laporan` is a product addition (Tabel 8 names no review): an Admin Sistem
    switches it off for BKPSDM; BKPSDM's period closes at its report, DISKOMINFO's is still
    reviewed, and an instance keeps the settings it started with."""
    settings = "/api/v1/process-models/pemantauan-pemeliharaan/settings"

    def switch(on: bool) -> None:
        body = {"agency": "BKPSDM", "values": {"reviu_laporan": on}}
        response = drive.auth.client.put(settings, headers=drive.auth.headers("admin"), json=body)
        assert response.status_code == 200, response.json

    switch(False)
    simpeg = {"layanan": "SIMPEG", "periode": "2026-11"}  # BKPSDM's
    bkpsdm = drive.start("penyedia.bkpsdm", MODEL, simpeg)
    diskominfo = drive.start(PROVIDER, MODEL, {**MULAI})
    assert bkpsdm["data"]["pengaturan"] == {"reviu_laporan": False}
    assert diskominfo["data"]["pengaturan"] == {"reviu_laporan": True}
    switch(True)  # later changes reach the next instance, not these

    for provider, instance, laporan in (
        ("penyedia.bkpsdm", bkpsdm, {**engine.LAPORAN, **simpeg}),
        (PROVIDER, diskominfo, LAPORAN),
    ):
        instance_id = instance["id"]
        drive.complete(provider, instance_id, "pemantauan_layanan", PEMANTAUAN_LAYANAN)
        drive.complete(INFRA, instance_id, "pemantauan_infrastruktur", PEMANTAUAN_INFRA)
        drive.complete(provider, instance_id, "analisis_pemantauan_layanan", ANALISIS_LAYANAN)
        drive.complete(INFRA, instance_id, "analisis_pemantauan", ANALISIS)
        after_report = drive.complete(provider, instance_id, "laporan_ketersediaan", laporan)
        if provider == PROVIDER:
            assert after_report["status"] != "complete"
            done = drive.complete(OFFICIAL, instance_id, "reviu_laporan", DISETUJUI)
        else:
            done = after_report  # closed at the report: nobody reviews it
            assert drive.instance(provider, instance_id)["tasks"] == []
        assert done["status"] == "complete", provider
        assert done["data"]["status_pemantauan"] == "selesai"
    assert "keputusan_laporan" not in drive.instance("penyedia.bkpsdm", bkpsdm["id"])["data"]


def test_the_infrastructure_monitoring_records_its_measurements(
    drive: Driver, platform: Platform
) -> None:
    """Issue 14, item 5: the rows of `pengukuran_kapasitas` are recorded as measurements
    from the form when the step is submitted (all or none); one past the item's critical
    threshold opens its complaint."""
    item_id = server_with_threshold(drive.auth)
    instance_id = drive.start(PROVIDER, MODEL, {**MULAI})["id"]
    drive.complete(PROVIDER, instance_id, "pemantauan_layanan", PEMANTAUAN_LAYANAN)
    task_id = drive.task(INFRA, instance_id, "pemantauan_infrastruktur")
    at = (T0 - timedelta(hours=2)).isoformat()
    good = {"komponen": item_id, "metrik": "cpu", "nilai": 60, "waktu": at}
    bad = [
        good,
        {**good, "nilai": 1e300},
        {**good, "waktu": (T0 + timedelta(days=1)).isoformat()},
    ]
    refused = drive.auth.post(
        INFRA,
        f"/api/v1/tasks/{task_id}/complete",
        json={"data": {**PEMANTAUAN_INFRA, "pengukuran_kapasitas": bad}},
    )
    assert set(assert_error_shape(refused, 422)["errors"]) == {
        "pengukuran_kapasitas.1.nilai",
        "pengukuran_kapasitas.2.waktu",
    }
    capacity = f"/api/v1/configuration-items/{item_id}/capacity"
    assert drive.auth.get(INFRA, capacity).json["metrics"][0]["measurements"] == []
    rows = [good, {**good, "nilai": 95, "waktu": (T0 - timedelta(hours=1)).isoformat()}]
    infra = {**PEMANTAUAN_INFRA, "pengukuran_kapasitas": rows}
    drive.complete(INFRA, instance_id, "pemantauan_infrastruktur", infra)
    [cpu] = drive.auth.get(INFRA, capacity).json["metrics"]
    assert sorted(m["value"] for m in cpu["measurements"]) == [60, 95]
    assert {m["source"] for m in cpu["measurements"]} == {"form"}
    assert cpu["level"] == "critical"
    [complaint] = complaints(platform)
    assert cpu["complaint_id"] == complaint.id
