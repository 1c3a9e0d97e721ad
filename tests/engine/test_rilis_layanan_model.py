"""Engine-only checks of processes/rilis-layanan.bpmn (service release) and its forms.

No Flask and no database. The paths are driven through the runtime with the starting data
the app adds (tests/engine/harness.py); the model starts with a message start event, which
`Runtime.start` delivers for a start by hand (docs/bpmn-conventions.md, "Links between
procedures"). The runtime's `Outcome` carries the message the instance throws when it ends
(`rilis-layanan-selesai`).

A failed release is rolled back; the administrator then either plans it again (back to the
release plan and its approval) or ends it as failed, after the problems are evaluated and
the result reported to the provider, as for a successful release. A successful release
whose execution says `perlu_verifikasi` throws `verifikasi-konfigurasi` as it ends (Kepbup
Polewali Mandar 685/2021, II.3.e.3).
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
from app.engine.validation import validate_model
from tests.engine import diagram
from tests.engine.diagram import FORMS_DIR, NS
from tests.engine.forms_check import assert_invalid, assert_valid, form_validator, load_form
from tests.engine.harness import Procedure, bpmn_file, gateway_flows

MODEL_ID = "rilis-layanan"
BPMN_FILE = bpmn_file(MODEL_ID)
PROCESS_ID = "rilis_layanan"
START_EVENT = "pengajuan_rilis"
START_MESSAGE = "rilis-layanan"
DONE_MESSAGE = "rilis-layanan-selesai"
PAYLOAD = '{"rilis_berhasil": rilis_berhasil, "laporan_rilis": laporan_rilis}'
VERIFY_MESSAGE = "verifikasi-konfigurasi"
VERIFY_START_FORM = FORMS_DIR / "verifikasi-konfigurasi-mulai.schema.json"
VERIFY_PAYLOAD = '{"layanan": layanan, "alasan_verifikasi": "rilis", "rujukan": nomor_referensi}'
CITATION = "Perbup Bangka 21/2025, 2.2.2.3"

STARTER_LANE = "Pemohon"
# Perbup Bangka 21/2025, 2.2.2.3, Tabel 10: the Pengelola Infrastruktur dan Aplikasi
# develops, plans, executes, tests, evaluates and reports (no. 1); the Penyedia Layanan
# checks and approves the plan and gets the result (no. 2).
INFRA = "Administrator Infrastruktur dan Aplikasi"
PROVIDER = "Penyedia Layanan"

# What the runtime puts into the instance data at start (besides the start form);
# `nomor_referensi` because the start event has a `referencePrefix`.
RUNTIME_START_VARIABLES = {"layanan_info", "pemohon", "waktu_permintaan", "nomor_referensi"}
# Fields that would give the instance a complaint's or a request's SLA clocks
# (`clock_kind` in app/services/deadlines/service_levels.py), or start an RTO clock:
# a release must not set them.
CLOCK_FIELDS = {"dampak", "urgensi", "jenis_permintaan", "drp_diaktifkan", "layanan_pulih"}


T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
NOMOR = "RIL-2026-000001"

PENGAJUAN = {
    "layanan": "SIMPEG",
    "judul": "Modul cuti daring SIMPEG versi 2.4",
    "uraian_perubahan": "Pengajuan cuti pegawai dipindahkan dari formulir kertas ke SIMPEG.",
    "dasar_rilis": "permintaan_perubahan",
    "jenis_perubahan": "penambahan",
    "nomor_perubahan": "PRB-2026-000042",
}
PENGEMBANGAN = {
    "sifat_pengembangan": "inovasi",
    "pemicu_pengembangan": "internal",
    "uraian_pengembangan": "Modul cuti dengan persetujuan atasan berjenjang, dikembangkan agile.",
    "versi_rilis": "2.4.0",
    "hasil_uji_pengembangan": "Uji unit dan integrasi lulus di lingkungan pengembangan.",
}
RENCANA = {
    "ruang_lingkup_rilis": "Modul cuti untuk seluruh PD; modul lain tidak berubah.",
    "jenis_rilis": "minor",
    "komponen_rilis": ["simpeg-web", "simpeg-db"],
    "jadwal_mulai_rilis": "2026-11-28T20:00:00+07:00",
    "jadwal_selesai_rilis": "2026-11-28T22:00:00+07:00",
    "perkiraan_henti_layanan": 30,
    "rencana_pengujian": "Uji fungsional pengajuan dan persetujuan cuti; uji regresi login.",
    "rencana_rollback": "Pulihkan image 2.3.5 dan snapshot basis data pukul 19.55.",
    "rencana_komunikasi": "Pengumuman di portal dan grup operator kepegawaian H-3 dan H-0.",
    "risiko_rilis": "Migrasi data cuti lama gagal; mitigasi: uji di salinan data produksi.",
    "pelaksana_rilis": "Tim Aplikasi Diskominfo",
    "dokumen_rilis": ["catatan-rilis-2.4.0.pdf", "baseline-konfigurasi-2.4.0.xlsx"],
}
DISETUJUI = {"dokumen_lengkap": True, "rilis_disetujui": True}
DITOLAK = {
    "dokumen_lengkap": False,
    "rilis_disetujui": False,
    "catatan_persetujuan_rilis": "Jadwal bentrok dengan batas unggah data BKN; geser sepekan.",
}
EKSEKUSI = {
    "waktu_mulai_eksekusi": "2026-11-28T20:05:00+07:00",
    "langkah_eksekusi": "Image 2.4.0 dipasang; migrasi basis data dijalankan.",
    "perlu_verifikasi": False,
}
PERLU_VERIFIKASI = {**EKSEKUSI, "perlu_verifikasi": True}
EXPECTED_VERIFY = {"layanan": "SIMPEG", "alasan_verifikasi": "rilis", "rujukan": NOMOR}
BERHASIL = {
    "jenis_pengujian": ["fungsional", "regresi"],
    "hasil_pengujian": "Seluruh skenario lulus.",
    "hasil_pemantauan": "Tidak ada galat selama 2 jam pemantauan; waktu muat stabil.",
    "rilis_berhasil": True,
}
GAGAL = {
    "jenis_pengujian": ["fungsional"],
    "hasil_pengujian": "Persetujuan atasan gagal disimpan.",
    "hasil_pemantauan": "Galat 500 pada 12% permintaan.",
    "rilis_berhasil": False,
    "alasan_kegagalan": "Migrasi tabel cuti tidak lengkap.",
}
ROLLBACK_ULANG = {
    "aktivitas_rollback": "Image 2.3.5 dan snapshot basis data dipulihkan.",
    "rollback_berhasil": True,
    "tindak_lanjut_rollback": "rencana_ulang",
}
ROLLBACK_HENTIKAN = {**ROLLBACK_ULANG, "tindak_lanjut_rollback": "hentikan"}
EVALUASI = {
    "permasalahan_rilis": "Tidak ada.",
    "tindak_lanjut_evaluasi": "Pertahankan uji migrasi di salinan data produksi.",
}
LAPORAN = {
    "laporan_rilis": "Rilis 2.4.0 berhasil; henti layanan 25 menit, sesuai rencana.",
    "versi_terpasang": "2.4.0",
    "waktu_selesai_rilis": "2026-11-28T21:40:00+07:00",
}
LAPORAN_GAGAL = {
    "laporan_rilis": "Rilis 2.4.0 gagal dan dikembalikan ke 2.3.5; rilis ditunda.",
    "versi_terpasang": "2.3.5",
}
PENERIMAAN = {
    "umpan_balik_penyedia": "Terima kasih.",
    "pengguna_diinformasikan": True,
    "informasi_pengguna": "Pengumuman di portal SIMPEG, 29 November 2026.",
}


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def procedure():
    return Procedure(MODEL_ID, T0, requester="penyedia")


def plan_and_approve(run, rejections=0, eksekusi=EKSEKUSI):
    for _ in range(rejections):
        run.complete("penyusunan_rencana_rilis", INFRA, RENCANA)
        run.complete("persetujuan_rencana_rilis", PROVIDER, DITOLAK)
    run.complete("penyusunan_rencana_rilis", INFRA, RENCANA)
    run.complete("persetujuan_rencana_rilis", PROVIDER, DISETUJUI)
    run.complete("eksekusi_rilis", INFRA, eksekusi)


def evaluate_and_report(run, laporan):
    run.complete("evaluasi_rilis", INFRA, EVALUASI)
    run.complete("laporan_hasil_rilis", INFRA, laporan)
    run.complete("penerimaan_laporan_rilis", PROVIDER, PENERIMAAN)


def run_released(procedure):
    run = procedure.start(PENGAJUAN)
    run.complete("pengembangan_layanan", INFRA, PENGEMBANGAN)
    plan_and_approve(run)
    run.complete("pengujian_rilis", INFRA, BERHASIL)
    evaluate_and_report(run, LAPORAN)
    return run


def run_rejected_failed_replanned_released(procedure):
    run = procedure.start(PENGAJUAN)
    run.complete("pengembangan_layanan", INFRA, PENGEMBANGAN)
    plan_and_approve(run, rejections=1)
    run.complete("pengujian_rilis", INFRA, GAGAL)
    run.complete("rollback_rilis", INFRA, ROLLBACK_ULANG)
    plan_and_approve(run)
    run.complete("pengujian_rilis", INFRA, BERHASIL)
    evaluate_and_report(run, LAPORAN)
    return run


def run_released_and_verified(procedure):
    """Released with a configuration verification asked for at its execution."""
    run = procedure.start(PENGAJUAN)
    run.complete("pengembangan_layanan", INFRA, PENGEMBANGAN)
    plan_and_approve(run, eksekusi=PERLU_VERIFIKASI)
    run.complete("pengujian_rilis", INFRA, BERHASIL)
    evaluate_and_report(run, LAPORAN)
    return run


def run_failed(procedure, eksekusi=EKSEKUSI):
    run = procedure.start(PENGAJUAN)
    run.complete("pengembangan_layanan", INFRA, PENGEMBANGAN)
    plan_and_approve(run, eksekusi=eksekusi)
    run.complete("pengujian_rilis", INFRA, GAGAL)
    run.complete("rollback_rilis", INFRA, ROLLBACK_HENTIKAN)
    evaluate_and_report(run, LAPORAN_GAGAL)
    return run


# --------------------------------------------------------------------------- paths


def test_run_approved_and_released(procedure):
    run = run_released(procedure)
    assert run.completed
    assert run.reached("selesai_berhasil") == 1
    assert not run.reached("rollback_rilis")
    assert run.data["nomor_referensi"] == NOMOR
    assert run.data["status_rilis"] == "berhasil"
    assert run.data["nomor_perubahan"] == "PRB-2026-000042"
    assert run.data["pengguna_diinformasikan"] is True
    assert run.thrown() == [
        (DONE_MESSAGE, {"rilis_berhasil": True, "laporan_rilis": LAPORAN["laporan_rilis"]})
    ]


def test_run_rejected_plan_and_failed_release_are_planned_again(procedure):
    run = run_rejected_failed_replanned_released(procedure)
    assert run.completed
    assert run.reached("selesai_berhasil") == 1
    assert run.reached("pengembangan_layanan") == 1
    assert run.reached("penyusunan_rencana_rilis") == 3
    assert run.reached("persetujuan_rencana_rilis") == 3
    assert run.reached("eksekusi_rilis") == 2
    assert run.reached("pengujian_rilis") == 2
    assert run.reached("rollback_rilis") == 1
    assert run.reached("evaluasi_rilis") == 1
    assert run.data["status_rilis"] == "berhasil"
    assert run.thrown() == [
        (DONE_MESSAGE, {"rilis_berhasil": True, "laporan_rilis": LAPORAN["laporan_rilis"]})
    ]


def test_run_failed_release_rolled_back_and_ended(procedure):
    run = run_failed(procedure)
    assert run.completed
    assert run.reached("selesai_gagal") == 1
    assert not run.reached("selesai_berhasil")
    assert run.reached("evaluasi_rilis") == 1
    assert run.reached("penerimaan_laporan_rilis") == 1
    assert run.data["status_rilis"] == "gagal"
    assert run.thrown() == [
        (DONE_MESSAGE, {"rilis_berhasil": False, "laporan_rilis": LAPORAN_GAGAL["laporan_rilis"]})
    ]


def test_run_released_asks_for_a_configuration_verification(procedure):
    """Kepbup Polewali Mandar 685/2021, II.3.e.3): thrown as the successful release closes
    (after its CMDB updates), before its done message, citing the release."""
    run = run_released_and_verified(procedure)
    assert run.completed
    assert run.reached("selesai_berhasil") == 1
    assert run.data["terapkan_pembaruan_komponen"] is True
    assert run.thrown() == [
        (VERIFY_MESSAGE, EXPECTED_VERIFY),
        (DONE_MESSAGE, {"rilis_berhasil": True, "laporan_rilis": LAPORAN["laporan_rilis"]}),
    ]
    schema = json.loads(VERIFY_START_FORM.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert not list(validator.iter_errors(EXPECTED_VERIFY))


def test_a_failed_release_asks_for_no_verification(procedure):
    run = run_failed(procedure, eksekusi=PERLU_VERIFIKASI)
    assert run.reached("selesai_gagal") == 1
    assert not run.reached("gw_perlu_verifikasi")
    assert [name for name, _ in run.thrown()] == [DONE_MESSAGE]


def test_every_outgoing_flow_of_every_gateway_is_driven(procedure):
    taken = set()
    for drive in (
        run_released,
        run_released_and_verified,
        run_rejected_failed_replanned_released,
        run_failed,
    ):
        taken |= drive(procedure).taken_flows()
    assert taken == gateway_flows(BPMN_FILE)


def test_the_start_waits_for_its_message(procedure):
    assert procedure.model.spec.task_specs[START_EVENT].lane == STARTER_LANE
    wf = procedure.unstarted(procedure.start_data(PENGAJUAN))
    assert not wf.get_tasks(state=TaskState.READY, manual=True)
    [waiting] = wf.get_tasks(state=TaskState.WAITING)
    assert waiting.task_spec.bpmn_id == START_EVENT
    with pytest.raises(Exception, match="not waiting"):
        wf.send_event(BpmnEvent(MessageEventDefinition("pemulihan-layanan"), {}))


def test_no_form_sets_clock_fields(procedure):
    """A release has no SLA or RTO clock: no form may name the fields that start one."""
    for name, task_spec in procedure.model.spec.task_specs.items():
        properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
        if "formJsonSchemaFilename" in properties:
            fields = set(load_form(properties["formJsonSchemaFilename"])["properties"])
            assert not CLOCK_FIELDS & fields, name


def test_tasks_route_to_their_lanes(procedure):
    model = procedure.model
    data = procedure.start_data(PENGAJUAN)
    expected = {
        "pengembangan_layanan": INFRA,
        "penyusunan_rencana_rilis": INFRA,
        "persetujuan_rencana_rilis": PROVIDER,
        "eksekusi_rilis": INFRA,
        "pengujian_rilis": INFRA,
        "rollback_rilis": INFRA,
        "evaluasi_rilis": INFRA,
        "laporan_hasil_rilis": INFRA,
        "penerimaan_laporan_rilis": PROVIDER,
    }
    assert set(model.user_tasks) == set(expected)
    for bpmn_id, lane in expected.items():
        route = route_for(model.user_tasks[bpmn_id], data, "penyedia")
        assert (route.lane, route.assignee, route.requires_role) == (lane, None, True)


# --------------------------------------------------------------------------- through the runtime


def test_runtime_start_delivers_the_start_message(procedure):
    run = procedure.start(PENGAJUAN)
    # "waiting" with nothing ready means the start message was not delivered.
    assert run.status == "running"
    assert run.ready_ids() == ["pengembangan_layanan"]
    assert run.thrown() == []


@pytest.mark.parametrize(
    ("steps", "end", "payload"),
    [
        (
            [
                ("pengembangan_layanan", INFRA, PENGEMBANGAN),
                ("penyusunan_rencana_rilis", INFRA, RENCANA),
                ("persetujuan_rencana_rilis", PROVIDER, DISETUJUI),
                ("eksekusi_rilis", INFRA, EKSEKUSI),
                ("pengujian_rilis", INFRA, BERHASIL),
                ("evaluasi_rilis", INFRA, EVALUASI),
                ("laporan_hasil_rilis", INFRA, LAPORAN),
                ("penerimaan_laporan_rilis", PROVIDER, PENERIMAAN),
            ],
            "berhasil",
            {"rilis_berhasil": True, "laporan_rilis": LAPORAN["laporan_rilis"]},
        ),
        (
            [
                ("pengembangan_layanan", INFRA, PENGEMBANGAN),
                ("penyusunan_rencana_rilis", INFRA, RENCANA),
                ("persetujuan_rencana_rilis", PROVIDER, DISETUJUI),
                ("eksekusi_rilis", INFRA, EKSEKUSI),
                ("pengujian_rilis", INFRA, GAGAL),
                ("rollback_rilis", INFRA, ROLLBACK_HENTIKAN),
                ("evaluasi_rilis", INFRA, EVALUASI),
                ("laporan_hasil_rilis", INFRA, LAPORAN_GAGAL),
                ("penerimaan_laporan_rilis", PROVIDER, PENERIMAAN),
            ],
            "gagal",
            {"rilis_berhasil": False, "laporan_rilis": LAPORAN_GAGAL["laporan_rilis"]},
        ),
    ],
    ids=["berhasil", "gagal"],
)
def test_runtime_ends_with_the_done_message(procedure, steps, end, payload):
    run = procedure.start(PENGAJUAN)
    for bpmn_id, lane, data in steps:
        assert run.outcome.messages == []
        run.complete(bpmn_id, lane, data)
    assert run.status == "complete"
    assert run.ready == []
    assert run.data["status_rilis"] == end
    assert [(m.name, m.payload) for m in run.outcome.messages] == [(DONE_MESSAGE, payload)]


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
        "pengajuan_rilis",
        "pengembangan_layanan",
        "penyusunan_rencana_rilis",
        "persetujuan_rencana_rilis",
        "eksekusi_rilis",
        "pengujian_rilis",
        "rollback_rilis",
        "evaluasi_rilis",
        "laporan_hasil_rilis",
        "penerimaan_laporan_rilis",
    }
    start_form = props["pengajuan_rilis"]
    for field in ("layanan", "judul", "uraian_perubahan"):
        assert_invalid(start_form, {k: v for k, v in PENGAJUAN.items() if k != field})
    # What another procedure must send at least: the optional fields may be left out.
    assert_valid(start_form, {k: PENGAJUAN[k] for k in ("layanan", "judul", "uraian_perubahan")})
    assert_invalid(start_form, {**PENGAJUAN, "dasar_rilis": "iseng"})
    assert_invalid(start_form, {**PENGAJUAN, "jenis_perubahan": "perbaikan"})

    pengembangan = props["pengembangan_layanan"]
    assert_invalid(pengembangan, {**PENGEMBANGAN, "sifat_pengembangan": "wajib"})
    assert_invalid(pengembangan, {k: v for k, v in PENGEMBANGAN.items() if k != "versi_rilis"})

    rencana = props["penyusunan_rencana_rilis"]
    for field in (
        "ruang_lingkup_rilis",
        "komponen_rilis",
        "jadwal_mulai_rilis",
        "jadwal_selesai_rilis",
        "perkiraan_henti_layanan",
        "rencana_pengujian",
        "rencana_rollback",
        "rencana_komunikasi",
    ):
        assert_invalid(rencana, {k: v for k, v in RENCANA.items() if k != field})
    assert_invalid(rencana, {**RENCANA, "komponen_rilis": []})
    assert_invalid(rencana, {**RENCANA, "perkiraan_henti_layanan": -5})
    assert_invalid(rencana, {**RENCANA, "perkiraan_henti_layanan": "30"})
    assert_invalid(rencana, {**RENCANA, "jadwal_mulai_rilis": "28-11-2026 20:00"})
    assert_invalid(rencana, {**RENCANA, "jenis_rilis": "besar"})

    persetujuan = props["persetujuan_rencana_rilis"]
    assert_invalid(persetujuan, {"dokumen_lengkap": True, "rilis_disetujui": False})
    assert_invalid(persetujuan, {"dokumen_lengkap": False, "rilis_disetujui": True})
    assert_invalid(persetujuan, {"rilis_disetujui": True})
    assert_valid(persetujuan, {**DITOLAK, "dokumen_lengkap": True})

    assert_invalid(props["eksekusi_rilis"], {"langkah_eksekusi": "Dipasang."})
    assert_invalid(
        props["eksekusi_rilis"], {k: v for k, v in EKSEKUSI.items() if k != "perlu_verifikasi"}
    )
    assert_valid(props["eksekusi_rilis"], PERLU_VERIFIKASI)

    pengujian = props["pengujian_rilis"]
    assert_invalid(pengujian, {k: v for k, v in GAGAL.items() if k != "alasan_kegagalan"})
    assert_invalid(pengujian, {**BERHASIL, "jenis_pengujian": []})
    assert_invalid(pengujian, {**BERHASIL, "jenis_pengujian": ["asal"]})

    rollback = props["rollback_rilis"]
    assert_invalid(rollback, {**ROLLBACK_ULANG, "tindak_lanjut_rollback": "abaikan"})
    assert_invalid(rollback, {k: v for k, v in ROLLBACK_ULANG.items() if k != "rollback_berhasil"})

    assert_invalid(props["evaluasi_rilis"], {"tindak_lanjut_evaluasi": "Tidak ada."})
    assert_invalid(props["laporan_hasil_rilis"], {"versi_terpasang": "2.4.0"})

    penerimaan = props["penerimaan_laporan_rilis"]
    assert_invalid(penerimaan, {"pengguna_diinformasikan": True})
    assert_valid(penerimaan, {"pengguna_diinformasikan": False})


def test_start_form_declares_the_start_fields(procedure):
    spec = procedure.model.spec
    start_props = spec.task_specs["pengajuan_rilis"].extensions["properties"]
    assert start_props["referencePrefix"] == "RIL"
    schema = load_form(start_props["formJsonSchemaFilename"])
    fields = schema["properties"]
    assert fields["layanan"]["type"] == "string"
    assert set(schema["required"]) == {"layanan", "judul", "uraian_perubahan"}
    assert fields["nomor_perubahan"]["type"] == "string"
    assert fields["jenis_perubahan"]["enum"] == ["penambahan", "penghapusan", "transfer"]
    # The runtime sets these; the starter must not be asked for them.
    assert set(procedure.start_data(PENGAJUAN)) - set(PENGAJUAN) == RUNTIME_START_VARIABLES
    assert not RUNTIME_START_VARIABLES & set(fields)


def test_every_user_task_has_a_form(procedure):
    spec = procedure.model.spec
    user_tasks = [t for t in spec.task_specs.values() if getattr(t, "manual", False)]
    assert len(user_tasks) == 9
    for task_spec in user_tasks:
        form_validator(task_spec.extensions["properties"])


# --------------------------------------------------------------------------- deploy checks


def test_deploy_validation_accepts_the_model_without_warnings(procedure):
    model = procedure.model
    assert model.process_id == PROCESS_ID
    assert set(model.roots) == {"rilis-layanan.bpmn"}
    assert model.start_form.schema_file == "rilis-layanan-pengajuan.schema.json"
    assert model.start_message == START_MESSAGE
    assert model.reference_prefix == "RIL"
    assert model.escalations == {}
    assert validate_model(model, diagram.KNOWN_ROLES) == []


def test_messages_link_the_procedure():
    tree = etree.parse(str(BPMN_FILE))
    """Started by the message named after the model, ends throwing `<model-id>-selesai`;
    a successful release may throw `verifikasi-konfigurasi` before."""
    root = tree.getroot()
    messages = {m.get("id"): m.get("name") for m in root.findall("bpmn:message", NS)}
    assert sorted(messages.values()) == [START_MESSAGE, DONE_MESSAGE, VERIFY_MESSAGE]
    process = tree.find("bpmn:process", NS)
    [start_event] = process.findall("bpmn:startEvent", NS)
    [definition] = start_event.findall("bpmn:messageEventDefinition", NS)
    assert messages[definition.get("messageRef")] == START_MESSAGE
    ends = process.findall("bpmn:endEvent", NS)
    assert sorted(e.get("id") for e in ends) == ["selesai_berhasil", "selesai_gagal"]
    for end in ends:
        [definition] = end.findall("bpmn:messageEventDefinition", NS)
        assert messages[definition.get("messageRef")] == DONE_MESSAGE, end.get("id")
        payload = definition.find("bpmn:extensionElements/spiffworkflow:messagePayload", NS)
        assert payload.text == PAYLOAD, end.get("id")
        diagram.check_restricted(payload.text)
        # Every end is preceded by a script task recording the outcome (the successful
        # one through the verification request and its merge).
        source = end
        while etree.QName(source).localname != "scriptTask":
            incoming = source.findall("bpmn:incoming", NS)[-1]
            flow = process.find(f"bpmn:sequenceFlow[@id='{incoming.text}']", NS)
            source = process.find(f"*[@id='{flow.get('sourceRef')}']", NS)
            assert etree.QName(source).localname != "userTask", end.get("id")
        assert "status_rilis" in source.find("bpmn:script", NS).text
    [throw] = process.findall("bpmn:intermediateThrowEvent", NS)
    [definition] = throw.findall("bpmn:messageEventDefinition", NS)
    assert messages[definition.get("messageRef")] == VERIFY_MESSAGE
    payload = definition.find("bpmn:extensionElements/spiffworkflow:messagePayload", NS).text
    assert payload == VERIFY_PAYLOAD
    diagram.check_restricted(payload)
    keys = {k.value for k in ast.parse(payload, mode="eval").body.keys}
    verify_form = json.loads(VERIFY_START_FORM.read_text(encoding="utf-8"))
    assert set(verify_form["required"]) <= keys


# --------------------------------------------------------------------------- diagram


def test_the_diagram_has_its_lanes_decisions_and_loops():
    """What only this diagram has; tests/engine/test_diagram_conventions.py checks the
    conventions every diagram follows (layout, lanes, citations, gateways, expressions)."""
    shipped = diagram.load(BPMN_FILE)
    assert shipped.lane_names() == [STARTER_LANE, INFRA, PROVIDER]
    assert len(shipped.split_gateways()) == len(shipped.conditions()) == 5
    assert shipped.loops() == {"f_rilis_disetujui_tidak", "f_tindak_lanjut_ya"}
    for node in shipped.cited_nodes():
        assert CITATION in shipped.documentation(node), node.get("id")
        assert "Tabel 10" in shipped.documentation(node), node.get("id")


def test_each_step_is_in_the_lane_of_the_role_the_regulation_names():
    """Perbup Bangka 21/2025, 2.2.2.3, Tabel 10 names the performer of every step: the
    Pengelola Infrastruktur dan Aplikasi (no. 1, the Administrator Infrastruktur dan
    Aplikasi's lane) and the Penyedia Layanan, who checks and approves the release plan and
    gets the result (no. 2). Kepbup Polewali Mandar 685/2021 names nobody for a release
    (I.2.e, II.3.e.2)), so nothing differs for a PD to choose; each moved step says so and
    cites both."""
    shipped = diagram.load(BPMN_FILE)
    lane_of = shipped.lane_of
    named = {
        "pengembangan_layanan": (INFRA, "Tabel 10 no. 1 angka 1"),
        "penyusunan_rencana_rilis": (INFRA, "Tabel 10 no. 1 angka 2"),
        "persetujuan_rencana_rilis": (PROVIDER, "Tabel 10 no. 2 angka 1"),
        "eksekusi_rilis": (INFRA, "Tabel 10 no. 1 angka 3"),
        "pengujian_rilis": (INFRA, "Tabel 10 no. 1 angka 4 huruf a"),
        "rollback_rilis": (INFRA, "Tabel 10 no. 1 angka 4 huruf a-b"),
        "evaluasi_rilis": (INFRA, "Tabel 10 no. 1 angka 4 huruf b"),
        "laporan_hasil_rilis": (INFRA, "Tabel 10 no. 1 angka 4 huruf c"),
        "penerimaan_laporan_rilis": (PROVIDER, "Tabel 10 no. 2 angka 2"),
    }
    for bpmn_id, (lane, article) in named.items():
        assert lane_of[bpmn_id] == lane, bpmn_id
        assert article in shipped.documentation(shipped.nodes[bpmn_id]), bpmn_id
    for bpmn_id in ("persetujuan_rencana_rilis", "penerimaan_laporan_rilis"):
        text = shipped.documentation(shipped.nodes[bpmn_id])
        assert "Kepbup Polewali Mandar 685/2021, II." in text, bpmn_id
        assert "tidak berbeda dengan Perbup Bangka" in text, bpmn_id
    # The plan goes to the provider PD's Penyedia Layanan, not to its Penanggung Jawab.
    assert "Penanggung Jawab Penyedia Layanan" not in shipped.lane_names()
    # Started by hand by the infrastructure administrator (Tabel 10 no. 1 angka 1-3); a
    # change the provider wants reaches it through Manajemen Perubahan (2.2.2.3 angka 2-3).
    [start] = shipped.of_kind("startEvent")
    assert shipped.properties(start)["startableBy"] == INFRA
    assert "pembuka 2.2.2.3 angka 2-3" in shipped.documentation(start)
