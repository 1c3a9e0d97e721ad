"""Messages and signals a diagram throws and catches itself, through the API and in
SpiffWorkflow alone (issue 16, item 7). The event-based gateway's message branch is in
test_gateways.py."""

from __future__ import annotations

import pytest

from app.services.context import Platform
from tests.conformance.harness import Complete, conform
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")


def test_signal_reaches_a_catch_event_and_a_boundary_event(auth: Auth, platform: Platform) -> None:
    result = conform(auth, platform, "signal-events", steps=[Complete("putuskan")])
    assert result.status == "complete"
    assert result.ends == ("selesai_diarsipkan", "selesai_diputuskan", "selesai_ditarik")
    assert "lengkapi" not in result.passed
    assert result.data["diarsipkan"] is True


def test_signal_after_the_guarded_task_is_done(auth: Auth, platform: Platform) -> None:
    result = conform(
        auth, platform, "signal-events", steps=[Complete("lengkapi"), Complete("putuskan")]
    )
    assert result.ends == ("selesai_diarsipkan", "selesai_dilengkapi", "selesai_diputuskan")
    assert "keputusan_datang" not in result.passed


def test_messages_thrown_to_nobody_do_not_stop_the_process(auth: Auth, platform: Platform) -> None:
    result = conform(auth, platform, "message-out", start={"judul": "Laporan bulanan"})
    assert (result.status, result.ends) == ("complete", ("selesai",))
    assert result.data["laporan"] == {"judul": "Laporan bulanan", "halaman": 3}
    assert result.data["terkirim"] is True
