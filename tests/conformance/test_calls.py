"""Call activities within a file, across the files of a bundle and to another deployed
model, a collaboration of two pools and a decision table of the bundle, through the API
and in SpiffWorkflow alone (issue 16, item 7; bundles are item 3's)."""

from __future__ import annotations

import pytest

from app.services.context import Platform
from tests.conformance.harness import Complete, conform
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")


@pytest.mark.parametrize(
    ("number", "ends", "outcome"),
    [(4, ("b_selesai", "selesai"), 9), (-1, ("b_negatif", "selesai_ditolak"), 0)],
)
def test_call_activity_within_one_file(
    auth: Auth, platform: Platform, number: int, ends: tuple[str, ...], outcome: int
) -> None:
    result = conform(
        auth, platform, "call-activity", start={"angka": number}, steps=[Complete("periksa_angka")]
    )
    assert (result.status, result.ends, result.data["hasil"]) == ("complete", ends, outcome)


@pytest.mark.parametrize(
    ("doubtful", "ends"),
    [(False, ("selesai", "v_selesai")), (True, ("selesai", "selesai_bantuan", "v_selesai"))],
)
def test_call_activity_across_the_files_of_a_bundle(
    auth: Auth, platform: Platform, doubtful: bool, ends: tuple[str, ...]
) -> None:
    result = conform(
        auth,
        platform,
        "call-activity-bundle",
        steps=[
            Complete("ajukan", {"judul": "Akun SIMPEG"}),
            Complete("periksa_data", {"sah": True, "ragu": doubtful}),
        ],
    )
    assert (result.status, result.ends, result.data["status"]) == (
        "complete",
        ends,
        "terverifikasi",
    )


def test_call_activity_to_another_deployed_model(auth: Auth, platform: Platform) -> None:
    result = conform(
        auth,
        platform,
        "call-other-model",
        start={"beban": 93},
        steps=[Complete("periksa_server")],
        calls=["called-helper"],
    )
    assert (result.status, result.ends) == ("complete", ("h_selesai", "selesai"))
    assert (result.data["beban_tinggi"], result.data["tindakan"]) == (True, "tambah kapasitas")


def test_collaboration_of_two_executable_pools(auth: Auth, platform: Platform) -> None:
    written = Complete("tulis", {"perihal": "Akun surel"})
    waiting = conform(auth, platform, "collaboration", steps=[written])
    assert (waiting.status, waiting.open_tasks) == ("open", ("jawab",))
    assert waiting.data["permintaan_masuk"] == {"perihal": "Akun surel"}
    result = conform(
        auth,
        platform,
        "collaboration",
        steps=[written, Complete("jawab", {"isi": "sudah dibuat"})],
    )
    assert (result.status, result.ends) == ("complete", ("p_selesai", "s_selesai"))
    assert result.data["jawaban_masuk"] == {"isi": "sudah dibuat", "perihal": "Akun surel"}


@pytest.mark.parametrize(
    ("impact", "reach", "level", "end"),
    [
        ("tinggi", 250, "berat", "selesai_darurat"),
        ("tinggi", 5, "sedang", "selesai_biasa"),
        ("rendah", 250, "ringan", "selesai_biasa"),
    ],
)
def test_business_rule_task_with_a_decision_table_of_the_bundle(
    auth: Auth, platform: Platform, impact: str, reach: int, level: str, end: str
) -> None:
    result = conform(
        auth,
        platform,
        "business-rule",
        steps=[Complete("nilai", {"dampak": impact, "cakupan": reach})],
    )
    assert (result.status, result.ends, result.data["tingkat"]) == ("complete", (end,), level)
