"""Engine-only checks of processes/manajemen-perubahan.bpmn (change management) and its forms.

No Flask and no database. The paths are driven in memory with the restricted script engine
the runtime uses: the start data set as the runtime does (start form, `layanan_info`,
`pemohon`, `waktu_permintaan`, `nomor_referensi`), then the start message delivered, since
the model starts with a message start event (docs/bpmn-conventions.md, "Links between
procedures"). A change that needs a deployment throws `rilis-layanan` and waits for
`rilis-layanan-selesai`; the tests deliver that message themselves, in memory with
`send_event` and through `Runtime.deliver` on the stored state, as the app will when the
release instance ends.

A standard change is pre-approved (no assessment, no approval). A failed verification goes
back to scheduling; a release that ends failed (Rilis Layanan has rolled it back and chosen
not to plan it again) closes the change as failed.
"""

import ast
import json
from datetime import UTC, datetime
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
from app.engine.runtime import Message, Runtime
from app.engine.sandbox import check_script, make_script_engine
from app.engine.serializer import load_state
from app.engine.specs import parse_bundle
from app.engine.validation import validate_model
from app.services.process_models.deploy import bundle_from_directory
from tests.engine import diagram
from tests.engine.diagram import NS
from tests.engine.forms_check import assert_invalid, assert_valid, form_validator, load_form

ROOT = Path(__file__).resolve().parents[2]
BPMN_FILE = ROOT / "processes" / "manajemen-perubahan.bpmn"
FORMS_DIR = ROOT / "forms"
RELEASE_START_FORM = FORMS_DIR / "rilis-layanan-pengajuan.schema.json"
PROBLEM_KNOWN_ERROR_FORM = FORMS_DIR / "manajemen-masalah-known-error.schema.json"
PROCESS_ID = "manajemen_perubahan"
MODEL_ID = "manajemen-perubahan"
START_EVENT = "pengajuan_perubahan"
RELEASE_MESSAGE = "rilis-layanan"
RELEASE_DONE = "rilis-layanan-selesai"
RELEASE_PAYLOAD = (
    '{"layanan": layanan, "judul": judul, "uraian_perubahan": uraian_perubahan, '
    '"nomor_perubahan": nomor_perubahan}'
)
CITATION = "Kepbup Polewali Mandar 685/2021, II.4"
CITATIONS = (CITATION, "Perbup Bangka 21/2025")
SPLITS = 5
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
NOMOR = "PRB-2026-000015"

PENGAJUAN = {
    "layanan": "SIMPEG",
    "judul": "Pengelola kumpulan koneksi SIMPEG",
    "uraian_perubahan": "Memasang pengelola kumpulan koneksi antara aplikasi dan basis data.",
    "alasan_perubahan": "Menghilangkan akar masalah login gagal saat beban puncak.",
    "nomor_masalah": "MSL-2026-000007",
    "sumber_perubahan": "manajemen_masalah",
    "komponen_konfigurasi": ["srv-simpeg-01", "db-simpeg"],
}
LAYANAN_INFO = {
    "kode": "SIMPEG",
    "nama": "Sistem Informasi Manajemen Kepegawaian",
    "pd": "BKPSDM",
    "kelompok": "Administrasi Pemerintahan",
    "klasifikasi": "Kritis",
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
}
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
RILIS_BERHASIL = {"rilis_berhasil": True, "laporan_rilis": "Rilis 2.4.1 berhasil; henti 25 menit."}
RILIS_GAGAL = {"rilis_berhasil": False, "laporan_rilis": "Rilis gagal dan dikembalikan ke 2.4.0."}
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
        "pemohon": {"username": "admin.simpeg", "nama": "Rina Wulandari"},
        "waktu_permintaan": T0.isoformat(),
        "nomor_referensi": NOMOR,
    }


def start(parser, spec, data=None):
    """Start an instance in memory: start data, then the start message, as the runtime does."""
    start_spec = spec.task_specs[START_EVENT]
    assert start_spec.lane == STARTER_LANE
    data = start_data() if data is None else data
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
    assert waiting.task_spec.bpmn_id == START_EVENT
    wf.send_event(BpmnEvent(MessageEventDefinition(MODEL_ID), {}))
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


def deliver_release_result(wf, payload):
    """What the app does when the release instance ends: the done message to this one."""
    [waiting] = wf.get_tasks(state=TaskState.WAITING, spec_name="tunggu_rilis")
    assert waiting.task_spec.event_definition.name == RELEASE_DONE
    wf.send_event(BpmnEvent(MessageEventDefinition(RELEASE_DONE), payload))
    wf.do_engine_steps()


def assess_and_approve(wf, kategori="normal"):
    complete(wf, "kategorisasi_perubahan", ADMIN, kategorisasi(kategori))
    complete(wf, "kajian_perubahan", INFRA, KAJIAN)
    complete(wf, "persetujuan_perubahan", PJ_PENYEDIA, SETUJU)


def release(wf, payload):
    complete(wf, "penjadwalan_perubahan", INFRA, penjadwalan(True))
    # Thrown, then waiting: no user task until the release reports back.
    assert ready_user_tasks(wf) == []
    assert not wf.is_completed()
    deliver_release_result(wf, payload)


def verify_and_accept(wf):
    complete(wf, "verifikasi_perubahan", ADMIN, TERVERIFIKASI)
    complete(wf, "penerimaan_perubahan", PJ_PENYEDIA, PENERIMAAN)


def run_approved_and_released(parser, spec):
    wf = start(parser, spec)
    assess_and_approve(wf)
    release(wf, RILIS_BERHASIL)
    verify_and_accept(wf)
    return wf


def run_standard_direct_then_released(parser, spec):
    """Standard (pre-approved), implemented directly, fails verification, then released."""
    wf = start(parser, spec)
    complete(wf, "kategorisasi_perubahan", ADMIN, kategorisasi("standar"))
    complete(wf, "penjadwalan_perubahan", INFRA, penjadwalan(False))
    complete(wf, "implementasi_perubahan", INFRA, IMPLEMENTASI)
    complete(wf, "verifikasi_perubahan", ADMIN, GAGAL_VERIFIKASI)
    release(wf, RILIS_BERHASIL)
    verify_and_accept(wf)
    return wf


def run_rejected(parser, spec):
    wf = start(parser, spec)
    complete(wf, "kategorisasi_perubahan", ADMIN, kategorisasi("darurat"))
    complete(
        wf,
        "kajian_perubahan",
        INFRA,
        {**KAJIAN, "rekomendasi_kajian": "tolak", "catatan_rekomendasi": "Risiko terlalu besar."},
    )
    complete(wf, "persetujuan_perubahan", PJ_PENYEDIA, TOLAK)
    return wf


def run_release_failed(parser, spec):
    wf = start(parser, spec)
    assess_and_approve(wf)
    release(wf, RILIS_GAGAL)
    return wf


def release_messages(wf):
    return [(name, payload) for name, payload in thrown_messages(wf) if name == RELEASE_MESSAGE]


EXPECTED_RELEASE = {
    "layanan": "SIMPEG",
    "judul": PENGAJUAN["judul"],
    "uraian_perubahan": PENGAJUAN["uraian_perubahan"],
    "nomor_perubahan": NOMOR,
}

# --------------------------------------------------------------------------- paths


def test_run_approved_released_verified_and_accepted(parser, spec):
    wf = run_approved_and_released(parser, spec)
    assert wf.is_completed()
    assert reached(wf, "perubahan_selesai") == 1
    assert wf.data["status_perubahan"] == "selesai"
    assert wf.data["nomor_perubahan"] == NOMOR
    assert wf.data["tingkat_persetujuan"] == "penanggung_jawab_penyedia_layanan"
    assert wf.data["hasil_rilis"] == RILIS_BERHASIL
    assert wf.data["rilis_berhasil"] is True
    assert wf.data["laporan_rilis"] == RILIS_BERHASIL["laporan_rilis"]
    assert not reached(wf, "implementasi_perubahan")
    assert release_messages(wf) == [(RELEASE_MESSAGE, EXPECTED_RELEASE)]


def test_run_standard_change_skips_assessment_and_is_rescheduled(parser, spec):
    wf = run_standard_direct_then_released(parser, spec)
    assert wf.is_completed()
    assert reached(wf, "perubahan_selesai") == 1
    assert not reached(wf, "kajian_perubahan")
    assert not reached(wf, "persetujuan_perubahan")
    assert wf.data["tingkat_persetujuan"] == "pra_disetujui"
    assert reached(wf, "penjadwalan_perubahan") == 2
    assert reached(wf, "implementasi_perubahan") == 1
    assert reached(wf, "verifikasi_perubahan") == 2
    assert release_messages(wf) == [(RELEASE_MESSAGE, EXPECTED_RELEASE)]


def test_run_rejected_with_reason(parser, spec):
    wf = run_rejected(parser, spec)
    assert wf.is_completed()
    assert reached(wf, "perubahan_ditolak") == 1
    assert wf.data["status_perubahan"] == "ditolak"
    assert wf.data["alasan_penolakan"] == TOLAK["alasan_penolakan"]
    assert wf.data["tingkat_persetujuan"] == "penanggung_jawab_penyedia_layanan_segera"
    assert not reached(wf, "penjadwalan_perubahan")
    assert thrown_messages(wf) == []


def test_run_failed_release_closes_the_change_as_failed(parser, spec):
    wf = run_release_failed(parser, spec)
    assert wf.is_completed()
    assert reached(wf, "perubahan_gagal") == 1
    assert not reached(wf, "verifikasi_perubahan")
    assert wf.data["status_perubahan"] == "gagal"
    assert wf.data["rilis_berhasil"] is False
    assert wf.data["laporan_rilis"] == RILIS_GAGAL["laporan_rilis"]


def test_an_incomplete_release_result_counts_as_failed(parser, spec):
    wf = start(parser, spec)
    assess_and_approve(wf)
    release(wf, {"laporan_rilis": "?"})
    assert reached(wf, "perubahan_gagal") == 1


def test_every_outgoing_flow_of_every_gateway_is_driven(parser, spec, tree):
    process = tree.find("bpmn:process", NS)
    gateways = {g.get("id") for g in process.findall("bpmn:exclusiveGateway", NS)}
    expected = {
        f.get("id")
        for f in process.findall("bpmn:sequenceFlow", NS)
        if f.get("sourceRef") in gateways
    }
    taken = set()
    for run in (
        run_approved_and_released,
        run_standard_direct_then_released,
        run_rejected,
        run_release_failed,
    ):
        taken |= taken_flows(run(parser, spec), tree)
    assert taken == expected


def test_the_release_request_satisfies_the_release_start_form(parser, spec):
    wf = start(parser, spec)
    assess_and_approve(wf)
    complete(wf, "penjadwalan_perubahan", INFRA, penjadwalan(True))
    [(name, payload)] = thrown_messages(wf)
    assert (name, payload) == (RELEASE_MESSAGE, EXPECTED_RELEASE)
    schema = json.loads(RELEASE_START_FORM.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert not list(validator.iter_errors(payload))
    [waiting] = wf.get_tasks(state=TaskState.WAITING)
    assert waiting.task_spec.bpmn_id == "tunggu_rilis"


def test_without_a_reference_number_the_change_number_is_empty(parser, spec):
    data = start_data()
    del data["nomor_referensi"]
    wf = start(parser, spec, data)
    assess_and_approve(wf)
    complete(wf, "penjadwalan_perubahan", INFRA, penjadwalan(True))
    [(_, payload)] = thrown_messages(wf)
    assert payload["nomor_perubahan"] == ""


def test_a_problem_started_change_satisfies_the_start_form(spec):
    """What Manajemen Masalah sends (its known-error form's fields) starts a change."""
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


def test_the_start_waits_for_its_message(parser, spec):
    wf = BpmnWorkflow(spec, script_engine=make_script_engine(time_limit=1.0))
    wf.task_tree.data.update(start_data())
    wf.do_engine_steps()
    assert not ready_user_tasks(wf)
    with pytest.raises(Exception, match="not waiting"):
        wf.send_event(BpmnEvent(MessageEventDefinition(RELEASE_DONE), RILIS_BERHASIL))


def test_no_form_sets_clock_fields(spec):
    """A change has no SLA or RTO clock: no form may name the fields that start one."""
    for name, task_spec in spec.task_specs.items():
        properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
        if "formJsonSchemaFilename" in properties:
            fields = set(load_form(properties["formJsonSchemaFilename"])["properties"])
            assert not CLOCK_FIELDS & fields, name


def test_tasks_route_to_their_lanes(model):
    data = start_data()
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
        route = route_for(model.user_tasks[bpmn_id], data, "admin.simpeg")
        assert (route.lane, route.assignee, route.requires_role) == (lane, None, True)


# --------------------------------------------------------------------------- through the runtime


def complete_ready(runtime, model, outcome, clock, bpmn_id, data):
    [task] = [t for t in outcome.ready if t.info.bpmn_id == bpmn_id]
    done = runtime.complete(model, outcome.state, task.id, data, clock)
    assert done.failure is None, done.failure
    return done


@pytest.mark.parametrize(
    ("result", "end", "steps_after"),
    [
        (
            RILIS_BERHASIL,
            "selesai",
            [("verifikasi_perubahan", TERVERIFIKASI), ("penerimaan_perubahan", PENERIMAAN)],
        ),
        (RILIS_GAGAL, "gagal", []),
    ],
    ids=["berhasil", "gagal"],
)
def test_runtime_waits_for_the_release_and_takes_its_result(
    model, runtime, clock, result, end, steps_after
):
    assert model.start_message == MODEL_ID
    assert model.reference_prefix == "PRB"
    outcome = runtime.start(model, start_data(), clock)
    assert outcome.failure is None, outcome.failure
    # "waiting" with nothing ready means the start message was not delivered.
    assert outcome.status == "running"
    for bpmn_id, data in (
        ("kategorisasi_perubahan", kategorisasi("normal")),
        ("kajian_perubahan", KAJIAN),
        ("persetujuan_perubahan", SETUJU),
    ):
        assert outcome.messages == []
        outcome = complete_ready(runtime, model, outcome, clock, bpmn_id, data)
    outcome = complete_ready(
        runtime, model, outcome, clock, "penjadwalan_perubahan", penjadwalan(True)
    )
    assert [(m.name, m.payload) for m in outcome.messages] == [(RELEASE_MESSAGE, EXPECTED_RELEASE)]
    assert outcome.status == "waiting"
    assert outcome.ready == []
    wf = load_state(outcome.state, model.spec, model.subprocess_specs)
    [waiting] = wf.get_tasks(state=TaskState.WAITING)
    assert waiting.task_spec.bpmn_id == "tunggu_rilis"

    outcome = runtime.deliver(model, outcome.state, Message(RELEASE_DONE, result), clock)
    assert outcome.failure is None, outcome.failure
    assert outcome.messages == []
    for bpmn_id, data in steps_after:
        outcome = complete_ready(runtime, model, outcome, clock, bpmn_id, data)
    assert outcome.status == "complete"
    assert outcome.data["status_perubahan"] == end
    assert outcome.data["hasil_rilis"] == result


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
    verifikasi = props["verifikasi_perubahan"]
    assert_invalid(
        verifikasi, {k: v for k, v in GAGAL_VERIFIKASI.items() if k != "alasan_verifikasi_gagal"}
    )
    assert_invalid(props["penerimaan_perubahan"], {"pengguna_diinformasikan": True})
    assert_valid(props["penerimaan_perubahan"], {"pengguna_diinformasikan": False})


def test_assessment_covers_the_13_points_of_polewali_ii_4_g(spec):
    """One field per point: 1)-9) in the assessment, 10)-13) in the later steps."""
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


def test_start_form_declares_the_start_fields(spec):
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
    assert not RUNTIME_START_VARIABLES & set(fields)


def test_every_user_task_has_a_form(spec):
    user_tasks = [t for t in spec.task_specs.values() if getattr(t, "manual", False)]
    assert len(user_tasks) == 7
    for task_spec in user_tasks:
        form_validator(task_spec.extensions["properties"])


# --------------------------------------------------------------------------- deploy checks


def test_deploy_validation_accepts_the_model_without_warnings(model):
    assert model.process_id == PROCESS_ID
    assert set(model.roots) == {"manajemen-perubahan.bpmn"}
    assert model.start_form.schema_file == "manajemen-perubahan-pengajuan.schema.json"
    assert model.start_message == MODEL_ID
    assert model.reference_prefix == "PRB"
    assert model.escalations == {}
    assert validate_model(model, diagram.KNOWN_ROLES) == []


def test_messages_link_the_procedure(tree):
    """Started by its own message; throws `rilis-layanan` and waits for its done message."""
    root = tree.getroot()
    messages = {m.get("id"): m.get("name") for m in root.findall("bpmn:message", NS)}
    assert sorted(messages.values()) == [MODEL_ID, RELEASE_MESSAGE, RELEASE_DONE]
    process = tree.find("bpmn:process", NS)
    [start_event] = process.findall("bpmn:startEvent", NS)
    [definition] = start_event.findall("bpmn:messageEventDefinition", NS)
    assert messages[definition.get("messageRef")] == MODEL_ID
    [throw] = process.findall("bpmn:intermediateThrowEvent", NS)
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
