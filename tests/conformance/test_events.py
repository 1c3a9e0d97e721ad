"""Boundary events, end events and timers, through the API and in SpiffWorkflow alone
(issue 16, item 7). Timers run on the tests' clock: a `Wait` is `spbe tick --at` for the
app and the same moment for SpiffWorkflow."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.services.context import Platform
from tests.conformance.harness import Complete, Wait, conform
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")


@pytest.mark.parametrize(
    ("quantity", "ends", "status"),
    [
        (2, ("pesanan_selesai", "selesai_dikirim"), "dikirim"),
        (9, ("selesai_gagal", "stok_habis"), "gagal"),
    ],
)
def test_error_end_event_caught_by_an_error_boundary_event(
    auth: Auth, platform: Platform, quantity: int, ends: tuple[str, ...], status: str
) -> None:
    result = conform(
        auth,
        platform,
        "error-boundary",
        start={"stok": 5},
        steps=[Complete("isi_jumlah", {"jumlah": quantity})],
    )
    assert (result.status, result.ends, result.data["status"]) == ("complete", ends, status)


def test_non_interrupting_escalation_lets_the_subprocess_go_on(
    auth: Auth, platform: Platform
) -> None:
    told = conform(auth, platform, "escalation-boundary", start={"durasi": 5, "dibatalkan": False})
    assert (told.status, told.open_tasks, told.ends) == (
        "open",
        ("selesaikan",),
        ("selesai_diberi_tahu",),
    )
    result = conform(
        auth,
        platform,
        "escalation-boundary",
        start={"durasi": 5, "dibatalkan": False},
        steps=[Complete("selesaikan")],
    )
    assert result.ends == ("kerja_selesai", "selesai", "selesai_diberi_tahu")
    assert (result.data["status"], result.data["atasan_diberi_tahu"]) == ("selesai", True)


def test_interrupting_escalation_end_event(auth: Auth, platform: Platform) -> None:
    result = conform(auth, platform, "escalation-boundary", start={"durasi": 1, "dibatalkan": True})
    assert (result.status, result.ends) == ("complete", ("batal", "selesai_dibatalkan"))
    assert result.data["status"] == "dibatalkan"
    assert "selesaikan" not in result.passed


@pytest.mark.parametrize("end", ["galat", "eskalasi", "biasa"])
def test_error_and_escalation_end_events_nothing_catches(
    auth: Auth, platform: Platform, end: str
) -> None:
    result = conform(auth, platform, "uncaught-end-events", start={"akhir": end})
    assert (result.status, result.ends) == ("complete", (f"akhir_{end}",))


def test_terminate_end_event_withdraws_the_open_task(auth: Auth, platform: Platform) -> None:
    result = conform(auth, platform, "terminate-end", start={"nilai": -1})
    assert (result.status, result.ends) == ("complete", ("dihentikan",))
    assert "tangani" not in result.passed
    assert auth.get("admin.layanan", "/api/v1/tasks").json["total"] == 0


def test_without_terminating_both_branches_end(auth: Auth, platform: Platform) -> None:
    result = conform(
        auth, platform, "terminate-end", start={"nilai": 1}, steps=[Complete("tangani")]
    )
    assert (result.status, result.ends) == ("complete", ("selesai_diperiksa", "selesai_ditangani"))


@pytest.mark.parametrize(
    ("approved", "ends", "status"),
    [
        (True, ("selesai", "t_selesai"), "disetujui"),
        (False, ("selesai_dibatalkan", "t_batal"), "dibatalkan"),
    ],
)
def test_cancel_end_event_in_a_transaction(
    auth: Auth, platform: Platform, approved: bool, ends: tuple[str, ...], status: str
) -> None:
    result = conform(auth, platform, "cancel-end", steps=[Complete("tinjau", {"setuju": approved})])
    assert (result.status, result.ends, result.data["status"]) == ("complete", ends, status)


def test_failing_script_stops_both_runs_at_the_script(auth: Auth, platform: Platform) -> None:
    result = conform(auth, platform, "failing-script", start={"pembagi": 0})
    assert (result.status, result.failed_at, result.ends) == ("error", "bagi", ())
    assert "tangani" not in result.passed
    succeeded = conform(auth, platform, "failing-script", start={"pembagi": 4})
    assert (succeeded.status, succeeded.ends, succeeded.data["hasil"]) == (
        "complete",
        ("selesai",),
        2.5,
    )


@pytest.mark.parametrize(
    ("steps", "ends", "status"),
    [
        ([Wait(timedelta(minutes=30)), Complete("tanggapi")], ("selesai",), "ditanggapi"),
        (
            [Wait(timedelta(minutes=90)), Complete("tanggapi")],
            ("selesai", "selesai_diingatkan"),
            "ditanggapi",
        ),
        (
            [Wait(timedelta(minutes=90)), Wait(timedelta(minutes=60))],
            ("selesai_dieskalasi", "selesai_diingatkan"),
            "dieskalasi",
        ),
    ],
)
def test_timer_boundary_events_on_a_user_task(
    auth: Auth, platform: Platform, steps: list, ends: tuple[str, ...], status: str
) -> None:
    result = conform(auth, platform, "timer-boundary", start={"batas_waktu": "PT2H"}, steps=steps)
    assert (result.status, result.ends, result.data["status"]) == ("complete", ends, status)


def test_non_interrupting_timer_leaves_the_task_open(auth: Auth, platform: Platform) -> None:
    result = conform(
        auth,
        platform,
        "timer-boundary",
        start={"batas_waktu": "PT2H"},
        steps=[Wait(timedelta(minutes=90))],
    )
    assert (result.status, result.open_tasks, result.waiting) == (
        "open",
        ("tanggapi",),
        ("dua_jam",),
    )


@pytest.mark.parametrize(
    ("waits", "status", "waiting", "stage"),
    [
        ([timedelta(minutes=10)], "open", ("tunggu_sebentar",), None),
        ([timedelta(minutes=40)], "open", ("tunggu_tanggal",), 1),
        ([timedelta(minutes=40), timedelta(hours=15)], "open", ("tunggu_tanggal",), 1),
        ([timedelta(minutes=40), timedelta(hours=16)], "complete", (), 2),
    ],
)
def test_intermediate_timers_by_duration_and_date(
    auth: Auth,
    platform: Platform,
    waits: list[timedelta],
    status: str,
    waiting: tuple[str, ...],
    stage: int | None,
) -> None:
    result = conform(
        auth,
        platform,
        "intermediate-timer",
        start={"jadwal": "2026-11-24T01:00:00+07:00"},  # 18:00 UTC, 16 hours after T0
        steps=[Wait(duration) for duration in waits],
    )
    assert (result.status, result.waiting, result.data.get("tahap")) == (status, waiting, stage)


@pytest.mark.parametrize(
    ("steps", "ends", "late"),
    [
        ([Wait(timedelta(minutes=31)), Complete("kerjakan")], ("k_selesai", "selesai"), None),
        (
            [Wait(timedelta(minutes=31)), Wait(timedelta(hours=3))],
            ("k_habis", "selesai"),
            True,
        ),
    ],
)
def test_timers_inside_a_subprocess(
    auth: Auth, platform: Platform, steps: list, ends: tuple[str, ...], late: bool | None
) -> None:
    result = conform(auth, platform, "timer-in-subprocess", steps=steps)
    assert (result.status, result.ends, result.data.get("habis")) == ("complete", ends, late)


def test_timer_inside_a_subprocess_waits(auth: Auth, platform: Platform) -> None:
    result = conform(auth, platform, "timer-in-subprocess", steps=[Wait(timedelta(minutes=20))])
    assert (result.status, result.waiting, result.open_tasks) == ("open", ("jeda",), ())


@pytest.mark.parametrize(
    ("hours", "fired", "waiting"),
    [(1, 1, ("tiap_jam",)), (2, 2, ("tiap_jam",)), (3, 3, ()), (4, 3, ())],
)
def test_timer_cycle_on_a_boundary_event_fires_each_time(
    auth: Auth, platform: Platform, hours: int, fired: int, waiting: tuple[str, ...]
) -> None:
    result = conform(auth, platform, "timer-cycle", steps=[Wait(timedelta(minutes=61))] * hours)
    assert (result.status, result.open_tasks, result.waiting) == ("open", ("tanggapi",), waiting)
    assert result.runs["ingatkan"] == fired


def test_timer_cycle_ends_with_its_task(auth: Auth, platform: Platform) -> None:
    result = conform(
        auth,
        platform,
        "timer-cycle",
        steps=[Wait(timedelta(minutes=61)), Wait(timedelta(minutes=61)), Complete("tanggapi")],
    )
    assert (result.status, result.ends, result.runs["ingatkan"]) == (
        "complete",
        ("selesai", "selesai_diingatkan"),
        2,
    )


@pytest.mark.parametrize(
    ("start", "steps", "status", "ends", "waiting"),
    [
        ({"siap": True, "prioritas": "tinggi"}, [], "open", ("selesai_ditandai",), ()),
        ({"siap": False, "prioritas": "tinggi"}, [], "open", (), ("tunggu_siap",)),
        (
            {"siap": True, "prioritas": "rendah"},
            [Complete("tangani")],
            "complete",
            ("selesai",),
            (),
        ),
    ],
)
def test_conditional_catch_and_boundary_events(
    auth: Auth,
    platform: Platform,
    start: dict,
    steps: list,
    status: str,
    ends: tuple[str, ...],
    waiting: tuple[str, ...],
) -> None:
    result = conform(auth, platform, "conditional-events", start=start, steps=steps)
    assert (result.status, result.ends, result.waiting) == (status, ends, waiting)
