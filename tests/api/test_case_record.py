"""The case record beside a task (issue 12, item 1): a section per completed step with who
and when, each field under its form's title, its value as the form shows it, in the
reader's language, personal data masked for those who may not see it."""

from __future__ import annotations

from typing import Any

import pytest

from app.services.demo import SAMPLE_REQUEST
from app.services.instances.personal_data import MASK
from tests.api.test_sla_complaints import REPORT, _complete, _report, _task
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("deployed")

CLASSIFY = {
    "kategori": "aplikasi",
    "dampak": "Mayor",
    "prioritas": "P3",
    "analisis": "Layanan web berhenti setelah pembaruan.",
    "estimasi_selesai": "2026-11-24T10:00:00+07:00",
}


def _record(auth: Auth, username: str, task_id: str, language: str = "id") -> list[Any]:
    response = auth.client.get(
        f"/api/v1/tasks/{task_id}",
        headers={**auth.headers(username), "Accept-Language": language},
    )
    assert response.status_code == 200, response.json
    return response.json["record"]


def _fields(section: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in section["fields"]}


def test_the_desk_reads_what_the_reporter_wrote_beside_the_classification(auth: Auth) -> None:
    complaint = _report(auth)
    classify = _task(auth, "admin.layanan", complaint["id"], "klasifikasi_aduan")
    [start] = _record(auth, "admin.layanan", classify)
    assert (start["step"], start["by"]) == ("mulai", "penyedia")
    assert start["title"]
    fields = _fields(start)
    assert fields["gejala"]["shown"] == REPORT["gejala"]
    assert fields["gejala"]["title"] != "gejala"  # the form's title, not the key
    assert fields["layanan"]["kind"] == "choice"
    assert "SRIKANDI" in fields["layanan"]["shown"]
    assert fields["layanan"]["shown"] != "SRIKANDI"  # the service's name too
    assert fields["nip_nik"]["shown"] == REPORT["nip_nik"]  # the desk may act on it
    # Only what the form declares: facts the app and scripts add stay out.
    assert "layanan_info" not in fields
    assert "sla" not in fields
    assert [f["name"] for f in start["fields"]][:2] == ["layanan", "judul"]


def test_each_completed_step_is_a_section_in_the_readers_language(auth: Auth) -> None:
    complaint = _report(auth)
    classify = _task(auth, "admin.layanan", complaint["id"], "klasifikasi_aduan")
    _complete(auth, "admin.layanan", classify, CLASSIFY)
    handle = _task(auth, "admin.layanan", complaint["id"], "penanganan_aduan_admin")
    indonesian = _record(auth, "admin.layanan", handle)
    english = _record(auth, "admin.layanan", handle, "en")
    assert [s["step"] for s in indonesian] == ["mulai", "klasifikasi_aduan"]
    assert indonesian[1]["by"] == "admin.layanan"
    assert indonesian[1]["title"] == "Klasifikasi, Prioritisasi, Analisa dan Estimasi"
    due_id = _fields(indonesian[1])["estimasi_selesai"]
    due_en = _fields(english[1])["estimasi_selesai"]
    assert due_id["kind"] == "datetime"
    assert due_id["value"] == CLASSIFY["estimasi_selesai"]
    # 10:00 WIB, the case's zone, in each language's own way of writing it
    assert "24 Nov 2026" in due_id["shown"]
    assert "10.00" in due_id["shown"]
    assert "Nov 24, 2026" in due_en["shown"]
    assert "10:00" in due_en["shown"]


def _classified_request(auth: Auth, executor: str) -> tuple[int, str]:
    """A request the desk classified, naming `executor`: (instance id, the classification's
    task id)."""
    started = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": SAMPLE_REQUEST},
    )
    instance_id = started.json["id"]
    classify = _task(auth, "admin.layanan", instance_id, "klasifikasi_prioritas")
    decided = {"klasifikasi": "akses", "prioritas": "sedang", "gangguan": False}
    _complete(auth, "admin.layanan", classify, {**decided, "pelaksana": executor})
    return instance_id, classify


def test_choices_show_their_labels_and_booleans_words(auth: Auth) -> None:
    instance_id, _ = _classified_request(auth, "pelaksana")
    approve = _task(auth, "pj.layanan", instance_id, "persetujuan_permintaan")
    sections = _record(auth, "pj.layanan", approve)
    start, decided = _fields(sections[0]), _fields(sections[1])
    assert start["jenis_permintaan"]["kind"] == "choice"
    assert start["jenis_permintaan"]["shown"] != SAMPLE_REQUEST["jenis_permintaan"]
    assert decided["klasifikasi"]["shown"] == "Akses atau akun"
    assert decided["gangguan"]["shown"] == "Bukan gangguan (lanjutkan pemenuhan)"
    assert decided["pelaksana"]["shown"].endswith("(pelaksana)")
    english = _fields(_record(auth, "pj.layanan", approve, "en")[0])
    assert english["judul"]["shown"] == SAMPLE_REQUEST["judul"]


def test_a_reader_who_may_not_see_personal_data_reads_it_masked(auth: Auth) -> None:
    _, classify = _classified_request(auth, "admin.layanan")
    [start, _] = _record(auth, "pelaksana", classify)
    fields = _fields(start)
    assert (fields["nip_nik"]["shown"], fields["nip_nik"]["value"]) == (MASK, MASK)
    assert fields["telepon"]["shown"] == MASK
    assert fields["judul"]["shown"] == SAMPLE_REQUEST["judul"]
    clear = _fields(_record(auth, "admin.layanan", classify)[0])
    assert clear["nip_nik"]["shown"] == SAMPLE_REQUEST["nip_nik"]
