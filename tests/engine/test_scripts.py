"""The restricted script environment: escapes are refused, bombs stop, scripts still work."""

from __future__ import annotations

import runpy
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from app.engine import scripts
from app.engine.scripts import (
    RestrictedEnvironment,
    ScriptForbidden,
    ScriptLimitExceeded,
    ScriptProblem,
    ScriptTimeout,
    check_script,
    make_script_engine,
    sandbox_error,
)

CORPUS = runpy.run_path(str(Path(__file__).parent / "data" / "escape_corpus.py"))
ESCAPES: list[tuple[str, str, str]] = CORPUS["ESCAPES"]
BOMBS: list[tuple[str, str, str, str]] = CORPUS["BOMBS"]
SHORT = 0.3  # seconds: long enough for ordinary code, short enough for a quick suite


def _helpers() -> dict[str, Callable[..., Any]]:
    return {"double": lambda value: 2 * value, "helper": lambda *args: args}


def run(env: RestrictedEnvironment, mode: str, code: str, data: dict[str, Any] | None = None):
    """Run `code` like SpiffWorkflow does: exec for scripts, eval for expressions."""
    data = {} if data is None else data
    if mode == "exec":
        return env.execute(code, data)
    return env.evaluate(code, data)


@pytest.fixture
def env() -> RestrictedEnvironment:
    return RestrictedEnvironment(_helpers(), time_limit=SHORT)


@pytest.fixture(autouse=True)
def _tracer_is_restored() -> Iterator[None]:
    """Coverage and debuggers keep their tracer across every run, failed or not."""
    previous = sys.gettrace()
    yield
    assert sys.gettrace() is previous


class TestCheckScript:
    @pytest.mark.parametrize(
        ("mode", "code"), [(m, c) for _, m, c in ESCAPES], ids=[name for name, _, _ in ESCAPES]
    )
    def test_escape_is_refused(self, mode: str, code: str) -> None:
        problems = check_script(code, mode)  # type: ignore[arg-type]
        assert problems
        assert all(isinstance(p, ScriptProblem) and p.message for p in problems)

    @pytest.mark.parametrize(
        ("mode", "code"), [(m, c) for _, m, c, _ in BOMBS], ids=[name for name, _, _, _ in BOMBS]
    )
    def test_bomb_is_valid_code_left_to_the_runtime(self, mode: str, code: str) -> None:
        assert check_script(code, mode) == []  # type: ignore[arg-type]

    def test_problem_names_its_line_and_reason(self) -> None:
        problems = check_script("a = 1\nb = ().__class__\nimport os\n")
        assert problems == [
            ScriptProblem(
                2, "name '__class__' is not allowed: names starting with '_' are reserved"
            ),
            ScriptProblem(3, "import is not allowed"),
        ]

    def test_syntax_error_is_a_problem_with_its_line(self) -> None:
        [problem] = check_script("a = 1\nb = (\n", "exec")
        assert problem.line is not None
        assert problem.message.startswith("syntax error")

    def test_return_outside_function_is_a_syntax_error(self) -> None:
        [problem] = check_script("return 1")
        assert problem.message == "syntax error: 'return' outside function"

    def test_expression_mode_refuses_statements(self) -> None:
        assert check_script("x = 1", "eval")

    def test_long_code_is_refused(self) -> None:
        [problem] = check_script("x = 1\n" * 20_000)
        assert "too long" in problem.message

    def test_result_is_a_fresh_list(self) -> None:
        check_script("import os").clear()
        assert check_script("import os")

    @pytest.mark.parametrize(
        "code",
        [
            "total = sum(x['n'] for x in items if x['ok'])",
            "label = f'{name.upper()}: {amount:,.2f} ({ratio:.1%})'",
            "try:\n    n = int(raw)\nexcept (ValueError, TypeError):\n    n = 0",
            "def grade(score, *extra):\n    return 'A' if score > 90 else 'B'\ng = grade(95)",
            "pairs = sorted(data.items(), key=lambda kv: kv[1])",
            "type == 'insiden' and jenis_permintaan != 'RESET-SANDI'",
        ],
    )
    def test_ordinary_code_passes(self, code: str) -> None:
        mode = "eval" if code.startswith("type ==") else "exec"
        assert check_script(code, mode) == []  # type: ignore[arg-type]


class TestRefusedAtRunTime:
    @pytest.mark.parametrize(
        ("mode", "code"), [(m, c) for _, m, c in ESCAPES], ids=[name for name, _, _ in ESCAPES]
    )
    def test_escape_is_refused_before_running(
        self, env: RestrictedEnvironment, mode: str, code: str
    ) -> None:
        data = {"x": 1, "width": 3}
        with pytest.raises(ScriptForbidden) as refused:
            run(env, mode, code, data)
        assert refused.value.problems
        assert not isinstance(refused.value, ScriptLimitExceeded)
        assert data == {"x": 1, "width": 3}  # refused before the data were touched

    @pytest.mark.parametrize(
        ("code", "name"),
        [
            ("open('/etc/passwd')", "open"),
            ("__import__('os')", "__import__"),
            ("eval('1')", "eval"),
            ("getattr(1, 'real')", "getattr"),
            ("type(1)", "type"),
            ("Exception", "Exception"),
            ("iter(int, 1)", "iter"),
            ("print('x')", "print"),
        ],
    )
    def test_builtins_whitelist_holds_when_the_check_is_bypassed(
        self,
        env: RestrictedEnvironment,
        monkeypatch: pytest.MonkeyPatch,
        code: str,
        name: str,
    ) -> None:
        scripts._compiled.cache_clear()
        monkeypatch.setattr(scripts, "_problems", lambda code, mode: ())
        try:
            with pytest.raises(NameError, match=f"'{name}'"):
                env.evaluate(code, {})
        finally:
            scripts._compiled.cache_clear()  # do not keep code compiled without the check

    def test_syntax_error_stays_a_syntax_error(self, env: RestrictedEnvironment) -> None:
        with pytest.raises(SyntaxError):
            env.execute("x = (\n", {})


class TestLimits:
    @pytest.mark.parametrize(
        ("mode", "code", "outcome"),
        [(m, c, o) for _, m, c, o in BOMBS],
        ids=[name for name, _, _, _ in BOMBS],
    )
    def test_bomb_is_stopped(
        self, env: RestrictedEnvironment, mode: str, code: str, outcome: str
    ) -> None:
        expected = ScriptTimeout if outcome == "timeout" else ScriptLimitExceeded
        with pytest.raises(expected):
            run(env, mode, code)

    def test_limit_names_the_line(self, env: RestrictedEnvironment) -> None:
        with pytest.raises(ScriptLimitExceeded) as refused:
            env.execute("x = 1\ny = 'a' * 10**10\n", {})
        assert refused.value.problems[0].line == 2
        assert isinstance(refused.value, ScriptForbidden)

    def test_timeout_in_a_worker_thread(self, env: RestrictedEnvironment) -> None:
        outcome: list[BaseException] = []

        def work() -> None:
            try:
                env.execute("while True: pass", {})
            except ScriptTimeout as err:
                outcome.append(err)

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        worker.join(timeout=30)
        assert not worker.is_alive()
        assert len(outcome) == 1

    def test_previous_tracer_is_restored_after_a_timeout(self, env: RestrictedEnvironment) -> None:
        calls: list[str] = []

        def tracer(frame: FrameType, event: str, arg: object) -> None:
            calls.append(event)

        previous = sys.gettrace()
        sys.settrace(tracer)
        try:
            with pytest.raises(ScriptTimeout):
                env.execute("n = 0\nwhile True:\n    n += 1", {})
            assert sys.gettrace() is tracer
        finally:
            sys.settrace(previous)

    def test_interpreter_is_usable_after_a_timeout(self, env: RestrictedEnvironment) -> None:
        with pytest.raises(ScriptTimeout):
            env.execute("while True:\n    pass", {})
        data: dict[str, Any] = {"items": [3, 1, 2]}
        env.execute("total = sum(items)\nfor i in range(1000):\n    total += 0", data)
        assert data["total"] == 6

    def test_timeout_leaves_the_data_set_before_it(self, env: RestrictedEnvironment) -> None:
        data: dict[str, Any] = {}
        with pytest.raises(ScriptTimeout):
            env.execute("before = 1\nwhile True:\n    pass", data)
        assert data == {"before": 1}

    def test_sizes_up_to_the_limit_are_allowed(self, env: RestrictedEnvironment) -> None:
        data: dict[str, Any] = {}
        env.execute(
            "s = 'a' * 1000\nn = 2 ** 1000\nr = len(range(10**6))\nshort = 'x'.ljust(20)\n"
            "t = ()\nfor i in range(50):\n    t = (t,)\nkeys = {t}\nz = list(zip([t], [1]))",
            data,
        )
        assert len(data["s"]) == 1000
        assert data["n"] == 2**1000
        assert data["r"] == 10**6
        assert data["short"] == "x" + " " * 19

    def test_time_limit_must_be_positive(self) -> None:
        with pytest.raises(ValueError, match="time_limit"):
            RestrictedEnvironment(time_limit=0)

    def test_helper_name_must_be_public(self) -> None:
        with pytest.raises(ValueError, match="_secret"):
            RestrictedEnvironment({"_secret": len})


class TestOrdinaryScripts:
    def test_script_sets_task_data(self, env: RestrictedEnvironment) -> None:
        data: dict[str, Any] = {
            "amount": 1500,
            "name": "  Dinas Kominfo ",
            "items": [{"n": 2, "ok": True}, {"n": 5, "ok": False}, {"n": 7, "ok": True}],
            "tags": "a, b ,c",
            "counts": {"open": 1},
        }
        env.execute(
            "\n".join(
                [
                    "total = sum(i['n'] for i in items if i['ok'])",
                    "big = amount > 1000 and total >= 9",
                    "label = name.strip().upper()",
                    "parts = [t.strip() for t in tags.split(',')]",
                    "counts['open'] += 1",
                    "counts['closed'] = counts.get('closed', 0) + 2",
                    "if big:\n    level = 'L2'\nelse:\n    level = 'L1'",
                    "lowest, highest = min(i['n'] for i in items), max(i['n'] for i in items)",
                    "ordered = sorted(items, key=lambda i: -i['n'])[0]['n']",
                    "squares = {n: n * n for n in range(4)}",
                    "size = len(items)",
                    "joined = '-'.join(parts)",
                    "doubled = double(amount)",
                    "line = f'{label}: {amount:,.2f}'",
                    "pct = '%05.1f%%' % 12.5",
                    "flags = [n for n, ok in zip(range(3), [True, False, True]) if ok]",
                    "numbered = [f'{i}.{p}' for i, p in enumerate(parts, 1)]",
                    "def pick(*choices):\n    return choices[-1]",
                    "chosen = pick('x', 'y')",
                    "pair = tuple(['a', 1])",
                    "is_pair = isinstance(pair, tuple) and isinstance(parts, (list, tuple))",
                    "try:\n    bad = int('x')\nexcept ValueError:\n    bad = None",
                    "n = 0\nwhile n < 5:\n    n += 1",
                    "acc = []\nacc += [1]\nacc *= 2",
                    "text = 'ab'\ntext += 'c'",
                    "grid = [0, 0, 0, 0]\ngrid[1:3] += [9]",
                ]
            ),
            data,
        )
        assert data["total"] == 9
        assert data["big"] is True
        assert data["label"] == "DINAS KOMINFO"
        assert data["parts"] == ["a", "b", "c"]
        assert data["counts"] == {"open": 2, "closed": 2}
        assert data["level"] == "L2"
        assert (data["lowest"], data["highest"], data["ordered"]) == (2, 7, 7)
        assert data["squares"] == {0: 0, 1: 1, 2: 4, 3: 9}
        assert data["size"] == 3
        assert data["joined"] == "a-b-c"
        assert data["doubled"] == 3000
        assert data["line"] == "DINAS KOMINFO: 1,500.00"
        assert data["pct"] == "012.5%"
        assert data["flags"] == [0, 2]
        assert data["numbered"] == ["1.a", "2.b", "3.c"]
        assert data["chosen"] == "y"
        assert data["pair"] == ("a", 1)
        assert data["is_pair"] is True
        assert data["bad"] is None
        assert data["n"] == 5
        assert data["acc"] == [1, 1]
        assert data["text"] == "abc"
        assert data["grid"] == [0, 0, 0, 9, 0]

    @pytest.mark.parametrize(
        ("expression", "data", "expected"),
        [
            ("gangguan == True", {"gangguan": True}, True),
            ("perlu_persetujuan", {"perlu_persetujuan": False}, False),
            ("konfirmasi == 'ditolak'", {"konfirmasi": "ditolak"}, True),
            ("big and level == 'L2'", {"big": True, "level": "L2"}, True),
            ("type == 'insiden'", {"type": "insiden"}, True),
            ("'PT4H'", {}, "PT4H"),
            (
                "mulai_pada",
                {"mulai_pada": "2026-11-23T09:00:00+07:00"},
                "2026-11-23T09:00:00+07:00",
            ),
            ("batas[:10] < '2026-12-01'", {"batas": "2026-11-30T17:00:00+07:00"}, True),
            ("len(items) > 2 and sum(items) / len(items) >= 2", {"items": [1, 2, 3]}, True),
            ("round(total * 1.1, 2)", {"total": 10}, 11.0),
            ("abs(-3) + divmod(7, 2)[1]", {}, 4),
            ("double(21)", {}, 42),
        ],
    )
    def test_expression_over_task_data(
        self, env: RestrictedEnvironment, expression: str, data: dict[str, Any], expected: Any
    ) -> None:
        assert env.evaluate(expression, data) == expected

    def test_external_context_is_visible(self, env: RestrictedEnvironment) -> None:
        # how SpiffWorkflow evaluates a DMN entry that uses `?`
        assert env.evaluate("dmninputexpr in ('a', 'b')", {}, {"dmninputexpr": "a"}) is True

    def test_helpers_and_guards_are_not_left_in_data(self, env: RestrictedEnvironment) -> None:
        data: dict[str, Any] = {"amount": 2}
        env.execute("result = double(amount)\nf = lambda v: v\nt = (amount, 1)", data)
        assert data == {"amount": 2, "result": 4, "t": (2, 1)}

    def test_deleting_a_helper_only_affects_that_run(self, env: RestrictedEnvironment) -> None:
        env.execute("del double", {})
        data: dict[str, Any] = {}
        env.execute("x = double(2)", data)
        assert data == {"x": 4}

    def test_data_overwriting_a_helper_is_refused(self, env: RestrictedEnvironment) -> None:
        with pytest.raises(ValueError, match="double"):
            env.execute("x = 1", {"double": 3})

    def test_data_cannot_replace_builtins_or_guards(self, env: RestrictedEnvironment) -> None:
        data = {"__builtins__": {"open": open}, "_spbe_op": "not a guard"}
        assert env.evaluate("1 + 2", data) == 3
        with pytest.raises(NameError, match="'print'"):  # a real builtin, not a script one
            env.evaluate("print", {"__builtins__": __builtins__})

    def test_lists_keep_in_place_semantics(self, env: RestrictedEnvironment) -> None:
        data: dict[str, Any] = {}
        env.execute("a = [1]\nb = a\nb += [2]", data)
        assert data["a"] == [1, 2]
        assert data["a"] is data["b"]


class TestSandboxError:
    def test_follows_the_exception_chain(self) -> None:
        refused = ScriptForbidden([ScriptProblem(1, "import is not allowed")])
        try:
            try:
                raise refused
            except ScriptForbidden:
                raise RuntimeError("wrapped") from None
        except RuntimeError as err:
            wrapped = err
        assert wrapped.__context__ is refused
        assert sandbox_error(wrapped) is refused

    def test_none_for_other_errors(self) -> None:
        assert sandbox_error(KeyError("x")) is None

    def test_message_is_a_string_with_lines(self) -> None:
        refused = ScriptForbidden([ScriptProblem(3, "import is not allowed")])
        assert refused.args == ("script refused: line 3: import is not allowed",)


# --------------------------------------------------------------------------- real engine

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="uji_skrip" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:scriptTask id="hitung" name="Hitung">
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:exclusiveGateway id="cek" default="ke_kecil" />
    <bpmn:endEvent id="besar" />
    <bpmn:endEvent id="kecil" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="hitung" />
    <bpmn:sequenceFlow id="f2" sourceRef="hitung" targetRef="cek" />
    <bpmn:sequenceFlow id="ke_besar" sourceRef="cek" targetRef="besar">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">
        {condition}
      </bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="ke_kecil" sourceRef="cek" targetRef="kecil" />
  </bpmn:process>
</bpmn:definitions>
"""


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _workflow(script: str, condition: str = "total > 100", **data: Any) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    xml = BPMN.format(script=_xml_text(script), condition=_xml_text(condition))
    parser.add_bpmn_str(xml.encode(), filename="uji_skrip.bpmn")
    engine = make_script_engine(helpers={"double": lambda value: 2 * value}, time_limit=SHORT)
    workflow = BpmnWorkflow(parser.get_spec("uji_skrip"), script_engine=engine)
    workflow.task_tree.data.update(data)
    return workflow


def _state(workflow: BpmnWorkflow, spec_name: str) -> TaskState:
    [task] = workflow.get_tasks(spec_name=spec_name)
    return task.state


class TestWorkflow:
    def test_good_script_and_condition_run(self) -> None:
        workflow = _workflow("total = double(sum(items))", items=[20, 40])
        workflow.do_engine_steps()
        assert workflow.is_completed()
        assert workflow.data["total"] == 120
        assert "double" not in workflow.data
        assert _state(workflow, "besar") == TaskState.COMPLETED

    @pytest.mark.parametrize(
        ("script", "cause", "line"),
        [
            ("total = 1\nx = ().__class__.__base__.__subclasses__()", ScriptForbidden, 2),
            ("total = 1\nwhile True:\n    pass", ScriptTimeout, None),
            ("total = 1\nx = 'a' * 10**10", ScriptLimitExceeded, 2),
        ],
        ids=["forbidden", "timeout", "limit"],
    )
    def test_bad_script_fails_the_task(
        self, script: str, cause: type[Exception], line: int | None
    ) -> None:
        workflow = _workflow(script)
        with pytest.raises(WorkflowTaskException) as failed:
            workflow.do_engine_steps()
        assert isinstance(failed.value.__cause__, cause)
        assert sandbox_error(failed.value) is failed.value.__cause__
        assert failed.value.error_type == cause.__name__
        if line is not None:
            assert failed.value.line_number == line
        assert _state(workflow, "hitung") == TaskState.ERROR
        # the interpreter and a fresh workflow are fine afterwards
        healthy = _workflow("total = double(60)")
        healthy.do_engine_steps()
        assert healthy.is_completed()
        assert healthy.data["total"] == 120

    @pytest.mark.parametrize(
        ("condition", "cause"),
        [
            ("().__class__ is not None", ScriptForbidden),
            ("len(list(range(10**10))) > 0", ScriptLimitExceeded),
            ("[x for x in range(10**6) for y in range(10**6)]", ScriptTimeout),
        ],
        ids=["forbidden", "limit", "timeout"],
    )
    def test_bad_condition_fails_the_gateway(self, condition: str, cause: type[Exception]) -> None:
        workflow = _workflow("total = 150", condition=condition)
        with pytest.raises(WorkflowTaskException) as failed:
            workflow.do_engine_steps()
        assert isinstance(failed.value.__cause__, cause)
        assert _state(workflow, "hitung") == TaskState.COMPLETED
        assert _state(workflow, "cek") == TaskState.ERROR
