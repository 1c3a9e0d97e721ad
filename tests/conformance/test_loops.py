"""Loops and multi-instance activities, through the API and in SpiffWorkflow alone
(issue 16, item 7)."""

from __future__ import annotations

import pytest

from app.services.context import Platform
from tests.conformance.harness import Complete, conform
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")


def test_loop_back_through_a_merge_gateway(auth: Auth, platform: Platform) -> None:
    result = conform(
        auth,
        platform,
        "gateway-loop",
        steps=[
            Complete("perbaiki", {"draf": "pertama"}),
            Complete("periksa", {"diterima": False}),
            Complete("perbaiki", {"draf": "kedua"}),
            Complete("periksa", {"diterima": False}),
            Complete("perbaiki", {"draf": "ketiga"}),
            Complete("periksa", {"diterima": True}),
        ],
    )
    assert (result.status, result.ends) == ("complete", ("selesai",))
    assert result.data["putaran"] == 3
    assert (result.runs["perbaiki"], result.runs["periksa"], result.runs["selesai"]) == (3, 3, 1)
    assert result.data["riwayat"] == ["pertama", "kedua", "ketiga"]


def test_loop_is_open_while_the_review_rejects(auth: Auth, platform: Platform) -> None:
    result = conform(
        auth,
        platform,
        "gateway-loop",
        steps=[Complete("perbaiki", {"draf": "pertama"}), Complete("periksa", {"diterima": False})],
    )
    assert (result.status, result.open_tasks, result.data["putaran"]) == ("open", ("perbaiki",), 1)


def test_standard_loop_until_its_condition_and_its_maximum(auth: Auth, platform: Platform) -> None:
    result = conform(auth, platform, "standard-loop", start={"batas": 100})
    assert (result.status, result.ends) == ("complete", ("selesai",))
    assert (result.data["nilai"], result.data["langkah"]) == (128, 3)


def test_multi_instance_over_collections(auth: Auth, platform: Platform) -> None:
    result = conform(
        auth,
        platform,
        "multi-instance-collection",
        start={
            "angka": [3, 1, 4, 1, 5],
            "batas": 3,
            "kantor": {"SIMPEG": "BKPSDM", "SIAK": "DISDUKCAPIL"},
        },
    )
    assert (result.status, result.ends) == ("complete", ("selesai",))
    assert result.data["kuadrat"] == [9, 1, 16, 1, 25]
    assert result.data["label"] == {"SIMPEG": "BKPSDM (6)", "SIAK": "DISDUKCAPIL (11)"}
    assert result.data["diperiksa"] == [False, False, True]


def test_multi_instance_by_cardinality(auth: Auth, platform: Platform) -> None:
    result = conform(auth, platform, "multi-instance-cardinality", start={"kali": 4})
    assert (result.status, result.ends) == ("complete", ("selesai",))
    assert result.data["urutan"] == [10, 20, 30, 40]
    assert result.data["serentak_hasil"] == ["ke-0", "ke-1", "ke-2"]


def test_multi_instance_user_tasks(auth: Auth, platform: Platform) -> None:
    result = conform(
        auth,
        platform,
        "multi-instance-user-tasks",
        start={"butir": ["x", "y"]},
        steps=[
            Complete("nilai_butir", {"n": 1}),
            Complete("nilai_butir", {"n": 2}),
            Complete("setujui_butir", {"ok": False}, where={"c": "y"}),
            Complete("setujui_butir", {"ok": True}, where={"c": "x"}),
        ],
    )
    assert (result.status, result.ends) == ("complete", ("selesai",))
    # SpiffWorkflow appends a list's outputs in the order the instances finish.
    assert (result.data["nilai"], result.data["setuju"]) == ([1, 2], [False, True])
