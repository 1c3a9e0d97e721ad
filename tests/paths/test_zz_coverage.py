"""Every decision of every shipped diagram is driven by a path test (issue 4, item 6).

Runs after the other tests of this folder (file order) and reads what they recorded;
run the whole folder, not this file alone. A new diagram in processes/ fails here until
path tests take every outgoing flow of each of its decision gateways.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import coverage

DIAGRAMS = sorted(coverage.PROCESSES.glob("*.bpmn"))


def test_the_path_tests_ran() -> None:
    assert coverage.TAKEN, "run the whole tests/paths folder: nothing was recorded"


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
    }


@pytest.mark.parametrize("bpmn", DIAGRAMS, ids=[d.stem for d in DIAGRAMS])
def test_every_gateway_flow_was_taken(bpmn: Path) -> None:
    wanted = coverage.decision_flows(bpmn)
    assert wanted, f"{bpmn.name}: no decision gateways found"
    missing = sorted(wanted - coverage.TAKEN[bpmn.stem])
    assert not missing, f"{bpmn.name}: no path test takes {missing}"
