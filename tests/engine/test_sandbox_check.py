"""The static check: escapes are refused by reading the code, bombs are left to the runtime."""

from __future__ import annotations

import runpy
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.engine.sandbox import ScriptProblem, check_script

CORPUS = runpy.run_path(str(Path(__file__).parent / "data" / "escape_corpus.py"))
ESCAPES: list[tuple[str, str, str]] = CORPUS["ESCAPES"]
BOMBS: list[tuple[str, str, str, str]] = CORPUS["BOMBS"]


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
