"""Kinds of tasks people do (user tasks are in every other file), through the API and in
SpiffWorkflow alone (issue 16, item 7)."""

from __future__ import annotations

import pytest

from app.services.context import Platform
from tests.conformance.harness import Complete, conform
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")


def test_manual_and_none_tasks_are_done_by_people(auth: Auth, platform: Platform) -> None:
    first = conform(auth, platform, "manual-and-none-tasks")
    assert (first.status, first.open_tasks, first.data["ruang"]) == (
        "open",
        ("pasang_kabel",),
        "server",
    )
    result = conform(
        auth,
        platform,
        "manual-and-none-tasks",
        steps=[Complete("pasang_kabel"), Complete("periksa_sambungan", {"tersambung": True})],
    )
    assert (result.status, result.ends, result.data["diperiksa"]) == (
        "complete",
        ("selesai",),
        True,
    )
