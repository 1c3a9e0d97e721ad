"""The benchmark runs end to end (quick sizes; figures are not judged here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.config import PROJECT_ROOT


def test_bench_quick_run_reports_every_part(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--results-dir", str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    for part in ("(a)", "(b)", "(c)", "(d)", "(e)"):
        assert part in result.stdout
    report = json.loads((tmp_path / "latest.json").read_text())["report"]
    [sqlite] = report["backends"]
    assert all(point["visible"] == point["expected"] for point in sqlite["inbox"])


def test_the_load_bench_runs_clients_against_several_processes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.load", "--clients", "2", "--seconds", "2"]
        + ["--workers", "2", "--threads", "2"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "completed flows: " in result.stdout
    assert "other errors: 0" in result.stdout


def test_the_statement_count_runs_and_counts_each_call() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.statements", "--instances", "1"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    for call in ("start", "complete klasifikasi_prioritas", "complete konfirmasi_pemenuhan"):
        assert call in result.stdout
