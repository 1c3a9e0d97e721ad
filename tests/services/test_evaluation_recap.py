"""The evaluation's chapters open with the recap counted from the records (issue 15, item
3): for a week of cases driven through the engine (tests/service_level_cases.py), the first
tasks' prefilled figures equal the service-level report over the same semester, per
service and per missed case, and a client cannot claim other figures."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from pypdf import PdfReader

from app.clock import FixedClock
from app.services.context import Platform
from app.services.evaluation.recap import AVAILABILITY_CHAPTER, CHAPTER_PROCEDURES
from app.services.evaluation.report_document import ATTACHED_EVENT
from app.services.spreadsheet import MIME_TYPES
from tests.conftest import Auth, States
from tests.engine.test_evaluasi_model import (
    DISAHKAN,
    DISETUJUI,
    LAPORAN,
    PELAYANAN,
    PENGOPERASIAN,
    TINDAK_LANJUT,
)
from tests.service_level_cases import WIB, Built, build
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("deployed")

REPORT = "/api/v1/reports/service-levels"
SEMESTER = "from=2026-07-01&to=2026-12-31"
STARTER, READER = "admin.layanan", "admin"
CHAPTER_TASKS = ("evaluasi_pelayanan_pengguna", "evaluasi_pengoperasian")
#: Text staff typed that a spreadsheet program would run; the workbook keeps it text.
FORMULA = '=HYPERLINK("http://contoh.invalid","klik")'
TARGETS = (("response", "tanggap"), ("resolution", "penyelesaian"), ("fulfilment", "pemenuhan"))


@pytest.fixture(scope="module")
def built(base_platform: Platform, states: States, session_app: Flask) -> Built:
    return build(base_platform, states, session_app)


@pytest.fixture
def week(platform: Platform, built: Built) -> Built:
    built.restore(platform)
    return built


def _evaluation(auth: Auth, agency: str) -> tuple[int, dict[str, dict[str, Any]]]:
    """Start the 2026-S2 evaluation of `agency`; its chapter tasks by name."""
    response = auth.post(
        STARTER,
        "/api/v1/process-instances",
        json={
            "process_model_id": "evaluasi",
            "data": {"periode": "2026-S2", "perangkat_daerah": agency},
        },
    )
    assert response.status_code == 201, response.json
    instance_id = response.json["id"]
    tasks = {}
    for who in ("admin.layanan", "admin.infra"):
        for item in auth.get(who, "/api/v1/tasks?per_page=200").json["items"]:
            if item["process_instance_id"] == instance_id:
                task = auth.get(who, f"/api/v1/tasks/{item['id']}")
                assert task.status_code == 200, task.json
                tasks[item["name"]] = task.json
    assert sorted(tasks) == list(CHAPTER_TASKS)
    return instance_id, tasks


def _report(auth: Auth, agency: str) -> dict[tuple[str, str | None], dict[str, Any]]:
    response = auth.get(READER, f"{REPORT}?{SEMESTER}&agency={agency}")
    assert response.status_code == 200, response.json
    return {(row["service"], row["procedure"]): row for row in response.json["rows"]}


def _missed(auth: Auth, agency: str, procedure: str) -> dict[str, list[str]]:
    """The report's drill-down: each missed case's reference and the targets it missed."""
    found: dict[str, list[str]] = {}
    for measure, words in TARGETS:
        response = auth.get(
            READER,
            f"{REPORT}/cases?{SEMESTER}&agency={agency}&procedure={procedure}"
            f"&measure={measure}_missed",
        )
        assert response.status_code == 200, response.json
        for case in response.json["items"]:
            found.setdefault(case["reference"], []).append(words)
    return found


def _expected_entry(row: dict[str, Any], total: dict[str, Any] | None) -> dict[str, Any]:
    """What a chapter says of one service, read off the report's rows."""
    entry: dict[str, Any] = {"layanan": row["service"], "nama_layanan": row["service_name"]}
    entry["jumlah_kasus"] = row["cases"] if row["procedure"] else 0
    missed = False
    for measure, words in TARGETS:
        tally = row[measure] if row["procedure"] else None
        entry[f"{words}_tercapai"] = tally["met"] if tally else None
        entry[f"{words}_tidak_tercapai"] = tally["missed"] if tally else None
        missed = missed or bool(tally and tally["missed"])
    availability = (total or {}).get("availability")
    entry["ketersediaan_target_persen"] = availability["target"] if availability else None
    entry["ketersediaan_tercapai_persen"] = availability["achieved"] if availability else None
    entry["ketersediaan_tercapai"] = availability["met"] if availability else None
    entry["mencapai_target"] = not missed and (not availability or availability["met"] is not False)
    return entry


@pytest.mark.parametrize("agency", ["BKPSDM", "DISKOMINFO"])
def test_the_prefilled_chapters_match_the_report_for_the_same_period(
    auth: Auth, week: Built, agency: str
) -> None:
    _, tasks = _evaluation(auth, agency)
    rows = _report(auth, agency)
    for chapter, procedure in CHAPTER_PROCEDURES.items():
        availability = chapter == AVAILABILITY_CHAPTER
        expected = []
        for (service, _), row in sorted(rows.items(), key=lambda item: item[0][0]):
            if row["procedure"] == procedure:
                expected.append(
                    _expected_entry(row, rows[(service, None)] if availability else None)
                )
            elif (
                availability
                and row["procedure"] is None
                and row["availability"]
                and row["availability"]["achieved"] is not None
                and (service, procedure) not in rows
            ):
                expected.append(_expected_entry(row, row))
        missed = _missed(auth, agency, procedure)
        for name, task in tasks.items():
            recap = task["data"][f"rekap_{chapter}"]
            assert recap["layanan"] == expected, (name, chapter)
            met = sum(1 for entry in expected if entry["mencapai_target"])
            assert (recap["jumlah_layanan"], recap["jumlah_mencapai_target"]) == (
                len(expected),
                met,
            )
            assert recap["semua_target_tercapai"] is (met == len(expected))
            assert {
                case["nomor_referensi"]: case["target_tidak_tercapai"].split(", ")
                for case in recap["kasus_tidak_tercapai"]
            } == missed
            assert all(
                case["tautan"].startswith("/proses/") for case in recap["kasus_tidak_tercapai"]
            )
            # The form shows the recap, read-only.
            if f"rekap_{chapter}" in task["form"]["schema"]["properties"]:
                assert task["form"]["schema"]["properties"][f"rekap_{chapter}"]["readOnly"]


def test_the_figures_are_the_hand_computed_ones(auth: Auth, week: Built) -> None:
    """SIMPEG's requests: R2 and R3 missed their fulfilment time, R1 and R4 met it;
    SRIKANDI's complaints: C2 missed its response time (tests/service_level_cases.py)."""
    _, tasks = _evaluation(auth, "BKPSDM")
    requests = tasks["evaluasi_pelayanan_pengguna"]["data"]["rekap_permintaan_layanan"]
    [simpeg] = requests["layanan"]
    assert (simpeg["layanan"], simpeg["jumlah_kasus"]) == ("SIMPEG", 4)
    assert (simpeg["pemenuhan_tercapai"], simpeg["pemenuhan_tidak_tercapai"]) == (2, 2)
    assert simpeg["mencapai_target"] is False
    assert (requests["jumlah_layanan"], requests["jumlah_mencapai_target"]) == (1, 0)
    assert [c["layanan"] for c in requests["kasus_tidak_tercapai"]] == ["SIMPEG", "SIMPEG"]
    assert {c["target_tidak_tercapai"] for c in requests["kasus_tidak_tercapai"]} == {"pemenuhan"}
    ids = {c["tautan"] for c in requests["kasus_tidak_tercapai"]}
    assert ids == {f"/proses/{week.ids['R2']}", f"/proses/{week.ids['R3']}"}

    _, tasks = _evaluation(auth, "DISKOMINFO")
    complaints = tasks["evaluasi_pelayanan_pengguna"]["data"]["rekap_penanganan_gangguan"]
    [srikandi] = complaints["layanan"]
    assert (srikandi["tanggap_tercapai"], srikandi["tanggap_tidak_tercapai"]) == (1, 1)
    assert (srikandi["penyelesaian_tercapai"], srikandi["penyelesaian_tidak_tercapai"]) == (1, 0)
    [late] = complaints["kasus_tidak_tercapai"]
    assert (late["tautan"], late["target_tidak_tercapai"]) == (
        f"/proses/{week.ids['C2']}",
        "tanggap",
    )
    monitoring = tasks["evaluasi_pengoperasian"]["data"]["rekap_pemantauan_pemeliharaan"]
    [availability] = [s for s in monitoring["layanan"] if s["layanan"] == "SRIKANDI"]
    # C1's 3 hours of outage over the semester's service hours up to now: above 98 %.
    assert availability["ketersediaan_target_persen"] == 98.0
    assert availability["ketersediaan_tercapai_persen"] == 99.662
    assert availability["mencapai_target"] is True
    assert availability["jumlah_kasus"] == 0


def test_a_client_cannot_claim_other_figures(auth: Auth, week: Built) -> None:
    """The recap is the process's: a client's figures are replaced by the computed ones
    before the form is checked, so a chapter short of its targets needs its analysis."""
    instance_id, tasks = _evaluation(auth, "BKPSDM")
    task = tasks["evaluasi_pelayanan_pengguna"]
    claimed = {
        **PELAYANAN,
        "rekap_permintaan_layanan": {
            "jumlah_layanan": 1,
            "jumlah_mencapai_target": 1,
            "semua_target_tercapai": True,
            "layanan": [],
            "kasus_tidak_tercapai": [],
        },
    }
    response = auth.post(STARTER, f"/api/v1/tasks/{task['id']}/complete", json={"data": claimed})
    assert response.status_code == 422, response.json
    assert "bab_permintaan_layanan.analisis_hambatan" in response.json["errors"]
    analysed = {
        **PELAYANAN["bab_permintaan_layanan"],
        "analisis_hambatan": "Pelaksana reset sandi hanya satu orang pada hari Senin.",
    }
    response = auth.post(
        STARTER,
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {**claimed, "bab_permintaan_layanan": analysed}},
    )
    assert response.status_code == 200, response.json
    events = auth.get(STARTER, f"/api/v1/process-instances/{instance_id}").json["events"]
    [done] = [e["data"]["data"] for e in events if e["kind"] == "task_completed"]
    assert done["rekap_permintaan_layanan"] == task["data"]["rekap_permintaan_layanan"]
    assert done["bab_permintaan_layanan"]["analisis_hambatan"] == analysed["analisis_hambatan"]


def test_the_task_page_shows_the_recap_read_only(
    auth: Auth, client: FlaskClient, week: Built
) -> None:
    _, tasks = _evaluation(auth, "BKPSDM")
    client_sign_in(client, STARTER)
    response = client.get(f"/tugas/{tasks['evaluasi_pelayanan_pengguna']['id']}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Rekapitulasi Permintaan Layanan dari catatan" in html
    assert 'value="SIMPEG"' in html
    reference = auth.get(STARTER, f"/api/v1/process-instances/{week.ids['R2']}").json["reference"]
    assert f'value="{reference}"' in html
    assert f'value="/proses/{week.ids["R2"]}"' in html


def _complete(auth: Auth, who: str, instance_id: int, name: str, data: dict[str, Any]) -> None:
    items = auth.get(who, "/api/v1/tasks?per_page=200").json["items"]
    [task] = [t for t in items if t["process_instance_id"] == instance_id and t["name"] == name]
    response = auth.post(who, f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
    assert response.status_code == 200, response.json


def test_the_adopted_report_is_attached_as_a_pdf(
    auth: Auth, client: FlaskClient, week: Built
) -> None:
    """Signed off by the PD's head, the report is laid out as a PDF from what was written
    and counted, and attached to the case; its text reads back, and the instance page
    links it for whoever may read the case."""
    instance_id, _ = _evaluation(auth, "DISKOMINFO")
    releases = {**PENGOPERASIAN["bab_rilis_layanan"], "peluang_penyempurnaan": FORMULA}
    _complete(
        auth,
        "admin.infra",
        instance_id,
        "evaluasi_pengoperasian",
        {**PENGOPERASIAN, "bab_rilis_layanan": releases},
    )
    _complete(auth, STARTER, instance_id, "evaluasi_pelayanan_pengguna", PELAYANAN)
    _complete(auth, STARTER, instance_id, "penyusunan_laporan", LAPORAN)
    _complete(auth, "pj.layanan", instance_id, "reviu_penanggung_jawab", DISETUJUI)
    events = auth.get(STARTER, f"/api/v1/process-instances/{instance_id}").json["events"]
    assert ATTACHED_EVENT not in [e["kind"] for e in events]  # not before it is adopted
    _complete(auth, "pimpinan", instance_id, "pengesahan_pimpinan", DISAHKAN)

    instance = auth.get(STARTER, f"/api/v1/process-instances/{instance_id}").json
    assert instance["data"]["laporan_evaluasi_disahkan"] is True
    [attached] = [e for e in instance["events"] if e["kind"] == ATTACHED_EVENT]
    assert attached["user"] == "pimpinan"
    file = attached["data"]["lampiran"]
    assert file["content_type"] == "application/pdf"
    with auth.get(STARTER, f"/api/v1/attachments/{file['attachment_id']}") as response:
        assert response.status_code == 200
        pdf = response.data
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    reference = instance["reference"]
    late = auth.get(STARTER, f"/api/v1/process-instances/{week.ids['C2']}").json["reference"]
    for expected in (
        "DINAS KOMUNIKASI DAN INFORMATIKA",
        "Laporan Evaluasi Manajemen Layanan SPBE",
        f"Periode 2026-S2 · Perangkat Daerah DISKOMINFO · {reference}",
        "Evaluasi Penyelenggaraan Penanganan Gangguan",
        "0 dari 1 layanan mencapai target",  # SRIKANDI: C2 missed its response
        late,
        "tanggap",
        "Evaluasi Rilis Layanan",
        LAPORAN["ringkasan_evaluasi"],
        TINDAK_LANJUT[0]["uraian"],
        DISAHKAN["arahan_pimpinan"],
        "Halaman 1 dari",
    ):
        assert expected in text, expected

    _check_workbook(
        auth, attached["data"]["salinan_xlsx"], instance, (late, f"/proses/{week.ids['C2']}")
    )

    # The instance page lists the system's files with the attachment route's link.
    client_sign_in(client, READER)
    page = client.get(f"/proses/{instance_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Dokumen dari sistem" in html
    assert f'href="/lampiran/{attached["data"]["salinan_xlsx"]["attachment_id"]}"' in html
    link = f'href="/lampiran/{file["attachment_id"]}"'
    assert link in html
    assert file["name"] in html
    with client.get(f"/lampiran/{file['attachment_id']}") as download:
        assert download.status_code == 200
        assert download.data == pdf
    # A case without such files shows no such section; an outsider reads neither.
    assert "Dokumen dari sistem" not in client.get(f"/proses/{week.ids['C2']}").get_data(
        as_text=True
    )
    outsider = client.application.test_client()
    client_sign_in(outsider, "pengguna")
    assert outsider.get(f"/proses/{instance_id}").status_code == 403
    assert outsider.get(f"/lampiran/{file['attachment_id']}").status_code == 404


def _check_workbook(
    auth: Auth, file: dict[str, Any], instance: dict[str, Any], late: tuple[str, str]
) -> None:
    """The editable copy read back: one sheet per chapter with the recap's figures as
    numbers and its missed cases, what staff wrote (a formula-like text kept as text),
    the follow-ups."""
    assert file["content_type"] == MIME_TYPES["xlsx"]
    assert file["name"] == f"laporan-evaluasi-{instance['reference']}.xlsx"
    with auth.get(STARTER, f"/api/v1/attachments/{file['attachment_id']}") as response:
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == [
        "Ringkasan",
        "Bab 1 Permintaan Layanan",
        "Bab 2 Penanganan Gangguan",
        "Bab 3 Pemantauan Pemeliharaan",
        "Bab 4 Pemulihan Layanan",
        "Bab 5 Rilis Layanan",
        "Tindak Lanjut",
    ]

    def rows(sheet: str) -> list[tuple[Any, ...]]:
        return [tuple(c for c in row if c is not None) for row in workbook[sheet].values]

    summary = rows("Ringkasan")
    assert ("Nomor referensi", instance["reference"]) in summary
    assert ("Ringkasan", LAPORAN["ringkasan_evaluasi"]) in summary
    assert ("Arahan pimpinan", DISAHKAN["arahan_pimpinan"]) in summary
    complaints = rows("Bab 2 Penanganan Gangguan")
    recap = instance["data"]["rekap_penanganan_gangguan"]
    assert ("Jumlah layanan", recap["jumlah_layanan"]) in complaints
    [srikandi] = [row for row in complaints if row[:1] == ("SRIKANDI",)]
    # SRIKANDI's complaints: response 1 met and 1 missed, resolution 1 met and 0 missed.
    assert srikandi[2:7] == (2, 1, 1, 1, 0)
    assert srikandi[-1] == "Tidak"
    reference, link = late
    assert [row for row in complaints if row[:1] == (reference,)] == [
        (reference, "SRIKANDI", "tanggap", link)
    ]
    assert ("Analisa hambatan", PELAYANAN["bab_penanganan_gangguan"]["analisis_hambatan"]) in (
        complaints
    )
    [cell] = [
        row[1]
        for row in workbook["Bab 5 Rilis Layanan"].iter_rows()
        if row[0].value == "Peluang penyempurnaan"
    ]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (FORMULA, "s", True)
    follow_ups = rows("Tindak Lanjut")
    assert follow_ups[1] == tuple(TINDAK_LANJUT[0].values())


def test_a_late_follow_up_reaches_the_head_s_inbox(
    auth: Auth, client: FlaskClient, platform: Platform, week: Built
) -> None:
    """After the adopted report's first follow-up date (28 February 2027) passes undone,
    the timer pass (`spbe tick`) gives the PD's head the late follow-ups."""
    instance_id, _ = _evaluation(auth, "DISKOMINFO")
    _complete(auth, "admin.infra", instance_id, "evaluasi_pengoperasian", PENGOPERASIAN)
    _complete(auth, STARTER, instance_id, "evaluasi_pelayanan_pengguna", PELAYANAN)
    _complete(auth, STARTER, instance_id, "penyusunan_laporan", LAPORAN)
    _complete(auth, "pj.layanan", instance_id, "reviu_penanggung_jawab", DISETUJUI)
    _complete(auth, "pimpinan", instance_id, "pengesahan_pimpinan", DISAHKAN)
    assert isinstance(platform.clock, FixedClock)
    platform.clock.set(datetime(2027, 3, 1, 0, 0, 30, tzinfo=WIB))
    assert instance_id in [f.instance_id for f in platform.timers().tick()]
    items = auth.get("pimpinan", "/api/v1/tasks?per_page=200").json["items"]
    [task] = [t for t in items if t["process_instance_id"] == instance_id]
    assert task["name"] == "arahan_tindak_lanjut_terlambat"
    detail = auth.get("pimpinan", f"/api/v1/tasks/{task['id']}").json
    late = detail["data"]["tindak_lanjut_terlambat_daftar"]
    assert [row["uraian"] for row in late] == [TINDAK_LANJUT[1]["uraian"]]
    client_sign_in(client, "pimpinan")
    page = client.get(f"/tugas/{task['id']}")
    assert page.status_code == 200
    assert TINDAK_LANJUT[1]["uraian"] in page.get_data(as_text=True)
    _complete(
        auth,
        "pimpinan",
        instance_id,
        "arahan_tindak_lanjut_terlambat",
        {"arahan_tindak_lanjut": "Selesaikan usulan revisi SLA pekan ini."},
    )
    # The monitoring goes on in the Administrator Layanan's inbox.
    items = auth.get(STARTER, "/api/v1/tasks?per_page=200").json["items"]
    assert [t["name"] for t in items if t["process_instance_id"] == instance_id] == [
        "pemantauan_tindak_lanjut"
    ]
