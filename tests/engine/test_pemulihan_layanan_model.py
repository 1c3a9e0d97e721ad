"""Engine-only checks of processes/pemulihan-layanan.bpmn (DRP activation) and its forms.

No Flask and no database. The paths are driven through the runtime with the starting data
the app adds (tests/engine/harness.py); the model starts with a message start event, which
`Runtime.start` delivers for a start by hand (docs/bpmn-conventions.md, "Links between
procedures"). The runtime's `Outcome` carries the message the instance throws when it ends
(`pemulihan-layanan-selesai`).
"""

from datetime import UTC, datetime

import pytest
from lxml import etree
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from app.engine.routing import route_for
from app.engine.validation import validate_model
from tests.engine import diagram
from tests.engine.diagram import NS
from tests.engine.forms_check import assert_invalid, assert_valid, form_validator, load_form
from tests.engine.harness import Procedure, bpmn_file, gateway_flows

MODEL_ID = "pemulihan-layanan"
BPMN_FILE = bpmn_file(MODEL_ID)
PROCESS_ID = "pemulihan_layanan"
START_EVENT = "pengajuan_pemulihan"
START_MESSAGE = "pemulihan-layanan"
DONE_MESSAGE = "pemulihan-layanan-selesai"
#: Thrown after a DRP activation: the configuration is verified (Polewali II.3.e.3).
VERIFY_MESSAGE = "verifikasi-konfigurasi"
PAYLOAD = (
    '{"layanan_pulih": layanan_pulih, "drp_diaktifkan": drp_diaktifkan, '
    '"ringkasan_pemulihan": ringkasan_pemulihan}'
)
CITATION = "Perbup Bangka 21/2025, 2.2.2.2"

STARTER_LANE = "Pemohon"
# Perbup Bangka 21/2025, 2.2.2.2, Tabel 9: the Pengelola Infrastruktur dan Aplikasi does
# angka 1-7 (the establishment of the DRP included), the Penyedia Layanan approves (no. 2).
INFRA = "Administrator Infrastruktur dan Aplikasi"
PROVIDER = "Penyedia Layanan"

# What the runtime puts into the instance data at start (besides the start form);
# `nomor_referensi` because the start event has a `referencePrefix`, `drp_berlaku` because
# it has `drpInfo`.
RUNTIME_START_VARIABLES = {
    "layanan_info",
    "pemohon",
    "waktu_permintaan",
    "nomor_referensi",
    "drp_berlaku",
}
# Fields that would give the instance a complaint's or a request's SLA clocks
# (app/services/deadlines/service_levels.py `clock_kind`): a DRP instance must not set them.
CLOCK_FIELDS = {"dampak", "urgensi", "jenis_permintaan"}


T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
NOMOR = "DRP-2026-000001"

PENGAJUAN = {
    "layanan": "SIMPEG",
    "judul": "Pusat data utama terendam banjir",
    "uraian_kejadian": "Sejak pukul 04.00 ruang server lantai 1 terendam; semua layanan padam.",
    "waktu_kejadian": "2026-11-23T04:00:00+07:00",
    "lokasi_terdampak": "Ruang server Diskominfo lantai 1",
    "nomor_aduan": "ADU-2026-000123",
}
ASESMEN = {
    "kondisi_fisik_pusat_data": "rusak_berat",
    "uraian_kondisi_fisik": "Ruang server terendam 40 cm; UPS dan panel listrik rusak.",
    "kelayakan_fungsi_pusat_data": "tidak_berfungsi",
    "uraian_kelayakan_fungsi": "Server dan penyimpanan mati; jaringan ke luar terputus.",
    "komponen_terdampak": ["srv-simpeg-01", "san-01", "core-switch-01"],
}
BENCANA = {
    "analisis_asesmen": "Perbaikan pusat data butuh lebih dari 3 hari, jauh di atas RTO 4 jam.",
    "kondisi_bencana": True,
    "jenis_bencana": "bencana_alam",
    "opsi_pemulihan": "pemulihan_cepat",
}
BUKAN_BENCANA = {
    "analisis_asesmen": "Hanya satu server rusak; server cadangan di pusat data yang sama siap.",
    "kondisi_bencana": False,
    "alasan_bukan_bencana": "Pusat data berfungsi; gangguan dipulihkan lewat penanganan aduan.",
}
DISETUJUI = {"drp_disetujui": True}
DITOLAK = {
    "drp_disetujui": False,
    "catatan_persetujuan_drp": "Pusat data akan pulih dalam 2 jam menurut PLN.",
}
AKTIVASI = {
    "drp_diaktifkan": True,
    "dokumen_drp": "DRP-SIMPEG-2026",
    "lokasi_pemulihan": "DRC Pusat Data Nasional",
    "langkah_aktivasi": "DNS dialihkan ke DRC; cadangan basis data pukul 00.00 dipulihkan.",
    "tim_pemulihan": ["Andi (Diskominfo)", "PT Awan Nusantara"],
    "titik_pemulihan_data": "2026-11-23T00:00:00+07:00",
}
BELUM_PULIH = {
    "aktivitas_normalisasi": "Aplikasi berjalan di DRC; sinkronisasi data belum selesai.",
    "layanan_pulih": False,
    "kendala_normalisasi": "Replikasi berkas dokumen pegawai masih berjalan.",
}
PULIH = {
    "aktivitas_normalisasi": "Sinkronisasi selesai; layanan diakses pengguna dari DRC.",
    "layanan_pulih": True,
    "kehilangan_data": "Entri 00.00-04.00 dimasukkan ulang dari berkas fisik.",
}
EVALUASI = {
    "evaluasi_pelaksanaan": "Pengalihan DNS berjalan; pemulihan berkas lebih lambat dari rencana.",
    "rto_terpenuhi": True,
    "rpo_terpenuhi": False,
    "kendala_pemulihan": "Bandwidth ke DRC terbatas.",
    "rekomendasi_perbaikan_drp": "Tambah replikasi berkas tiap jam; naikkan bandwidth DRC.",
    "ringkasan_pemulihan": "SIMPEG pulih di DRC dalam 3 jam 40 menit; data 4 jam dimasukkan ulang.",
}
BELUM_DITETAPKAN = {
    "drp_ditetapkan": False,
    "catatan_penetapan": "Lengkapi analisa biaya kenaikan bandwidth.",
}
DITETAPKAN = {
    "drp_ditetapkan": True,
    "versi_drp": "DRP-SIMPEG-2026 revisi 1",
    "perubahan_drp": "Replikasi berkas tiap jam.",
    "catat_versi_baru": False,
}
# The DRP in force the app gives the instance at its start (app/services/continuity/
# case_plans.py), and the next version an establishment records.
DRP_IN_FORCE = {
    "versi": 3,
    "rpo_menit": 240,
    "rto_menit": 240,
    "opsi_pemulihan": "fast",
    "strategi_pemulihan": "Pindah ke DRC Pusat Data Nasional.",
    "strategi_backup": "Cadangan harian penuh ke DRC.",
    "kontak": [{"nama": "Andi", "peran": "Admin infrastruktur", "telepon": "0812"}],
    "referensi_dokumen": "DRP-SIMPEG-2026",
    "ditetapkan": "2026-01-10T02:00:00+00:00",
}
DRP_BARU = {
    "rpo_menit": 60,
    "rto_menit": 240,
    "opsi_pemulihan": "fast",
    "strategi_pemulihan": "Pindah ke DRC; replikasi berkas tiap jam.",
    "strategi_backup": "Cadangan harian penuh ke DRC, replikasi berkas tiap jam.",
}
DITETAPKAN_VERSI_BARU = {**DITETAPKAN, "catat_versi_baru": True, "drp_baru": DRP_BARU}


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def procedure():
    return Procedure(MODEL_ID, T0, requester="admin.infra")


def drive_to_activation(procedure):
    run = procedure.start(PENGAJUAN)
    run.complete("asesmen_pusat_data", INFRA, ASESMEN)
    run.complete("analisa_asesmen", INFRA, BENCANA)
    run.complete("persetujuan_aktivasi", PROVIDER, DISETUJUI)
    return run


def run_recovered(procedure):
    run = drive_to_activation(procedure)
    run.complete("aktivasi_drp", INFRA, AKTIVASI)
    run.complete("normalisasi_operasional", INFRA, BELUM_PULIH)
    run.complete("normalisasi_operasional", INFRA, PULIH)
    run.complete("evaluasi_drp", INFRA, EVALUASI)
    run.complete("penetapan_drp", INFRA, BELUM_DITETAPKAN)
    run.complete("evaluasi_drp", INFRA, {**EVALUASI, "kendala_pemulihan": "Biaya dianalisa."})
    run.complete("penetapan_drp", INFRA, DITETAPKAN)
    return run


def run_not_a_disaster(procedure):
    run = procedure.start(PENGAJUAN)
    run.complete("asesmen_pusat_data", INFRA, {**ASESMEN, "kondisi_fisik_pusat_data": "baik"})
    run.complete("analisa_asesmen", INFRA, BUKAN_BENCANA)
    return run


def run_rejected(procedure):
    run = procedure.start(PENGAJUAN)
    run.complete("asesmen_pusat_data", INFRA, ASESMEN)
    run.complete("analisa_asesmen", INFRA, BENCANA)
    run.complete("persetujuan_aktivasi", PROVIDER, DITOLAK)
    return run


# --------------------------------------------------------------------------- paths


def test_run_disaster_approved_recovered_and_established(procedure):
    run = run_recovered(procedure)
    assert run.completed
    assert run.reached("selesai_pulih") == 1
    assert run.reached("normalisasi_operasional") == 2
    assert run.reached("evaluasi_drp") == 2
    assert run.reached("penetapan_drp") == 2
    assert not run.reached("catat_penolakan_drp")
    assert not run.reached("catat_bukan_bencana")
    assert run.data["status_pemulihan"] == "selesai"
    assert run.data["nomor_referensi"] == NOMOR
    assert run.data["versi_drp"] == "DRP-SIMPEG-2026 revisi 1"
    assert run.data["versi_drp_digunakan"] is None  # SIMPEG has no DRP recorded here
    assert run.data["catat_versi_drp"] is False
    assert run.data["nomor_aduan"] == "ADU-2026-000123"
    assert run.thrown() == [
        (VERIFY_MESSAGE, {"layanan": "SIMPEG", "alasan_verifikasi": "pemulihan", "rujukan": NOMOR}),
        (
            DONE_MESSAGE,
            {
                "layanan_pulih": True,
                "drp_diaktifkan": True,
                "ringkasan_pemulihan": EVALUASI["ringkasan_pemulihan"],
            },
        ),
    ]


def test_the_drp_in_force_is_shown_and_the_version_used_recorded():
    procedure = Procedure(MODEL_ID, T0, requester="admin.infra", drp=DRP_IN_FORCE)
    assert procedure.model.drp_info == "optional"
    run = drive_to_activation(procedure)
    assert run.data["drp_berlaku"] == DRP_IN_FORCE
    instructions = procedure.model.user_tasks["aktivasi_drp"].instructions
    assert "drp_berlaku.rto_menit" in instructions
    assert "drp_berlaku.kontak" in instructions
    run.complete("aktivasi_drp", INFRA, AKTIVASI)
    run.complete("normalisasi_operasional", INFRA, PULIH)
    run.complete("evaluasi_drp", INFRA, EVALUASI)
    run.complete("penetapan_drp", INFRA, DITETAPKAN_VERSI_BARU)
    assert run.completed
    assert run.data["versi_drp_digunakan"] == 3
    # The app records `drp_baru` as the next version in the step that sets this flag.
    assert run.data["catat_versi_drp"] is True


def test_run_not_a_disaster_ends_without_drp(procedure):
    run = run_not_a_disaster(procedure)
    assert run.completed
    assert run.reached("selesai_bukan_bencana") == 1
    assert not run.reached("persetujuan_aktivasi")
    assert run.data["status_pemulihan"] == "bukan_bencana"
    [(name, payload)] = run.thrown()
    assert name == DONE_MESSAGE
    assert payload["drp_diaktifkan"] is False
    assert payload["layanan_pulih"] is False
    assert BUKAN_BENCANA["alasan_bukan_bencana"] in payload["ringkasan_pemulihan"]


def test_run_activation_rejected_by_the_provider(procedure):
    run = run_rejected(procedure)
    assert run.completed
    assert run.reached("selesai_ditolak") == 1
    assert not run.reached("aktivasi_drp")
    assert run.data["status_pemulihan"] == "ditolak"
    [(name, payload)] = run.thrown()
    assert name == DONE_MESSAGE
    assert payload["drp_diaktifkan"] is False
    assert payload["layanan_pulih"] is False
    assert DITOLAK["catatan_persetujuan_drp"] in payload["ringkasan_pemulihan"]


def test_every_outgoing_flow_of_every_gateway_is_driven(procedure):
    taken = set()
    for drive in (run_recovered, run_not_a_disaster, run_rejected):
        taken |= drive(procedure).taken_flows()
    assert taken == gateway_flows(BPMN_FILE)


def test_the_start_waits_for_its_message(procedure):
    assert procedure.model.spec.task_specs[START_EVENT].lane == STARTER_LANE
    wf = procedure.unstarted(procedure.start_data(PENGAJUAN))
    assert not wf.get_tasks(state=TaskState.READY, manual=True)
    [waiting] = wf.get_tasks(state=TaskState.WAITING)
    assert waiting.task_spec.bpmn_id == START_EVENT
    with pytest.raises(Exception, match="not waiting"):
        wf.send_event(BpmnEvent(MessageEventDefinition("rilis-layanan"), {}))


def test_rto_fields_are_set_in_the_forms_the_app_reads(procedure):
    """The RTO clock starts at a completed task with `drp_diaktifkan == True` and stops at a
    later one with `layanan_pulih == True` (app/services/deadlines/service_levels.py)."""
    spec = procedure.model.spec
    props = {
        name: task_spec.extensions["properties"]
        for name, task_spec in spec.task_specs.items()
        if getattr(task_spec, "manual", False)
    }
    aktivasi = load_form(props["aktivasi_drp"]["formJsonSchemaFilename"])
    assert aktivasi["properties"]["drp_diaktifkan"]["type"] == "boolean"
    assert aktivasi["properties"]["drp_diaktifkan"]["const"] is True
    assert "drp_diaktifkan" in aktivasi["required"]
    normalisasi = load_form(props["normalisasi_operasional"]["formJsonSchemaFilename"])
    assert normalisasi["properties"]["layanan_pulih"]["type"] == "boolean"
    assert "layanan_pulih" in normalisasi["required"]
    for name, properties in props.items():
        fields = set(load_form(properties["formJsonSchemaFilename"])["properties"])
        if name != "aktivasi_drp":
            assert "drp_diaktifkan" not in fields, name
        if name != "normalisasi_operasional":
            assert "layanan_pulih" not in fields, name
        assert not CLOCK_FIELDS & fields, name
    start_props = spec.task_specs[START_EVENT].extensions["properties"]
    start_fields = set(load_form(start_props["formJsonSchemaFilename"])["properties"])
    assert not CLOCK_FIELDS & start_fields
    assert not {"drp_diaktifkan", "layanan_pulih"} & start_fields


def test_tasks_route_to_their_lanes(procedure):
    model = procedure.model
    data = procedure.start_data(PENGAJUAN)
    for bpmn_id, lane in (
        ("asesmen_pusat_data", INFRA),
        ("analisa_asesmen", INFRA),
        ("persetujuan_aktivasi", PROVIDER),
        ("aktivasi_drp", INFRA),
        ("normalisasi_operasional", INFRA),
        ("evaluasi_drp", INFRA),
        ("penetapan_drp", INFRA),
    ):
        route = route_for(model.user_tasks[bpmn_id], data, "admin.infra")
        assert (route.lane, route.assignee, route.requires_role) == (lane, None, True)
    assert set(model.user_tasks) == {
        "asesmen_pusat_data",
        "analisa_asesmen",
        "persetujuan_aktivasi",
        "aktivasi_drp",
        "normalisasi_operasional",
        "evaluasi_drp",
        "penetapan_drp",
    }


# --------------------------------------------------------------------------- through the runtime


def test_runtime_start_delivers_the_start_message(procedure):
    run = procedure.start(PENGAJUAN)
    # "waiting" with nothing ready means the start message was not delivered.
    assert run.status == "running"
    assert run.ready_ids() == ["asesmen_pusat_data"]
    assert run.thrown() == []
    assert run.data["judul"] == PENGAJUAN["judul"]


@pytest.mark.parametrize(
    ("steps", "end", "payload"),
    [
        (
            [
                ("asesmen_pusat_data", INFRA, ASESMEN),
                ("analisa_asesmen", INFRA, BENCANA),
                ("persetujuan_aktivasi", PROVIDER, DISETUJUI),
                ("aktivasi_drp", INFRA, AKTIVASI),
                ("normalisasi_operasional", INFRA, PULIH),
                ("evaluasi_drp", INFRA, EVALUASI),
                ("penetapan_drp", INFRA, DITETAPKAN),
            ],
            "selesai",
            {
                "layanan_pulih": True,
                "drp_diaktifkan": True,
                "ringkasan_pemulihan": EVALUASI["ringkasan_pemulihan"],
            },
        ),
        (
            [
                ("asesmen_pusat_data", INFRA, ASESMEN),
                ("analisa_asesmen", INFRA, BENCANA),
                ("persetujuan_aktivasi", PROVIDER, DITOLAK),
            ],
            "ditolak",
            {
                "layanan_pulih": False,
                "drp_diaktifkan": False,
                "ringkasan_pemulihan": "Aktivasi DRP tidak disetujui Penyedia Layanan. "
                + DITOLAK["catatan_persetujuan_drp"],
            },
        ),
        (
            [("asesmen_pusat_data", INFRA, ASESMEN), ("analisa_asesmen", INFRA, BUKAN_BENCANA)],
            "bukan_bencana",
            {
                "layanan_pulih": False,
                "drp_diaktifkan": False,
                "ringkasan_pemulihan": "Bukan kondisi bencana; DRP tidak diaktifkan. "
                + BUKAN_BENCANA["alasan_bukan_bencana"],
            },
        ),
    ],
    ids=["pulih", "ditolak", "bukan-bencana"],
)
def test_runtime_ends_with_the_done_message(procedure, steps, end, payload):
    run = procedure.start(PENGAJUAN)
    for bpmn_id, lane, data in steps:
        assert run.outcome.messages == []
        run.complete(bpmn_id, lane, data)
        assert run.outcome.messages == [] or run.status == "complete"
    assert run.status == "complete"
    assert run.ready == []
    assert run.data["status_pemulihan"] == end
    done = [(m.name, m.payload) for m in run.outcome.messages if m.name != VERIFY_MESSAGE]
    assert done == [(DONE_MESSAGE, payload)]
    # Only a recovery after an activated DRP asks for the configuration to be verified.
    verify = [m for m in run.outcome.messages if m.name == VERIFY_MESSAGE]
    assert len(verify) == (1 if end == "selesai" else 0)


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
        "pengajuan_pemulihan",
        "asesmen_pusat_data",
        "analisa_asesmen",
        "persetujuan_aktivasi",
        "aktivasi_drp",
        "normalisasi_operasional",
        "evaluasi_drp",
        "penetapan_drp",
    }
    start_form = props["pengajuan_pemulihan"]
    for field in ("layanan", "judul", "uraian_kejadian"):
        assert_invalid(start_form, {k: v for k, v in PENGAJUAN.items() if k != field})
    # What another procedure must send at least: the optional fields may be left out.
    minimal = {k: PENGAJUAN[k] for k in ("layanan", "judul", "uraian_kejadian")}
    assert_valid(start_form, minimal)
    assert_invalid(start_form, {**PENGAJUAN, "waktu_kejadian": "2026-11-23 04:00"})
    assert_invalid(start_form, {**PENGAJUAN, "layanan": ""})

    asesmen = props["asesmen_pusat_data"]
    assert_invalid(asesmen, {**ASESMEN, "kondisi_fisik_pusat_data": "hancur"})
    assert_invalid(asesmen, {**ASESMEN, "komponen_terdampak": "srv-simpeg-01"})
    assert_invalid(asesmen, {k: v for k, v in ASESMEN.items() if k != "uraian_kondisi_fisik"})

    analisa = props["analisa_asesmen"]
    for field in ("jenis_bencana", "opsi_pemulihan"):
        assert_invalid(analisa, {k: v for k, v in BENCANA.items() if k != field})
    assert_invalid(analisa, {**BENCANA, "opsi_pemulihan": "pemulihan_lambat"})
    assert_invalid(analisa, {k: v for k, v in BUKAN_BENCANA.items() if k != "alasan_bukan_bencana"})
    assert_invalid(analisa, {"analisis_asesmen": "Belum jelas."})

    persetujuan = props["persetujuan_aktivasi"]
    assert_invalid(persetujuan, {"drp_disetujui": False})
    assert_invalid(persetujuan, {"drp_disetujui": False, "catatan_persetujuan_drp": "x"})
    assert_invalid(persetujuan, {"drp_disetujui": "ya"})
    assert_valid(persetujuan, {"drp_disetujui": True})

    aktivasi = props["aktivasi_drp"]
    assert_invalid(aktivasi, {**AKTIVASI, "drp_diaktifkan": False})
    assert_invalid(aktivasi, {k: v for k, v in AKTIVASI.items() if k != "drp_diaktifkan"})
    assert_invalid(aktivasi, {k: v for k, v in AKTIVASI.items() if k != "lokasi_pemulihan"})
    assert_invalid(aktivasi, {**AKTIVASI, "titik_pemulihan_data": "kemarin"})

    normalisasi = props["normalisasi_operasional"]
    assert_invalid(
        normalisasi, {k: v for k, v in BELUM_PULIH.items() if k != "kendala_normalisasi"}
    )
    assert_invalid(normalisasi, {"aktivitas_normalisasi": "Sedang dipulihkan."})
    assert_valid(normalisasi, {k: v for k, v in PULIH.items() if k != "kehilangan_data"})

    evaluasi = props["evaluasi_drp"]
    for field in ("evaluasi_pelaksanaan", "rekomendasi_perbaikan_drp", "ringkasan_pemulihan"):
        assert_invalid(evaluasi, {k: v for k, v in EVALUASI.items() if k != field})

    penetapan = props["penetapan_drp"]
    assert_invalid(penetapan, {"drp_ditetapkan": True})
    assert_invalid(penetapan, {"drp_ditetapkan": False})
    assert_valid(penetapan, BELUM_DITETAPKAN)
    assert_valid(penetapan, DITETAPKAN_VERSI_BARU)
    assert_invalid(penetapan, {k: v for k, v in DITETAPKAN.items() if k != "catat_versi_baru"})
    assert_invalid(penetapan, {**DITETAPKAN, "catat_versi_baru": True})
    assert_invalid(penetapan, {**DITETAPKAN_VERSI_BARU, "drp_baru": {"rpo_menit": 60}})


def test_start_form_declares_the_start_fields(procedure):
    spec = procedure.model.spec
    start_props = spec.task_specs["pengajuan_pemulihan"].extensions["properties"]
    assert start_props["referencePrefix"] == "DRP"
    schema = load_form(start_props["formJsonSchemaFilename"])
    fields = schema["properties"]
    assert fields["layanan"]["type"] == "string"
    assert set(schema["required"]) == {"layanan", "judul", "uraian_kejadian"}
    assert fields["nomor_aduan"]["type"] == "string"
    assert fields["waktu_kejadian"]["format"] == "date-time"
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
    assert set(model.roots) == {"pemulihan-layanan.bpmn"}
    assert model.start_form.schema_file == "pemulihan-layanan-pengajuan.schema.json"
    assert model.start_message == START_MESSAGE
    assert model.reference_prefix == "DRP"
    assert model.escalations == {}
    assert validate_model(model, diagram.KNOWN_ROLES) == []


def test_messages_link_the_procedure():
    tree = etree.parse(str(BPMN_FILE))
    """Started by the message named after the model, ends throwing `<model-id>-selesai`."""
    root = tree.getroot()
    messages = {m.get("id"): m.get("name") for m in root.findall("bpmn:message", NS)}
    assert sorted(messages.values()) == [START_MESSAGE, DONE_MESSAGE, VERIFY_MESSAGE]
    process = tree.find("bpmn:process", NS)
    [start_event] = process.findall("bpmn:startEvent", NS)
    [definition] = start_event.findall("bpmn:messageEventDefinition", NS)
    assert messages[definition.get("messageRef")] == START_MESSAGE
    ends = process.findall("bpmn:endEvent", NS)
    assert sorted(e.get("id") for e in ends) == [
        "selesai_bukan_bencana",
        "selesai_ditolak",
        "selesai_pulih",
    ]
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
        if etree.QName(source).localname == "intermediateThrowEvent":  # the verification
            [incoming] = source.findall("bpmn:incoming", NS)
            flow = process.find(f"bpmn:sequenceFlow[@id='{incoming.text}']", NS)
            source = process.find(f"*[@id='{flow.get('sourceRef')}']", NS)
        assert etree.QName(source).localname == "scriptTask", end.get("id")
        assert "status_pemulihan" in source.find("bpmn:script", NS).text


# --------------------------------------------------------------------------- diagram


def test_the_diagram_has_its_lanes_decisions_and_loops():
    """What only this diagram has; tests/engine/test_diagram_conventions.py checks the
    conventions every diagram follows (layout, lanes, citations, gateways, expressions)."""
    shipped = diagram.load(BPMN_FILE)
    assert shipped.lane_names() == [STARTER_LANE, INFRA, PROVIDER]
    assert len(shipped.split_gateways()) == len(shipped.conditions()) == 4
    assert shipped.loops() == {"f_pulih_belum", "f_ditetapkan_tidak"}
    for node in shipped.cited_nodes():
        assert CITATION in shipped.documentation(node), node.get("id")
        assert "Tabel 9" in shipped.documentation(node), node.get("id")


def test_each_step_is_in_the_lane_of_the_role_the_regulation_names():
    """Perbup Bangka 21/2025, 2.2.2.2, Tabel 9 names the performer of every step: the
    Pengelola Infrastruktur dan Aplikasi (no. 1 angka 1-7, the Administrator Infrastruktur
    dan Aplikasi's lane) and the Penyedia Layanan, who approves the DRP (no. 2). Kepbup
    Polewali Mandar 685/2021, III.3 names nobody, so nothing differs for a PD to choose;
    each moved step says so and cites both."""
    shipped = diagram.load(BPMN_FILE)
    lane_of = shipped.lane_of
    named = {
        "asesmen_pusat_data": (INFRA, "Tabel 9 no. 1 angka 1"),
        "analisa_asesmen": (INFRA, "Tabel 9 no. 1 angka 2-3"),
        "persetujuan_aktivasi": (PROVIDER, "Tabel 9 no. 2"),
        "aktivasi_drp": (INFRA, "Tabel 9 no. 1 angka 4"),
        "normalisasi_operasional": (INFRA, "Tabel 9 no. 1 angka 5"),
        "evaluasi_drp": (INFRA, "Tabel 9 no. 1 angka 6"),
        "penetapan_drp": (INFRA, "Tabel 9 no. 1 angka 7"),
    }
    for bpmn_id, (lane, article) in named.items():
        assert lane_of[bpmn_id] == lane, bpmn_id
        assert article in shipped.documentation(shipped.nodes[bpmn_id]), bpmn_id
    for bpmn_id in ("persetujuan_aktivasi", "penetapan_drp"):
        text = shipped.documentation(shipped.nodes[bpmn_id])
        assert "Kepbup Polewali Mandar 685/2021, III.3" in text, bpmn_id
        assert "tidak berbeda dengan Perbup Bangka" in text, bpmn_id
    # The approval goes to the provider PD's Penyedia Layanan, not to its Penanggung Jawab.
    assert "Penanggung Jawab Penyedia Layanan" not in shipped.lane_names()
    assert "Penanggung Jawab Infrastruktur dan Aplikasi" not in shipped.lane_names()
    # Started by hand by the infrastructure administrator (Tabel 9 no. 1), else by a
    # complaint's DRP assessment (Tabel 6 no. 3 angka 3).
    [start] = shipped.of_kind("startEvent")
    assert shipped.properties(start)["startableBy"] == INFRA
    assert "Tabel 6 no. 3 angka 3" in shipped.documentation(start)
