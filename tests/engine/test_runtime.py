"""The runtime without Flask or a database: every call goes through serialized state."""

from __future__ import annotations

import zlib
from datetime import timedelta
from pathlib import Path

import pytest

from app.clock import FixedClock
from app.engine.runtime import Runtime
from app.engine.specs import Bundle, ParsedModel, parse_bundle
from app.errors import NotFound, TaskNotReady
from app.services.process_models.deploy import bundle_from_directory
from tests.bpmn import linear
from tests.conftest import FORMS, PROCESSES, T0

DATA = Path(__file__).parent / "data"
STARTED = {
    "layanan": "SIMPEG",
    "jenis_permintaan": "AKUN-BARU",
    "judul": "Akun",
    "uraian": "Akun baru",
    "nip_nik": "198501012010011001",
    "instansi": "BKPSDM",
    "telepon": "0812",
    "perlu_persetujuan": False,
    "layanan_info": {"kode": "SIMPEG"},
    "pemohon": {"username": "pengguna", "nama": "P"},
    "waktu_permintaan": T0.isoformat(),
}


@pytest.fixture(scope="module")
def permintaan() -> ParsedModel:
    bundle = bundle_from_directory(PROCESSES / "permintaan-layanan.bpmn", FORMS)
    return parse_bundle("permintaan-layanan", bundle)


@pytest.fixture(scope="module")
def pengingat() -> ParsedModel:
    return parse_bundle(
        "pengingat", Bundle({"pengingat.bpmn": (DATA / "pengingat.bpmn").read_bytes()})
    )


@pytest.fixture
def runtime() -> Runtime:
    return Runtime(time_limit=1.0)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


class TestServiceRequest:
    def test_start_stops_at_classification(self, permintaan, runtime, clock) -> None:
        outcome = runtime.start(permintaan, STARTED, clock)
        assert outcome.status == "running"
        assert [t.info.bpmn_id for t in outcome.ready] == ["klasifikasi_prioritas"]
        assert outcome.ready[0].info.lane == "Administrator Layanan"
        assert outcome.data["layanan"] == "SIMPEG"

    def test_state_excludes_the_spec_and_stays_small(self, permintaan, runtime, clock) -> None:
        outcome = runtime.start(permintaan, STARTED, clock)
        text = zlib.decompress(outcome.state).decode()
        assert '"spec"' not in text
        assert '"subprocess_specs"' not in text
        assert len(outcome.state) < 8 * 1024

    def test_state_stays_small_on_the_longest_path(self, permintaan, runtime, clock) -> None:
        outcome = runtime.start(permintaan, {**STARTED, "perlu_persetujuan": True}, clock)
        steps = [
            {
                "klasifikasi": "akses",
                "prioritas": "sedang",
                "gangguan": False,
                "pelaksana": "pelaksana",
            },
            {"disetujui": True},
            {"hasil_pemenuhan": "Akun dibuat " * 20},
            {"konfirmasi": "ditolak", "alasan_penolakan": "Belum bisa masuk " * 10},
            {"hasil_pemenuhan": "Hak akses diperbaiki " * 20},
        ]
        for data in steps:
            outcome = runtime.complete(permintaan, outcome.state, outcome.ready[0].id, data, clock)
        assert [t.info.bpmn_id for t in outcome.ready] == ["konfirmasi_pemenuhan"]
        assert len(zlib.decompress(outcome.state)) > 8 * 1024  # why it is compressed
        assert len(outcome.state) < 8 * 1024

    def test_full_path_with_save_and_restore_between_steps(
        self, permintaan, runtime, clock
    ) -> None:
        outcome = runtime.start(permintaan, STARTED, clock)
        steps = [
            {
                "klasifikasi": "akses",
                "prioritas": "sedang",
                "gangguan": False,
                "pelaksana": "pelaksana",
            },
            {"hasil_pemenuhan": "Selesai"},
            {"konfirmasi": "diterima", "kepuasan": 4},
        ]
        for data in steps:
            [task] = outcome.ready
            outcome = runtime.complete(permintaan, outcome.state, task.id, data, clock)
        assert outcome.status == "complete"
        assert outcome.data["kepuasan"] == 4
        assert outcome.ready == []

    def test_completing_a_task_twice_is_refused(self, permintaan, runtime, clock) -> None:
        first = runtime.start(permintaan, STARTED, clock)
        task_id = first.ready[0].id
        data = {"klasifikasi": "akses", "prioritas": "sedang", "gangguan": True}
        after = runtime.complete(permintaan, first.state, task_id, data, clock)
        with pytest.raises(TaskNotReady):
            runtime.complete(permintaan, after.state, task_id, data, clock)

    def test_completing_a_predicted_task_is_refused(self, permintaan, runtime, clock) -> None:
        from SpiffWorkflow.util.task import TaskState

        from app.engine.serializer import load_state

        outcome = runtime.start(permintaan, STARTED, clock)
        workflow = load_state(outcome.state, permintaan.spec, permintaan.subprocess_specs)
        [future] = workflow.get_tasks(state=TaskState.MAYBE, spec_name="persetujuan_permintaan")
        with pytest.raises(TaskNotReady):
            runtime.complete(permintaan, outcome.state, str(future.id), {}, clock)

    @pytest.mark.parametrize("task_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
    def test_unknown_task_is_not_found(self, permintaan, runtime, clock, task_id) -> None:
        outcome = runtime.start(permintaan, STARTED, clock)
        with pytest.raises(NotFound):
            runtime.complete(permintaan, outcome.state, task_id, {}, clock)


class TestTimers:
    def start(self, pengingat, runtime, clock):
        data = {"mulai_pada": (T0 + timedelta(hours=1)).isoformat(), "batas_peringatan": "PT2H"}
        return runtime.start(pengingat, data, clock)

    def test_intermediate_timer_from_data_waits_until_due(self, pengingat, runtime, clock) -> None:
        outcome = self.start(pengingat, runtime, clock)
        assert outcome.status == "waiting"
        assert outcome.next_timer_at == T0 + timedelta(hours=1)
        clock.advance(timedelta(minutes=59))
        assert runtime.fire_timers(pengingat, outcome.state, clock) is None
        clock.advance(timedelta(minutes=1, seconds=1))
        fired = runtime.fire_timers(pengingat, outcome.state, clock)
        assert fired is not None
        assert fired.fired == ["tunggu_jadwal"]
        assert [t.info.bpmn_id for t in fired.ready] == ["kerjakan"]

    def test_boundary_timers_warn_then_interrupt(self, pengingat, runtime, clock) -> None:
        outcome = self.start(pengingat, runtime, clock)
        clock.advance(timedelta(hours=1, seconds=1))
        outcome = runtime.fire_timers(pengingat, outcome.state, clock)
        assert outcome.next_timer_at == clock.now() + timedelta(hours=2)

        clock.advance(timedelta(hours=2, seconds=1))
        warned = runtime.fire_timers(pengingat, outcome.state, clock)
        assert warned.fired == ["peringatan"]
        assert [t.info.bpmn_id for t in warned.ready] == ["kerjakan"]

        clock.advance(timedelta(hours=2))
        interrupted = runtime.fire_timers(pengingat, warned.state, clock)
        assert interrupted.fired == ["batas_waktu"]
        assert [t.info.bpmn_id for t in interrupted.ready] == ["eskalasi"]
        assert interrupted.next_timer_at is None

    def test_work_done_before_the_deadline_completes(self, pengingat, runtime, clock) -> None:
        outcome = self.start(pengingat, runtime, clock)
        clock.advance(timedelta(hours=1, seconds=1))
        outcome = runtime.fire_timers(pengingat, outcome.state, clock)
        done = runtime.complete(pengingat, outcome.state, outcome.ready[0].id, {}, clock)
        assert done.status == "complete"
        assert done.next_timer_at is None


class TestScriptFailures:
    def model(self, script: str) -> ParsedModel:
        task = f'<bpmn:scriptTask id="hitung"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
        return parse_bundle("uji", Bundle({"uji.bpmn": linear(task)}))

    def test_runtime_error_puts_the_outcome_in_error(self, runtime, clock) -> None:
        outcome = runtime.start(self.model("hasil = 1 / 0"), {}, clock)
        assert outcome.status == "error"
        assert outcome.failure.element_id == "hitung"
        assert "ZeroDivisionError" in outcome.failure.message

    def test_endless_loop_times_out(self, clock) -> None:
        outcome = Runtime(time_limit=0.2).start(self.model("while True:\n    pass"), {}, clock)
        assert outcome.status == "error"
        assert outcome.failure.kind == "timeout"

    def test_forbidden_script_that_skipped_deploy_checks_is_refused_at_run_time(
        self, runtime, clock
    ) -> None:
        outcome = runtime.start(self.model("x = open('/etc/passwd').read()"), {}, clock)
        assert outcome.status == "error"
        assert outcome.failure.kind == "forbidden"
