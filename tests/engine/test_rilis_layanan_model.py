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

from datetime import UTC, datetime
from pathlib import Path

import pytest
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
from app.services.process_models.deploy import bundle_from_directory
from tests.engine import diagram
from tests.engine.diagram import NS
from tests.engine.forms_check import assert_invalid, assert_valid, form_validator, load_form

ROOT = Path(__file__).resolve().parents[2]
BPMN_FILE = ROOT / "processes" / "rilis-layanan.bpmn"
FORMS_DIR = ROOT / "forms"
PROCESS_ID = "rilis_layanan"
MODEL_ID = "rilis-layanan"
START_MESSAGE = "rilis-layanan"
DONE_MESSAGE = "rilis-layanan-selesai"
PAYLOAD = '{"rilis_berhasil": rilis_berhasil, "laporan_rilis": laporan_rilis}'
CITATION = "Perbup Bangka 21/2025, 2.2.2.3"

STARTER_LANE = "Pemohon"
INFRA = "Administrator Infrastruktur dan Aplikasi"
PJ_PENYEDIA = "Penanggung Jawab Penyedia Layanan"

# What the runtime puts into the instance data at start (besides the start form);
# `nomor_referensi` because the start event has a `referencePrefix`.
RUNTIME_START_VARIABLES = {"layanan_info", "pemohon", "waktu_permintaan", "nomor_referensi"}
# Fields that would give the instance a complaint's or a request's SLA clocks
# (`clock_kind` in app/services/deadlines/service_levels.py), or start an RTO clock:
# a release must not set them.
CLOCK_FIELDS = {"dampak", "urgensi", "jenis_permintaan", "drp_diaktifkan", "layanan_pulih"}


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
    assert validate_model(model, diagram.KNOWN_ROLES) == []


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
        diagram.check_restricted(payload.text)
        # Every end is preceded by a script task recording the outcome.
        [incoming] = end.findall("bpmn:incoming", NS)
        flow = process.find(f"bpmn:sequenceFlow[@id='{incoming.text}']", NS)
        source = process.find(f"*[@id='{flow.get('sourceRef')}']", NS)
        assert etree.QName(source).localname == "scriptTask", end.get("id")
        assert "status_rilis" in source.find("bpmn:script", NS).text


# --------------------------------------------------------------------------- diagram


def test_the_diagram_has_its_lanes_decisions_and_loops():
    """What only this diagram has; tests/engine/test_diagram_conventions.py checks the
    conventions every diagram follows (layout, lanes, citations, gateways, expressions)."""
    shipped = diagram.load(BPMN_FILE)
    assert shipped.lane_names() == [STARTER_LANE, INFRA, PJ_PENYEDIA]
    assert len(shipped.split_gateways()) == len(shipped.conditions()) == 4
    assert shipped.loops() == {"f_rilis_disetujui_tidak", "f_tindak_lanjut_ya"}
    for node in shipped.cited_nodes():
        assert CITATION in shipped.documentation(node), node.get("id")
        assert "Tabel 10" in shipped.documentation(node), node.get("id")
