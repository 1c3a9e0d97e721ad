"""Engine-only checks of processes/rilis-layanan.bpmn (service release) and its forms.

No Flask and no database. The paths are driven in memory with the restricted script engine
the runtime uses: the start data set as the runtime does (start form, `layanan_info`,
`pemohon`, `waktu_permintaan`), then the start message delivered, since the model starts
with a message start event (docs/bpmn-conventions.md, "Links between procedures"). The
same paths also run through `Runtime`, whose `Outcome` carries the message the instance
throws when it ends (`rilis-layanan-selesai`).

A failed release is rolled back; the administrator then either plans it again (back to the
release plan and its approval) or ends it as failed, after the problems are evaluated and
the result reported to the provider, as for a successful release.
"""

import ast
import json
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from app.clock import FixedClock
from app.engine.routing import route_for
from app.engine.runtime import Runtime
from app.engine.sandbox import make_script_engine
from app.engine.specs import parse_bundle
from app.engine.validation import validate_model
from app.services.deploy import bundle_from_directory

ROOT = Path(__file__).resolve().parents[2]
BPMN_FILE = ROOT / "processes" / "rilis-layanan.bpmn"
FORMS_DIR = ROOT / "forms"
PROCESS_ID = "rilis_layanan"
MODEL_ID = "rilis-layanan"
START_MESSAGE = "rilis-layanan"
DONE_MESSAGE = "rilis-layanan-selesai"
PAYLOAD = '{"rilis_berhasil": rilis_berhasil, "laporan_rilis": laporan_rilis}'
CITATION = "Perbup Bangka 21/2025, 2.2.2.3"

KNOWN_ROLES = {
    "Pengguna Layanan",
    "Penyedia Layanan",
    "Administrator Layanan",
    "Administrator Infrastruktur dan Aplikasi",
    "Penanggung Jawab Penyedia Layanan",
    "Penanggung Jawab Infrastruktur dan Aplikasi",
    "Pimpinan PD Penyedia Layanan",
    "Analis Proses",
    "Admin Sistem",
}
STARTER_LANE = "Pemohon"
INFRA = "Administrator Infrastruktur dan Aplikasi"
PJ_PENYEDIA = "Penanggung Jawab Penyedia Layanan"

# What the runtime puts into the instance data at start (besides the start form);
# `nomor_referensi` because the start event has a `referencePrefix`.
RUNTIME_START_VARIABLES = {"layanan_info", "pemohon", "waktu_permintaan", "nomor_referensi"}
# Fields that would give the instance a complaint's or a request's SLA clocks
# (app/services/sla.py `clock_kind`), or start an RTO clock: a release must not set them.
CLOCK_FIELDS = {"dampak", "urgensi", "jenis_permintaan", "drp_diaktifkan", "layanan_pulih"}

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
FLOW_NODE_TAGS = (
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "task",
    "userTask",
    "manualTask",
    "scriptTask",
    "serviceTask",
    "businessRuleTask",
    "sendTask",
    "receiveTask",
    "callActivity",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
)
TASK_TAGS = ("userTask", "manualTask", "scriptTask", "serviceTask", "businessRuleTask", "task")

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB

PENGAJUAN = {
    "layanan": "SIMPEG",
    "judul": "Modul cuti daring SIMPEG versi 2.4",
    "uraian_perubahan": "Pengajuan cuti pegawai dipindahkan dari formulir kertas ke SIMPEG.",
    "dasar_rilis": "permintaan_perubahan",
    "jenis_perubahan": "penambahan",
    "nomor_perubahan": "PRB-2026-000042",
}
LAYANAN_INFO = {
    "kode": "SIMPEG",
    "nama": "Sistem Informasi Manajemen Kepegawaian",
    "pd": "BKPSDM",
    "kelompok": "Administrasi Pemerintahan",
    "klasifikasi": "Kritis",
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
}
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


@pytest.fixture(scope="module")
def parser():
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(BPMN_FILE))
    assert parser.get_process_ids() == [PROCESS_ID]
    return parser


@pytest.fixture(scope="module")
def spec(parser):
    return parser.get_spec(PROCESS_ID)


@pytest.fixture(scope="module")
def tree():
    return etree.parse(str(BPMN_FILE))


@pytest.fixture(scope="module")
def model():
    """The model as the deploy sees it: the BPMN with the forms it names."""
    return parse_bundle(MODEL_ID, bundle_from_directory(BPMN_FILE, FORMS_DIR))


@pytest.fixture
def runtime():
    return Runtime(time_limit=1.0)


@pytest.fixture
def clock():
    return FixedClock(T0)


def load_form(filename):
    path = FORMS_DIR / filename
    assert path.is_file(), f"form file {filename} missing in forms/"
    return json.loads(path.read_text(encoding="utf-8"))


def form_validator(properties):
    """Check the form files a task names and return a validator for its JSON schema."""
    schema = load_form(properties["formJsonSchemaFilename"])
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema.get("additionalProperties") is not False
    ui_schema = load_form(properties["formUiSchemaFilename"])
    assert sorted(ui_schema["ui:order"]) == sorted(schema["properties"])
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(properties, data):
    errors = sorted(form_validator(properties).iter_errors(data), key=str)
    assert not errors, [e.message for e in errors]


def assert_invalid(properties, data):
    assert list(form_validator(properties).iter_errors(data)), f"expected {data} to be rejected"


def start_data(**form):
    """Start form data plus what the runtime adds, as `InstanceService.start` builds it."""
    return {
        **PENGAJUAN,
        **form,
        "layanan_info": dict(LAYANAN_INFO),
        "pemohon": {"username": "penyedia", "nama": "Siti Aminah"},
        "waktu_permintaan": T0.isoformat(),
        "nomor_referensi": "RIL-2026-000001",
    }


def start(parser, spec, **form):
    """Start an instance in memory: start data, then the start message, as the runtime does."""
    start_spec = spec.task_specs["pengajuan_rilis"]
    assert start_spec.lane == STARTER_LANE
    data = start_data(**form)
    assert_valid(
        start_spec.extensions["properties"],
        {k: v for k, v in data.items() if k not in RUNTIME_START_VARIABLES},
    )
    wf = BpmnWorkflow(
        spec,
        parser.get_subprocess_specs(PROCESS_ID),
        script_engine=make_script_engine(time_limit=1.0),
    )
    wf.task_tree.data.update(data)
    wf.do_engine_steps()
    # A message start event waits for its message; nothing runs before it arrives.
    assert not ready_user_tasks(wf)
    [waiting] = wf.get_tasks(state=TaskState.WAITING)
    assert waiting.task_spec.bpmn_id == "pengajuan_rilis"
    wf.send_event(BpmnEvent(MessageEventDefinition(START_MESSAGE), {}))
    wf.do_engine_steps()
    return wf


def ready_user_tasks(wf):
    return wf.get_tasks(state=TaskState.READY, manual=True)


def complete(wf, bpmn_id, lane, data):
    """Complete the single ready user task `bpmn_id` after checking its lane and form."""
    ready = ready_user_tasks(wf)
    assert [t.task_spec.bpmn_id for t in ready] == [bpmn_id]
    task = ready[0]
    assert task.task_spec.lane == lane
    assert_valid(task.task_spec.extensions["properties"], data)
    task.data.update(data)
    task.run()
    wf.do_engine_steps()
    return task


def reached(wf, spec_name):
    return len(wf.get_tasks(spec_name=spec_name, state=TaskState.COMPLETED))


def thrown_messages(wf):
    return [
        (event.event_definition.name, event.payload)
        for event in wf.get_events()
        if type(event.event_definition).__name__ == "MessageEventDefinition"
    ]


def taken_flows(wf, tree):
    """Ids of the gateways' outgoing flows this run took."""
    process = tree.find("bpmn:process", NS)
    by_ends = {
        (f.get("sourceRef"), f.get("targetRef")): f.get("id")
        for f in process.findall("bpmn:sequenceFlow", NS)
    }
    taken = set()
    for task in wf.get_tasks(state=TaskState.COMPLETED):
        source = task.task_spec.bpmn_id
        if not (source or "").startswith("gw_"):
            continue
        for child in task.children:
            if child.state & (TaskState.COMPLETED | TaskState.READY | TaskState.WAITING):
                flow = by_ends.get((source, child.task_spec.bpmn_id))
                if flow is not None:
                    taken.add(flow)
    return taken


def plan_and_approve(wf, rejections=0):
    for _ in range(rejections):
        complete(wf, "penyusunan_rencana_rilis", INFRA, RENCANA)
        complete(wf, "persetujuan_rencana_rilis", PJ_PENYEDIA, DITOLAK)
    complete(wf, "penyusunan_rencana_rilis", INFRA, RENCANA)
    complete(wf, "persetujuan_rencana_rilis", PJ_PENYEDIA, DISETUJUI)
    complete(wf, "eksekusi_rilis", INFRA, EKSEKUSI)


def evaluate_and_report(wf, laporan):
    complete(wf, "evaluasi_rilis", INFRA, EVALUASI)
    complete(wf, "laporan_hasil_rilis", INFRA, laporan)
    complete(wf, "penerimaan_laporan_rilis", PJ_PENYEDIA, PENERIMAAN)


def run_released(parser, spec):
    wf = start(parser, spec)
    complete(wf, "pengembangan_layanan", INFRA, PENGEMBANGAN)
    plan_and_approve(wf)
    complete(wf, "pengujian_rilis", INFRA, BERHASIL)
    evaluate_and_report(wf, LAPORAN)
    return wf


def run_rejected_failed_replanned_released(parser, spec):
    wf = start(parser, spec)
    complete(wf, "pengembangan_layanan", INFRA, PENGEMBANGAN)
    plan_and_approve(wf, rejections=1)
    complete(wf, "pengujian_rilis", INFRA, GAGAL)
    complete(wf, "rollback_rilis", INFRA, ROLLBACK_ULANG)
    plan_and_approve(wf)
    complete(wf, "pengujian_rilis", INFRA, BERHASIL)
    evaluate_and_report(wf, LAPORAN)
    return wf


def run_failed(parser, spec):
    wf = start(parser, spec)
    complete(wf, "pengembangan_layanan", INFRA, PENGEMBANGAN)
    plan_and_approve(wf)
    complete(wf, "pengujian_rilis", INFRA, GAGAL)
    complete(wf, "rollback_rilis", INFRA, ROLLBACK_HENTIKAN)
    evaluate_and_report(wf, LAPORAN_GAGAL)
    return wf


# --------------------------------------------------------------------------- paths


def test_run_approved_and_released(parser, spec):
    wf = run_released(parser, spec)
    assert wf.is_completed()
    assert reached(wf, "selesai_berhasil") == 1
    assert not reached(wf, "rollback_rilis")
    assert wf.data["nomor_referensi"] == "RIL-2026-000001"
    assert wf.data["status_rilis"] == "berhasil"
    assert wf.data["nomor_perubahan"] == "PRB-2026-000042"
    assert wf.data["pengguna_diinformasikan"] is True
    assert thrown_messages(wf) == [
        (DONE_MESSAGE, {"rilis_berhasil": True, "laporan_rilis": LAPORAN["laporan_rilis"]})
    ]


def test_run_rejected_plan_and_failed_release_are_planned_again(parser, spec):
    wf = run_rejected_failed_replanned_released(parser, spec)
    assert wf.is_completed()
    assert reached(wf, "selesai_berhasil") == 1
    assert reached(wf, "pengembangan_layanan") == 1
    assert reached(wf, "penyusunan_rencana_rilis") == 3
    assert reached(wf, "persetujuan_rencana_rilis") == 3
    assert reached(wf, "eksekusi_rilis") == 2
    assert reached(wf, "pengujian_rilis") == 2
    assert reached(wf, "rollback_rilis") == 1
    assert reached(wf, "evaluasi_rilis") == 1
    assert wf.data["status_rilis"] == "berhasil"
    assert thrown_messages(wf) == [
        (DONE_MESSAGE, {"rilis_berhasil": True, "laporan_rilis": LAPORAN["laporan_rilis"]})
    ]


def test_run_failed_release_rolled_back_and_ended(parser, spec):
    wf = run_failed(parser, spec)
    assert wf.is_completed()
    assert reached(wf, "selesai_gagal") == 1
    assert not reached(wf, "selesai_berhasil")
    assert reached(wf, "evaluasi_rilis") == 1
    assert reached(wf, "penerimaan_laporan_rilis") == 1
    assert wf.data["status_rilis"] == "gagal"
    assert thrown_messages(wf) == [
        (DONE_MESSAGE, {"rilis_berhasil": False, "laporan_rilis": LAPORAN_GAGAL["laporan_rilis"]})
    ]


def test_every_outgoing_flow_of_every_gateway_is_driven(parser, spec, tree):
    process = tree.find("bpmn:process", NS)
    gateways = {g.get("id") for g in process.findall("bpmn:exclusiveGateway", NS)}
    expected = {
        f.get("id")
        for f in process.findall("bpmn:sequenceFlow", NS)
        if f.get("sourceRef") in gateways
    }
    taken = set()
    for run in (run_released, run_rejected_failed_replanned_released, run_failed):
        taken |= taken_flows(run(parser, spec), tree)
    assert taken == expected


def test_the_start_waits_for_its_message(parser, spec):
    wf = BpmnWorkflow(spec, script_engine=make_script_engine(time_limit=1.0))
    wf.task_tree.data.update(start_data())
    wf.do_engine_steps()
    assert not ready_user_tasks(wf)
    with pytest.raises(Exception, match="not waiting"):
        wf.send_event(BpmnEvent(MessageEventDefinition("pemulihan-layanan"), {}))


def test_no_form_sets_clock_fields(spec):
    """A release has no SLA or RTO clock: no form may name the fields that start one."""
    for name, task_spec in spec.task_specs.items():
        properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
        if "formJsonSchemaFilename" in properties:
            fields = set(load_form(properties["formJsonSchemaFilename"])["properties"])
            assert not CLOCK_FIELDS & fields, name


def test_tasks_route_to_their_lanes(model):
    data = start_data()
    expected = {
        "pengembangan_layanan": INFRA,
        "penyusunan_rencana_rilis": INFRA,
        "persetujuan_rencana_rilis": PJ_PENYEDIA,
        "eksekusi_rilis": INFRA,
        "pengujian_rilis": INFRA,
        "rollback_rilis": INFRA,
        "evaluasi_rilis": INFRA,
        "laporan_hasil_rilis": INFRA,
        "penerimaan_laporan_rilis": PJ_PENYEDIA,
    }
    assert set(model.user_tasks) == set(expected)
    for bpmn_id, lane in expected.items():
        route = route_for(model.user_tasks[bpmn_id], data, "penyedia")
        assert (route.lane, route.assignee, route.requires_role) == (lane, None, True)


# --------------------------------------------------------------------------- through the runtime


def ready_ids(outcome):
    return [t.info.bpmn_id for t in outcome.ready]


def complete_ready(runtime, model, outcome, clock, bpmn_id, data):
    [task] = [t for t in outcome.ready if t.info.bpmn_id == bpmn_id]
    done = runtime.complete(model, outcome.state, task.id, data, clock)
    assert done.failure is None, done.failure
    return done


def test_runtime_start_delivers_the_start_message(model, runtime, clock):
    outcome = runtime.start(model, start_data(), clock)
    assert outcome.failure is None
    # "waiting" with nothing ready means the start message was not delivered.
    assert outcome.status == "running"
    assert ready_ids(outcome) == ["pengembangan_layanan"]
    assert outcome.messages == []


@pytest.mark.parametrize(
    ("steps", "end", "payload"),
    [
        (
            [
                ("pengembangan_layanan", PENGEMBANGAN),
                ("penyusunan_rencana_rilis", RENCANA),
                ("persetujuan_rencana_rilis", DISETUJUI),
                ("eksekusi_rilis", EKSEKUSI),
                ("pengujian_rilis", BERHASIL),
                ("evaluasi_rilis", EVALUASI),
                ("laporan_hasil_rilis", LAPORAN),
                ("penerimaan_laporan_rilis", PENERIMAAN),
            ],
            "berhasil",
            {"rilis_berhasil": True, "laporan_rilis": LAPORAN["laporan_rilis"]},
        ),
        (
            [
                ("pengembangan_layanan", PENGEMBANGAN),
                ("penyusunan_rencana_rilis", RENCANA),
                ("persetujuan_rencana_rilis", DISETUJUI),
                ("eksekusi_rilis", EKSEKUSI),
                ("pengujian_rilis", GAGAL),
                ("rollback_rilis", ROLLBACK_HENTIKAN),
                ("evaluasi_rilis", EVALUASI),
                ("laporan_hasil_rilis", LAPORAN_GAGAL),
                ("penerimaan_laporan_rilis", PENERIMAAN),
            ],
            "gagal",
            {"rilis_berhasil": False, "laporan_rilis": LAPORAN_GAGAL["laporan_rilis"]},
        ),
    ],
    ids=["berhasil", "gagal"],
)
def test_runtime_ends_with_the_done_message(model, runtime, clock, steps, end, payload):
    outcome = runtime.start(model, start_data(), clock)
    for bpmn_id, data in steps:
        assert outcome.messages == []
        outcome = complete_ready(runtime, model, outcome, clock, bpmn_id, data)
    assert outcome.status == "complete"
    assert outcome.ready == []
    assert outcome.data["status_rilis"] == end
    assert [(m.name, m.payload) for m in outcome.messages] == [(DONE_MESSAGE, payload)]


# --------------------------------------------------------------------------- forms


def test_forms_reject_invalid_submissions(spec):
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


def test_start_form_declares_the_start_fields(spec):
    start_props = spec.task_specs["pengajuan_rilis"].extensions["properties"]
    assert start_props["referencePrefix"] == "RIL"
    schema = load_form(start_props["formJsonSchemaFilename"])
    fields = schema["properties"]
    assert fields["layanan"]["type"] == "string"
    assert set(schema["required"]) == {"layanan", "judul", "uraian_perubahan"}
    assert fields["nomor_perubahan"]["type"] == "string"
    assert fields["jenis_perubahan"]["enum"] == ["penambahan", "penghapusan", "transfer"]
    # The runtime sets these; the starter must not be asked for them.
    assert not RUNTIME_START_VARIABLES & set(fields)


def test_every_user_task_has_a_form(spec):
    user_tasks = [t for t in spec.task_specs.values() if getattr(t, "manual", False)]
    assert len(user_tasks) == 9
    for task_spec in user_tasks:
        form_validator(task_spec.extensions["properties"])


# --------------------------------------------------------------------------- deploy checks


def test_deploy_validation_accepts_the_model_without_warnings(model):
    assert model.process_id == PROCESS_ID
    assert set(model.roots) == {"rilis-layanan.bpmn"}
    assert model.start_form.schema_file == "rilis-layanan-pengajuan.schema.json"
    assert model.start_message == START_MESSAGE
    assert model.reference_prefix == "RIL"
    assert model.escalations == {}
    assert validate_model(model, KNOWN_ROLES) == []


def test_messages_link_the_procedure(tree):
    """Started by the message named after the model, ends throwing `<model-id>-selesai`."""
    root = tree.getroot()
    messages = {m.get("id"): m.get("name") for m in root.findall("bpmn:message", NS)}
    assert sorted(messages.values()) == [START_MESSAGE, DONE_MESSAGE]
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
        _check_restricted(payload.text)
        # Every end is preceded by a script task recording the outcome.
        [incoming] = end.findall("bpmn:incoming", NS)
        flow = process.find(f"bpmn:sequenceFlow[@id='{incoming.text}']", NS)
        source = process.find(f"*[@id='{flow.get('sourceRef')}']", NS)
        assert etree.QName(source).localname == "scriptTask", end.get("id")
        assert "status_rilis" in source.find("bpmn:script", NS).text


# --------------------------------------------------------------------------- diagram


def flow_nodes(tree):
    process = tree.find("bpmn:process", NS)
    return [el for el in process if etree.QName(el).localname in FLOW_NODE_TAGS]


def boundary_events(tree):
    return tree.findall("bpmn:process/bpmn:boundaryEvent", NS)


def bounds(shape):
    b = shape.find("dc:Bounds", NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


def overlaps(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def on_border(point, box):
    """Whether a waypoint lies on the border of a shape's bounding box."""
    (px, py), (x, y, w, h) = point, box
    inside = x <= px <= x + w and y <= py <= y + h
    return inside and (px in (x, x + w) or py in (y, y + h))


def plane_shapes(tree):
    plane = tree.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    return {s.get("bpmnElement"): s for s in plane.findall("bpmndi:BPMNShape", NS)}


def plane_edges(tree):
    plane = tree.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    return {e.get("bpmnElement"): e for e in plane.findall("bpmndi:BPMNEdge", NS)}


def waypoints(edge):
    return [(float(p.get("x")), float(p.get("y"))) for p in edge.findall("di:waypoint", NS)]


def test_diagram_has_shape_for_every_node_and_edge_for_every_flow(tree):
    process = tree.find("bpmn:process", NS)
    assert process.get("id") == PROCESS_ID
    assert process.get("isExecutable") == "true"
    assert CITATION in process.find("bpmn:documentation", NS).text
    participants = tree.findall("bpmn:collaboration/bpmn:participant", NS)
    assert [p.get("processRef") for p in participants] == [PROCESS_ID]
    plane = tree.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    assert plane.get("bpmnElement") == tree.find("bpmn:collaboration", NS).get("id")
    shapes = plane_shapes(tree)
    edges = plane_edges(tree)
    sizes = {"exclusiveGateway": (50, 50), "startEvent": (36, 36), "endEvent": (36, 36)}
    for node in flow_nodes(tree):
        assert node.get("id") in shapes, node.get("id")
        kind = etree.QName(node).localname
        _, _, w, h = bounds(shapes[node.get("id")])
        assert (w, h) == sizes.get(kind, (100, 80)), node.get("id")
        if kind == "exclusiveGateway":
            assert shapes[node.get("id")].get("isMarkerVisible") == "true"
    pool = bounds(shapes[participants[0].get("id")])
    for lane in process.findall("bpmn:laneSet/bpmn:lane", NS):
        assert shapes[lane.get("id")].get("isHorizontal") == "true"
        lx, ly, lw, lh = bounds(shapes[lane.get("id")])
        assert lx == pool[0] + 30
        assert lx + lw == pool[0] + pool[2]
        assert pool[1] <= ly
        assert ly + lh <= pool[1] + pool[3]
    assert shapes[participants[0].get("id")].get("isHorizontal") == "true"
    for flow in process.findall("bpmn:sequenceFlow", NS):
        edge = edges.get(flow.get("id"))
        assert edge is not None, flow.get("id")
        points = waypoints(edge)
        assert len(points) >= 2, flow.get("id")
        assert on_border(points[0], bounds(shapes[flow.get("sourceRef")])), flow.get("id")
        assert on_border(points[-1], bounds(shapes[flow.get("targetRef")])), flow.get("id")
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            assert x1 == x2 or y1 == y2, f"{flow.get('id')} is not orthogonal"
        if flow.get("name"):
            assert edge.find("bpmndi:BPMNLabel", NS) is not None, flow.get("id")
    for node in flow_nodes(tree):
        if node.get("name") and etree.QName(node).localname not in TASK_TAGS:
            assert shapes[node.get("id")].find("bpmndi:BPMNLabel", NS) is not None, node.get("id")


def test_layout_has_no_overlaps_and_nodes_inside_their_lanes(tree):
    process = tree.find("bpmn:process", NS)
    shapes = {k: bounds(v) for k, v in plane_shapes(tree).items()}
    attached = {e.get("id"): e.get("attachedToRef") for e in boundary_events(tree)}
    node_ids = [n.get("id") for n in flow_nodes(tree)]
    for a, b in combinations(node_ids, 2):
        if attached.get(a) == b or attached.get(b) == a:
            continue
        assert not overlaps(shapes[a], shapes[b]), f"{a} overlaps {b}"
    lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
    in_lane = {}
    for lane in lanes:
        lx, ly, lw, lh = shapes[lane.get("id")]
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            nx, ny, nw, nh = shapes[ref.text]
            assert lx <= nx, ref.text
            assert nx + nw <= lx + lw, ref.text
            assert ly <= ny, ref.text
            assert ny + nh <= ly + lh, ref.text
            assert ref.text not in in_lane, f"{ref.text} in two lanes"
            in_lane[ref.text] = lane.get("name")
    assert set(in_lane) == set(node_ids)
    for a, b in combinations([lane.get("id") for lane in lanes], 2):
        ax, ay, aw, ah = shapes[a]
        bx, by, bw, bh = shapes[b]
        assert ay + ah <= by or by + bh <= ay, f"lanes {a} and {b} overlap"


def test_labels_and_edges_keep_clear_of_unrelated_shapes(tree):
    """Tidy: no label over a shape or another label, no edge through an unrelated shape."""
    process = tree.find("bpmn:process", NS)
    node_ids = [n.get("id") for n in flow_nodes(tree)]
    shapes = plane_shapes(tree)
    boxes = {n: bounds(shapes[n]) for n in node_ids}
    labels = {}
    for element_id, element in [*shapes.items(), *plane_edges(tree).items()]:
        label = element.find("bpmndi:BPMNLabel", NS)
        if label is not None:
            labels[element_id] = bounds(label)
    for owner, box in labels.items():
        for node, node_box in boxes.items():
            assert not overlaps(box, node_box), f"label of {owner} covers {node}"
    for (a, box_a), (b, box_b) in combinations(labels.items(), 2):
        assert not overlaps(box_a, box_b), f"labels of {a} and {b} overlap"
    attached = {e.get("id"): e.get("attachedToRef") for e in boundary_events(tree)}
    edges = plane_edges(tree)
    for flow in process.findall("bpmn:sequenceFlow", NS):
        ends = {flow.get("sourceRef"), flow.get("targetRef")}
        ends |= {attached[e] for e in ends if e in attached}
        points = waypoints(edges[flow.get("id")])
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            segment = (min(x1, x2), min(y1, y2), abs(x2 - x1) or 0.5, abs(y2 - y1) or 0.5)
            for node, box in boxes.items():
                if node not in ends:
                    assert not overlaps(segment, box), f"{flow.get('id')} crosses {node}"
            for owner, box in labels.items():
                if owner != flow.get("id"):
                    assert not overlaps(segment, box), f"{flow.get('id')} crosses label of {owner}"


def test_flow_runs_left_to_right(tree):
    """Apart from the loops back to a merge, every flow ends right of where it starts."""
    process = tree.find("bpmn:process", NS)
    shapes = {k: bounds(v) for k, v in plane_shapes(tree).items()}
    loops = {"f_rilis_disetujui_tidak", "f_tindak_lanjut_ya"}
    for flow in process.findall("bpmn:sequenceFlow", NS):
        sx, _, sw, _ = shapes[flow.get("sourceRef")]
        tx, _, tw, _ = shapes[flow.get("targetRef")]
        if flow.get("id") in loops:
            assert tx + tw / 2 < sx + sw / 2, flow.get("id")
            continue
        assert sx + sw / 2 <= tx + tw / 2, flow.get("id")


def test_lane_names_are_known_roles(spec, tree):
    names = [lane.get("name") for lane in tree.findall("bpmn:process/bpmn:laneSet/bpmn:lane", NS)]
    assert names == [STARTER_LANE, INFRA, PJ_PENYEDIA]
    for task_spec in spec.task_specs.values():
        if getattr(task_spec, "manual", False):
            assert task_spec.lane in KNOWN_ROLES
    assert spec.task_specs["pengajuan_rilis"].lane == STARTER_LANE


def test_tasks_and_events_cite_the_regulation(tree):
    for node in flow_nodes(tree):
        kind = etree.QName(node).localname
        if kind in TASK_TAGS or kind in ("startEvent", "boundaryEvent"):
            doc = node.find("bpmn:documentation", NS)
            assert doc is not None, node.get("id")
            assert CITATION in doc.text, node.get("id")
            assert "Tabel 10" in doc.text, node.get("id")
            assert "Kepbup Polewali Mandar 685/2021" in doc.text, node.get("id")


def test_gateways_have_default_flows(tree):
    process = tree.find("bpmn:process", NS)
    flows = {f.get("id"): f for f in process.findall("bpmn:sequenceFlow", NS)}
    splits = 0
    for gw in process.findall("bpmn:exclusiveGateway", NS):
        outgoing = [f for f in flows.values() if f.get("sourceRef") == gw.get("id")]
        incoming = [f for f in flows.values() if f.get("targetRef") == gw.get("id")]
        if len(outgoing) > 1:
            splits += 1
            assert gw.get("name", "").endswith("?"), gw.get("id")
            default = gw.get("default")
            assert default in flows, gw.get("id")
            assert flows[default].get("sourceRef") == gw.get("id"), gw.get("id")
            assert flows[default].find("bpmn:conditionExpression", NS) is None
            for flow in outgoing:
                if flow.get("id") != default:
                    assert flow.find("bpmn:conditionExpression", NS) is not None, flow.get("id")
        else:
            assert len(incoming) > 1, f"{gw.get('id')} neither splits nor merges"
    assert splits == 4
    # Loops go back into merge gateways, never into a task with two incoming flows.
    for node in flow_nodes(tree):
        if etree.QName(node).localname in TASK_TAGS:
            assert len(node.findall("bpmn:incoming", NS)) == 1, node.get("id")


def _check_restricted(code):
    for node in ast.walk(ast.parse(code)):
        assert not isinstance(node, (ast.Import, ast.ImportFrom)), code
        name = getattr(node, "attr", None) or getattr(node, "id", None)
        assert not (isinstance(name, str) and name.startswith("_")), code
        if isinstance(node, ast.Name):
            assert node.id not in {"open", "eval", "exec", "getattr", "compile", "globals"}, code


def test_conditions_read_only_variables_set_before(tree):
    """Every name a condition reads comes from a form, a script or the runtime start data."""
    process = tree.find("bpmn:process", NS)
    known = set(RUNTIME_START_VARIABLES)
    for node in flow_nodes(tree):
        props = {
            p.get("name"): p.get("value")
            for p in node.findall("bpmn:extensionElements/*/*", NS)
            if p.get("name")
        }
        if "formJsonSchemaFilename" in props:
            known |= set(load_form(props["formJsonSchemaFilename"])["properties"])
    scripts = [s.text for s in process.findall("bpmn:scriptTask/bpmn:script", NS)]
    scripts += [s.text for s in process.iterfind(".//spiffworkflow:preScript", NS)]
    scripts += [s.text for s in process.iterfind(".//spiffworkflow:postScript", NS)]
    for script in scripts:
        _check_restricted(script)
        for node in ast.walk(ast.parse(script)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                known.add(node.id)
    conditions = process.findall("bpmn:sequenceFlow/bpmn:conditionExpression", NS)
    assert len(conditions) == 4
    for cond in conditions:
        _check_restricted(cond.text)
        expr = ast.parse(cond.text, mode="eval")
        read = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)} - {"True", "False", "None"}
        assert read <= known, f"{cond.text} reads {read - known}"
