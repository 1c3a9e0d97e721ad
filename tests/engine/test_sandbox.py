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

from app.engine.sandbox import (
    RestrictedEnvironment,
    ScriptForbidden,
    ScriptLimitExceeded,
    ScriptProblem,
    ScriptTimeout,
    rewrite,
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
        rewrite._compiled.cache_clear()
        monkeypatch.setattr(rewrite, "_problems", lambda code, mode: ())
        try:
            with pytest.raises(NameError, match=f"'{name}'"):
                env.evaluate(code, {})
        finally:
            rewrite._compiled.cache_clear()  # do not keep code compiled without the check

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
