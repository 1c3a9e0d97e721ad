"""Scripts and timer expressions using the names SpiffWorkflow users give scripts
(`datetime`, `timedelta`, `timezone`, `math`), through the API and in SpiffWorkflow
alone (issue 16, item 7; the names are item 5's)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.services.context import Platform
from tests.conformance.harness import Wait, conform
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")


@pytest.mark.parametrize(
    ("wait", "status"),
    [(timedelta(days=3), "open"), (timedelta(days=3, hours=2), "complete")],
)
def test_dates_computed_in_scripts_and_a_timer(
    auth: Auth, platform: Platform, wait: timedelta, status: str
) -> None:
    result = conform(auth, platform, "script-names", start={"hari": 3}, steps=[Wait(wait)])
    assert result.status == status
    assert result.data["batas_teks"] == "2026-11-26T04:00:00+00:00"
    assert (result.data["nama_hari"], result.data["jam"], result.data["hari_bulat"]) == (
        "Thursday",
        74.0,
        4,
    )
    assert result.data["wib"] == "2026-11-26"
    if status == "complete":
        assert (result.data["lama_hari"], result.data["ringkas"]) == (3, "26/11/2026 04:00")
