"""Engine-only checks of processes/penanganan-aduan.bpmn, its forms and its escalation timers.

No Flask and no database. The paths are driven in memory with the restricted script engine
the runtime uses, the start data set as the runtime does (start form, `layanan_info`,
`pemohon`, `waktu_permintaan`, `nomor_referensi`) plus the `sla` dict of escalation times.
The timers are driven through `Runtime` with a `FixedClock`, state serialized between calls
as in production.

The complaint links to two other procedures with BPMN messages: it starts Pemulihan Layanan
(`pemulihan-layanan`) when the DRP is activated and waits for `pemulihan-layanan-selesai`,
and it starts Manajemen Masalah (`manajemen-masalah`) after the reporter accepts when the
service desk asked for a root-cause analysis. Here the thrown messages are read with
`workflow.get_events()` (or `Outcome.messages`) and the answer is delivered as the app does.
"""

import ast
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from app.clock import FixedClock
from app.engine.routing import route_for
from app.engine.runtime import Message, Runtime
from app.engine.sandbox import make_script_engine
from app.engine.serializer import load_state
from app.engine.specs import parse_bundle
from app.engine.validation import validate_model
from app.errors import Conflict
from app.services.process_models.deploy import bundle_from_directory
from tests.engine import diagram
from tests.engine.diagram import NS
from tests.engine.forms_check import assert_invalid, assert_valid, form_validator, load_form

ROOT = Path(__file__).resolve().parents[2]
BPMN_FILE = ROOT / "processes" / "penanganan-aduan.bpmn"
DMN_FILE = ROOT / "processes" / "prioritas-aduan.dmn"
FORMS_DIR = ROOT / "forms"
PROCESS_ID = "penanganan_aduan"
MODEL_ID = "penanganan-aduan"
CITATION = "Perbup Bangka 21/2025, 2.2.1.2"

STARTER_LANE = "Pemohon"
ADMIN = "Administrator Layanan"
INFRA = "Administrator Infrastruktur dan Aplikasi"

# What the runtime puts into the instance data at start (besides the start form).
RUNTIME_START_VARIABLES = {"layanan_info", "pemohon", "waktu_permintaan", "sla", "nomor_referensi"}
NOMOR = "ADU-2026-000123"
DRP_MESSAGE = "pemulihan-layanan"
DRP_DONE = "pemulihan-layanan-selesai"
PROBLEM_MESSAGE = "manajemen-masalah"


T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
FAR_FUTURE = "9999-12-31T23:59:59+00:00"

# P2 (Mayor x Administrasi Pemerintahan x Kritis): response < 30 min, resolution < 12 h.
SLA_P2 = {
    "respons_peringatan": (T0 + timedelta(minutes=22, seconds=30)).isoformat(),
    "respons_batas": (T0 + timedelta(minutes=30)).isoformat(),
    "penyelesaian_peringatan": (T0 + timedelta(hours=9)).isoformat(),
    "penyelesaian_batas": (T0 + timedelta(hours=12)).isoformat(),
}
NO_DEADLINE = dict.fromkeys(SLA_P2, FAR_FUTURE)

PELAPORAN = {
    "layanan": "SIMPEG",
    "judul": "SIMPEG tidak dapat diakses",
    "nip_nik": "198703122010011002",
    "instansi": "Badan Kepegawaian dan Pengembangan SDM",
    "jabatan": "Kepala Bidang Data dan Informasi",
    "telepon": "081234567890",
    "email": "kabid.data@bangka.go.id",
    "metode_pelaporan": "telepon",
    "kategori": "aplikasi",
    "gejala": "Sejak pukul 08.30 halaman masuk SIMPEG menampilkan galat 502 bagi semua pengguna.",
    "dampak": "Mayor",
    "urgensi": 1,
    "komponen_konfigurasi": ["srv-simpeg-01", "db-simpeg"],
}
LAYANAN_INFO = {
    "kode": "SIMPEG",
    "nama": "Sistem Informasi Manajemen Kepegawaian",
    "pd": "BKPSDM",
    "kelompok": "Administrasi Pemerintahan",
    "klasifikasi": "Kritis",
}
KLASIFIKASI = {
    "kategori": "aplikasi",
    "dampak": "Mayor",
    "prioritas": "P2",
    "analisis": "Layanan aplikasi SIMPEG berhenti setelah pembaruan sistem operasi semalam.",
    "estimasi_selesai": "2026-11-23T11:00:00+07:00",
    "komponen_konfigurasi": ["srv-simpeg-01", "db-simpeg"],
}
TERSELESAIKAN = {
    "aktivitas_penanganan": "Layanan aplikasi dijalankan ulang dan konfigurasi dikembalikan.",
    "penyebab": "Konfigurasi layanan tertimpa pembaruan sistem operasi.",
    "terselesaikan": True,
}
TIDAK_TERSELESAIKAN = {
    "aktivitas_penanganan": "Layanan dijalankan ulang, tetapi server tetap tidak merespons.",
    "terselesaikan": False,
    "alasan_eskalasi": "Server tidak dapat diakses dari jaringan; perlu penanganan infrastruktur.",
}
DITERIMA = {"konfirmasi": "diterima", "cara_konfirmasi": "telepon"}
AKAR_MASALAH = {
    **TERSELESAIKAN,
    "perlu_analisis_akar_masalah": True,
    "pola_insiden": "Ketiga kalinya bulan ini halaman masuk SIMPEG galat 502 setelah pembaruan.",
}
#: What Pemulihan Layanan throws when it ends (its message end events).
PULIH = {
    "layanan_pulih": True,
    "drp_diaktifkan": True,
    "ringkasan_pemulihan": "Layanan berjalan di situs cadangan; pulih dalam 3 jam (RTO 4 jam).",
}
BUKAN_BENCANA = {
    "layanan_pulih": False,
    "drp_diaktifkan": False,
    "ringkasan_pemulihan": "Bukan kondisi bencana; DRP tidak diaktifkan. Pusat data berfungsi.",
}


def penanganan_infra(drp):
    return {
        "analisis_infra": "Media penyimpanan server rusak; data terakhir ada di cadangan harian.",
        "estimasi_selesai_infra": "2026-11-23T13:00:00+07:00",
        "penyebab": "Kerusakan media penyimpanan server.",
        "aktivitas_penanganan_infra": "Server dipindahkan ke host cadangan di pusat data.",
        "drp_diaktifkan": drp,
        "kajian_drp": "Layanan Kritis; pusat data utama tidak dapat memulihkan dalam RTO."
        if drp
        else "Gangguan teratasi tanpa DRP; pusat data berfungsi normal.",
    }


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def parser():
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(BPMN_FILE))
    parser.add_dmn_file(str(DMN_FILE))
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
    """The model as the deploy sees it: the BPMN with the forms and the DMN it names."""
    return parse_bundle(MODEL_ID, bundle_from_directory(BPMN_FILE, FORMS_DIR))


@pytest.fixture
def runtime():
    return Runtime(time_limit=1.0)


@pytest.fixture
def clock():
    return FixedClock(T0)


def start_data(layanan_info=None, sla=None, **form):
    """Start form data plus what the runtime adds, as `InstanceService.start` builds it."""
    return {
        **PELAPORAN,
        **form,
        "layanan_info": {**LAYANAN_INFO, **(layanan_info or {})},
        "pemohon": {"username": "penyedia", "nama": "Siti Aminah"},
        "waktu_permintaan": T0.isoformat(),
        "nomor_referensi": NOMOR,
        "sla": dict(NO_DEADLINE if sla is None else sla),
    }


def start(parser, spec, **kwargs):
    """Start an instance in memory with the restricted script engine."""
    start_spec = spec.task_specs["pelaporan_aduan"]
    assert start_spec.lane == STARTER_LANE
    data = start_data(**kwargs)
    form = {k: v for k, v in data.items() if k not in RUNTIME_START_VARIABLES}
    assert_valid(start_spec.extensions["properties"], form)
    wf = BpmnWorkflow(
        spec,
        parser.get_subprocess_specs(PROCESS_ID),
        script_engine=make_script_engine(time_limit=1.0),
    )
    wf.task_tree.data.update(data)
    wf.do_engine_steps()
    # a message start event: a start by hand delivers the start message (as the runtime does)
    wf.send_event(BpmnEvent(MessageEventDefinition("penanganan-aduan"), {}))
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
    """The messages thrown since the last call, for the app to deliver (as the runtime reads)."""
    return [
        (event.event_definition.name, event.payload)
        for event in wf.get_events()
        if type(event.event_definition).__name__ == "MessageEventDefinition"
    ]


def deliver(wf, name, payload):
    """Hand the workflow a message from another instance, as `Runtime.deliver` does."""
    wf.send_event(BpmnEvent(MessageEventDefinition(name), payload))
    wf.do_engine_steps()


def assert_closed(wf):
    assert wf.is_completed()
    assert reached(wf, "aduan_ditutup") == 1
    assert wf.data["status"] == "ditutup"
    assert wf.data["konfirmasi"] == "diterima"


# --------------------------------------------------------------------------- paths


def test_run_solved_by_service_admin_and_accepted(parser, spec):
    wf = start(parser, spec)
    [task] = ready_user_tasks(wf)
    assert task.task_spec.bpmn_id == "klasifikasi_aduan"
    # The decision table ran before the first user task: Mayor x Administrasi x Kritis = P2.
    assert task.data["prioritas"] == "P2"
    assert task.data["status"] == "terbuka"
    complete(wf, "klasifikasi_aduan", ADMIN, KLASIFIKASI)
    complete(wf, "penanganan_aduan_admin", ADMIN, TERSELESAIKAN)
    complete(wf, "konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert_closed(wf)
    assert reached(wf, "penanganan_aduan_admin") == 1
    assert not reached(wf, "penanganan_aduan_infra")
    assert not reached(wf, "mulai_pemulihan_layanan")
    assert wf.data["cara_konfirmasi"] == "telepon"
    assert wf.data["penyebab"] == TERSELESAIKAN["penyebab"]
    assert wf.data["komponen_konfigurasi"] == ["srv-simpeg-01", "db-simpeg"]
    # No timer fired: no escalation branch ran.
    completed = wf.get_tasks(state=TaskState.COMPLETED)
    assert not [t for t in completed if t.task_spec.name.startswith("eskalasi")]
    # No root-cause analysis asked for: the default closes without starting anything.
    assert wf.data["perlu_analisis_akar_masalah"] is False
    assert not reached(wf, "mulai_manajemen_masalah")
    assert thrown_messages(wf) == []


def test_run_rejected_by_reporter_goes_back_to_service_admin(parser, spec):
    wf = start(parser, spec)
    complete(wf, "klasifikasi_aduan", ADMIN, KLASIFIKASI)
    complete(wf, "penanganan_aduan_admin", ADMIN, TERSELESAIKAN)
    complete(
        wf,
        "konfirmasi_aduan",
        STARTER_LANE,
        {
            "konfirmasi": "ditolak",
            "cara_konfirmasi": "web",
            "alasan_penolakan": "Halaman laporan masih galat 500.",
        },
    )
    assert not wf.is_completed()
    complete(
        wf,
        "penanganan_aduan_admin",
        ADMIN,
        {"aktivitas_penanganan": "Modul laporan diperbaiki dan diuji.", "terselesaikan": True},
    )
    complete(wf, "konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert_closed(wf)
    assert reached(wf, "penanganan_aduan_admin") == 2
    assert reached(wf, "konfirmasi_aduan") == 2
    assert reached(wf, "klasifikasi_aduan") == 1


def test_run_escalated_to_infrastructure_without_drp(parser, spec):
    wf = start(parser, spec)
    complete(wf, "klasifikasi_aduan", ADMIN, KLASIFIKASI)
    complete(wf, "penanganan_aduan_admin", ADMIN, TIDAK_TERSELESAIKAN)
    complete(wf, "penanganan_aduan_infra", INFRA, penanganan_infra(drp=False))
    complete(wf, "konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert_closed(wf)
    assert reached(wf, "penanganan_aduan_infra") == 1
    assert not reached(wf, "mulai_pemulihan_layanan")
    assert wf.data["drp_diaktifkan"] is False
    assert thrown_messages(wf) == []


def _waiting_for_recovery(parser, spec):
    wf = start(parser, spec)
    complete(wf, "klasifikasi_aduan", ADMIN, KLASIFIKASI)
    complete(wf, "penanganan_aduan_admin", ADMIN, TIDAK_TERSELESAIKAN)
    complete(wf, "penanganan_aduan_infra", INFRA, penanganan_infra(drp=True))
    return wf


def test_drp_activation_starts_pemulihan_layanan_and_waits_for_it(parser, spec):
    wf = _waiting_for_recovery(parser, spec)
    # The recovery runs in its own procedure: nothing for a person here meanwhile.
    assert ready_user_tasks(wf) == []
    assert reached(wf, "mulai_pemulihan_layanan") == 1
    [waiting] = wf.get_tasks(spec_name="tunggu_pemulihan_layanan", state=TaskState.WAITING)
    assert waiting.task_spec.bpmn_id == "tunggu_pemulihan_layanan"
    assert thrown_messages(wf) == [
        (
            DRP_MESSAGE,
            {
                "layanan": "SIMPEG",
                "judul": PELAPORAN["judul"],
                "uraian_kejadian": penanganan_infra(drp=True)["kajian_drp"],
                "nomor_aduan": NOMOR,
            },
        )
    ]
    deliver(wf, DRP_DONE, PULIH)
    assert wf.data.get("hasil_pemulihan_layanan") is None  # still running: see the task
    [task] = ready_user_tasks(wf)
    assert task.data["hasil_pemulihan_layanan"] == PULIH
    complete(wf, "konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert_closed(wf)
    assert reached(wf, "tunggu_pemulihan_layanan") == 1
    assert wf.data["drp_diaktifkan"] is True
    assert wf.data["hasil_pemulihan_layanan"]["layanan_pulih"] is True
    assert thrown_messages(wf) == []


def test_drp_start_data_satisfies_the_pemulihan_layanan_start_form(parser, spec):
    """The payload is the child's start data: the app refuses the step if it fails the form."""
    wf = _waiting_for_recovery(parser, spec)
    [(_, payload)] = thrown_messages(wf)
    start_form = load_form("pemulihan-layanan-pengajuan.schema.json")
    validator = Draft202012Validator(start_form, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert not list(validator.iter_errors(payload))
    # kajian_drp becomes uraian_kejadian: the complaint form asks for as much as the child's.
    infra_form = load_form("penanganan-aduan-penanganan-infra.schema.json")
    assert (
        infra_form["properties"]["kajian_drp"]["minLength"]
        >= start_form["properties"]["uraian_kejadian"]["minLength"]
    )


def test_no_disaster_after_all_still_goes_to_the_reporter(parser, spec):
    wf = _waiting_for_recovery(parser, spec)
    thrown_messages(wf)
    deliver(wf, DRP_DONE, BUKAN_BENCANA)
    complete(
        wf,
        "konfirmasi_aduan",
        STARTER_LANE,
        {"konfirmasi": "ditolak", "cara_konfirmasi": "web", "alasan_penolakan": "Masih galat."},
    )
    complete(wf, "penanganan_aduan_admin", ADMIN, TERSELESAIKAN)
    complete(wf, "konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert_closed(wf)
    assert wf.data["hasil_pemulihan_layanan"] == BUKAN_BENCANA
    assert reached(wf, "mulai_pemulihan_layanan") == 1


def test_a_message_for_another_procedure_is_not_caught_here(parser, spec):
    wf = _waiting_for_recovery(parser, spec)
    thrown_messages(wf)
    with pytest.raises(WorkflowException, match="not waiting"):
        wf.send_event(BpmnEvent(MessageEventDefinition("rilis-layanan-selesai"), {}))
    assert ready_user_tasks(wf) == []
    assert wf.get_tasks(spec_name="tunggu_pemulihan_layanan", state=TaskState.WAITING)


def test_root_cause_analysis_starts_manajemen_masalah_after_the_reporter_accepts(parser, spec):
    wf = start(parser, spec)
    complete(wf, "klasifikasi_aduan", ADMIN, KLASIFIKASI)
    complete(wf, "penanganan_aduan_admin", ADMIN, AKAR_MASALAH)
    # Nothing is started before the reporter accepts.
    assert thrown_messages(wf) == []
    complete(wf, "konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert_closed(wf)
    assert reached(wf, "mulai_manajemen_masalah") == 1
    assert thrown_messages(wf) == [
        (
            PROBLEM_MESSAGE,
            {
                "layanan": "SIMPEG",
                "judul": PELAPORAN["judul"],
                "uraian": f"Gejala: {PELAPORAN['gejala']} "
                f"Penanganan: {TERSELESAIKAN['aktivitas_penanganan']}",
                "sumber_identifikasi": "aduan_berulang",
                "nomor_aduan": NOMOR,
                "pola_insiden": AKAR_MASALAH["pola_insiden"],
            },
        )
    ]


def test_problem_start_data_satisfies_the_manajemen_masalah_start_form(parser, spec):
    """Even from the longest texts the forms allow: `uraian` is cut to the child's limit."""
    problem_form = FORMS_DIR / "manajemen-masalah-pengajuan.schema.json"
    if not problem_form.is_file():
        pytest.skip("manajemen-masalah is not shipped yet")
    wf = start(parser, spec, gejala="g" * 5000)
    complete(wf, "klasifikasi_aduan", ADMIN, KLASIFIKASI)
    complete(
        wf, "penanganan_aduan_admin", ADMIN, {**AKAR_MASALAH, "aktivitas_penanganan": "a" * 5000}
    )
    complete(wf, "konfirmasi_aduan", STARTER_LANE, DITERIMA)
    [(name, payload)] = thrown_messages(wf)
    assert name == PROBLEM_MESSAGE
    assert len(payload["uraian"]) == 5000
    schema = json.loads(problem_form.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert not [e.message for e in validator.iter_errors(payload)]


def test_root_cause_analysis_waits_for_the_final_acceptance(parser, spec):
    wf = start(parser, spec)
    complete(wf, "klasifikasi_aduan", ADMIN, KLASIFIKASI)
    complete(wf, "penanganan_aduan_admin", ADMIN, AKAR_MASALAH)
    complete(
        wf,
        "konfirmasi_aduan",
        STARTER_LANE,
        {"konfirmasi": "ditolak", "cara_konfirmasi": "web", "alasan_penolakan": "Masih galat."},
    )
    assert thrown_messages(wf) == []
    # The flag set in the first round stays unless the service desk clears it.
    assert ready_user_tasks(wf)[0].data["perlu_analisis_akar_masalah"] is True
    complete(
        wf,
        "penanganan_aduan_admin",
        ADMIN,
        {**TERSELESAIKAN, "perlu_analisis_akar_masalah": False},
    )
    complete(wf, "konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert_closed(wf)
    assert not reached(wf, "mulai_manajemen_masalah")
    assert thrown_messages(wf) == []


def test_run_rejected_after_infrastructure_returns_to_service_admin(parser, spec):
    wf = start(parser, spec)
    complete(wf, "klasifikasi_aduan", ADMIN, KLASIFIKASI)
    complete(wf, "penanganan_aduan_admin", ADMIN, TIDAK_TERSELESAIKAN)
    complete(wf, "penanganan_aduan_infra", INFRA, penanganan_infra(drp=False))
    complete(
        wf,
        "konfirmasi_aduan",
        STARTER_LANE,
        {"konfirmasi": "ditolak", "cara_konfirmasi": "email", "alasan_penolakan": "Masih lambat."},
    )
    complete(wf, "penanganan_aduan_admin", ADMIN, TERSELESAIKAN)
    complete(wf, "konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert_closed(wf)
    assert reached(wf, "penanganan_aduan_infra") == 1


@pytest.mark.parametrize(
    ("dampak", "kelompok", "klasifikasi", "prioritas"),
    [
        ("Mayor", "Publik", "Kritis", "P1"),
        ("Mayor", "Administrasi Pemerintahan", "Esensial", "P3"),
        ("Minor", "Publik", "Esensial", "P4"),
        ("Minor", "Administrasi Pemerintahan", "Normal", "P6"),
    ],
)
def test_decision_table_sets_priority_from_tabel_3(
    parser, spec, dampak, kelompok, klasifikasi, prioritas
):
    wf = start(
        parser,
        spec,
        dampak=dampak,
        layanan_info={"kelompok": kelompok, "klasifikasi": klasifikasi},
    )
    [task] = ready_user_tasks(wf)
    assert task.task_spec.bpmn_id == "klasifikasi_aduan"
    assert task.data["prioritas"] == prioritas
    assert task.data["kelompok_layanan"] == kelompok
    assert task.data["klasifikasi_layanan"] == klasifikasi


def test_service_admin_may_change_the_priority(parser, spec):
    wf = start(parser, spec, dampak="Minor")
    assert ready_user_tasks(wf)[0].data["prioritas"] == "P4"
    complete(
        wf,
        "klasifikasi_aduan",
        ADMIN,
        {**KLASIFIKASI, "prioritas": "P1", "alasan_prioritas": "Batas unggah data BKN hari ini."},
    )
    assert ready_user_tasks(wf)[0].data["prioritas"] == "P1"


def test_without_a_matching_rule_the_admin_sets_the_priority(parser, spec):
    wf = start(parser, spec, layanan_info={"kelompok": None, "klasifikasi": None})
    [task] = ready_user_tasks(wf)
    assert "prioritas" not in task.data
    props = task.task_spec.extensions["properties"]
    assert_invalid(props, {k: v for k, v in KLASIFIKASI.items() if k != "prioritas"})
    complete(wf, "klasifikasi_aduan", ADMIN, KLASIFIKASI)
    assert ready_user_tasks(wf)[0].data["prioritas"] == "P2"


def test_reporter_tasks_go_to_the_starter(model):
    data = start_data()
    start_lane = model.spec.task_specs["pelaporan_aduan"].lane
    assert start_lane == STARTER_LANE
    route = route_for(model.user_tasks["konfirmasi_aduan"], data, "penyedia")
    assert (route.lane, route.assignee, route.requires_role) == (STARTER_LANE, "penyedia", False)
    for bpmn_id, lane in (
        ("klasifikasi_aduan", ADMIN),
        ("penanganan_aduan_admin", ADMIN),
        ("penanganan_aduan_infra", INFRA),
    ):
        route = route_for(model.user_tasks[bpmn_id], data, "penyedia")
        assert (route.lane, route.assignee, route.requires_role) == (lane, None, True)


# --------------------------------------------------------------------------- escalation timers


def ready_ids(outcome):
    return [t.info.bpmn_id for t in outcome.ready]


def waiting_ids(model, outcome):
    wf = load_state(outcome.state, model.spec, model.subprocess_specs)
    waiting = wf.get_tasks(state=TaskState.WAITING)
    return sorted(t.task_spec.bpmn_id for t in waiting if t.task_spec.bpmn_id)


def at(key):
    return datetime.fromisoformat(SLA_P2[key])


def just_after(key):
    """SpiffWorkflow fires a timer once its due time has passed (`due < now`)."""
    return at(key) + timedelta(seconds=1)


def complete_ready(runtime, model, outcome, clock, bpmn_id, data):
    [task] = [t for t in outcome.ready if t.info.bpmn_id == bpmn_id]
    done = runtime.complete(model, outcome.state, task.id, data, clock)
    assert done.failure is None, done.failure
    return done


def test_response_warning_escalates_to_level_1_and_the_task_stays_ready(model, runtime, clock):
    outcome = runtime.start(model, start_data(sla=SLA_P2), clock)
    assert outcome.failure is None
    assert ready_ids(outcome) == ["klasifikasi_aduan"]
    assert waiting_ids(model, outcome) == ["eskalasi_respons_1", "eskalasi_respons_2"]
    assert outcome.next_timer_at == at("respons_peringatan")

    clock.set(at("respons_peringatan") - timedelta(seconds=1))
    assert runtime.fire_timers(model, outcome.state, clock) is None
    clock.set(at("respons_peringatan"))
    on_the_dot = runtime.fire_timers(model, outcome.state, clock)
    assert on_the_dot is None or on_the_dot.fired == []

    clock.set(just_after("respons_peringatan"))
    warned = runtime.fire_timers(model, outcome.state, clock)
    assert warned is not None
    assert warned.failure is None
    assert warned.fired == ["eskalasi_respons_1"]
    assert ready_ids(warned) == ["klasifikasi_aduan"]
    assert warned.status == "running"
    assert waiting_ids(model, warned) == ["eskalasi_respons_2"]
    assert warned.next_timer_at == at("respons_batas")

    clock.set(just_after("respons_batas"))
    breached = runtime.fire_timers(model, warned.state, clock)
    assert breached.fired == ["eskalasi_respons_2"]
    assert ready_ids(breached) == ["klasifikasi_aduan"]
    assert breached.next_timer_at is None

    # The response is given late; the resolution clock now waits on the handling task.
    handled = complete_ready(runtime, model, breached, clock, "klasifikasi_aduan", KLASIFIKASI)
    assert ready_ids(handled) == ["penanganan_aduan_admin"]
    assert handled.next_timer_at == at("penyelesaian_peringatan")


def test_response_timers_stop_once_the_complaint_is_classified(model, runtime, clock):
    outcome = runtime.start(model, start_data(sla=SLA_P2), clock)
    clock.advance(timedelta(minutes=10))
    classified = complete_ready(runtime, model, outcome, clock, "klasifikasi_aduan", KLASIFIKASI)
    assert ready_ids(classified) == ["penanganan_aduan_admin"]
    assert waiting_ids(model, classified) == [
        "eskalasi_penyelesaian_2_admin",
        "eskalasi_penyelesaian_3_admin",
    ]
    assert classified.next_timer_at == at("penyelesaian_peringatan")
    for key in ("respons_peringatan", "respons_batas"):
        clock.set(just_after(key))
        assert runtime.fire_timers(model, classified.state, clock) is None
    wf = load_state(classified.state, model.spec, model.subprocess_specs)
    for name in ("eskalasi_respons_1", "eskalasi_respons_2"):
        assert [t.state for t in wf.get_tasks(spec_name=name)] == [TaskState.CANCELLED]


def test_resolution_timers_escalate_to_levels_2_and_3_until_the_reporter_confirms(
    model, runtime, clock
):
    outcome = runtime.start(model, start_data(sla=SLA_P2), clock)
    clock.advance(timedelta(minutes=10))
    outcome = complete_ready(runtime, model, outcome, clock, "klasifikasi_aduan", KLASIFIKASI)
    outcome = complete_ready(
        runtime, model, outcome, clock, "penanganan_aduan_admin", TERSELESAIKAN
    )
    assert ready_ids(outcome) == ["konfirmasi_aduan"]
    assert waiting_ids(model, outcome) == [
        "eskalasi_penyelesaian_2_konfirmasi",
        "eskalasi_penyelesaian_3_konfirmasi",
    ]

    clock.set(just_after("penyelesaian_peringatan"))
    warned = runtime.fire_timers(model, outcome.state, clock)
    assert warned.fired == ["eskalasi_penyelesaian_2_konfirmasi"]
    assert ready_ids(warned) == ["konfirmasi_aduan"]

    clock.set(just_after("penyelesaian_batas"))
    breached = runtime.fire_timers(model, warned.state, clock)
    assert breached.fired == ["eskalasi_penyelesaian_3_konfirmasi"]
    assert ready_ids(breached) == ["konfirmasi_aduan"]
    assert breached.next_timer_at is None

    # The escalation branches ended by themselves; confirming still closes the ticket.
    closed = complete_ready(runtime, model, breached, clock, "konfirmasi_aduan", DITERIMA)
    assert closed.status == "complete"
    assert closed.data["status"] == "ditutup"
    wf = load_state(closed.state, model.spec, model.subprocess_specs)
    assert reached(wf, "eskalasi_penyelesaian_2_konfirmasi_tercatat") == 1
    assert reached(wf, "eskalasi_penyelesaian_3_konfirmasi_tercatat") == 1
    assert reached(wf, "aduan_ditutup") == 1


def test_a_task_reached_after_a_deadline_fires_its_timer_at_once(model, runtime, clock):
    """The deadlines are absolute and every later task carries the resolution timers.

    A task that becomes ready after `penyelesaian_peringatan` has passed fires its level-2
    timer inside the same engine call (SpiffWorkflow checks the due time as soon as the
    timer starts waiting), not in a later `fire_timers`. Whoever records escalations must
    count one per clock and level per instance, and look for such timers after `complete`.
    """
    outcome = runtime.start(model, start_data(sla=SLA_P2), clock)
    clock.advance(timedelta(minutes=10))
    outcome = complete_ready(runtime, model, outcome, clock, "klasifikasi_aduan", KLASIFIKASI)
    clock.set(just_after("penyelesaian_peringatan"))
    warned = runtime.fire_timers(model, outcome.state, clock)
    assert warned.fired == ["eskalasi_penyelesaian_2_admin"]

    clock.advance(timedelta(minutes=5))
    escalated = complete_ready(
        runtime, model, warned, clock, "penanganan_aduan_admin", TIDAK_TERSELESAIKAN
    )
    assert ready_ids(escalated) == ["penanganan_aduan_infra"]
    wf = load_state(escalated.state, model.spec, model.subprocess_specs)
    assert reached(wf, "eskalasi_penyelesaian_2_infra_tercatat") == 1
    assert waiting_ids(model, escalated) == ["eskalasi_penyelesaian_3_infra"]
    assert escalated.next_timer_at == at("penyelesaian_batas")


def test_escalation_timers_keep_watching_while_the_recovery_runs(model, runtime, clock):
    """The wait for Pemulihan Layanan is a receive task carrying the resolution clock's
    level 2 and 3 timers, so a complaint waiting on a long recovery still escalates. The
    confirmation task's own timers fire at once when it is reached after both points (the
    app records each clock's level once)."""
    outcome = runtime.start(model, start_data(sla=SLA_P2), clock)
    outcome = complete_ready(runtime, model, outcome, clock, "klasifikasi_aduan", KLASIFIKASI)
    outcome = complete_ready(
        runtime, model, outcome, clock, "penanganan_aduan_admin", TIDAK_TERSELESAIKAN
    )
    outcome = complete_ready(
        runtime, model, outcome, clock, "penanganan_aduan_infra", penanganan_infra(drp=True)
    )
    assert outcome.status == "waiting"
    assert ready_ids(outcome) == []
    assert sorted(waiting_ids(model, outcome)) == [
        "eskalasi_penyelesaian_2_drp",
        "eskalasi_penyelesaian_3_drp",
        "tunggu_pemulihan_layanan",
    ]
    assert outcome.next_timer_at == datetime.fromisoformat(SLA_P2["penyelesaian_peringatan"])
    assert [(m.name, m.payload["nomor_aduan"]) for m in outcome.messages] == [(DRP_MESSAGE, NOMOR)]

    clock.set(just_after("penyelesaian_peringatan"))
    warned = runtime.fire_timers(model, outcome.state, clock)
    assert warned is not None
    assert warned.fired == ["eskalasi_penyelesaian_2_drp"]
    clock.set(just_after("penyelesaian_batas"))
    breached = runtime.fire_timers(model, warned.state, clock)
    assert breached is not None
    assert breached.fired == ["eskalasi_penyelesaian_3_drp"]
    assert sorted(waiting_ids(model, breached)) == ["tunggu_pemulihan_layanan"]

    with pytest.raises(Conflict, match="tidak menunggu"):
        runtime.deliver(model, breached.state, Message("rilis-layanan-selesai", {}), clock)
    recovered = runtime.deliver(model, breached.state, Message(DRP_DONE, PULIH), clock)
    assert recovered.failure is None
    assert ready_ids(recovered) == ["konfirmasi_aduan"]
    assert recovered.data["hasil_pemulihan_layanan"] == PULIH
    assert sorted(recovered.fired) == [
        "eskalasi_penyelesaian_2_konfirmasi",
        "eskalasi_penyelesaian_3_konfirmasi",
    ]
    assert recovered.messages == []
    closed = complete_ready(runtime, model, recovered, clock, "konfirmasi_aduan", DITERIMA)
    assert closed.status == "complete"
    assert closed.messages == []


def test_the_recovery_ending_early_cancels_the_wait_timers(model, runtime, clock):
    outcome = runtime.start(model, start_data(sla=SLA_P2), clock)
    outcome = complete_ready(runtime, model, outcome, clock, "klasifikasi_aduan", KLASIFIKASI)
    outcome = complete_ready(
        runtime, model, outcome, clock, "penanganan_aduan_admin", TIDAK_TERSELESAIKAN
    )
    outcome = complete_ready(
        runtime, model, outcome, clock, "penanganan_aduan_infra", penanganan_infra(drp=True)
    )
    recovered = runtime.deliver(model, outcome.state, Message(DRP_DONE, PULIH), clock)
    assert recovered.fired == []
    assert "eskalasi_penyelesaian_2_drp" not in waiting_ids(model, recovered)
    assert ready_ids(recovered) == ["konfirmasi_aduan"]


def test_no_deadline_means_the_timers_never_fire(model, runtime, clock):
    outcome = runtime.start(model, start_data(sla=NO_DEADLINE), clock)
    assert outcome.failure is None
    assert outcome.next_timer_at == datetime.fromisoformat(FAR_FUTURE)
    clock.advance(timedelta(days=3650))
    assert runtime.fire_timers(model, outcome.state, clock) is None


def boundary_events(tree):
    return tree.findall("bpmn:process/bpmn:boundaryEvent", NS)


EXPECTED_ESCALATIONS = {
    "klasifikasi_aduan": {("respons", "1"), ("respons", "2")},
    "penanganan_aduan_admin": {("penyelesaian", "2"), ("penyelesaian", "3")},
    "penanganan_aduan_infra": {("penyelesaian", "2"), ("penyelesaian", "3")},
    "tunggu_pemulihan_layanan": {("penyelesaian", "2"), ("penyelesaian", "3")},
    "konfirmasi_aduan": {("penyelesaian", "2"), ("penyelesaian", "3")},
}
SLA_KEY = {
    ("respons", "1"): "respons_peringatan",
    ("respons", "2"): "respons_batas",
    ("penyelesaian", "2"): "penyelesaian_peringatan",
    ("penyelesaian", "3"): "penyelesaian_batas",
}
TABEL_14 = {
    "1": ("Administrator Layanan", "Administrator Infrastruktur dan Aplikasi"),
    "2": ("Penanggung Jawab Penyedia Layanan", "Penanggung Jawab Infrastruktur dan Aplikasi"),
    "3": ("Pimpinan PD Penyedia Layanan",),
}


def test_escalation_boundary_events_are_non_interrupting_timers_on_sla(tree, spec):
    process = tree.find("bpmn:process", NS)
    flows = {f.get("id"): f for f in process.findall("bpmn:sequenceFlow", NS)}
    nodes = {n.get("id"): n for n in process}
    found = {}
    for event in boundary_events(tree):
        bid = event.get("id")
        assert event.get("cancelActivity") == "false", bid
        props = {
            p.get("name"): p.get("value")
            for p in event.findall("bpmn:extensionElements/spiffworkflow:properties/*", NS)
        }
        clock_level = (props["escalationClock"], props["escalationLevel"])
        found.setdefault(event.get("attachedToRef"), set()).add(clock_level)
        assert bid.startswith(f"eskalasi_{clock_level[0]}_{clock_level[1]}"), bid
        assert f"Eskalasi level {clock_level[1]}" in event.get("name"), bid
        # The app reads the same properties from the parsed spec.
        assert spec.task_specs[bid].extensions["properties"] == props
        time_date = event.find("bpmn:timerEventDefinition/bpmn:timeDate", NS)
        assert time_date.text == f'sla["{SLA_KEY[clock_level]}"]', bid
        doc = event.find("bpmn:documentation", NS).text
        assert "Tabel 14" in doc, bid
        for role in TABEL_14[clock_level[1]]:
            assert role in doc, (bid, role)
        # The escalation path is one flow to its own end event: no script, no task.
        [outgoing] = event.findall("bpmn:outgoing", NS)
        flow = flows[outgoing.text]
        end = nodes[flow.get("targetRef")]
        assert etree.QName(end).localname == "endEvent", bid
        assert end.get("id") == f"{bid}_tercatat"
        assert end.get("name") == f"Eskalasi level {clock_level[1]} tercatat"
        assert len(end.findall("bpmn:incoming", NS)) == 1
    assert found == EXPECTED_ESCALATIONS


def test_start_without_sla_fails_on_the_first_timer(model, runtime, clock):
    """`sla` is the app's to provide: without it the first escalation timer cannot be set."""
    data = start_data()
    del data["sla"]
    outcome = runtime.start(model, data, clock)
    assert outcome.status == "error"
    assert "sla" in outcome.failure.message


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
        "pelaporan_aduan",
        "klasifikasi_aduan",
        "penanganan_aduan_admin",
        "penanganan_aduan_infra",
        "konfirmasi_aduan",
    }
    start_form = props["pelaporan_aduan"]
    for field in ("layanan", "metode_pelaporan", "kategori", "gejala", "dampak", "nip_nik"):
        assert_invalid(start_form, {k: v for k, v in PELAPORAN.items() if k != field})
    assert_valid(start_form, {k: v for k, v in PELAPORAN.items() if k != "urgensi"})
    assert_invalid(start_form, {**PELAPORAN, "metode_pelaporan": "fax"})
    assert_invalid(start_form, {**PELAPORAN, "dampak": "Major"})
    assert_invalid(start_form, {**PELAPORAN, "urgensi": 4})
    assert_invalid(start_form, {**PELAPORAN, "urgensi": "1"})
    assert_invalid(start_form, {**PELAPORAN, "komponen_konfigurasi": "srv-simpeg-01"})
    assert_invalid(start_form, {**PELAPORAN, "nip_nik": "12345"})

    klasifikasi = props["klasifikasi_aduan"]
    assert_invalid(klasifikasi, {**KLASIFIKASI, "prioritas": "tinggi"})
    assert_invalid(klasifikasi, {**KLASIFIKASI, "estimasi_selesai": "besok siang"})
    assert_invalid(klasifikasi, {k: v for k, v in KLASIFIKASI.items() if k != "analisis"})

    admin = props["penanganan_aduan_admin"]
    assert_invalid(admin, {k: v for k, v in TIDAK_TERSELESAIKAN.items() if k != "alasan_eskalasi"})
    assert_invalid(admin, {"aktivitas_penanganan": "Dijalankan ulang."})
    assert_invalid(admin, {**TERSELESAIKAN, "terselesaikan": "ya"})
    # The root-cause flag is optional; when set, the incident pattern is required.
    assert_valid(admin, AKAR_MASALAH)
    assert_valid(admin, {**TERSELESAIKAN, "perlu_analisis_akar_masalah": False})
    assert_invalid(admin, {**TERSELESAIKAN, "perlu_analisis_akar_masalah": True})
    assert_invalid(admin, {**AKAR_MASALAH, "pola_insiden": "berulang"})
    assert_invalid(admin, {**TERSELESAIKAN, "perlu_analisis_akar_masalah": "ya"})

    infra = props["penanganan_aduan_infra"]
    for field in ("drp_diaktifkan", "kajian_drp", "analisis_infra"):
        assert_invalid(infra, {k: v for k, v in penanganan_infra(True).items() if k != field})
    # `format: date-time` is not checked without rfc3339-validator; the pattern is.
    assert_invalid(infra, {**penanganan_infra(False), "estimasi_selesai_infra": "2026-11-23 13:00"})
    assert_invalid(klasifikasi, {**KLASIFIKASI, "estimasi_selesai": "2026-11-23T11:00:00"})
    assert_valid(klasifikasi, {**KLASIFIKASI, "estimasi_selesai": "2026-11-23T04:00:00.000Z"})

    # kajian_drp becomes Pemulihan Layanan's uraian_kejadian, which needs 10 characters.
    assert_invalid(infra, {**penanganan_infra(True), "kajian_drp": "Rusak."})

    konfirmasi = props["konfirmasi_aduan"]
    assert_invalid(konfirmasi, {"konfirmasi": "ditolak", "cara_konfirmasi": "telepon"})
    assert_invalid(konfirmasi, {"konfirmasi": "diterima"})
    assert_invalid(konfirmasi, {"konfirmasi": "mungkin", "cara_konfirmasi": "telepon"})
    assert_invalid(konfirmasi, {"konfirmasi": "diterima", "cara_konfirmasi": "sms"})


def test_start_form_declares_the_ticket_fields(spec):
    start_props = spec.task_specs["pelaporan_aduan"].extensions["properties"]
    schema = load_form(start_props["formJsonSchemaFilename"])
    fields = schema["properties"]
    assert fields["layanan"]["type"] == "string"
    assert {"layanan", "metode_pelaporan", "kategori", "gejala", "dampak"} <= set(
        schema["required"]
    )
    assert fields["metode_pelaporan"]["enum"] == ["telepon", "surat", "email", "web"]
    assert fields["dampak"]["enum"] == ["Mayor", "Minor"]
    assert "gagal beroperasi secara keseluruhan" in fields["dampak"]["description"]
    assert "penurunan kinerja" in fields["dampak"]["description"]
    assert fields["urgensi"] == {**fields["urgensi"], "type": "integer", "enum": [1, 2, 3]}
    assert "urgensi" not in schema["required"]
    assert fields["pendampingan_lokasi"]["type"] == "boolean"
    assert "pendampingan_lokasi" not in schema["required"]
    assert fields["komponen_konfigurasi"]["items"]["type"] == "string"
    # The runtime sets these; the reporter must not be asked for them.
    assert not RUNTIME_START_VARIABLES & set(fields)
    klasifikasi = load_form("penanganan-aduan-klasifikasi.schema.json")["properties"]
    assert klasifikasi["prioritas"]["enum"] == ["P1", "P2", "P3", "P4", "P5", "P6"]
    assert klasifikasi["estimasi_selesai"]["format"] == "date-time"


def test_every_user_task_has_a_form(spec):
    user_tasks = [t for t in spec.task_specs.values() if getattr(t, "manual", False)]
    assert len(user_tasks) == 4
    for task_spec in user_tasks:
        form_validator(task_spec.extensions["properties"])


# --------------------------------------------------------------------------- deploy checks


def test_deploy_validation_accepts_the_model_without_warnings(model):
    assert model.process_id == PROCESS_ID
    assert set(model.roots) == {"penanganan-aduan.bpmn", "prioritas-aduan.dmn"}
    assert model.start_form.schema_file == "penanganan-aduan-pelaporan.schema.json"
    assert validate_model(model, diagram.KNOWN_ROLES) == []


# --------------------------------------------------------------------------- diagram


def test_the_diagram_has_its_lanes_decisions_and_loops(spec):
    """What only this diagram has; tests/engine/test_diagram_conventions.py checks the
    conventions every diagram follows (layout, lanes, citations, gateways, expressions)."""
    shipped = diagram.load(BPMN_FILE)
    assert shipped.lane_names() == [STARTER_LANE, ADMIN, INFRA]
    assert len(shipped.split_gateways()) == len(shipped.conditions()) == 4
    assert shipped.loops() == {"f_konfirmasi_ditolak"}
    assert spec.task_specs["konfirmasi_aduan"].lane == STARTER_LANE
    for node in shipped.cited_nodes():
        assert CITATION in shipped.documentation(node), node.get("id")


def test_messages_link_the_procedures(tree):
    """Started by its own model id; starts Pemulihan Layanan and waits for its end message;
    starts Manajemen Masalah without waiting (docs/bpmn-conventions.md, "Links")."""
    root = tree.getroot()
    messages = {m.get("id"): m.get("name") for m in root.findall("bpmn:message", NS)}
    assert sorted(messages.values()) == sorted([MODEL_ID, DRP_MESSAGE, DRP_DONE, PROBLEM_MESSAGE])
    assert messages["msg_mulai_pemulihan_layanan"] == DRP_MESSAGE
    process = tree.find("bpmn:process", NS)
    start_def = process.find("bpmn:startEvent/bpmn:messageEventDefinition", NS)
    assert messages[start_def.get("messageRef")] == MODEL_ID

    def definition(tag, element_id):
        node = process.find(f"bpmn:{tag}[@id='{element_id}']", NS)
        assert node is not None, element_id
        return node.find("bpmn:messageEventDefinition", NS)

    drp = definition("intermediateThrowEvent", "mulai_pemulihan_layanan")
    assert messages[drp.get("messageRef")] == DRP_MESSAGE
    payload = drp.find("bpmn:extensionElements/spiffworkflow:messagePayload", NS).text
    assert ast.parse(payload, mode="eval")
    done = process.find("bpmn:receiveTask[@id='tunggu_pemulihan_layanan']", NS)
    assert messages[done.get("messageRef")] == DRP_DONE
    variable = done.find("bpmn:extensionElements/spiffworkflow:messageVariable", NS)
    assert variable.text == "hasil_pemulihan_layanan"
    problem = definition("intermediateThrowEvent", "mulai_manajemen_masalah")
    assert messages[problem.get("messageRef")] == PROBLEM_MESSAGE
    payload = problem.find("bpmn:extensionElements/spiffworkflow:messagePayload", NS).text
    keys = {k.value for k in ast.parse(payload, mode="eval").body.keys}
    assert keys == {
        "layanan",
        "judul",
        "uraian",
        "sumber_identifikasi",
        "nomor_aduan",
        "pola_insiden",
    }
    # The recovery loop moved to Pemulihan Layanan.
    for gone in ("pemulihan_layanan", "gw_pulih", "gw_gabung_pemulihan"):
        assert process.find(f"*[@id='{gone}']", NS) is None, gone
