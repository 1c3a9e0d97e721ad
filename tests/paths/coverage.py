"""Which decision flows the path tests take, read from the instances they leave.

A path test drives procedures through the HTTP API. After it, the instances it left in the
database are loaded and walked with `taken_flows` (tests/engine/harness.py, the one walk the
model tests use too). tests/paths/flows.json names, for every path test, the decision flows
it takes: tests/paths/conftest.py checks after each path test that its instances took at
least those, so the file cannot claim a flow no test takes, and test_zz_coverage.py checks
from the file alone, in any order and on any worker, that together the path tests take
every outgoing flow of every decision gateway of every diagram in processes/.

Record the file again after changing a path test or a diagram; recording rewrites the
entries of the tests it runs (one file, one test or all, workers or not):

    SPBE_RECORD_FLOWS=1 .venv/bin/python -m pytest tests/paths

After renaming or removing path tests, delete tests/paths/flows.json first and record the
whole folder. The coverage tests of a recording run read the file as it is when they run,
possibly before the other workers have written their entries: run the folder once more,
without the variable, to check the new file.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from app.engine.serializer import load_state
from app.models import Instance
from app.services.context import Platform
from app.services.process_models.deploy import DeployService
from tests.engine.harness import ROOT, Flow, bpmn_file, decision_flows, taken_flows

HERE = Path(__file__).resolve().parent
FLOWS_FILE = HERE / "flows.json"
#: Set to 1 to rewrite each path test's entry of FLOWS_FILE from what it took.
RECORD_VARIABLE = "SPBE_RECORD_FLOWS"
#: The tests that read FLOWS_FILE; they drive no procedure.
COVERAGE_TESTS = "test_zz_coverage.py"

Claims = dict[str, dict[str, set[Flow]]]  # test node id -> model id -> flows


def recording() -> bool:
    """Whether this run rewrites FLOWS_FILE instead of checking against it."""
    return os.environ.get(RECORD_VARIABLE) == "1"


def taken(platform: Platform) -> dict[str, set[Flow]]:
    """The decision flows the instances in the database took, by model id."""
    found: dict[str, set[Flow]] = {}
    with platform.sessions() as session:
        deployments = DeployService(session, platform.clock, platform.specs)
        for instance in session.scalars(select(Instance)):
            model = deployments.parsed(instance.version_id)
            workflow = load_state(instance.state, model.spec, model.subprocess_specs)
            model_id = instance.process_model_id
            flows = taken_flows(workflow) & decision_flows(bpmn_file(model_id))
            found.setdefault(model_id, set()).update(flows)
    return {model_id: flows for model_id, flows in found.items() if flows}


def _parse(text: str) -> Claims:
    raw = json.loads(text) if text.strip() else {}
    return {
        test: {
            model: {(gateway, target) for gateway, target in flows}
            for model, flows in entry.items()
        }
        for test, entry in raw.items()
    }


def _dump(claims: Claims) -> str:
    """JSON with one flow a line, so that a recorded change reads as a short diff."""
    tests = []
    for test, entry in sorted(claims.items()):
        models = []
        for model, flows in sorted(entry.items()):
            if flows:
                lines = ",\n".join(f"      {json.dumps(list(flow))}" for flow in sorted(flows))
                models.append(f"    {json.dumps(model)}: [\n{lines}\n    ]")
        body = "{\n" + ",\n".join(models) + "\n  }" if models else "{}"
        tests.append(f"  {json.dumps(test)}: {body}")
    return "{\n" + ",\n".join(tests) + "\n}\n"


def claims() -> Claims:
    """FLOWS_FILE read: test node id -> model id -> the decision flows it takes."""
    if not FLOWS_FILE.is_file():
        return {}
    return _parse(FLOWS_FILE.read_text(encoding="utf-8"))


def record(test: str, flows: dict[str, set[Flow]]) -> None:
    """Write `flows` as the entry of `test` in FLOWS_FILE, holding a lock on the file so
    that workers recording at once do not lose each other's entries."""
    with FLOWS_FILE.open("a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        current = _parse(handle.read())
        current[test] = flows
        handle.seek(0)
        handle.truncate()
        handle.write(_dump(current))


def unclaimed(test: str, flows: dict[str, set[Flow]]) -> dict[str, list[Flow]]:
    """The flows FLOWS_FILE says `test` takes that are not among `flows`, by model id."""
    missing = {
        model: sorted(claimed - flows.get(model, set()))
        for model, claimed in claims().get(test, {}).items()
    }
    return {model: found for model, found in missing.items() if found}


def path_tests() -> set[str]:
    """The node ids of the path tests (all of tests/paths but the coverage tests), as a
    fresh collection finds them: the session running the coverage tests may have
    collected only some of them."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
        + [str(HERE.relative_to(ROOT))],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return {
        line.strip() for line in collected if "::" in line and f"/{COVERAGE_TESTS}::" not in line
    }
