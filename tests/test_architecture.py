"""House rules as checks: the import contracts in pyproject.toml hold."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from app.config import PROJECT_ROOT


def test_import_contracts_hold() -> None:
    linter = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(linter), "--no-cache"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_faces_may_not_import_the_engine() -> None:
    """The contract that keeps api, web and cli off `app.engine` is there, without
    exceptions, so that `test_import_contracts_hold` checks it."""
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    [contract] = [
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c["type"] == "forbidden"
        and "app.engine" in c["forbidden_modules"]
        and "app.api" in c["source_modules"]
    ]
    assert set(contract["source_modules"]) == {"app.api", "app.web", "app.cli"}
    assert not contract.get("ignore_imports")
