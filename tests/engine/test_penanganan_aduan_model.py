"""Engine-only checks of processes/penanganan-aduan.bpmn, its forms and its escalation timers.

No Flask and no database. The paths are driven through the runtime the app uses, with the
starting data `InstanceService.start` adds (tests/engine/harness.py): the start form,
`layanan_info` from the catalog, `pemohon`, `waktu_permintaan`, `nomor_referensi` and the
`sla` dict of escalation times, which starts with no deadline. The app sets the deadlines
of the service's SLA after the first step (`Runtime.update_data`); the timer tests do the
same with a `FixedClock`, the state serialized between calls as in production.

The complaint links to two other procedures with BPMN messages: it starts Pemulihan Layanan
(`pemulihan-layanan`) when the DRP is activated and waits for `pemulihan-layanan-selesai`,
and it starts Manajemen Masalah (`manajemen-masalah`) after the reporter accepts when the
service desk asked for a root-cause analysis. Here the thrown messages are read from the
runtime's `Outcome.messages` and the answer is delivered as the app does (`Runtime.deliver`).

The reported service is SIPKD, Administrasi Pemerintahan and Kritis in the demo catalog: a
Mayor disruption of it is P2 (Perbup Bangka 21/2025, Tabel 3).
"""

import ast
import json
from datetime import UTC, datetime, timedelta

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.util.task import TaskState

from app.engine.routing import route_for
from app.engine.validation import validate_model
from app.errors import Conflict
from tests.engine import diagram
from tests.engine.diagram import FORMS_DIR, NS
from tests.engine.forms_check import assert_invalid, assert_valid, form_validator, load_form
from tests.engine.harness import Procedure, bpmn_file

MODEL_ID = "penanganan-aduan"
BPMN_FILE = bpmn_file(MODEL_ID)
PROCESS_ID = "penanganan_aduan"
START_EVENT = "pelaporan_aduan"
CITATION = "Perbup Bangka 21/2025, 2.2.1.2"

STARTER_LANE = "Pemohon"
ADMIN = "Administrator Layanan"
INFRA = "Administrator Infrastruktur dan Aplikasi"
REPORTER = "penyedia"

# What the runtime puts into the instance data at start (besides the start form).
RUNTIME_START_VARIABLES = {
    "layanan_info",
    "pemohon",
    "waktu_permintaan",
    "sla",
    "nomor_referensi",
    "pengaturan",
}
NOMOR = "ADU-2026-000001"
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
    "layanan": "SIPKD",
    "judul": "SIPKD tidak dapat diakses",
    "nip_nik": "198703122010011002",
    "instansi": "Badan Pengelolaan Keuangan dan Aset Daerah",
    "jabatan": "Kepala Bidang Anggaran",
    "telepon": "081234567890",
    "email": "kabid.anggaran@bangka.go.id",
    "metode_pelaporan": "telepon",
    "kategori": "aplikasi",
    "gejala": "Sejak pukul 08.30 halaman masuk SIPKD menampilkan galat 502 bagi semua pengguna.",
    "dampak": "Mayor",
    "urgensi": 1,
    "komponen_konfigurasi": ["srv-sipkd-01", "db-sipkd"],
}
KLASIFIKASI = {
    "kategori": "aplikasi",
    "dampak": "Mayor",
    "prioritas": "P2",
    "analisis": "Layanan aplikasi SIPKD berhenti setelah pembaruan sistem operasi semalam.",
    "estimasi_selesai": "2026-11-23T11:00:00+07:00",
    "komponen_konfigurasi": ["srv-sipkd-01", "db-sipkd"],
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
DITERIMA = {"konfirmasi": "diterima", "cara_konfirmasi": "telepon", "kepuasan": 4}
AKAR_MASALAH = {
    **TERSELESAIKAN,
    "perlu_analisis_akar_masalah": True,
    "pola_insiden": "Ketiga kalinya bulan ini halaman masuk SIPKD galat 502 setelah pembaruan.",
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
#: A catalog entry outside the regulation's classes: no rule of the decision table matches.
UNCLASSIFIED = {
    "code": "UJI-TANPA-KELAS",
    "name": "Layanan uji tanpa kelompok dan klasifikasi",
    "agency": "DISKOMINFO",
    "group": None,
    "classification": None,
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


@pytest.fixture
def procedure():
    return Procedure(MODEL_ID, T0, requester=REPORTER)


def assert_closed(run):
    assert run.completed
    assert run.reached("aduan_ditutup") == 1
    assert run.data["status"] == "ditutup"
    assert run.data["konfirmasi"] == "diterima"


# --------------------------------------------------------------------------- paths


def test_run_solved_by_service_admin_and_accepted(procedure):
    run = procedure.start(PELAPORAN)
    assert run.ready_ids() == ["klasifikasi_aduan"]
    task = run.task("klasifikasi_aduan")
    # The decision table ran before the first user task: Mayor x Administrasi x Kritis = P2.
    assert task.data["prioritas"] == "P2"
    assert task.data["status"] == "terbuka"
    run.complete("klasifikasi_aduan", ADMIN, KLASIFIKASI)
    run.complete("penanganan_aduan_admin", ADMIN, TERSELESAIKAN)
    run.complete("konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert_closed(run)
    assert run.reached("penanganan_aduan_admin") == 1
    assert not run.reached("penanganan_aduan_infra")
    assert not run.reached("mulai_pemulihan_layanan")
    assert run.data["cara_konfirmasi"] == "telepon"
    assert run.data["penyebab"] == TERSELESAIKAN["penyebab"]
    assert run.data["komponen_konfigurasi"] == ["srv-sipkd-01", "db-sipkd"]
    # No timer fired: no escalation branch ran.
    completed = run.workflow().get_tasks(state=TaskState.COMPLETED)
    assert not [t for t in completed if t.task_spec.name.startswith("eskalasi")]
    # No root-cause analysis asked for: the default closes without starting anything.
    assert run.data["perlu_analisis_akar_masalah"] is False
    assert not run.reached("mulai_manajemen_masalah")
    assert run.thrown() == []


def test_run_rejected_by_reporter_goes_back_to_service_admin(procedure):
    run = procedure.start(PELAPORAN)
    run.complete("klasifikasi_aduan", ADMIN, KLASIFIKASI)
    run.complete("penanganan_aduan_admin", ADMIN, TERSELESAIKAN)
    run.complete(
        "konfirmasi_aduan",
        STARTER_LANE,
        {
            "konfirmasi": "ditolak",
            "cara_konfirmasi": "web",
            "alasan_penolakan": "Halaman laporan masih galat 500.",
        },
    )
    assert not run.completed
    run.complete(
        "penanganan_aduan_admin",
        ADMIN,
        {"aktivitas_penanganan": "Modul laporan diperbaiki dan diuji.", "terselesaikan": True},
    )
    run.complete("konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert_closed(run)
    assert run.reached("penanganan_aduan_admin") == 2
    assert run.reached("konfirmasi_aduan") == 2
    assert run.reached("klasifikasi_aduan") == 1


def test_run_escalated_to_infrastructure_without_drp(procedure):
    run = procedure.start(PELAPORAN)
    run.complete("klasifikasi_aduan", ADMIN, KLASIFIKASI)
    run.complete("penanganan_aduan_admin", ADMIN, TIDAK_TERSELESAIKAN)
    run.complete("penanganan_aduan_infra", INFRA, penanganan_infra(drp=False))
    run.complete("konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert_closed(run)
    assert run.reached("penanganan_aduan_infra") == 1
    assert not run.reached("mulai_pemulihan_layanan")
    assert run.data["drp_diaktifkan"] is False
    assert run.thrown() == []


def _waiting_for_recovery(procedure, run=None):
    run = procedure.start(PELAPORAN) if run is None else run
    run.complete("klasifikasi_aduan", ADMIN, KLASIFIKASI)
    run.complete("penanganan_aduan_admin", ADMIN, TIDAK_TERSELESAIKAN)
    run.complete("penanganan_aduan_infra", INFRA, penanganan_infra(drp=True))
    return run


def test_drp_activation_starts_pemulihan_layanan_and_waits_for_it(procedure):
    run = _waiting_for_recovery(procedure)
    # The recovery runs in its own procedure: nothing for a person here meanwhile.
    assert run.ready == []
    assert run.reached("mulai_pemulihan_layanan") == 1
    assert run.waiting_ids().count("tunggu_pemulihan_layanan") == 1
    assert run.thrown() == [
        (
            DRP_MESSAGE,
            {
                "layanan": PELAPORAN["layanan"],
                "judul": PELAPORAN["judul"],
                "uraian_kejadian": penanganan_infra(drp=True)["kajian_drp"],
                "nomor_aduan": NOMOR,
            },
        )
    ]
    run.deliver(DRP_DONE, PULIH)
    # still running: the answer is in the task's data, not yet the workflow's
    assert run.workflow().data.get("hasil_pemulihan_layanan") is None
    assert run.ready_ids() == ["konfirmasi_aduan"]
    assert run.task("konfirmasi_aduan").data["hasil_pemulihan_layanan"] == PULIH
    run.complete("konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert_closed(run)
    assert run.reached("tunggu_pemulihan_layanan") == 1
    assert run.data["drp_diaktifkan"] is True
    assert run.data["hasil_pemulihan_layanan"]["layanan_pulih"] is True
    assert run.thrown() == []


def test_drp_start_data_satisfies_the_pemulihan_layanan_start_form(procedure):
    """The payload is the child's start data: the app refuses the step if it fails the form."""
    run = _waiting_for_recovery(procedure)
    [(_, payload)] = run.thrown()
    start_form = load_form("pemulihan-layanan-pengajuan.schema.json")
    validator = Draft202012Validator(start_form, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert not list(validator.iter_errors(payload))
    # kajian_drp becomes uraian_kejadian: the complaint form asks for as much as the child's.
    infra_form = load_form("penanganan-aduan-penanganan-infra.schema.json")
    assert (
        infra_form["properties"]["kajian_drp"]["minLength"]
        >= start_form["properties"]["uraian_kejadian"]["minLength"]
    )


def test_no_disaster_after_all_still_goes_to_the_reporter(procedure):
    run = _waiting_for_recovery(procedure)
    run.thrown()
    run.deliver(DRP_DONE, BUKAN_BENCANA)
    run.complete(
        "konfirmasi_aduan",
        STARTER_LANE,
        {"konfirmasi": "ditolak", "cara_konfirmasi": "web", "alasan_penolakan": "Masih galat."},
    )
    run.complete("penanganan_aduan_admin", ADMIN, TERSELESAIKAN)
    run.complete("konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert_closed(run)
    assert run.data["hasil_pemulihan_layanan"] == BUKAN_BENCANA
    assert run.reached("mulai_pemulihan_layanan") == 1


def test_a_message_for_another_procedure_is_not_caught_here(procedure):
    run = _waiting_for_recovery(procedure)
    run.thrown()
    with pytest.raises(Conflict, match="tidak menunggu"):
        run.deliver("rilis-layanan-selesai", {})
    assert run.ready == []
    assert "tunggu_pemulihan_layanan" in run.waiting_ids()


def test_root_cause_analysis_starts_manajemen_masalah_after_the_reporter_accepts(procedure):
    run = procedure.start(PELAPORAN)
    run.complete("klasifikasi_aduan", ADMIN, KLASIFIKASI)
    run.complete("penanganan_aduan_admin", ADMIN, AKAR_MASALAH)
    # Nothing is started before the reporter accepts.
    assert run.thrown() == []
    run.complete("konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert_closed(run)
    assert run.reached("mulai_manajemen_masalah") == 1
    assert run.thrown() == [
        (
            PROBLEM_MESSAGE,
            {
                "layanan": PELAPORAN["layanan"],
                "judul": PELAPORAN["judul"],
                "uraian": f"Gejala: {PELAPORAN['gejala']} "
                f"Penanganan: {TERSELESAIKAN['aktivitas_penanganan']}",
                "sumber_identifikasi": "aduan_berulang",
                "nomor_aduan": NOMOR,
                "pola_insiden": AKAR_MASALAH["pola_insiden"],
            },
        )
    ]


def test_problem_start_data_satisfies_the_manajemen_masalah_start_form(procedure):
    """Even from the longest texts the forms allow: `uraian` is cut to the child's limit."""
    problem_form = FORMS_DIR / "manajemen-masalah-pengajuan.schema.json"
    if not problem_form.is_file():
        pytest.skip("manajemen-masalah is not shipped yet")
    run = procedure.start({**PELAPORAN, "gejala": "g" * 5000})
    run.complete("klasifikasi_aduan", ADMIN, KLASIFIKASI)
    run.complete(
        "penanganan_aduan_admin", ADMIN, {**AKAR_MASALAH, "aktivitas_penanganan": "a" * 5000}
    )
    run.complete("konfirmasi_aduan", STARTER_LANE, DITERIMA)
    [(name, payload)] = run.thrown()
    assert name == PROBLEM_MESSAGE
    assert len(payload["uraian"]) == 5000
    schema = json.loads(problem_form.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert not [e.message for e in validator.iter_errors(payload)]


def test_root_cause_analysis_waits_for_the_final_acceptance(procedure):
    run = procedure.start(PELAPORAN)
    run.complete("klasifikasi_aduan", ADMIN, KLASIFIKASI)
    run.complete("penanganan_aduan_admin", ADMIN, AKAR_MASALAH)
    run.complete(
        "konfirmasi_aduan",
        STARTER_LANE,
        {"konfirmasi": "ditolak", "cara_konfirmasi": "web", "alasan_penolakan": "Masih galat."},
    )
    assert run.thrown() == []
    # The flag set in the first round stays unless the service desk clears it.
    assert run.task("penanganan_aduan_admin").data["perlu_analisis_akar_masalah"] is True
    run.complete(
        "penanganan_aduan_admin",
        ADMIN,
        {**TERSELESAIKAN, "perlu_analisis_akar_masalah": False},
    )
    run.complete("konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert_closed(run)
    assert not run.reached("mulai_manajemen_masalah")
    assert run.thrown() == []


def test_run_rejected_after_infrastructure_returns_to_service_admin(procedure):
    run = procedure.start(PELAPORAN)
    run.complete("klasifikasi_aduan", ADMIN, KLASIFIKASI)
    run.complete("penanganan_aduan_admin", ADMIN, TIDAK_TERSELESAIKAN)
    run.complete("penanganan_aduan_infra", INFRA, penanganan_infra(drp=False))
    run.complete(
        "konfirmasi_aduan",
        STARTER_LANE,
        {"konfirmasi": "ditolak", "cara_konfirmasi": "email", "alasan_penolakan": "Masih lambat."},
    )
    run.complete("penanganan_aduan_admin", ADMIN, TERSELESAIKAN)
    run.complete("konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert_closed(run)
    assert run.reached("penanganan_aduan_infra") == 1


@pytest.mark.parametrize(
    ("dampak", "layanan", "kelompok", "klasifikasi", "prioritas"),
    [
        ("Mayor", "SIAK", "Publik", "Kritis", "P1"),
        ("Mayor", "SIMPEG", "Administrasi Pemerintahan", "Esensial", "P3"),
        ("Minor", "OSS-PERIZINAN", "Publik", "Esensial", "P4"),
        ("Minor", "JARINGAN", "Administrasi Pemerintahan", "Normal", "P6"),
    ],
)
def test_decision_table_sets_priority_from_tabel_3(
    procedure, dampak, layanan, kelompok, klasifikasi, prioritas
):
    run = procedure.start({**PELAPORAN, "dampak": dampak, "layanan": layanan})
    assert run.ready_ids() == ["klasifikasi_aduan"]
    task = run.task("klasifikasi_aduan")
    assert task.data["prioritas"] == prioritas
    assert task.data["kelompok_layanan"] == kelompok
    assert task.data["klasifikasi_layanan"] == klasifikasi


def test_service_admin_may_change_the_priority(procedure):
    run = procedure.start({**PELAPORAN, "dampak": "Minor"})
    assert run.task("klasifikasi_aduan").data["prioritas"] == "P4"
    run.complete(
        "klasifikasi_aduan",
        ADMIN,
        {**KLASIFIKASI, "prioritas": "P1", "alasan_prioritas": "Batas unggah data BKN hari ini."},
    )
    assert run.ready_ids() == ["penanganan_aduan_admin"]
    assert run.task("penanganan_aduan_admin").data["prioritas"] == "P1"


def test_without_a_matching_rule_the_admin_sets_the_priority():
    procedure = Procedure(MODEL_ID, T0, requester=REPORTER, services=[UNCLASSIFIED])
    run = procedure.start({**PELAPORAN, "layanan": UNCLASSIFIED["code"]})
    assert run.ready_ids() == ["klasifikasi_aduan"]
    assert "prioritas" not in run.task("klasifikasi_aduan").data
    props = procedure.model.spec.task_specs["klasifikasi_aduan"].extensions["properties"]
    assert_invalid(props, {k: v for k, v in KLASIFIKASI.items() if k != "prioritas"})
    run.complete("klasifikasi_aduan", ADMIN, KLASIFIKASI)
    assert run.task("penanganan_aduan_admin").data["prioritas"] == "P2"


def test_reporter_tasks_go_to_the_starter(procedure):
    model = procedure.model
    data = procedure.start_data(PELAPORAN)
    start_lane = model.spec.task_specs[START_EVENT].lane
    assert start_lane == STARTER_LANE
    route = route_for(model.user_tasks["konfirmasi_aduan"], data, REPORTER)
    assert (route.lane, route.assignee, route.requires_role) == (STARTER_LANE, REPORTER, False)
    for bpmn_id, lane in (
        ("klasifikasi_aduan", ADMIN),
        ("penanganan_aduan_admin", ADMIN),
        ("penanganan_aduan_infra", INFRA),
    ):
        route = route_for(model.user_tasks[bpmn_id], data, REPORTER)
        assert (route.lane, route.assignee, route.requires_role) == (lane, None, True)


# --------------------------------------------------------------------------- escalation timers


def at(key):
    return datetime.fromisoformat(SLA_P2[key])


def just_after(key):
    """SpiffWorkflow fires a timer once its due time has passed (`due < now`)."""
    return at(key) + timedelta(seconds=1)


def start_with_deadlines(procedure):
    """Start, then set the P2 deadlines where the timers read them, as the app's SLA clocks
    do after the first step (`Runtime.update_data`)."""
    run = procedure.start(PELAPORAN)
    assert run.outcome.next_timer_at == datetime.fromisoformat(FAR_FUTURE)
    run.set_variables({"sla": SLA_P2})
    return run


def test_the_deadlines_start_unset_until_the_app_reads_the_clocks(procedure):
    run = procedure.start(PELAPORAN)
    assert run.data["sla"] == NO_DEADLINE
    assert run.set_variables({"sla": SLA_P2}) == at("respons_peringatan")
    assert run.task_data("klasifikasi_aduan")["sla"] == SLA_P2


def test_response_warning_escalates_to_level_1_and_the_task_stays_ready(procedure):
    clock = procedure.clock
    run = start_with_deadlines(procedure)
    assert run.ready_ids() == ["klasifikasi_aduan"]
    assert run.waiting_ids() == ["eskalasi_respons_1", "eskalasi_respons_2"]
    assert run.outcome.next_timer_at == at("respons_peringatan")

    clock.set(at("respons_peringatan") - timedelta(seconds=1))
    assert run.fire_timers() is None
    clock.set(at("respons_peringatan"))
    on_the_dot = run.fire_timers()
    assert on_the_dot is None or on_the_dot.fired == []

    clock.set(just_after("respons_peringatan"))
    warned = run.fire_timers()
    assert warned is not None
    assert warned.failure is None
    assert warned.fired == ["eskalasi_respons_1"]
    assert run.ready_ids() == ["klasifikasi_aduan"]
    assert warned.status == "running"
    assert run.waiting_ids() == ["eskalasi_respons_2"]
    assert warned.next_timer_at == at("respons_batas")

    clock.set(just_after("respons_batas"))
    breached = run.fire_timers()
    assert breached.fired == ["eskalasi_respons_2"]
    assert run.ready_ids() == ["klasifikasi_aduan"]
    assert breached.next_timer_at is None

    # The response is given late; the resolution clock now waits on the handling task.
    run.complete("klasifikasi_aduan", ADMIN, KLASIFIKASI)
    assert run.ready_ids() == ["penanganan_aduan_admin"]
    assert run.outcome.next_timer_at == at("penyelesaian_peringatan")


def test_response_timers_stop_once_the_complaint_is_classified(procedure):
    clock = procedure.clock
    run = start_with_deadlines(procedure)
    clock.advance(timedelta(minutes=10))
    run.complete("klasifikasi_aduan", ADMIN, KLASIFIKASI)
    assert run.ready_ids() == ["penanganan_aduan_admin"]
    assert run.waiting_ids() == [
        "eskalasi_penyelesaian_2_admin",
        "eskalasi_penyelesaian_3_admin",
    ]
    assert run.outcome.next_timer_at == at("penyelesaian_peringatan")
    for key in ("respons_peringatan", "respons_batas"):
        clock.set(just_after(key))
        assert run.fire_timers() is None
    wf = run.workflow()
    for name in ("eskalasi_respons_1", "eskalasi_respons_2"):
        assert [t.state for t in wf.get_tasks(spec_name=name)] == [TaskState.CANCELLED]


def test_resolution_timers_escalate_to_levels_2_and_3_until_the_reporter_confirms(procedure):
    clock = procedure.clock
    run = start_with_deadlines(procedure)
    # A PD that waits 30 working days for the reporter before closing by itself.
    run.set_variables({"pengaturan": {"batas_konfirmasi_hari_kerja": 30}})
    clock.advance(timedelta(minutes=10))
    run.complete("klasifikasi_aduan", ADMIN, KLASIFIKASI)
    run.complete("penanganan_aduan_admin", ADMIN, TERSELESAIKAN)
    assert run.ready_ids() == ["konfirmasi_aduan"]
    assert sorted(run.waiting_ids()) == [
        "eskalasi_penyelesaian_2_konfirmasi",
        "eskalasi_penyelesaian_3_konfirmasi",
        "tutup_otomatis_aduan",
    ]

    clock.set(just_after("penyelesaian_peringatan"))
    warned = run.fire_timers()
    assert warned.fired == ["eskalasi_penyelesaian_2_konfirmasi"]
    assert run.ready_ids() == ["konfirmasi_aduan"]

    clock.set(just_after("penyelesaian_batas"))
    breached = run.fire_timers()
    assert breached.fired == ["eskalasi_penyelesaian_3_konfirmasi"]
    assert run.ready_ids() == ["konfirmasi_aduan"]
    assert breached.next_timer_at > clock.now()  # the closing timer still waits

    # The escalation branches ended by themselves; confirming still closes the ticket.
    run.complete("konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert run.status == "complete"
    assert run.data["status"] == "ditutup"
    assert run.reached("eskalasi_penyelesaian_2_konfirmasi_tercatat") == 1
    assert run.reached("eskalasi_penyelesaian_3_konfirmasi_tercatat") == 1
    assert run.reached("aduan_ditutup") == 1


def test_a_task_reached_after_a_deadline_fires_its_timer_at_once(procedure):
    """The deadlines are absolute and every later task carries the resolution timers.

    A task that becomes ready after `penyelesaian_peringatan` has passed fires its level-2
    timer inside the same engine call (SpiffWorkflow checks the due time as soon as the
    timer starts waiting), not in a later `fire_timers`. Whoever records escalations must
    count one per clock and level per instance, and look for such timers after `complete`.
    """
    clock = procedure.clock
    run = start_with_deadlines(procedure)
    clock.advance(timedelta(minutes=10))
    run.complete("klasifikasi_aduan", ADMIN, KLASIFIKASI)
    clock.set(just_after("penyelesaian_peringatan"))
    warned = run.fire_timers()
    assert warned.fired == ["eskalasi_penyelesaian_2_admin"]

    clock.advance(timedelta(minutes=5))
    run.complete("penanganan_aduan_admin", ADMIN, TIDAK_TERSELESAIKAN)
    assert run.ready_ids() == ["penanganan_aduan_infra"]
    assert run.reached("eskalasi_penyelesaian_2_infra_tercatat") == 1
    assert run.waiting_ids() == ["eskalasi_penyelesaian_3_infra"]
    assert run.outcome.next_timer_at == at("penyelesaian_batas")


def test_escalation_timers_keep_watching_while_the_recovery_runs(procedure):
    """The wait for Pemulihan Layanan is a receive task carrying the resolution clock's
    level 2 and 3 timers, so a complaint waiting on a long recovery still escalates. The
    confirmation task's own timers fire at once when it is reached after both points (the
    app records each clock's level once)."""
    clock = procedure.clock
    run = _waiting_for_recovery(procedure, start_with_deadlines(procedure))
    assert run.status == "waiting"
    assert run.ready_ids() == []
    assert run.waiting_ids() == [
        "eskalasi_penyelesaian_2_drp",
        "eskalasi_penyelesaian_3_drp",
        "tunggu_pemulihan_layanan",
    ]
    assert run.outcome.next_timer_at == at("penyelesaian_peringatan")
    messages = run.outcome.messages
    assert [(m.name, m.payload["nomor_aduan"]) for m in messages] == [(DRP_MESSAGE, NOMOR)]

    clock.set(just_after("penyelesaian_peringatan"))
    warned = run.fire_timers()
    assert warned is not None
    assert warned.fired == ["eskalasi_penyelesaian_2_drp"]
    clock.set(just_after("penyelesaian_batas"))
    breached = run.fire_timers()
    assert breached is not None
    assert breached.fired == ["eskalasi_penyelesaian_3_drp"]
    assert run.waiting_ids() == ["tunggu_pemulihan_layanan"]

    with pytest.raises(Conflict, match="tidak menunggu"):
        run.deliver("rilis-layanan-selesai", {})
    recovered = run.deliver(DRP_DONE, PULIH)
    assert recovered.failure is None
    assert run.ready_ids() == ["konfirmasi_aduan"]
    assert recovered.data["hasil_pemulihan_layanan"] == PULIH
    assert sorted(recovered.fired) == [
        "eskalasi_penyelesaian_2_konfirmasi",
        "eskalasi_penyelesaian_3_konfirmasi",
    ]
    assert recovered.messages == []
    run.complete("konfirmasi_aduan", STARTER_LANE, DITERIMA)
    assert run.status == "complete"
    assert run.outcome.messages == []


def test_the_recovery_ending_early_cancels_the_wait_timers(procedure):
    run = _waiting_for_recovery(procedure, start_with_deadlines(procedure))
    recovered = run.deliver(DRP_DONE, PULIH)
    assert recovered.fired == []
    assert "eskalasi_penyelesaian_2_drp" not in run.waiting_ids()
    assert run.ready_ids() == ["konfirmasi_aduan"]


def test_no_deadline_means_the_timers_never_fire(procedure):
    run = procedure.start(PELAPORAN)
    assert run.outcome.next_timer_at == datetime.fromisoformat(FAR_FUTURE)
    procedure.clock.advance(timedelta(days=3650))
    assert run.fire_timers() is None


def boundary_events(tree):
    """The escalation timers (the confirmation's closing timer is tested on its own)."""
    return [
        event
        for event in tree.findall("bpmn:process/bpmn:boundaryEvent", NS)
        if event.get("id").startswith("eskalasi_")
    ]


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


def test_escalation_boundary_events_are_non_interrupting_timers_on_sla(procedure):
    tree = etree.parse(str(BPMN_FILE))
    spec = procedure.model.spec
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


def test_start_without_sla_fails_on_the_first_timer(procedure):
    """`sla` is the app's to provide: without it the first escalation timer cannot be set."""
    data = procedure.start_data(PELAPORAN)
    del data["sla"]
    run = procedure.start_from(data)
    assert run.status == "error"
    assert "sla" in run.outcome.failure.message


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
    assert_invalid(start_form, {**PELAPORAN, "komponen_konfigurasi": "srv-sipkd-01"})
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
    # Accepting asks for a rating, as a request's confirmation does (issue 12, item 4).
    assert_invalid(konfirmasi, {"konfirmasi": "diterima", "cara_konfirmasi": "telepon"})
    assert_invalid(konfirmasi, {**DITERIMA, "kepuasan": 6})


def test_start_form_declares_the_ticket_fields(procedure):
    spec = procedure.model.spec
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
    assert set(procedure.start_data(PELAPORAN)) - set(PELAPORAN) == RUNTIME_START_VARIABLES
    assert not RUNTIME_START_VARIABLES & set(fields)
    klasifikasi = load_form("penanganan-aduan-klasifikasi.schema.json")["properties"]
    assert klasifikasi["prioritas"]["enum"] == ["P1", "P2", "P3", "P4", "P5", "P6"]
    assert klasifikasi["estimasi_selesai"]["format"] == "date-time"


def test_every_user_task_has_a_form(procedure):
    spec = procedure.model.spec
    user_tasks = [t for t in spec.task_specs.values() if getattr(t, "manual", False)]
    assert len(user_tasks) == 4
    for task_spec in user_tasks:
        form_validator(task_spec.extensions["properties"])


# --------------------------------------------------------------------------- deploy checks


def test_deploy_validation_accepts_the_model_without_warnings(procedure):
    model = procedure.model
    assert model.process_id == PROCESS_ID
    assert set(model.roots) == {"penanganan-aduan.bpmn"}
    assert model.start_form.schema_file == "penanganan-aduan-pelaporan.schema.json"
    assert validate_model(model, diagram.KNOWN_ROLES) == []


# --------------------------------------------------------------------------- diagram


def test_the_diagram_has_its_lanes_decisions_and_loops(procedure):
    """What only this diagram has; tests/engine/test_diagram_conventions.py checks the
    conventions every diagram follows (layout, lanes, citations, gateways, expressions)."""
    spec = procedure.model.spec
    shipped = diagram.load(BPMN_FILE)
    assert shipped.lane_names() == [STARTER_LANE, ADMIN, INFRA]
    assert len(shipped.split_gateways()) == len(shipped.conditions()) == 4
    assert shipped.loops() == {"f_konfirmasi_ditolak"}
    assert spec.task_specs["konfirmasi_aduan"].lane == STARTER_LANE
    for node in shipped.cited_nodes():
        assert CITATION in shipped.documentation(node), node.get("id")


def test_messages_link_the_procedures():
    tree = etree.parse(str(BPMN_FILE))
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


def test_an_unconfirmed_complaint_closes_by_itself_after_the_pds_working_days(procedure):
    """A product addition (setting batas_konfirmasi_hari_kerja, 5 by default): asked on
    Monday 23 November, the reporter has until Monday 30 November 16:00 WIB."""
    clock = procedure.clock
    run = procedure.start(PELAPORAN)
    run.complete("klasifikasi_aduan", ADMIN, KLASIFIKASI)
    run.complete("penanganan_aduan_admin", ADMIN, TERSELESAIKAN)
    assert run.outcome.next_timer_at == datetime(2026, 11, 30, 9, tzinfo=UTC)
    clock.set(datetime(2026, 11, 30, 9, 0, 1, tzinfo=UTC))
    closed = run.fire_timers()
    assert closed.fired == ["tutup_otomatis_aduan"]
    assert run.status == "complete"
    assert run.data["ditutup_tanpa_konfirmasi"] is True
    assert run.data["konfirmasi"] == "diterima"
    assert run.data["status"] == "ditutup"
    assert "kepuasan" not in run.data
