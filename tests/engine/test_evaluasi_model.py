"""Engine-only checks of processes/evaluasi.bpmn and its forms.

No Flask and no database. The paths are driven through the runtime with the starting data
the app adds (tests/engine/harness.py). The procedure starts with a message start event
(`evaluasi`), which `Runtime.start` delivers for a start by hand. Beside it the timer start
event declares the evaluation per semester, which only the app's scheduler fires
(`Runtime.start(..., by_timer=True)`, app/engine/timer_start.py). The report is written in
five chapters, reviewed, adopted, and its follow-ups tracked until all are done.

An evaluation is about a PD, not a service: the app adds `perangkat_daerah_info` from the
PD register (`resolve_scope`), which needs the database, so the harness leaves it out; no
script or expression of the diagram reads it.
"""

from datetime import UTC, datetime

import pytest
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from app.engine.routing import route_for
from app.engine.script_context import EVALUATION_CHAPTERS, ScriptContext, empty_chapter
from app.engine.validation import validate_model
from tests.engine import diagram
from tests.engine.forms_check import assert_invalid, assert_valid, form_validator, load_form
from tests.engine.harness import Procedure, Run, bpmn_file

MODEL_ID = "evaluasi"
BPMN_FILE = bpmn_file(MODEL_ID)
PROCESS_ID = "evaluasi"
START_EVENT = "mulai_evaluasi"
TIMER_START = "jadwal_evaluasi_semesteran"
CITATION = "Perbup Bangka 21/2025, 2.3"
POLEWALI = "Kepbup Polewali Mandar 685/2021, III."

STARTER_LANE = "Pemohon"
ADMIN = "Administrator Layanan"
INFRA = "Administrator Infrastruktur dan Aplikasi"
OFFICIAL = "Penanggung Jawab Penyedia Layanan"
HEAD = "Pimpinan PD Penyedia Layanan"

# What the runtime may put into the instance data at start (besides the start form):
# `layanan_info` when a service is named, `perangkat_daerah_info` for a PD, and
# `nomor_referensi` because the start event has a `referencePrefix`.
RUNTIME_START_VARIABLES = {
    "layanan_info",
    "perangkat_daerah_info",
    "pemohon",
    "waktu_permintaan",
    "nomor_referensi",
    "pengaturan",
}
# Data keys that give an instance SLA clocks (app/services/deadlines/service_levels.py).
SLA_TRIGGERS = {"dampak", "urgensi", "jenis_permintaan", "layanan"}

LOOPS = {"f_reviu_revisi", "f_pengesahan_revisi", "f_tindak_lanjut_belum"}
LANE_NAMES = [STARTER_LANE, ADMIN, INFRA, OFFICIAL, HEAD]
SPLIT_GATEWAYS = 6
CONDITIONS = 6

T0 = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)
STARTER = "admin.layanan"
MULAI = {"periode": "2026-S2", "perangkat_daerah": "BKPSDM"}


def bab(jumlah, tercapai, **extra):
    """What staff write in a chapter; the figures are the process's (`rekap`)."""
    data = {
        "rekapitulasi": f"{tercapai} dari {jumlah} layanan mencapai target semester ini.",
        "tindak_lanjut_penyempurnaan": "Pertahankan pemantauan bulanan.",
    }
    if jumlah != tercapai:
        data["analisis_hambatan"] = (
            "Satu layanan melampaui target karena server cadangan belum siap."
        )
    return {**data, **extra}


def rekap(jumlah, tercapai):
    """A chapter's recap as `rekap_evaluasi` gives it (one missed case when short)."""
    missed = [
        {
            "nomor_referensi": "ADU-2026-000007",
            "tautan": "/proses/7",
            "layanan": "SIMPEG",
            "target_tidak_tercapai": "penyelesaian",
        }
    ]
    return {
        **empty_chapter(),
        "jumlah_layanan": jumlah,
        "jumlah_mencapai_target": tercapai,
        "semua_target_tercapai": jumlah == tercapai,
        "kasus_tidak_tercapai": missed if jumlah != tercapai else [],
    }


PELAYANAN = {"bab_permintaan_layanan": bab(12, 12), "bab_penanganan_gangguan": bab(12, 11)}
PENGOPERASIAN = {
    "bab_pemantauan_pemeliharaan": bab(12, 11),
    "bab_pemulihan_layanan": bab(3, 3),
    "bab_rilis_layanan": bab(4, 4),
}
TINDAK_LANJUT = [
    {
        "uraian": "Siapkan server cadangan SIMPEG di pusat data kedua.",
        "bab": "pemulihan_layanan",
        "penanggung_jawab": "Kepala Seksi Infrastruktur",
        "target_selesai": "2027-03-31",
    },
    {
        "uraian": "Usulkan revisi target waktu penyelesaian aduan urgensi 2.",
        "bab": "sla",
        "penanggung_jawab": "Kepala Bidang Layanan",
        "target_selesai": "2027-02-28",
    },
]
LAPORAN = {
    "ringkasan_evaluasi": "Sebagian besar layanan mencapai target; satu layanan belum.",
    "evaluasi_sla": {
        "kesesuaian_komitmen": "Waktu respons terpenuhi; satu aduan urgensi 2 melampaui 72 jam.",
        "perlu_perubahan_sla": True,
        "usulan_perubahan_sla": "Tambah dukungan di luar jam kerja untuk layanan Kritis.",
    },
    "ada_tindak_lanjut": True,
    "daftar_tindak_lanjut": TINDAK_LANJUT,
}
TANPA_TINDAK_LANJUT = {
    "ringkasan_evaluasi": "Seluruh layanan mencapai target semester ini.",
    "evaluasi_sla": {
        "kesesuaian_komitmen": "Seluruh komitmen SLA terpenuhi.",
        "perlu_perubahan_sla": False,
    },
    "ada_tindak_lanjut": False,
}
DISETUJUI = {"keputusan_reviu": "disetujui"}
DISAHKAN = {"keputusan_pengesahan": "disahkan", "arahan_pimpinan": "Prioritaskan server cadangan."}


def tracked(*statuses):
    items = []
    for item, status in zip(TINDAK_LANJUT, statuses, strict=True):
        row = {**item, "status_tindak_lanjut": status}
        if status == "selesai":
            row |= {"tanggal_selesai": "2027-02-20", "realisasi": "Selesai dan diuji."}
        items.append(row)
    return items


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def procedure():
    return Procedure(MODEL_ID, T0, requester=STARTER, parallel=True)


def write_and_approve(run, laporan=LAPORAN):
    assert run.ready_ids() == ["evaluasi_pelayanan_pengguna", "evaluasi_pengoperasian"]
    run.complete("evaluasi_pelayanan_pengguna", ADMIN, PELAYANAN)
    run.complete("evaluasi_pengoperasian", INFRA, PENGOPERASIAN)
    run.complete("penyusunan_laporan", ADMIN, laporan)
    run.complete("reviu_penanggung_jawab", OFFICIAL, DISETUJUI)
    run.complete("pengesahan_pimpinan", HEAD, DISAHKAN)


def assert_closed(run):
    assert run.completed
    assert run.reached("evaluasi_selesai") == 1
    assert run.data["status_evaluasi"] == "selesai"
    assert run.data["keputusan_pengesahan"] == "disahkan"
    # Adopted: the app attaches the report's PDF in this step (report_document.py).
    assert run.data["laporan_evaluasi_disahkan"] is True


# --------------------------------------------------------------------------- paths


def test_follow_ups_are_tracked_until_all_are_done(procedure):
    run = procedure.start(MULAI)
    write_and_approve(run)
    assert run.ready_ids() == ["pemantauan_tindak_lanjut"]
    run.complete(
        "pemantauan_tindak_lanjut",
        ADMIN,
        {
            "daftar_tindak_lanjut": tracked("dalam_proses", "selesai"),
            "tindak_lanjut_selesai": False,
        },
    )
    assert run.ready_ids() == ["pemantauan_tindak_lanjut"]
    task = run.task("pemantauan_tindak_lanjut")
    assert task.data["daftar_tindak_lanjut"][1]["status_tindak_lanjut"] == "selesai"
    run.complete(
        "pemantauan_tindak_lanjut",
        ADMIN,
        {"daftar_tindak_lanjut": tracked("selesai", "selesai"), "tindak_lanjut_selesai": True},
    )
    assert_closed(run)
    assert run.reached("pemantauan_tindak_lanjut") == 2
    assert run.data["tindak_lanjut_selesai"] is True


ARAHAN = "Tambahkan satu pelaksana dan selesaikan sebelum akhir Maret."


def test_a_follow_up_not_done_by_its_date_escalates_to_the_head(procedure):
    """The monitoring task carries a timer at the first open follow-up's date (midnight
    after it, WIB); when it passes the head gets the late follow-ups and gives direction,
    while the monitoring goes on; the timer moves with each update."""
    run = procedure.start(MULAI)
    write_and_approve(run)
    # The usulan SLA follow-up is due 28 February 2027: late from 1 March 00:00 WIB.
    assert run.data["batas_tindak_lanjut_berikut"] == "2027-02-28T17:00:00+00:00"
    procedure.clock.set(datetime(2027, 2, 28, 16, 59, tzinfo=UTC))
    assert run.fire_timers() is None
    procedure.clock.set(datetime(2027, 2, 28, 17, 1, tzinfo=UTC))
    assert run.fire_timers().fired == ["tindak_lanjut_lewat_target"]
    assert run.ready_ids() == ["arahan_tindak_lanjut_terlambat", "pemantauan_tindak_lanjut"]
    escalation = run.task("arahan_tindak_lanjut_terlambat")
    assert escalation.info.lane == HEAD
    assert [row["uraian"] for row in escalation.data["tindak_lanjut_terlambat_daftar"]] == [
        TINDAK_LANJUT[1]["uraian"]
    ]
    run.complete("arahan_tindak_lanjut_terlambat", HEAD, {"arahan_tindak_lanjut": ARAHAN})
    assert run.reached("eskalasi_tindak_lanjut_ditanggapi") == 1
    # The late one is done; the timer moves to the other's date (31 March).
    run.complete(
        "pemantauan_tindak_lanjut",
        ADMIN,
        {
            "daftar_tindak_lanjut": tracked("dalam_proses", "selesai"),
            "tindak_lanjut_selesai": False,
        },
    )
    assert run.task_data("pemantauan_tindak_lanjut")["batas_tindak_lanjut_berikut"] == (
        "2027-03-31T17:00:00+00:00"
    )
    assert run.fire_timers() is None
    run.complete(
        "pemantauan_tindak_lanjut",
        ADMIN,
        {"daftar_tindak_lanjut": tracked("selesai", "selesai"), "tindak_lanjut_selesai": True},
    )
    assert_closed(run)
    assert run.reached("arahan_tindak_lanjut_terlambat") == 1


def test_without_follow_ups_the_evaluation_closes_when_adopted(procedure):
    run = procedure.start(MULAI)
    write_and_approve(run, TANPA_TINDAK_LANJUT)
    assert_closed(run)
    assert not run.reached("pemantauan_tindak_lanjut")


def test_official_sends_the_report_back_and_both_chapters_are_revised(procedure):
    run = procedure.start(MULAI)
    run.complete("evaluasi_pelayanan_pengguna", ADMIN, PELAYANAN)
    run.complete("evaluasi_pengoperasian", INFRA, PENGOPERASIAN)
    run.complete("penyusunan_laporan", ADMIN, TANPA_TINDAK_LANJUT)
    revisi = {"keputusan_reviu": "revisi", "catatan_reviu": "Bab pemulihan belum memuat RTO."}
    run.complete("reviu_penanggung_jawab", OFFICIAL, revisi)
    # Both chapter tasks open again, prefilled with what was written.
    assert run.ready_ids() == ["evaluasi_pelayanan_pengguna", "evaluasi_pengoperasian"]
    for chapter in run.ready:
        assert chapter.data["catatan_reviu"] == revisi["catatan_reviu"]
    write_and_approve(run, TANPA_TINDAK_LANJUT)
    assert_closed(run)
    assert run.reached("reviu_penanggung_jawab") == 2
    assert run.reached("pengesahan_pimpinan") == 1


def test_head_sends_the_report_back_then_adopts_it(procedure):
    run = procedure.start(MULAI)
    run.complete("evaluasi_pelayanan_pengguna", ADMIN, PELAYANAN)
    run.complete("evaluasi_pengoperasian", INFRA, PENGOPERASIAN)
    run.complete("penyusunan_laporan", ADMIN, LAPORAN)
    run.complete("reviu_penanggung_jawab", OFFICIAL, DISETUJUI)
    revisi = {
        "keputusan_pengesahan": "revisi",
        "catatan_pengesahan": "Tambahkan komitmen anggaran.",
    }
    run.complete("pengesahan_pimpinan", HEAD, revisi)
    assert run.ready_ids() == ["evaluasi_pelayanan_pengguna", "evaluasi_pengoperasian"]
    write_and_approve(run)
    run.complete(
        "pemantauan_tindak_lanjut",
        ADMIN,
        {"daftar_tindak_lanjut": tracked("selesai", "selesai"), "tindak_lanjut_selesai": True},
    )
    assert_closed(run)
    assert run.reached("pengesahan_pimpinan") == 2
    assert run.reached("reviu_penanggung_jawab") == 2


def write(run, laporan=LAPORAN):
    run.complete("evaluasi_pelayanan_pengguna", ADMIN, PELAYANAN)
    run.complete("evaluasi_pengoperasian", INFRA, PENGOPERASIAN)
    run.complete("penyusunan_laporan", ADMIN, laporan)


@pytest.mark.parametrize(
    ("settings", "layers"),
    [
        ({"reviu_penanggung_jawab": False, "pengesahan_pimpinan": True}, ["pengesahan_pimpinan"]),
        (
            {"reviu_penanggung_jawab": True, "pengesahan_pimpinan": False},
            ["reviu_penanggung_jawab"],
        ),
        ({"reviu_penanggung_jawab": False, "pengesahan_pimpinan": False}, []),
    ],
)
def test_layers_switched_off_are_skipped(procedure, settings, layers):
    """Each layer is the PD's choice (`pengaturan`); 2.3 as written has neither."""
    run = procedure.start_from({**procedure.start_data(MULAI), "pengaturan": settings})
    write(run, TANPA_TINDAK_LANJUT)
    if "reviu_penanggung_jawab" in layers:
        run.complete("reviu_penanggung_jawab", OFFICIAL, DISETUJUI)
    if "pengesahan_pimpinan" in layers:
        run.complete("pengesahan_pimpinan", HEAD, DISAHKAN)
    assert run.completed
    assert run.data["status_evaluasi"] == "selesai"
    assert run.data["laporan_evaluasi_disahkan"] is True
    for layer in ("reviu_penanggung_jawab", "pengesahan_pimpinan"):
        assert run.reached(layer) == (1 if layer in layers else 0), layer


def test_both_layers_are_on_by_default(procedure):
    settings = procedure.model.settings
    assert {name: (s.type, s.default) for name, s in settings.items()} == {
        "reviu_penanggung_jawab": ("boolean", True),
        "pengesahan_pimpinan": ("boolean", True),
    }
    assert procedure.start_data(MULAI)["pengaturan"] == {
        "reviu_penanggung_jawab": True,
        "pengesahan_pimpinan": True,
    }


def test_the_start_waits_for_its_message(procedure):
    assert procedure.model.spec.task_specs[START_EVENT].lane == STARTER_LANE
    wf = procedure.unstarted(procedure.start_data(MULAI))
    assert not wf.get_tasks(state=TaskState.READY, manual=True), (
        "the message start event must wait for its message"
    )
    waiting = wf.get_tasks(state=TaskState.WAITING)
    # The timer start waits too: only the scheduler fires it.
    assert sorted(w.task_spec.bpmn_id for w in waiting) == sorted([START_EVENT, TIMER_START])
    with pytest.raises(Exception, match="not waiting"):
        wf.send_event(BpmnEvent(MessageEventDefinition("perencanaan"), {}))


def test_runtime_starts_by_the_start_message(procedure):
    model = procedure.model
    assert model.start_message == MODEL_ID
    assert model.reference_prefix == "EVA"
    run = procedure.start(MULAI)
    assert run.ready_ids() == ["evaluasi_pelayanan_pengguna", "evaluasi_pengoperasian"]
    assert run.thrown() == []


def test_tasks_are_routed_to_their_lanes(procedure):
    model = procedure.model
    data = procedure.start_data(MULAI)
    for bpmn_id, lane in (
        ("evaluasi_pelayanan_pengguna", ADMIN),
        ("evaluasi_pengoperasian", INFRA),
        ("penyusunan_laporan", ADMIN),
        ("reviu_penanggung_jawab", OFFICIAL),
        ("pengesahan_pimpinan", HEAD),
        ("pemantauan_tindak_lanjut", ADMIN),
    ):
        route = route_for(model.user_tasks[bpmn_id], data, STARTER)
        assert (route.lane, route.assignee, route.requires_role) == (lane, None, True)


def test_the_chapters_open_with_the_recap_counted_from_the_records(procedure):
    """The script task asks `rekap_evaluasi` for the PD and semester before the chapters
    (and again after a revision), and both chapter tasks open with its figures."""
    asked = []

    def evaluation(agency, period):
        asked.append((agency, period))
        return {
            chapter: rekap(len(asked) + 2, 2 if chapter == "penanganan_gangguan" else 3)
            for chapter in EVALUATION_CHAPTERS
        }

    context = ScriptContext(evaluation=evaluation)
    data = procedure.start_data(MULAI)
    run = Run(procedure, procedure.runtime.start(procedure.model, data, procedure.clock, context))
    assert asked == [("BKPSDM", "2026-S2")]
    for task in run.ready:
        for chapter in EVALUATION_CHAPTERS:
            assert task.data[f"rekap_{chapter}"] == evaluation_of(chapter, 3)
    assert "rekap" not in run.data
    assert run.data["rekap_penanganan_gangguan"]["semua_target_tercapai"] is False


def evaluation_of(chapter, jumlah):
    return rekap(jumlah, 2 if chapter == "penanganan_gangguan" else 3)


def test_without_records_each_chapter_counts_no_service(procedure):
    run = procedure.start(MULAI)
    for chapter in EVALUATION_CHAPTERS:
        assert run.task("evaluasi_pelayanan_pengguna").data[f"rekap_{chapter}"] == empty_chapter()


# --------------------------------------------------------------------------- forms


def form_properties(spec):
    return {
        name: task_spec.extensions["properties"]
        for name, task_spec in spec.task_specs.items()
        if (getattr(task_spec, "extensions", None) or {})
        .get("properties", {})
        .get("formJsonSchemaFilename")
    }


def test_forms_reject_invalid_submissions(procedure):
    spec = procedure.model.spec
    props = form_properties(spec)
    assert set(props) == {
        START_EVENT,
        "evaluasi_pelayanan_pengguna",
        "evaluasi_pengoperasian",
        "penyusunan_laporan",
        "reviu_penanggung_jawab",
        "pengesahan_pimpinan",
        "pemantauan_tindak_lanjut",
        "arahan_tindak_lanjut_terlambat",
    }
    assert_invalid(props["arahan_tindak_lanjut_terlambat"], {})
    assert_valid(props["arahan_tindak_lanjut_terlambat"], {"arahan_tindak_lanjut": ARAHAN})
    assert_invalid(props[START_EVENT], {"periode": "2026-S3"})
    assert_invalid(props[START_EVENT], {"periode": "2026"})
    # The recap counts semesters of 2000-2099 (the calendars' years) only.
    assert_invalid(props[START_EVENT], {**MULAI, "periode": "1999-S1"})
    assert_invalid(props[START_EVENT], {"perangkat_daerah": "BKPSDM"})

    pelayanan = props["evaluasi_pelayanan_pengguna"]
    # A chapter whose recap counts a service short of its targets needs the analysis.
    missed = {k: v for k, v in bab(12, 11).items() if k != "analisis_hambatan"}
    short = {"rekap_penanganan_gangguan": rekap(12, 11)}
    assert_invalid(pelayanan, {**PELAYANAN, **short, "bab_penanganan_gangguan": missed})
    assert_valid(pelayanan, {**PELAYANAN, **short})
    assert_valid(pelayanan, {**PELAYANAN, "bab_penanganan_gangguan": missed})
    assert_invalid(pelayanan, {"bab_permintaan_layanan": bab(12, 12)})
    bad = {**rekap(12, 12), "jumlah_layanan": -1}
    assert_invalid(pelayanan, {**PELAYANAN, "rekap_permintaan_layanan": bad})
    pengoperasian = props["evaluasi_pengoperasian"]
    for chapter in PENGOPERASIAN:
        assert_invalid(pengoperasian, {k: v for k, v in PENGOPERASIAN.items() if k != chapter})
    no_follow_up = {k: v for k, v in bab(3, 3).items() if k != "tindak_lanjut_penyempurnaan"}
    assert_invalid(pengoperasian, {**PENGOPERASIAN, "bab_rilis_layanan": no_follow_up})

    laporan = props["penyusunan_laporan"]
    assert_invalid(laporan, {k: v for k, v in LAPORAN.items() if k != "daftar_tindak_lanjut"})
    assert_invalid(laporan, {**LAPORAN, "daftar_tindak_lanjut": []})
    sla = {k: v for k, v in LAPORAN["evaluasi_sla"].items() if k != "usulan_perubahan_sla"}
    assert_invalid(laporan, {**LAPORAN, "evaluasi_sla": sla})
    assert_invalid(laporan, {k: v for k, v in LAPORAN.items() if k != "evaluasi_sla"})
    bad_item = {**TINDAK_LANJUT[0], "bab": "keuangan"}
    assert_invalid(laporan, {**LAPORAN, "daftar_tindak_lanjut": [bad_item]})

    assert_invalid(props["reviu_penanggung_jawab"], {"keputusan_reviu": "revisi"})
    assert_invalid(props["reviu_penanggung_jawab"], {"keputusan_reviu": "disahkan"})
    assert_invalid(props["pengesahan_pimpinan"], {"keputusan_pengesahan": "revisi"})
    assert_invalid(props["pengesahan_pimpinan"], {"keputusan_pengesahan": "disetujui"})

    tindak_lanjut = props["pemantauan_tindak_lanjut"]
    # "All done" is refused while one follow-up is not done.
    assert_invalid(
        tindak_lanjut,
        {"daftar_tindak_lanjut": tracked("dalam_proses", "selesai"), "tindak_lanjut_selesai": True},
    )
    # A follow-up marked done needs its completion date.
    undated = [{**item, "status_tindak_lanjut": "selesai"} for item in TINDAK_LANJUT]
    assert_invalid(tindak_lanjut, {"daftar_tindak_lanjut": undated, "tindak_lanjut_selesai": True})
    assert_valid(
        tindak_lanjut,
        {"daftar_tindak_lanjut": tracked("belum", "belum"), "tindak_lanjut_selesai": False},
    )


def test_report_has_the_five_chapters_of_2_3(procedure):
    spec = procedure.model.spec
    props = form_properties(spec)
    chapters = set()
    for bpmn_id in ("evaluasi_pelayanan_pengguna", "evaluasi_pengoperasian"):
        schema = load_form(props[bpmn_id]["formJsonSchemaFilename"])
        for name, field in schema["properties"].items():
            if name.startswith("rekap_"):
                # The recap is the process's: shown read-only, never typed.
                assert field["readOnly"] is True
                assert {
                    "jumlah_layanan",
                    "jumlah_mencapai_target",
                    "semua_target_tercapai",
                    "layanan",
                    "kasus_tidak_tercapai",
                } == set(field["properties"])
                assert name.replace("rekap_", "bab_") in schema["properties"]
                continue
            assert set(field["required"]) >= {"rekapitulasi", "tindak_lanjut_penyempurnaan"}
            assert "analisis_hambatan" in field["properties"]
            assert "jumlah_layanan" not in field["properties"]
            chapters.add(name)
    assert chapters == {
        "bab_permintaan_layanan",
        "bab_penanganan_gangguan",
        "bab_pemantauan_pemeliharaan",
        "bab_pemulihan_layanan",
        "bab_rilis_layanan",
    }


def test_start_form_and_no_sla_clock_fields(procedure):
    spec = procedure.model.spec
    start_props = spec.task_specs[START_EVENT].extensions["properties"]
    assert start_props["referencePrefix"] == "EVA"
    schema = load_form(start_props["formJsonSchemaFilename"])
    # A PD or, for the whole kabupaten, the PD running it (Perbup Bangka 21/2025, 2.3
    # angka 3) is required: the review and sign-off go to holders of roles granted per PD.
    assert schema["required"] == ["periode"]
    assert schema["if"]["required"] == ["perangkat_daerah"]
    assert schema["else"]["required"] == ["pd_penyelenggara"]
    assert set(procedure.start_data(MULAI)) - set(MULAI) <= RUNTIME_START_VARIABLES
    assert not RUNTIME_START_VARIABLES & set(schema["properties"])
    for props in form_properties(spec).values():
        fields = set(load_form(props["formJsonSchemaFilename"])["properties"])
        assert not SLA_TRIGGERS & fields, props["formJsonSchemaFilename"]


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
    assert set(model.roots) == {"evaluasi.bpmn"}
    assert model.start_form.schema_file == "evaluasi-mulai.schema.json"
    assert validate_model(model, diagram.KNOWN_ROLES) == []


def test_the_timer_start_declares_the_evaluation_per_semester(procedure):
    model = procedure.model
    assert model.timer_start is not None
    assert (model.timer_start.bpmn_id, model.timer_start.cycle) == (TIMER_START, "P6M")
    # The message start stays for a start by hand.
    assert model.start_message == MODEL_ID


def test_a_start_by_the_scheduler_reaches_the_same_first_task(procedure):
    by_message = procedure.start(MULAI)
    by_timer = procedure.start({**MULAI, "periode": "2026-S1"}, by_timer=True)
    assert by_timer.status == "running"
    assert sorted((t.info.bpmn_id, t.info.lane) for t in by_timer.ready) == sorted(
        (t.info.bpmn_id, t.info.lane) for t in by_message.ready
    )
    assert sorted(t.info.bpmn_id for t in by_timer.ready) == [
        "evaluasi_pelayanan_pengguna",
        "evaluasi_pengoperasian",
    ]


# --------------------------------------------------------------------------- diagram


def test_product_additions_say_so_and_name_their_setting():
    """Steps the regulations do not prescribe say so plainly (issue 11, item 9): the
    schedule's default cycle (a PD's schedule sets its own) and the review and sign-off
    layers of 2.3."""
    shipped = diagram.load(BPMN_FILE)
    docs = {node.get("id"): shipped.documentation(node) for node in shipped.cited_nodes()}
    for bpmn_id in (TIMER_START, "reviu_penanggung_jawab", "pengesahan_pimpinan"):
        assert "tambahan produk (bukan ketentuan regulasi)" in docs[bpmn_id].lower(), bpmn_id
    assert "/api/v1/schedules" in docs[TIMER_START]
    for layer in ("reviu_penanggung_jawab", "pengesahan_pimpinan"):
        assert f"pengaturan {layer}" in docs[layer]
        assert f"setting:{layer}" in shipped.properties(shipped.process)


def test_the_diagram_has_its_lanes_decisions_and_loops():
    """What only this diagram has; tests/engine/test_diagram_conventions.py checks the
    conventions every diagram follows (layout, lanes, citations, gateways, expressions)."""
    shipped = diagram.load(BPMN_FILE)
    assert shipped.lane_names() == LANE_NAMES
    assert len(shipped.split_gateways()) == SPLIT_GATEWAYS
    assert len(shipped.conditions()) == CONDITIONS
    assert shipped.loops() == LOOPS
    starts = {start.get("id") for start in shipped.of_kind("startEvent")}
    assert starts == {START_EVENT, TIMER_START}
    for node in shipped.cited_nodes():
        assert CITATION in shipped.documentation(node), node.get("id")
        assert POLEWALI in shipped.documentation(node), node.get("id")
