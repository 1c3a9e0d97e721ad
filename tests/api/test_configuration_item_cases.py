"""Cases and configuration items through the API (issue 14, items 2 and 4): a task's form
serves the CMDB's items as JSON Schema, a completion naming them links them both ways (the
item lists its cases, the case's record its items), an unknown or retired item is a 422
naming the field, and a change's or a successful release's updates reach the item's
history with its reference."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app.clock import FixedClock
from tests.api.test_configuration_items import ITEMS, create, relate
from tests.conftest import Auth
from tests.engine.test_manajemen_perubahan_model import (
    IMPLEMENTASI,
    PENERIMAAN,
    PENGAJUAN,
    TERVERIFIKASI,
    kategorisasi,
    penjadwalan,
)
from tests.engine.test_rilis_layanan_model import (
    BERHASIL,
    DISETUJUI,
    EKSEKUSI,
    EVALUASI,
    GAGAL,
    LAPORAN,
    LAPORAN_GAGAL,
    PENGEMBANGAN,
    RENCANA,
    ROLLBACK_HENTIKAN,
)
from tests.engine.test_rilis_layanan_model import PENERIMAAN as PENERIMAAN_RILIS
from tests.engine.test_rilis_layanan_model import PENGAJUAN as RILIS_PENGAJUAN
from tests.paths.driver import Driver
from tests.services.tracking_data import CLASSIFY_COMPLAINT

pytestmark = pytest.mark.usefixtures("deployed")

APP = {
    "type": "application",
    "name": "APP-UJI-SRIKANDI",
    "agency": "DISKOMINFO",
    "attributes": {"url": "https://srikandi-uji.example.go.id"},
    "services": ["SRIKANDI"],
}
DB = {
    "type": "database",
    "name": "DB-UJI-BERSAMA",
    "agency": "DISKOMINFO",
    "attributes": {"host": "10.9.0.5", "port": 5432, "database_name": "bersama"},
}
OTHER = {
    "type": "application",
    "name": "APP-UJI-SIMPEG",
    "agency": "BKPSDM",
    "attributes": {"url": "https://simpeg-uji.example.go.id"},
    "services": ["SIMPEG"],
}
REPORT = {
    "layanan": "SRIKANDI",
    "judul": "SRIKANDI tidak dapat diakses",
    "metode_pelaporan": "telepon",
    "kategori": "aplikasi",
    "gejala": "Halaman masuk menampilkan galat 502 untuk semua pengguna.",
    "dampak": "Mayor",
    "nip_nik": "198703152011012002",
    "instansi": "Dinas Komunikasi dan Informatika",
    "telepon": "081234567891",
}


@pytest.fixture
def drive(auth: Auth) -> Driver:
    return Driver(auth)


@pytest.fixture
def estate(auth: Auth) -> dict[str, dict[str, Any]]:
    """SRIKANDI's application depends on a shared database; SIMPEG's application is
    another PD's."""
    found = {"app": create(auth, APP, "admin"), "db": create(auth, DB, "admin")}
    found["other"] = create(auth, OTHER, "admin")
    relate(auth, found["app"]["id"], "depends_on", found["db"]["id"])
    return found


def _complaint(drive: Driver) -> int:
    return int(drive.start("penyedia", "penanganan-aduan", REPORT)["id"])


def test_the_task_form_serves_the_services_items_and_what_they_depend_on(
    auth: Auth, drive: Driver, estate: dict[str, dict[str, Any]]
) -> None:
    case = _complaint(drive)
    task_id = drive.task("admin.layanan", case, "klasifikasi_aduan")
    form = auth.get("admin.layanan", f"/api/v1/tasks/{task_id}").json["form"]["schema"]
    field = form["properties"]["komponen_cmdb"]
    assert "x-options" not in field
    assert field["type"] == "array"
    choices = {c["const"]: c["title"] for c in field["items"]["oneOf"]}
    assert choices[estate["app"]["id"]] == "APP-UJI-SRIKANDI (Aplikasi)"
    assert choices[estate["db"]["id"]] == "DB-UJI-BERSAMA (Basis data)"
    assert estate["other"]["id"] not in choices

    options = auth.get(
        "admin.layanan",
        f"/api/v1/forms/options?source=configuration-items&task_id={task_id}",
    )
    assert options.status_code == 200
    assert {c["const"] for c in options.json["oneOf"]} == set(choices)
    without_task = auth.get("admin.layanan", "/api/v1/forms/options?source=configuration-items")
    assert without_task.status_code == 422
    assert "task_id" in without_task.json["errors"]


def test_a_completion_links_the_items_both_ways(
    auth: Auth, drive: Driver, estate: dict[str, dict[str, Any]]
) -> None:
    case = _complaint(drive)
    app_id, db_id = estate["app"]["id"], estate["db"]["id"]
    drive.complete(
        "admin.layanan",
        case,
        "klasifikasi_aduan",
        {**CLASSIFY_COMPLAINT, "komponen_cmdb": [app_id, db_id]},
    )
    instance = drive.instance("admin.layanan", case)

    item = auth.get("admin.infra", f"{ITEMS}/{db_id}").json
    assert item["cases_total"] == 1
    [linked] = item["cases"]
    assert linked == {
        "id": case,
        "reference": instance["reference"],
        "process_model_id": "penanganan-aduan",
        "status": instance["status"],
        "service": "SRIKANDI",
        "started_at": instance["started_at"],
    }
    assert auth.get("admin.infra", f"{ITEMS}/{estate['other']['id']}").json["cases"] == []
    impact = auth.get("admin.infra", f"{ITEMS}/{db_id}/impact").json
    [touching] = [c for c in impact["cases"] if c["id"] == case]
    assert touching["items"] == sorted([app_id, db_id])

    # the next step's record shows what the classification named, by name, and the items
    task_id = drive.task("admin.layanan", case, "penanganan_aduan_admin")
    record = auth.get("admin.layanan", f"/api/v1/tasks/{task_id}").json["record"]
    [named] = [
        f
        for s in record
        if s["step"] == "klasifikasi_aduan"
        for f in s["fields"]
        if f["name"] == "komponen_cmdb"
    ]
    assert named["value"] == [app_id, db_id]
    assert named["shown"] == "APP-UJI-SRIKANDI (Aplikasi), DB-UJI-BERSAMA (Basis data)"
    assert record[-1]["step"] == "komponen_konfigurasi"
    assert [row[0] for row in record[-1]["fields"][0]["shown"]["rows"]] == [
        "APP-UJI-SRIKANDI",
        "DB-UJI-BERSAMA",
    ]


@pytest.mark.parametrize("which", ["retired", "unknown", "other"])
def test_an_unknown_retired_or_unrelated_item_is_a_422_naming_the_field(
    auth: Auth, drive: Driver, estate: dict[str, dict[str, Any]], which: str
) -> None:
    wrong = {"unknown": 987_654, "other": estate["other"]["id"], "retired": estate["db"]["id"]}
    if which == "retired":
        retired = auth.post("admin", f"{ITEMS}/{wrong[which]}/retire", json={"reason": "diganti"})
        assert retired.status_code == 200, retired.json
    case = _complaint(drive)
    task_id = drive.task("admin.layanan", case, "klasifikasi_aduan")
    data = {**CLASSIFY_COMPLAINT, "komponen_cmdb": [estate["app"]["id"], wrong[which]]}
    answer = auth.post("admin.layanan", f"/api/v1/tasks/{task_id}/complete", json={"data": data})
    assert answer.status_code == 422
    assert list(answer.json["errors"]) == ["komponen_cmdb"]
    assert str(wrong[which]) in answer.json["errors"]["komponen_cmdb"][0]
    assert auth.get("admin.infra", f"{ITEMS}/{estate['app']['id']}").json["cases"] == []
    # and a text where an id belongs fails the form itself
    data["komponen_cmdb"] = ["APP-UJI-SRIKANDI"]
    answer = auth.post("admin.layanan", f"/api/v1/tasks/{task_id}/complete", json={"data": data})
    assert answer.status_code == 422
    assert list(answer.json["errors"]) == ["komponen_cmdb.0"]


def test_a_change_applies_its_item_updates_when_accepted(
    auth: Auth, drive: Driver, clock: FixedClock
) -> None:
    vm = create(
        auth,
        {
            "type": "virtual_machine",
            "name": "VM-UJI-SIMPEG",
            "agency": "BKPSDM",
            "attributes": {"hostname": "uji-simpeg", "ram_gb": 8},
            "services": ["SIMPEG"],
        },
        "admin",
    )
    change = drive.start("penyedia", "manajemen-perubahan", PENGAJUAN)
    change_id = change["id"]
    categorised = {**kategorisasi("standar"), "komponen_cmdb": [vm["id"]]}
    drive.complete("admin.layanan", change_id, "kategorisasi_perubahan", categorised)
    drive.complete("admin.infra", change_id, "penjadwalan_perubahan", penjadwalan(False))
    row = {"komponen": vm["id"], "status": "maintenance", "atribut": {"ram_gb": 16}}
    implemented = {**IMPLEMENTASI, "pembaruan_komponen": [row]}
    drive.complete("admin.infra", change_id, "implementasi_perubahan", implemented)
    drive.complete("admin.layanan", change_id, "verifikasi_perubahan", TERVERIFIKASI)
    assert auth.get("admin.infra", f"{ITEMS}/{vm['id']}").json["status"] == "active"

    done = drive.complete("pj.layanan", change_id, "penerimaan_perubahan", PENERIMAAN)
    assert done["status"] == "complete"
    item = auth.get("admin.infra", f"{ITEMS}/{vm['id']}").json
    assert item["status"] == "maintenance"
    assert item["attributes"]["ram_gb"] == 16
    updated = item["history"][-1]
    assert updated["source"] == {
        "id": change_id,
        "reference": change["reference"],
        "process_model_id": "manajemen-perubahan",
        "status": "complete",
    }
    assert updated["by"] == "pj.layanan"
    assert change["reference"] in updated["reason"]
    assert [c["id"] for c in item["cases"]] == [change_id]
    assert "configuration_updated" in drive.kinds("admin.layanan", change_id)


def test_an_update_that_no_longer_applies_refuses_the_acceptance_with_a_422(
    auth: Auth, drive: Driver
) -> None:
    vm = create(
        auth,
        {
            "type": "virtual_machine",
            "name": "VM-UJI-SIMPEG",
            "agency": "BKPSDM",
            "attributes": {"hostname": "uji-simpeg"},
            "services": ["SIMPEG"],
        },
        "admin",
    )
    change_id = drive.start("penyedia", "manajemen-perubahan", PENGAJUAN)["id"]
    drive.complete("admin.layanan", change_id, "kategorisasi_perubahan", kategorisasi("standar"))
    drive.complete("admin.infra", change_id, "penjadwalan_perubahan", penjadwalan(False))
    implemented = {
        **IMPLEMENTASI,
        "pembaruan_komponen": [
            {"komponen": vm["id"], "status": "active", "atribut": {"cpu_cores": 4}}
        ],
    }
    drive.complete("admin.infra", change_id, "implementasi_perubahan", implemented)
    drive.complete("admin.layanan", change_id, "verifikasi_perubahan", TERVERIFIKASI)
    # the type's schema tightens meanwhile: at most 2 cores for a virtual machine
    types = auth.get("admin", "/api/v1/configuration-item-types").json
    [vm_type] = [t for t in types if t["code"] == "virtual_machine"]
    schema = vm_type["attribute_schema"]
    schema["properties"]["cpu_cores"]["maximum"] = 2
    body = {
        k: vm_type[k]
        for k in (
            "name",
            "name_en",
            "description",
            "identifying_attributes",
            "naming_pattern",
            "naming_example",
            "holds_licences",
        )
    }
    saved = auth.client.put(
        "/api/v1/configuration-item-types/virtual_machine",
        headers=auth.headers("admin"),
        json={**body, "attribute_schema": schema},
    )
    assert saved.status_code == 200, saved.json

    task_id = drive.task("pj.layanan", change_id, "penerimaan_perubahan")
    answer = auth.post("pj.layanan", f"/api/v1/tasks/{task_id}/complete", json={"data": PENERIMAAN})
    assert answer.status_code == 422
    assert list(answer.json["errors"]) == ["pembaruan_komponen.0.atribut.cpu_cores"]
    assert "tidak dapat diterapkan" in answer.json["message"]
    # nothing of the step was stored: the change still waits for its acceptance
    assert drive.task("pj.layanan", change_id, "penerimaan_perubahan") == task_id
    assert drive.instance("admin.layanan", change_id)["status"] == "running"
    item = auth.get("admin.infra", f"{ITEMS}/{vm['id']}").json
    assert [row["action"] for row in item["history"]] == ["created"]
    assert "cpu_cores" not in item["attributes"]


def test_a_shared_databases_outage_counts_against_every_service_on_it(
    auth: Auth, drive: Driver, clock: FixedClock, estate: dict[str, dict[str, Any]]
) -> None:
    """A Mayor complaint about SIMPEG naming the database SRIKANDI's application depends
    on too is down time of SRIKANDI: 09:00-11:00 on Monday, measured at 11:00."""
    relate(auth, estate["other"]["id"], "depends_on", estate["db"]["id"])
    case = drive.start("penyedia", "penanganan-aduan", {**REPORT, "layanan": "SIMPEG"})["id"]
    classified = {**CLASSIFY_COMPLAINT, "komponen_cmdb": [estate["db"]["id"]]}
    drive.complete("admin.layanan", case, "klasifikasi_aduan", classified)
    clock.advance(timedelta(hours=2))

    period = "from=2026-11-23T00:00:00%2B07:00&to=2026-11-24T00:00:00%2B07:00"
    figure = auth.get("penyedia", f"/api/v1/services/SRIKANDI/availability?{period}").json
    [outage] = figure["outages"]
    assert outage["instance_id"] == case
    assert outage["minutes"] == 120
    # measured up to now: 07:30-11:00 = 210 agreed minutes; (210 - 120) / 210 -> 42.857
    assert (figure["agreed_minutes"], figure["outage_minutes"]) == (210, 120)
    assert figure["achieved"] == 42.857
    antrean = auth.get("penyedia", f"/api/v1/services/ANTREAN/availability?{period}").json
    assert antrean["outages"] == []


def _released(drive: Driver, vm_id: int, succeeded: bool) -> dict[str, Any]:
    """A release of SIMPEG whose execution records an update of `vm_id`, then tested,
    reported and its result accepted: successful, or failed and rolled back."""
    release = drive.start("admin.infra", "rilis-layanan", RILIS_PENGAJUAN)
    release_id = release["id"]
    drive.complete("admin.infra", release_id, "pengembangan_layanan", PENGEMBANGAN)
    drive.complete("admin.infra", release_id, "penyusunan_rencana_rilis", RENCANA)
    drive.complete("penyedia.bkpsdm", release_id, "persetujuan_rencana_rilis", DISETUJUI)
    row = {"komponen": vm_id, "atribut": {"ram_gb": 32}, "catatan": "Kapasitas rilis baru"}
    executed = {**EKSEKUSI, "pembaruan_komponen": [row]}
    drive.complete("admin.infra", release_id, "eksekusi_rilis", executed)
    if succeeded:
        drive.complete("admin.infra", release_id, "pengujian_rilis", BERHASIL)
    else:
        drive.complete("admin.infra", release_id, "pengujian_rilis", GAGAL)
        drive.complete("admin.infra", release_id, "rollback_rilis", ROLLBACK_HENTIKAN)
    drive.complete("admin.infra", release_id, "evaluasi_rilis", EVALUASI)
    report = LAPORAN if succeeded else LAPORAN_GAGAL
    drive.complete("admin.infra", release_id, "laporan_hasil_rilis", report)
    done = drive.complete(
        "penyedia.bkpsdm", release_id, "penerimaan_laporan_rilis", PENERIMAAN_RILIS
    )
    assert done["status"] == "complete"
    return {**release, "done": done}


def test_a_successful_release_applies_its_item_updates_and_a_failed_one_does_not(
    auth: Auth, drive: Driver
) -> None:
    vm = create(
        auth,
        {
            "type": "virtual_machine",
            "name": "VM-UJI-RILIS",
            "agency": "BKPSDM",
            "attributes": {"hostname": "uji-rilis", "ram_gb": 8},
            "services": ["SIMPEG"],
        },
        "admin",
    )
    failed = _released(drive, vm["id"], succeeded=False)
    assert failed["done"]["data"]["status_rilis"] == "gagal"
    assert auth.get("admin.infra", f"{ITEMS}/{vm['id']}").json["attributes"]["ram_gb"] == 8

    released = _released(drive, vm["id"], succeeded=True)
    item = auth.get("admin.infra", f"{ITEMS}/{vm['id']}").json
    assert item["attributes"]["ram_gb"] == 32
    updated = item["history"][-1]
    assert updated["source"]["id"] == released["id"]
    assert updated["reason"].startswith(f"Rilis {released['reference']}")
    assert updated["reason"].endswith("Kapasitas rilis baru")
    assert {c["id"] for c in item["cases"]} == {failed["id"], released["id"]}
