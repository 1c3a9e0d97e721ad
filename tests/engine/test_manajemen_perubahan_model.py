"""Engine-only checks of processes/manajemen-perubahan.bpmn (change management) and its forms.

No Flask and no database. The paths are driven through the runtime with the starting data
the app adds (tests/engine/harness.py); the model starts with a message start event, which
`Runtime.start` delivers for a start by hand (docs/bpmn-conventions.md, "Links between
procedures"). A change that needs a deployment throws `rilis-layanan` and waits for
`rilis-layanan-selesai`; the tests deliver that message through `Runtime.deliver` on the
stored state, as the app does when the release instance ends.

A standard change is pre-approved (no assessment, no approval). A failed verification goes
back to scheduling; a release that ends failed (Rilis Layanan has rolled it back and chosen
not to plan it again) closes the change as failed. A change implemented directly whose
implementation says `perlu_verifikasi` throws `verifikasi-konfigurasi` when it closes
(Kepbup Polewali Mandar 685/2021, II.3.e.3); one implemented by a release leaves that to
the release.
"""

import ast
import json
from datetime import UTC, datetime

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from app.engine.routing import route_for
from app.engine.sandbox import check_script
from app.engine.validation import validate_model
from tests.engine import diagram
from tests.engine.diagram import FORMS_DIR, NS
from tests.engine.forms_check import assert_invalid, assert_valid, form_validator, load_form
from tests.engine.harness import Procedure, bpmn_file, gateway_flows

MODEL_ID = "manajemen-perubahan"
BPMN_FILE = bpmn_file(MODEL_ID)
RELEASE_START_FORM = FORMS_DIR / "rilis-layanan-pengajuan.schema.json"
PROBLEM_KNOWN_ERROR_FORM = FORMS_DIR / "manajemen-masalah-known-error.schema.json"
PROCESS_ID = "manajemen_perubahan"
START_EVENT = "pengajuan_perubahan"
RELEASE_MESSAGE = "rilis-layanan"
RELEASE_DONE = "rilis-layanan-selesai"
VERIFY_MESSAGE = "verifikasi-konfigurasi"
VERIFY_START_FORM = FORMS_DIR / "verifikasi-konfigurasi-mulai.schema.json"
VERIFY_PAYLOAD = (
    '{"layanan": layanan, "alasan_verifikasi": "perubahan", "rujukan": nomor_perubahan}'
)
RELEASE_PAYLOAD = (
    '{"layanan": layanan, "judul": judul, "uraian_perubahan": uraian_perubahan, '
    '"nomor_perubahan": nomor_perubahan}'
)
CITATION = "Kepbup Polewali Mandar 685/2021, II.4"
CITATIONS = (CITATION, "Perbup Bangka 21/2025")
SPLITS = 6
LOOPS = {"f_terverifikasi_tidak"}

STARTER_LANE = "Pemohon"
ADMIN = "Administrator Layanan"
INFRA = "Administrator Infrastruktur dan Aplikasi"
PJ_PENYEDIA = "Penanggung Jawab Penyedia Layanan"

# What the runtime puts into the instance data at start (besides the start form);
# `nomor_referensi` because the start event has a `referencePrefix`.
RUNTIME_START_VARIABLES = {"layanan_info", "pemohon", "waktu_permintaan", "nomor_referensi"}
# Fields that would give the instance a complaint's or a request's SLA clocks
# (`clock_kind` in app/services/deadlines/service_levels.py), or start an RTO clock:
# a change must not set them.
CLOCK_FIELDS = {"dampak", "urgensi", "jenis_permintaan", "drp_diaktifkan", "layanan_pulih"}


T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
NOMOR = "PRB-2026-000001"

PENGAJUAN = {
    "layanan": "SIMPEG",
    "judul": "Pengelola kumpulan koneksi SIMPEG",
    "uraian_perubahan": "Memasang pengelola kumpulan koneksi antara aplikasi dan basis data.",
    "alasan_perubahan": "Menghilangkan akar masalah login gagal saat beban puncak.",
    "nomor_masalah": "MSL-2026-000007",
    "sumber_perubahan": "manajemen_masalah",
    "komponen_konfigurasi": ["srv-simpeg-01", "db-simpeg"],
}


def kategorisasi(kategori):
    data = {
        "judul": PENGAJUAN["judul"],
        "uraian_perubahan": PENGAJUAN["uraian_perubahan"],
        "kategori_perubahan": kategori,
        "alasan_kategori": "Menyentuh basis data produksi layanan Kritis.",
    }
    if kategori != "standar":
        data["batas_waktu_persetujuan"] = "2026-11-27T16:00:00+07:00"
    return data


KAJIAN = {
    "dampak_pengguna": "Pengguna tidak dapat login selama pemasangan (malam hari).",
    "dampak_komponen": "Aplikasi SIMPEG dan basis data; server bertambah satu layanan.",
    "kebutuhan_sumber_daya_biaya": "Satu VM 2 vCPU/4 GB dari kapasitas yang ada; tanpa biaya.",
    "waktu_implementasi_jam": 3,
    "manfaat_perubahan": "Login tidak gagal lagi saat beban puncak.",
    "dampak_tidak_diimplementasikan": "Login gagal setiap Senin pagi berlanjut.",
    "relasi_perubahan_lain": "Tidak ada",
    "risiko_gangguan_implementasi": "Henti layanan sekitar 30 menit; rollback dengan snapshot.",
    "tim_pengkaji": "Tim Aplikasi Diskominfo (Andi, Budi)",
    "rekomendasi_kajian": "setujui",
}
SETUJU = {"keputusan_perubahan": "setuju", "catatan_persetujuan": "Laksanakan di luar jam kerja."}
TOLAK = {"keputusan_perubahan": "tolak", "alasan_penolakan": "Bentrok dengan batas unggah BKN."}


def penjadwalan(perlu_rilis):
    return {
        "jadwal_mulai": "2026-12-05T20:00:00+07:00",
        "jadwal_selesai": "2026-12-05T23:00:00+07:00",
        "rencana_implementasi": "Pasang pengelola koneksi, ubah konfigurasi aplikasi, uji login.",
        "perlu_rilis": perlu_rilis,
        "distribusi_jadwal": ["pengguna_layanan", "penyedia_layanan"],
    }


IMPLEMENTASI = {
    "langkah_implementasi": "Parameter koneksi aplikasi diubah dan layanan dijalankan ulang.",
    "waktu_selesai_implementasi": "2026-12-05T21:10:00+07:00",
    "hasil_implementasi": "Konfigurasi baru aktif.",
    "perlu_verifikasi": False,
}
PERLU_VERIFIKASI = {**IMPLEMENTASI, "perlu_verifikasi": True}
TERVERIFIKASI = {
    "hasil_verifikasi": "Uji beban 200 login serentak berhasil tanpa galat.",
    "perubahan_terverifikasi": True,
}
GAGAL_VERIFIKASI = {
    "hasil_verifikasi": "Uji beban masih menghasilkan galat 504.",
    "perubahan_terverifikasi": False,
    "alasan_verifikasi_gagal": "Perubahan konfigurasi saja tidak cukup; perlu rilis aplikasi.",
}
PENERIMAAN = {
    "pengguna_diinformasikan": True,
    "informasi_pengguna": "Pengumuman di portal SIMPEG, 6 Desember 2026.",
}
KOMPONEN = {"komponen_cmdb": [7, 8]}
PEMBARUAN = {
    "pembaruan_komponen": [
        {"komponen": 7, "status": "maintenance", "atribut": {"ram_gb": 16}, "catatan": "RAM"},
        {"komponen": 8, "status": "retired"},
    ]
}
RILIS_BERHASIL = {"rilis_berhasil": True, "laporan_rilis": "Rilis 2.4.1 berhasil; henti 25 menit."}
RILIS_GAGAL = {"rilis_berhasil": False, "laporan_rilis": "Rilis gagal dan dikembalikan ke 2.4.0."}
# --------------------------------------------------------------------------- helpers


@pytest.fixture
def procedure():
    return Procedure(MODEL_ID, T0, requester="admin.layanan")


def deliver_release_result(run, payload):
    """What the app does when the release instance ends: the done message to this one."""
    [waiting] = run.workflow().get_tasks(state=TaskState.WAITING, spec_name="tunggu_rilis")
    assert waiting.task_spec.event_definition.name == RELEASE_DONE
    run.deliver(RELEASE_DONE, payload)


def assess_and_approve(run, kategori="normal"):
    run.complete("kategorisasi_perubahan", ADMIN, kategorisasi(kategori))
    run.complete("kajian_perubahan", INFRA, KAJIAN)
    run.complete("persetujuan_perubahan", PJ_PENYEDIA, SETUJU)


def release(run, payload):
    run.complete("penjadwalan_perubahan", INFRA, penjadwalan(True))
    # Thrown, then waiting: no user task until the release reports back.
    assert run.ready == []
    assert not run.completed
    deliver_release_result(run, payload)


def verify_and_accept(run):
    run.complete("verifikasi_perubahan", ADMIN, TERVERIFIKASI)
    run.complete("penerimaan_perubahan", PJ_PENYEDIA, PENERIMAAN)


def run_approved_and_released(procedure):
    run = procedure.start(PENGAJUAN)
    assess_and_approve(run)
    release(run, RILIS_BERHASIL)
    verify_and_accept(run)
    return run


def run_standard_direct_then_released(procedure):
    """Standard (pre-approved), implemented directly, fails verification, then released."""
    run = procedure.start(PENGAJUAN)
    run.complete("kategorisasi_perubahan", ADMIN, kategorisasi("standar"))
    run.complete("penjadwalan_perubahan", INFRA, penjadwalan(False))
    run.complete("implementasi_perubahan", INFRA, IMPLEMENTASI)
    run.complete("verifikasi_perubahan", ADMIN, GAGAL_VERIFIKASI)
    release(run, RILIS_BERHASIL)
    verify_and_accept(run)
    return run


def run_standard_direct_verified(procedure):
    """Standard, implemented directly with a configuration verification asked for."""
    run = procedure.start(PENGAJUAN)
    run.complete("kategorisasi_perubahan", ADMIN, kategorisasi("standar"))
    run.complete("penjadwalan_perubahan", INFRA, penjadwalan(False))
    run.complete("implementasi_perubahan", INFRA, PERLU_VERIFIKASI)
    verify_and_accept(run)
    return run


def run_rejected(procedure):
    run = procedure.start(PENGAJUAN)
    run.complete("kategorisasi_perubahan", ADMIN, kategorisasi("darurat"))
    run.complete(
        "kajian_perubahan",
        INFRA,
        {**KAJIAN, "rekomendasi_kajian": "tolak", "catatan_rekomendasi": "Risiko terlalu besar."},
    )
    run.complete("persetujuan_perubahan", PJ_PENYEDIA, TOLAK)
    return run


def run_release_failed(procedure):
    run = procedure.start(PENGAJUAN)
    assess_and_approve(run)
    release(run, RILIS_GAGAL)
    return run


def release_messages(run):
    return [(name, payload) for name, payload in run.thrown() if name == RELEASE_MESSAGE]


def verify_messages(run):
    return [(name, payload) for name, payload in run.thrown() if name == VERIFY_MESSAGE]


EXPECTED_RELEASE = {
    "layanan": "SIMPEG",
    "judul": PENGAJUAN["judul"],
    "uraian_perubahan": PENGAJUAN["uraian_perubahan"],
    "nomor_perubahan": NOMOR,
}
EXPECTED_VERIFY = {"layanan": "SIMPEG", "alasan_verifikasi": "perubahan", "rujukan": NOMOR}

# --------------------------------------------------------------------------- paths


def test_run_approved_released_verified_and_accepted(procedure):
    run = run_approved_and_released(procedure)
    assert run.completed
    assert run.reached("perubahan_selesai") == 1
    assert run.data["status_perubahan"] == "selesai"
    assert run.data["nomor_perubahan"] == NOMOR
    assert run.data["tingkat_persetujuan"] == "penanggung_jawab_penyedia_layanan"
    assert run.data["hasil_rilis"] == RILIS_BERHASIL
    assert run.data["rilis_berhasil"] is True
    assert run.data["laporan_rilis"] == RILIS_BERHASIL["laporan_rilis"]
    assert not run.reached("implementasi_perubahan")
    assert release_messages(run) == [(RELEASE_MESSAGE, EXPECTED_RELEASE)]


def test_run_standard_change_skips_assessment_and_is_rescheduled(procedure):
    run = run_standard_direct_then_released(procedure)
    assert run.completed
    assert run.reached("perubahan_selesai") == 1
    assert not run.reached("kajian_perubahan")
    assert not run.reached("persetujuan_perubahan")
    assert run.data["tingkat_persetujuan"] == "pra_disetujui"
    assert run.reached("penjadwalan_perubahan") == 2
    assert run.reached("implementasi_perubahan") == 1
    assert run.reached("verifikasi_perubahan") == 2
    assert release_messages(run) == [(RELEASE_MESSAGE, EXPECTED_RELEASE)]


def test_run_implemented_directly_asks_for_a_configuration_verification(procedure):
    """Kepbup Polewali Mandar 685/2021, II.3.e.3): verification after an infrastructure
    change. Thrown once, when the change closes (after its CMDB updates), citing it."""
    run = procedure.start(PENGAJUAN)
    run.complete("kategorisasi_perubahan", ADMIN, kategorisasi("standar"))
    run.complete("penjadwalan_perubahan", INFRA, penjadwalan(False))
    run.complete("implementasi_perubahan", INFRA, PERLU_VERIFIKASI)
    run.complete("verifikasi_perubahan", ADMIN, TERVERIFIKASI)
    assert verify_messages(run) == []  # not before the change is accepted
    run.complete("penerimaan_perubahan", PJ_PENYEDIA, PENERIMAAN)
    assert run.completed
    assert run.reached("perubahan_selesai") == 1
    assert run.data["status_perubahan"] == "selesai"
    assert run.thrown() == [(VERIFY_MESSAGE, EXPECTED_VERIFY)]
    assert [(m.name, m.payload) for m in run.outcome.messages] == [
        (VERIFY_MESSAGE, EXPECTED_VERIFY)
    ]


def test_a_change_implemented_by_a_release_leaves_the_verification_to_it(procedure):
    """Implemented directly with `perlu_verifikasi`, not verified, then released: the
    release asks on its own execution form, so the change throws no verification."""
    run = procedure.start(PENGAJUAN)
    run.complete("kategorisasi_perubahan", ADMIN, kategorisasi("standar"))
    run.complete("penjadwalan_perubahan", INFRA, penjadwalan(False))
    run.complete("implementasi_perubahan", INFRA, PERLU_VERIFIKASI)
    run.complete("verifikasi_perubahan", ADMIN, GAGAL_VERIFIKASI)
    release(run, RILIS_BERHASIL)
    verify_and_accept(run)
    assert run.completed
    assert run.data["perlu_verifikasi"] is True
    assert verify_messages(run) == []
    for drive in (run_approved_and_released, run_standard_direct_then_released):
        assert verify_messages(drive(procedure)) == []


def test_the_verification_request_satisfies_the_verification_start_form(procedure):
    run = run_standard_direct_verified(procedure)
    [(_, payload)] = verify_messages(run)
    schema = json.loads(VERIFY_START_FORM.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert not list(validator.iter_errors(payload))


def test_run_rejected_with_reason(procedure):
    run = run_rejected(procedure)
    assert run.completed
    assert run.reached("perubahan_ditolak") == 1
    assert run.data["status_perubahan"] == "ditolak"
    assert run.data["alasan_penolakan"] == TOLAK["alasan_penolakan"]
    assert run.data["tingkat_persetujuan"] == "penanggung_jawab_penyedia_layanan_segera"
    assert not run.reached("penjadwalan_perubahan")
    assert run.thrown() == []


def test_run_failed_release_closes_the_change_as_failed(procedure):
    run = run_release_failed(procedure)
    assert run.completed
    assert run.reached("perubahan_gagal") == 1
    assert not run.reached("verifikasi_perubahan")
    assert run.data["status_perubahan"] == "gagal"
    assert run.data["rilis_berhasil"] is False
    assert run.data["laporan_rilis"] == RILIS_GAGAL["laporan_rilis"]


def test_the_cmdb_is_updated_only_where_the_change_is_accepted(procedure):
    """`mutakhirkan_cmdb` sets the marker the app applies the recorded item updates on
    (app/services/configuration/case_forms.py), after the acceptance and before the close;
    a rejected or failed change never reaches it."""
    run = procedure.start(PENGAJUAN)
    run.complete("kategorisasi_perubahan", ADMIN, {**kategorisasi("standar"), **KOMPONEN})
    run.complete("penjadwalan_perubahan", INFRA, penjadwalan(False))
    run.complete("implementasi_perubahan", INFRA, {**IMPLEMENTASI, **PEMBARUAN})
    run.complete("verifikasi_perubahan", ADMIN, TERVERIFIKASI)
    assert "terapkan_pembaruan_komponen" not in run.data
    run.complete("penerimaan_perubahan", PJ_PENYEDIA, PENERIMAAN)
    assert run.completed
    assert run.reached("mutakhirkan_cmdb") == 1
    assert run.data["terapkan_pembaruan_komponen"] is True
    assert run.data["pembaruan_komponen"] == PEMBARUAN["pembaruan_komponen"]
    assert run.data["status_perubahan"] == "selesai"
    for drive in (run_rejected, run_release_failed):
        run = drive(procedure)
        assert not run.reached("mutakhirkan_cmdb")
        assert "terapkan_pembaruan_komponen" not in run.data


def test_the_forms_name_items_from_the_cmdb(procedure):
    """The categorisation names the items (a multi-select bound to the CMDB), the
    implementation records each one's new status or attributes."""
    kategori = load_form("manajemen-perubahan-kategorisasi.schema.json")["properties"]
    assert kategori["komponen_cmdb"]["x-options"] == "configuration-items"
    assert kategori["komponen_cmdb"]["items"] == {"type": "integer"}
    assert "/" in kategori["komponen_cmdb"]["title"]  # Indonesian / English
    rows = load_form("manajemen-perubahan-implementasi.schema.json")["properties"]
    row = rows["pembaruan_komponen"]["items"]
    assert row["properties"]["komponen"]["x-options"] == "configuration-items"
    assert row["required"] == ["komponen"]
    spec = procedure.model.spec
    categorise = spec.task_specs["kategorisasi_perubahan"].extensions["properties"]
    implement = spec.task_specs["implementasi_perubahan"].extensions["properties"]
    assert_valid(categorise, {**kategorisasi("standar"), **KOMPONEN})
    assert_invalid(categorise, {**kategorisasi("standar"), "komponen_cmdb": ["srv-simpeg-01"]})
    assert_valid(implement, {**IMPLEMENTASI, **PEMBARUAN})
    for wrong in ({"status": "active"}, {"komponen": 7, "status": "hilang"}, {"komponen": "7"}):
        assert_invalid(implement, {**IMPLEMENTASI, "pembaruan_komponen": [wrong]})


def test_an_incomplete_release_result_counts_as_failed(procedure):
    run = procedure.start(PENGAJUAN)
    assess_and_approve(run)
    release(run, {"laporan_rilis": "?"})
    assert run.reached("perubahan_gagal") == 1


def test_every_outgoing_flow_of_every_gateway_is_driven(procedure):
    taken = set()
    for drive in (
        run_approved_and_released,
        run_standard_direct_then_released,
        run_standard_direct_verified,
        run_rejected,
        run_release_failed,
    ):
        taken |= drive(procedure).taken_flows()
    assert taken == gateway_flows(BPMN_FILE)


def test_the_release_request_satisfies_the_release_start_form(procedure):
    run = procedure.start(PENGAJUAN)
    assess_and_approve(run)
    run.complete("penjadwalan_perubahan", INFRA, penjadwalan(True))
    [(name, payload)] = run.thrown()
    assert (name, payload) == (RELEASE_MESSAGE, EXPECTED_RELEASE)
    schema = json.loads(RELEASE_START_FORM.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert not list(validator.iter_errors(payload))
    assert run.waiting_ids() == ["tunggu_rilis"]


def test_without_a_reference_number_the_change_number_is_empty(procedure):
    data = procedure.start_data(PENGAJUAN)
    del data["nomor_referensi"]
    run = procedure.start_from(data)
    assert run.outcome.failure is None, run.outcome.failure
    assess_and_approve(run)
    run.complete("penjadwalan_perubahan", INFRA, penjadwalan(True))
    [(_, payload)] = run.thrown()
    assert payload["nomor_perubahan"] == ""


def test_a_problem_started_change_satisfies_the_start_form(procedure):
    """What Manajemen Masalah sends (its known-error form's fields) starts a change."""
    spec = procedure.model.spec
    problem_form = json.loads(PROBLEM_KNOWN_ERROR_FORM.read_text(encoding="utf-8"))
    start_props = spec.task_specs[START_EVENT].extensions["properties"]
    start_form = load_form(start_props["formJsonSchemaFilename"])
    for source, target in (
        ("judul_perubahan", "judul"),
        ("uraian_perubahan", "uraian_perubahan"),
        ("alasan_perubahan", "alasan_perubahan"),
    ):
        for key in ("type", "minLength", "maxLength"):
            assert problem_form["properties"][source].get(key) == start_form["properties"][
                target
            ].get(key), (source, key)
    assert_valid(
        start_props,
        {
            "layanan": "SIMPEG",
            "judul": PENGAJUAN["judul"],
            "uraian_perubahan": PENGAJUAN["uraian_perubahan"],
            "alasan_perubahan": PENGAJUAN["alasan_perubahan"],
            "nomor_masalah": "",
        },
    )


def test_the_start_waits_for_its_message(procedure):
    assert procedure.model.spec.task_specs[START_EVENT].lane == STARTER_LANE
    wf = procedure.unstarted(procedure.start_data(PENGAJUAN))
    # A message start event waits for its message; nothing runs before it arrives.
    assert not wf.get_tasks(state=TaskState.READY, manual=True)
    [waiting] = wf.get_tasks(state=TaskState.WAITING)
    assert waiting.task_spec.bpmn_id == START_EVENT
    with pytest.raises(Exception, match="not waiting"):
        wf.send_event(BpmnEvent(MessageEventDefinition(RELEASE_DONE), RILIS_BERHASIL))


def test_no_form_sets_clock_fields(procedure):
    """A change has no SLA or RTO clock: no form may name the fields that start one."""
    for name, task_spec in procedure.model.spec.task_specs.items():
        properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
        if "formJsonSchemaFilename" in properties:
            fields = set(load_form(properties["formJsonSchemaFilename"])["properties"])
            assert not CLOCK_FIELDS & fields, name


def test_tasks_route_to_their_lanes(procedure):
    model = procedure.model
    data = procedure.start_data(PENGAJUAN)
    expected = {
        "kategorisasi_perubahan": ADMIN,
        "kajian_perubahan": INFRA,
        "persetujuan_perubahan": PJ_PENYEDIA,
        "penjadwalan_perubahan": INFRA,
        "implementasi_perubahan": INFRA,
        "verifikasi_perubahan": ADMIN,
        "penerimaan_perubahan": PJ_PENYEDIA,
    }
    assert set(model.user_tasks) == set(expected)
    for bpmn_id, lane in expected.items():
        route = route_for(model.user_tasks[bpmn_id], data, "admin.layanan")
        assert (route.lane, route.assignee, route.requires_role) == (lane, None, True)


# --------------------------------------------------------------------------- through the runtime


@pytest.mark.parametrize(
    ("result", "end", "steps_after"),
    [
        (
            RILIS_BERHASIL,
            "selesai",
            [
                ("verifikasi_perubahan", ADMIN, TERVERIFIKASI),
                ("penerimaan_perubahan", PJ_PENYEDIA, PENERIMAAN),
            ],
        ),
        (RILIS_GAGAL, "gagal", []),
    ],
    ids=["berhasil", "gagal"],
)
def test_runtime_waits_for_the_release_and_takes_its_result(procedure, result, end, steps_after):
    model = procedure.model
    assert model.start_message == MODEL_ID
    assert model.reference_prefix == "PRB"
    run = procedure.start(PENGAJUAN)
    # "waiting" with nothing ready means the start message was not delivered.
    assert run.status == "running"
    for bpmn_id, lane, data in (
        ("kategorisasi_perubahan", ADMIN, kategorisasi("normal")),
        ("kajian_perubahan", INFRA, KAJIAN),
        ("persetujuan_perubahan", PJ_PENYEDIA, SETUJU),
    ):
        assert run.outcome.messages == []
        run.complete(bpmn_id, lane, data)
    run.complete("penjadwalan_perubahan", INFRA, penjadwalan(True))
    messages = run.outcome.messages
    assert [(m.name, m.payload) for m in messages] == [(RELEASE_MESSAGE, EXPECTED_RELEASE)]
    assert run.status == "waiting"
    assert run.ready == []
    assert run.waiting_ids() == ["tunggu_rilis"]

    outcome = run.deliver(RELEASE_DONE, result)
    assert outcome.failure is None, outcome.failure
    assert outcome.messages == []
    for bpmn_id, lane, data in steps_after:
        run.complete(bpmn_id, lane, data)
    assert run.status == "complete"
    assert run.data["status_perubahan"] == end
    assert run.data["hasil_rilis"] == result


# --------------------------------------------------------------------------- forms


def test_forms_reject_invalid_submissions(procedure):
    spec = procedure.model.spec
    props = {
        name: task_spec.extensions["properties"]
        for name, task_spec in spec.task_specs.items()
        if (getattr(task_spec, "extensions", None) or {})
        .get("properties", {})
        .get("formJsonSchemaFilename")
    }
    assert set(props) == {
        START_EVENT,
        "kategorisasi_perubahan",
        "kajian_perubahan",
        "persetujuan_perubahan",
        "penjadwalan_perubahan",
        "implementasi_perubahan",
        "verifikasi_perubahan",
        "penerimaan_perubahan",
    }
    start_form = props[START_EVENT]
    for field in ("layanan", "judul", "uraian_perubahan", "alasan_perubahan"):
        assert_invalid(start_form, {k: v for k, v in PENGAJUAN.items() if k != field})
    assert_invalid(start_form, {**PENGAJUAN, "jenis_perubahan": "perbaikan"})

    kategori = props["kategorisasi_perubahan"]
    assert_invalid(kategori, {**kategorisasi("normal"), "kategori_perubahan": "besar"})
    for value in ("normal", "darurat"):
        data = {k: v for k, v in kategorisasi(value).items() if k != "batas_waktu_persetujuan"}
        assert_invalid(kategori, data)
    assert_valid(kategori, kategorisasi("standar"))
    assert_invalid(
        kategori, {**kategorisasi("normal"), "batas_waktu_persetujuan": "27-11-2026 16:00"}
    )

    kajian = props["kajian_perubahan"]
    for field in KAJIAN:
        assert_invalid(kajian, {k: v for k, v in KAJIAN.items() if k != field})
    assert_invalid(kajian, {**KAJIAN, "waktu_implementasi_jam": 0})
    assert_invalid(kajian, {**KAJIAN, "rekomendasi_kajian": "tolak"})

    persetujuan = props["persetujuan_perubahan"]
    assert_invalid(persetujuan, {"keputusan_perubahan": "tolak"})
    assert_invalid(persetujuan, {"keputusan_perubahan": "ya"})
    assert_valid(persetujuan, {"keputusan_perubahan": "setuju"})

    jadwal = props["penjadwalan_perubahan"]
    for field in ("jadwal_mulai", "jadwal_selesai", "perlu_rilis", "distribusi_jadwal"):
        assert_invalid(jadwal, {k: v for k, v in penjadwalan(True).items() if k != field})
    assert_invalid(jadwal, {**penjadwalan(True), "jadwal_mulai": "2026-12-05T20:00:00"})
    assert_invalid(jadwal, {**penjadwalan(True), "distribusi_jadwal": []})
    assert_invalid(jadwal, {**penjadwalan(True), "distribusi_jadwal": ["warga"]})

    assert_invalid(props["implementasi_perubahan"], {"hasil_implementasi": "Selesai."})
    assert_invalid(
        props["implementasi_perubahan"],
        {k: v for k, v in IMPLEMENTASI.items() if k != "perlu_verifikasi"},
    )
    assert_valid(props["implementasi_perubahan"], PERLU_VERIFIKASI)
    verifikasi = props["verifikasi_perubahan"]
    assert_invalid(
        verifikasi, {k: v for k, v in GAGAL_VERIFIKASI.items() if k != "alasan_verifikasi_gagal"}
    )
    assert_invalid(props["penerimaan_perubahan"], {"pengguna_diinformasikan": True})
    assert_valid(props["penerimaan_perubahan"], {"pengguna_diinformasikan": False})


def test_assessment_covers_the_13_points_of_polewali_ii_4_g(procedure):
    """One field per point: 1)-9) in the assessment, 10)-13) in the later steps."""
    spec = procedure.model.spec
    fields = {}
    for task_spec in spec.task_specs.values():
        properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
        if "formJsonSchemaFilename" in properties:
            schema = load_form(properties["formJsonSchemaFilename"])
            for name, field in schema["properties"].items():
                fields[name] = (task_spec.bpmn_id, field.get("description", ""))
    points = {
        1: ("kajian_perubahan", "dampak_pengguna"),
        2: ("kajian_perubahan", "dampak_komponen"),
        3: ("kajian_perubahan", "kebutuhan_sumber_daya_biaya"),
        4: ("kajian_perubahan", "waktu_implementasi_jam"),
        5: ("kajian_perubahan", "manfaat_perubahan"),
        6: ("kajian_perubahan", "dampak_tidak_diimplementasikan"),
        7: ("kajian_perubahan", "relasi_perubahan_lain"),
        8: ("kajian_perubahan", "risiko_gangguan_implementasi"),
        9: ("kajian_perubahan", "tim_pengkaji"),
        10: ("persetujuan_perubahan", "keputusan_perubahan"),
        11: ("penjadwalan_perubahan", "jadwal_mulai"),
        12: ("implementasi_perubahan", "langkah_implementasi"),
        13: ("verifikasi_perubahan", "hasil_verifikasi"),
    }
    for point, (task, field) in points.items():
        assert fields[field][0] == task, point
        if point <= 11:
            assert f"II.4.g.{point})" in fields[field][1], (point, field)
    assert "II.4.g.9)" in fields["rekomendasi_kajian"][1]
    tree = etree.parse(str(BPMN_FILE))
    for task, point in (
        ("implementasi_perubahan", "g.12)"),
        ("tunggu_rilis", "g.12)"),
        ("verifikasi_perubahan", "g.13)"),
        ("penerimaan_perubahan", "g.13)"),
    ):
        doc = tree.find(f"bpmn:process/*[@id='{task}']/bpmn:documentation", NS).text
        assert point in doc, task


def test_start_form_declares_the_start_fields(procedure):
    spec = procedure.model.spec
    start_props = spec.task_specs[START_EVENT].extensions["properties"]
    assert start_props["referencePrefix"] == "PRB"
    schema = load_form(start_props["formJsonSchemaFilename"])
    fields = schema["properties"]
    assert fields["layanan"]["type"] == "string"
    assert set(schema["required"]) == {"layanan", "judul", "uraian_perubahan", "alasan_perubahan"}
    assert fields["nomor_masalah"]["type"] == "string"
    assert "minLength" not in fields["nomor_masalah"]
    assert fields["jenis_perubahan"]["enum"] == ["penambahan", "penghapusan", "transfer"]
    kategori = load_form("manajemen-perubahan-kategorisasi.schema.json")["properties"]
    assert kategori["kategori_perubahan"]["enum"] == ["standar", "normal", "darurat"]
    jadwal = load_form("manajemen-perubahan-penjadwalan.schema.json")["properties"]
    for field in ("jadwal_mulai", "jadwal_selesai"):
        assert jadwal[field]["format"] == "date-time"
    assert jadwal["perlu_rilis"]["type"] == "boolean"
    # The runtime sets these; the starter must not be asked for them.
    assert set(procedure.start_data(PENGAJUAN)) - set(PENGAJUAN) == RUNTIME_START_VARIABLES
    assert not RUNTIME_START_VARIABLES & set(fields)


def test_every_user_task_has_a_form(procedure):
    spec = procedure.model.spec
    user_tasks = [t for t in spec.task_specs.values() if getattr(t, "manual", False)]
    assert len(user_tasks) == 7
    for task_spec in user_tasks:
        form_validator(task_spec.extensions["properties"])


# --------------------------------------------------------------------------- deploy checks


def test_deploy_validation_accepts_the_model_without_warnings(procedure):
    model = procedure.model
    assert model.process_id == PROCESS_ID
    assert set(model.roots) == {"manajemen-perubahan.bpmn"}
    assert model.start_form.schema_file == "manajemen-perubahan-pengajuan.schema.json"
    assert model.start_message == MODEL_ID
    assert model.reference_prefix == "PRB"
    assert model.escalations == {}
    assert validate_model(model, diagram.KNOWN_ROLES) == []


def test_messages_link_the_procedure():
    tree = etree.parse(str(BPMN_FILE))
    """Started by its own message; throws `rilis-layanan` and waits for its done message;
    throws `verifikasi-konfigurasi` as it closes."""
    root = tree.getroot()
    messages = {m.get("id"): m.get("name") for m in root.findall("bpmn:message", NS)}
    assert sorted(messages.values()) == sorted(
        [MODEL_ID, RELEASE_MESSAGE, RELEASE_DONE, VERIFY_MESSAGE]
    )
    process = tree.find("bpmn:process", NS)
    [start_event] = process.findall("bpmn:startEvent", NS)
    [definition] = start_event.findall("bpmn:messageEventDefinition", NS)
    assert messages[definition.get("messageRef")] == MODEL_ID
    throws = {t.get("id"): t for t in process.findall("bpmn:intermediateThrowEvent", NS)}
    assert sorted(throws) == ["ajukan_verifikasi_konfigurasi", "mulai_rilis"]
    [definition] = throws["ajukan_verifikasi_konfigurasi"].findall(
        "bpmn:messageEventDefinition", NS
    )
    assert messages[definition.get("messageRef")] == VERIFY_MESSAGE
    payload = definition.find("bpmn:extensionElements/spiffworkflow:messagePayload", NS).text
    assert payload == VERIFY_PAYLOAD
    keys = {k.value for k in ast.parse(payload, mode="eval").body.keys}
    verify_form = json.loads(VERIFY_START_FORM.read_text(encoding="utf-8"))
    assert set(verify_form["required"]) <= keys
    throw = throws["mulai_rilis"]
    [definition] = throw.findall("bpmn:messageEventDefinition", NS)
    assert messages[definition.get("messageRef")] == RELEASE_MESSAGE
    payload = definition.find("bpmn:extensionElements/spiffworkflow:messagePayload", NS).text
    assert payload == RELEASE_PAYLOAD
    diagram.check_restricted(payload)
    assert check_script(payload, "eval") == []
    keys = {k.value for k in ast.parse(payload, mode="eval").body.keys}
    release_form = json.loads(RELEASE_START_FORM.read_text(encoding="utf-8"))
    assert set(release_form["required"]) <= keys
    [catch] = process.findall("bpmn:intermediateCatchEvent", NS)
    [definition] = catch.findall("bpmn:messageEventDefinition", NS)
    assert messages[definition.get("messageRef")] == RELEASE_DONE
    variable = definition.find("bpmn:extensionElements/spiffworkflow:messageVariable", NS)
    assert variable.text == "hasil_rilis"
    # The throw is followed directly by the wait.
    flows = {
        f.get("sourceRef"): f.get("targetRef") for f in process.findall("bpmn:sequenceFlow", NS)
    }
    assert flows[throw.get("id")] == catch.get("id")
    for end in process.findall("bpmn:endEvent", NS):
        assert not end.findall("bpmn:messageEventDefinition", NS), end.get("id")


# --------------------------------------------------------------------------- diagram


def test_the_diagram_has_its_lanes_decisions_and_loops():
    """What only this diagram has; tests/engine/test_diagram_conventions.py checks the
    conventions every diagram follows (layout, lanes, citations, gateways, expressions)."""
    shipped = diagram.load(BPMN_FILE)
    assert shipped.lane_names() == [STARTER_LANE, ADMIN, INFRA, PJ_PENYEDIA]
    assert len(shipped.split_gateways()) == len(shipped.conditions()) == SPLITS
    assert shipped.loops() == LOOPS
    for node in shipped.cited_nodes():
        for citation in CITATIONS:
            assert citation in shipped.documentation(node), (node.get("id"), citation)
