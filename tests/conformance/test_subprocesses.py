"""Subprocesses with user tasks inside, through the API and in SpiffWorkflow alone
(issue 16, item 7). Transactions are in test_events.py (the cancel end event), error and
escalation boundary events on subprocesses too."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.services.context import Platform
from tests.conformance.harness import Complete, Wait, conform
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")


def test_embedded_subprocess_with_user_tasks_in_two_lanes(auth: Auth, platform: Platform) -> None:
    result = conform(
        auth,
        platform,
        "embedded-subprocess",
        steps=[
            Complete("ajukan", {"judul": "Laptop", "jumlah": 2}),
            Complete("setujui", {"setuju": True}),
        ],
    )
    assert (result.status, result.ends) == ("complete", ("p_selesai", "selesai"))
    assert result.data["keputusan"] == "Laptop x2 disetujui"


def test_embedded_subprocess_waits_at_its_nested_task(auth: Auth, platform: Platform) -> None:
    result = conform(
        auth,
        platform,
        "embedded-subprocess",
        steps=[Complete("ajukan", {"judul": "Laptop", "jumlah": 2})],
    )
    assert (result.status, result.open_tasks, result.data["ringkasan"]) == (
        "open",
        ("setujui",),
        "Laptop x2",
    )


def test_timer_event_subprocess_offers_its_task_beside_the_open_one(
    auth: Auth, platform: Platform
) -> None:
    reminded = conform(auth, platform, "event-subprocess", steps=[Wait(timedelta(minutes=61))])
    assert (reminded.status, reminded.open_tasks) == ("open", ("baca_pengingat", "isi"))
    result = conform(
        auth,
        platform,
        "event-subprocess",
        steps=[
            Wait(timedelta(minutes=61)),
            Complete("baca_pengingat", {"dibaca": True}),
            Complete("isi", {"isian": "lengkap"}),
        ],
    )
    assert (result.status, result.ends) == ("complete", ("pengingat_selesai", "selesai"))
