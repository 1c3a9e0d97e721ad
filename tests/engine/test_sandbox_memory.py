"""The memory limit: scripts that may allocate run in a sandbox process, and the server
neither grows nor keeps what they took (issue 13, item 3)."""

from __future__ import annotations

import os
import resource
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from sqlalchemy import select

from app.clock import FixedClock
from app.engine.runtime import Runtime
from app.engine.sandbox import (
    MEMORY_LIMIT_MB,
    RestrictedEnvironment,
    ScriptDataRejected,
    ScriptMemoryExceeded,
    ScriptTimeout,
    make_script_engine,
)
from app.engine.sandbox.footprint import inside_server
from app.engine.sandbox.pool import ChildPool
from app.engine.script_context import ScriptContext, script_context, script_context_helpers
from app.engine.specs import Bundle, parse_bundle
from app.models import User
from app.services.context import Platform
from app.services.process_models.deploy import DeployService
from app.sla.matrix import DEFAULT_PRIORITY_MATRIX
from tests.bpmn import linear

SHORT = 0.3  # seconds
#: Time limit for the memory bombs: only a ceiling, the memory limit stops them first
#: (about 0.2 s here), but a loaded CI machine may take a second to fill 256 MB.
LONG = 20.0
MB = 1024 * 1024
BOMB = "x = []\nfor i in range(10000):\n    x.append([0] * 10**6)"
#: Hashing a tuple that holds one tuple twice, 64 levels deep: 2**64 steps in C, no trace
#: event, so only the server's kill stops it.
C_LOOP = "t = ()\nfor i in range(64):\n    t = (t, t)\ns = {t}"
MULAI = "2026-11-23T15:30:00+07:00"
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def _resident() -> int:
    """This process's resident memory now, in bytes."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def _peak() -> int:
    """This process's peak resident memory so far, in bytes (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@pytest.fixture
def env() -> RestrictedEnvironment:
    return RestrictedEnvironment(script_context_helpers(), time_limit=SHORT)


def _workflow(script: str, time_limit: float = 1.0) -> BpmnWorkflow:
    xml = linear(
        f'<bpmn:scriptTask id="hitung"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
    )
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml, filename="uji.bpmn")
    engine = make_script_engine(time_limit=time_limit)
    return BpmnWorkflow(parser.get_spec("proses_uji"), script_engine=engine)


class TestMemoryLimit:
    def test_memory_bomb_is_refused_with_the_servers_memory_unchanged(self) -> None:
        workflow = _workflow(BOMB, time_limit=LONG)
        peak, resident = _peak(), _resident()
        with pytest.raises(WorkflowTaskException) as failed:
            workflow.do_engine_steps()
        cause = failed.value.__cause__
        assert isinstance(cause, ScriptMemoryExceeded)
        assert f"{MEMORY_LIMIT_MB} MB" in str(cause)
        assert failed.value.line_number == 3
        # The bomb met the sandbox process's limit, not the server's memory: the process
        # reported a limit of the budget above what it held, and the server's own peak
        # and resident memory stayed within a few tens of MB of what they were.
        limits = RestrictedEnvironment().pool.limits
        assert limits["memory_limit"] - limits["held"] == MEMORY_LIMIT_MB * MB
        assert _peak() - peak < 64 * MB
        assert _resident() - resident < 64 * MB

    def test_memory_bomb_fails_the_step_of_the_runtime(self) -> None:
        model = parse_bundle("uji", Bundle({"uji.bpmn": linear(_script_task(BOMB))}))
        outcome = Runtime(time_limit=LONG).start(model, {"awal": 1}, FixedClock(T0))
        assert outcome.status == "error"
        assert outcome.failure is not None
        assert outcome.failure.kind == "memory"
        assert "batas memori" in outcome.failure.message
        assert outcome.data == {"awal": 1}

    def test_process_is_replaced_after_a_memory_error(self) -> None:
        env = RestrictedEnvironment(time_limit=LONG)
        with pytest.raises(ScriptMemoryExceeded):
            env.execute(BOMB, {})
        started = env.pool.started
        data: dict[str, Any] = {}
        env.execute("n = 0\nfor i in range(3):\n    n += i", data)
        assert data["n"] == 3
        assert env.pool.started == started + 1

    def test_c_level_loop_is_killed_by_the_servers_timeout(
        self, env: RestrictedEnvironment
    ) -> None:
        data: dict[str, Any] = {}
        with pytest.raises(ScriptTimeout):
            env.execute(C_LOOP, data)
        assert data == {}  # the process was killed: nothing came back
        started = env.pool.started
        assert env.evaluate("[i for i in range(3)]", {}) == [0, 1, 2]
        assert env.pool.started == started + 1


class TestServerPath:
    @pytest.mark.parametrize(
        ("mode", "code"),
        [
            ("eval", "gangguan == True"),
            ("eval", 'pengaturan["reviu_laporan"] == False'),
            ("eval", "len(items) > 2 and abs(total) >= 2"),
            ("exec", "prioritas = prioritas_tabel_3(dampak, kelompok, klasifikasi)"),
            ("exec", 'kelompok_layanan = layanan_info.get("kelompok")'),
            ("exec", "try:\n    n = int(x)\nexcept ValueError:\n    n = 0"),
            ("exec", "total = a + b * 2\nlabel = f'{total}'"),
        ],
    )
    def test_code_that_cannot_take_much_memory_runs_in_the_server(
        self, mode: Any, code: str
    ) -> None:
        assert inside_server(code, mode, frozenset(script_context_helpers())) is not None

    @pytest.mark.parametrize(
        ("mode", "code"),
        [
            ("exec", "for i in items:\n    pass"),
            ("exec", "while n:\n    n -= 1"),
            ("eval", "[i for i in items]"),
            ("eval", "any(i for i in items)"),
            ("eval", "sorted(items, key=lambda i: i)"),
            ("eval", "str(items)"),
            ("eval", "name.strip()"),
            ("eval", "a + b + c + d + e + f"),  # five operators
            ("eval", "[a, a, a, a, a]"),  # a display that multiplies what `a` holds
            ("exec", "len = sorted\nx = len(items)"),  # a permitted name rebound
            ("exec", "x = items[:]\ny = items[:]\nz = items[:]\nw = items[:]\nv = items[:]"),
        ],
    )
    def test_code_that_may_allocate_goes_to_a_process(self, mode: Any, code: str) -> None:
        assert inside_server(code, mode, frozenset(script_context_helpers())) is None

    def test_server_path_starts_no_process(self, env: RestrictedEnvironment) -> None:
        runs = env.pool.runs
        data: dict[str, Any] = {"dampak": "Tinggi", "kelompok": "x", "klasifikasi": "y"}
        assert env.evaluate("dampak == 'Tinggi'", data) is True
        env.execute("prioritas = prioritas_tabel_3(dampak, kelompok, klasifikasi)", data)
        assert "prioritas" in data
        assert env.pool.runs == runs

    def test_server_path_refuses_what_a_script_stores_past_the_cap(self) -> None:
        env = RestrictedEnvironment(time_limit=SHORT, data_max_bytes=1000)
        data: dict[str, Any] = {"awal": 1}
        with pytest.raises(ScriptDataRejected, match="x"):
            env.execute("x = [0] * 10**5", data)
        assert data == {"awal": 1}


class TestHelpersFromAProcess:
    def test_helpers_read_the_instances_context_in_the_server(
        self, env: RestrictedEnvironment
    ) -> None:
        runs = env.pool.runs
        context = ScriptContext(table_3=lambda: (DEFAULT_PRIORITY_MATRIX, "versi uji"))
        data: dict[str, Any] = {"mulai": MULAI}
        with script_context(context):
            env.execute(
                "batas = []\nfor jam in ['PT1H', 'PT2H']:\n"
                "    batas.append(tambah_waktu_kerja(mulai, jam))\nversi = versi_tabel_3()",
                data,
            )
            expected = script_context_helpers()["tambah_waktu_kerja"](MULAI, "PT2H")
        assert env.pool.runs == runs + 1
        assert data["versi"] == "versi uji"
        assert data["batas"][1] == expected

    def test_helper_error_reaches_the_script_as_its_class(self, env: RestrictedEnvironment) -> None:
        data: dict[str, Any] = {}
        env.execute(
            "for i in [1]:\n    try:\n        x = tambah_waktu_kerja('bukan tanggal', 'PT1H')\n"
            "    except ValueError:\n        x = 'ditolak'",
            data,
        )
        assert data["x"] == "ditolak"

    def test_error_in_a_process_keeps_the_scripts_line(self) -> None:
        workflow = _workflow("n = 0\nfor i in range(3):\n    n += i\nx = {}['tidak ada']")
        with pytest.raises(WorkflowTaskException) as failed:
            workflow.do_engine_steps()
        assert failed.value.error_type == "KeyError"
        assert failed.value.line_number == 4


def _hostile(reply: str) -> ChildPool:
    """A pool whose processes say they are ready, then answer every request with `reply`."""
    program = (
        "import sys\nout = sys.stdout.buffer\n"
        'out.write(b\'{"ready":true,"pid":1,"held":0,"memory_limit":0}\\n\')\nout.flush()\n'
        f"for line in sys.stdin.buffer:\n    out.write({reply})\n    out.flush()\n"
    )
    return ChildPool(MEMORY_LIMIT_MB, command=[sys.executable, "-I", "-c", program])


class TestHostileProcess:
    @pytest.mark.parametrize(
        ("reply", "refusal"),
        [
            ("b'not json\\n'", "not JSON"),
            ("b'[' * 3000000", "larger than 100000 bytes"),
            ("b'{}\\n{}\\n'", "more than one message"),
            ('b\'{"call": "open", "args": ["L", "/etc/passwd"]}\\n\'', "no helper"),
            ('b\'{"result": ["X"]}\\n\'', "not an encoded value"),
            ('b\'{"data": ["L", 1]}\\n\'', "not a dict"),
        ],
        ids=["not-json", "too-large", "two-messages", "unknown-helper", "bad-tag", "not-data"],
    )
    def test_hostile_reply_is_refused_and_the_process_dropped(
        self, reply: str, refusal: str
    ) -> None:
        pool = _hostile(reply)
        request = {"code": "1", "mode": "eval", "context": ["D"], "external": ["D"]}
        try:
            for started in (1, 2):
                with pytest.raises(ScriptDataRejected, match=refusal):
                    pool.run(request, {}, SHORT, 100_000)
                assert pool.started == started  # never reused
        finally:
            pool.close()

    def test_process_that_dies_is_a_refusal_and_is_replaced(self) -> None:
        pool = ChildPool(MEMORY_LIMIT_MB)
        request = {
            "code": "[i for i in range(3)]", "mode": "eval", "context": ["D"],
            "external": ["D"], "helpers": [], "time_limit": SHORT, "max_bytes": 100_000,
        }  # fmt: skip
        try:
            assert pool.run(request, {}, SHORT, 100_000).value == [0, 1, 2]
            pid = pool.limits["pid"]
            os.kill(pid, 9)
            os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # dead, left for Popen to reap
            assert pool.run(request, {}, SHORT, 100_000).value == [0, 1, 2]
            assert pool.started == 2
        finally:
            pool.close()


@pytest.fixture
def deployed_scripts(platform: Platform, demo: None) -> Platform:
    bundle = {
        "bom-memori.bpmn": linear(_script_task(BOMB)),
        "batas-loop.bpmn": linear(
            _script_task(
                "for jam in ['PT1H']:\n    batas = tambah_waktu_kerja(mulai, jam)",
            )
        ),
    }
    with platform.sessions() as session, session.begin():
        deploy = DeployService(session, platform.clock, platform.specs)
        for name, xml in bundle.items():
            deploy.deploy(Bundle({name: xml}))
    return platform


def _start(platform: Platform, model_id: str, data: dict[str, Any]) -> Any:
    with platform.sessions() as session, session.begin():
        starter = session.scalars(select(User).where(User.username == "pengguna")).one()
        instance = platform.instances(session).start(model_id, data, starter)
        return instance.status, instance.error_message, dict(instance.data)


class TestInstances:
    def test_memory_bomb_puts_the_instance_in_error(self, deployed_scripts: Platform) -> None:
        status, message, data = _start(deployed_scripts, "bom-memori", {"awal": 1})
        assert status == "error"
        assert "batas memori" in message
        assert "x" not in data

    def test_helper_in_a_process_uses_the_instances_calendar(
        self, deployed_scripts: Platform
    ) -> None:
        # EMAIL is Kritis with 24x7 support: one hour of wall-clock time, where the
        # default calendar (office hours in WIB) would give Tuesday 08:00 WIB.
        status, message, data = _start(
            deployed_scripts, "batas-loop", {"layanan": "EMAIL", "mulai": MULAI}
        )
        assert status == "complete", message
        assert data["batas"] == "2026-11-23T09:30:00+00:00"


def _script_task(script: str) -> str:
    return f'<bpmn:scriptTask id="hitung"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'


@pytest.fixture(autouse=True)
def _tracer_is_restored() -> Iterator[None]:
    previous = sys.gettrace()
    yield
    assert sys.gettrace() is previous
