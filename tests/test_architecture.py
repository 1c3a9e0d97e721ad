"""House rules as checks: the import contracts in pyproject.toml hold."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

from app.config import PROJECT_ROOT
from app.services.demo import USERS


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


def test_services_import_one_another_without_loops() -> None:
    """A loop (lifecycle -> links -> recurrence -> lifecycle was one) means a service calls
    back into another; links reach the lifecycle through a protocol instead."""
    graph = grimp.build_graph("app")
    services = [m for m in graph.modules if m.startswith("app.services.")]
    loops = sorted(
        (importer, imported)
        for importer in services
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported.startswith("app.services.")
        and graph.find_shortest_chain(importer=imported, imported=importer)
    )
    assert loops == []


def test_no_service_is_built_from_the_platform() -> None:
    """Services name their collaborators; only app/services/context.py knows `Platform`."""
    users = [
        path.relative_to(PROJECT_ROOT).as_posix()
        for path in (PROJECT_ROOT / "app" / "services").rglob("*.py")
        if path.name != "context.py" and "import Platform" in path.read_text()
    ]
    assert users == []


def test_the_readme_lists_every_demo_user_with_what_they_hold() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    for username, _, _, grants in USERS:
        [row] = [line for line in readme.splitlines() if line.startswith(f"| `{username}` |")]
        assert all(role.value in row for role, _, _ in grants), row
