"""Gateways of each kind, through the API and in SpiffWorkflow alone (issue 16, item 7)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.services.context import Platform
from tests.conformance.harness import Complete, Message, Wait, conform
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")


@pytest.mark.parametrize(
    ("choice", "end", "route"),
    [("a", "selesai_a", "a"), ("b", "selesai_b", "b"), ("c", "selesai_lain", "lain")],
)
def test_exclusive_gateway_takes_one_flow(
    auth: Auth, platform: Platform, choice: str, end: str, route: str
) -> None:
    result = conform(
        auth,
        platform,
        "exclusive-gateway",
        start={"angka": 21},
        steps=[Complete("pilih", {"pilihan": choice})],
    )
    assert (result.status, result.ends, result.data["jalur"]) == ("complete", (end,), route)


@pytest.mark.parametrize(
    ("a", "b", "total", "ran"),
    [
        (True, True, 16, {"tambah_a", "tambah_b"}),
        (True, False, 11, {"tambah_a"}),
        (False, True, 6, {"tambah_b"}),
        (False, False, 1, {"tanpa_tambahan"}),
    ],
)
def test_inclusive_gateway_runs_every_flow_that_holds(
    auth: Auth, platform: Platform, a: bool, b: bool, total: int, ran: set[str]
) -> None:
    result = conform(
        auth, platform, "inclusive-gateway", steps=[Complete("pilih", {"a": a, "b": b})]
    )
    assert (result.status, result.ends, result.data["total"]) == ("complete", ("selesai",), total)
    assert result.passed & {"tambah_a", "tambah_b", "tanpa_tambahan"} == ran


def test_parallel_gateway_waits_for_every_branch(auth: Auth, platform: Platform) -> None:
    halfway = conform(
        auth, platform, "parallel-gateway", steps=[Complete("isi_harga", {"harga": 3})]
    )
    assert (halfway.status, halfway.open_tasks) == ("open", ("isi_jumlah",))
    assert "hitung" not in halfway.passed


def test_parallel_gateway_merges_all_branches(auth: Auth, platform: Platform) -> None:
    result = conform(
        auth,
        platform,
        "parallel-gateway",
        steps=[Complete("isi_harga", {"harga": 3}), Complete("isi_jumlah", {"jumlah": 4})],
    )
    assert (result.status, result.ends, result.data["total"]) == ("complete", ("selesai",), 19)


def test_event_based_gateway_takes_the_message_that_comes_first(
    auth: Auth, platform: Platform
) -> None:
    result = conform(auth, platform, "event-based-gateway", steps=[Complete("jawab")])
    assert result.status == "complete"
    assert result.ends == ("selesai_dijawab", "selesai_kirim")
    assert result.data["hasil"] == "dijawab"
    assert "satu_jam" not in result.passed


def test_event_based_gateway_takes_a_message_from_outside(auth: Auth, platform: Platform) -> None:
    result = conform(
        auth,
        platform,
        "event-based-gateway",
        steps=[Message("tanggapan", {"isi": "dari luar"}), Complete("jawab")],
    )
    assert result.status == "complete"
    assert result.ends == ("selesai_dijawab", "selesai_kirim")
    assert result.data["hasil"] == "dijawab"


def test_event_based_gateway_takes_the_timer_when_it_comes_first(
    auth: Auth, platform: Platform
) -> None:
    late = conform(auth, platform, "event-based-gateway", steps=[Wait(timedelta(hours=2))])
    assert (late.status, late.ends, late.open_tasks) == ("open", ("selesai_terlambat",), ("jawab",))
    assert "terima_tanggapan" not in late.passed
    result = conform(
        auth, platform, "event-based-gateway", steps=[Wait(timedelta(hours=2)), Complete("jawab")]
    )
    assert (result.status, result.ends) == ("complete", ("selesai_kirim", "selesai_terlambat"))
    assert result.data["hasil"] == "terlambat"
