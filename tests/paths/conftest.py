"""Path tests: every test here drives procedures through the HTTP API, and the decision
flows the instances it leaves took are checked against, or recorded into,
tests/paths/flows.json (coverage.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.services.context import Platform
from tests.paths import coverage

_PASSED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Remember whether the test itself passed: only a passing run is checked or recorded."""
    report = yield
    if report.when == "call":
        item.stash[_PASSED] = report.passed
    return report


@pytest.fixture(autouse=True)
def _taken_flows(
    request: pytest.FixtureRequest, platform: Platform, deployed: None
) -> Iterator[None]:
    yield
    node = request.node
    if node.path.name == coverage.COVERAGE_TESTS or not node.stash.get(_PASSED, False):
        return
    flows = coverage.taken(platform)
    if coverage.recording():
        coverage.record(node.nodeid, flows)
        return
    missing = coverage.unclaimed(node.nodeid, flows)
    assert not missing, (
        f"tests/paths/flows.json says {node.nodeid} takes {missing}, but the instances it "
        f"left did not: record again ({coverage.RECORD_VARIABLE}=1, see coverage.py)"
    )
