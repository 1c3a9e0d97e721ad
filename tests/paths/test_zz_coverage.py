"""Every decision of every shipped diagram is driven by a path test (issue 4, item 6).

tests/paths/flows.json names the decision flows each path test takes, and
tests/paths/conftest.py checks after every path test that its instances took them
(coverage.py). These tests read the file alone: they pass or fail the same in any order,
on any worker, or run by themselves. A new diagram in processes/ fails here until path
tests take every outgoing flow of each of its decision gateways and the file is recorded
again (coverage.py says how).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.harness import PROCESSES, decision_flows
from tests.paths import coverage

DIAGRAMS = sorted(PROCESSES.glob("*.bpmn"))


def test_the_path_tests_ran() -> None:
    """Every path test has its recorded entry, and the file names no other test."""
    claims = coverage.claims()
    assert claims, "tests/paths/flows.json is missing or empty: record it (coverage.py)"
    tests = coverage.path_tests()
    assert tests, "no path test was collected"
    assert sorted(tests - set(claims)) == [], "not recorded in flows.json (coverage.py)"
    assert sorted(set(claims) - tests) == [], "flows.json names tests that do not exist"


def test_every_shipped_procedure_is_here() -> None:
    assert {d.stem for d in DIAGRAMS} >= {
        "permintaan-layanan",
        "penanganan-aduan",
        "manajemen-masalah",
        "manajemen-perubahan",
        "rilis-layanan",
        "pemulihan-layanan",
        "pemantauan-pemeliharaan",
        "perencanaan",
        "evaluasi",
        "uji-drp",
    }


@pytest.mark.parametrize("bpmn", DIAGRAMS, ids=[d.stem for d in DIAGRAMS])
def test_every_gateway_flow_was_taken(bpmn: Path) -> None:
    wanted = decision_flows(bpmn)
    assert wanted, f"{bpmn.name}: no decision gateways found"
    claimed = set().union(*(entry.get(bpmn.stem, set()) for entry in coverage.claims().values()))
    assert claimed <= wanted, f"{bpmn.name}: flows.json names flows it lacks"
    missing = sorted(wanted - claimed)
    assert not missing, f"{bpmn.name}: no path test takes {missing}"
