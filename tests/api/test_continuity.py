"""Service continuity over HTTP (issue 14, item 7): a service's DRP as numbered versions
whose RPO and RTO become the catalog's, and the training held on it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_hostile_input import assert_error_shape
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")

PLAN = {
    "rpo_minutes": 30,
    "rto_minutes": 120,
    "recovery_option": "fast",
    "recovery_strategy": "Pindah ke server cadangan di DRC; DNS dialihkan.",
    "backup_strategy": "Cadangan basis data tiap 15 menit, salinan harian ke DRC.",
    "contacts": [{"name": "Budi", "role": "Penyedia Layanan", "telephone": "0812000111"}],
    "document_reference": "DRP/EMAIL/2026/1",
}
DRP = "/api/v1/services/EMAIL/drp"
TRAININGS = "/api/v1/services/EMAIL/drp-trainings"


def record(auth: Auth, body: dict[str, Any], username: str = "penyedia") -> Any:
    return auth.post(username, DRP, json=body)


def test_versions_are_numbered_and_the_latest_sets_the_catalogs_objectives(
    auth: Auth,
) -> None:
    first = record(auth, PLAN)
    assert first.status_code == 201, first.json
    assert (first.json["version"], first.json["created_by"]) == (1, "penyedia")
    second = record(auth, {**PLAN, "rto_minutes": 60, "note": "Hasil uji DRP 2026-11"})
    assert second.json["version"] == 2
    read = auth.get("admin.layanan", DRP).json
    assert read["current"]["version"] == 2
    assert [v["version"] for v in read["versions"]] == [2, 1]
    assert auth.get("admin.layanan", f"{DRP}/1").json["rto_minutes"] == 120
    service = auth.get("admin.layanan", "/api/v1/services/EMAIL").json
    assert (service["rpo_minutes"], service["rto_minutes"]) == (30, 60)
    assert service["drp_reference"] == "DRP EMAIL v2"


def dotted(errors: dict[str, Any], prefix: str = "") -> set[str]:
    """Error paths, the schema's nested ones joined with dots as the services name them."""
    paths = set()
    for key, value in errors.items():
        path = f"{prefix}{key}"
        paths |= dotted(value, f"{path}.") if isinstance(value, dict) else {path}
    return paths


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rto_minutes": 0}, "rto_minutes"),
        ({"recovery_option": "sulap"}, "recovery_option"),
        ({"contacts": [{"name": "Budi", "role": "x"}]}, "contacts.0.telephone"),
        ({"recovery_strategy": ""}, "recovery_strategy"),
    ],
)
def test_refused_naming_the_field(auth: Auth, change: dict[str, Any], field: str) -> None:
    errors = assert_error_shape(record(auth, {**PLAN, **change}), 422)["errors"]
    assert field in dotted(errors)
    assert auth.get("admin.layanan", DRP).json["current"] is None


def test_only_the_services_keepers_record_and_staff_read(auth: Auth) -> None:
    assert record(auth, PLAN, "pengguna").status_code == 403
    assert record(auth, PLAN, "penyedia.bkpsdm").status_code == 403  # another PD's provider
    assert record(auth, PLAN, "pj.infra").status_code == 201
    assert auth.get("pengguna", DRP).status_code == 403
    assert auth.get("admin.layanan", "/api/v1/services/TIDAK-ADA/drp").status_code == 404
    assert auth.get("admin.layanan", f"{DRP}/9").status_code == 404


def test_trainings_name_the_drp_in_force_and_page(auth: Auth) -> None:
    record(auth, PLAN)
    held = {"held_on": "2026-11-10", "title": "Simulasi pemulihan surel", "participants": 12}
    answer = auth.post("penyedia", TRAININGS, json=held)
    assert answer.status_code == 201, answer.json
    assert answer.json["plan_version"] == 1
    auth.post("penyedia", TRAININGS, json={**held, "held_on": "2026-11-12", "title": "Kedua"})
    page = auth.get("admin.layanan", f"{TRAININGS}?per_page=1").json
    assert page["total"] == 2
    assert [t["title"] for t in page["items"]] == ["Kedua"]
    future = auth.post("penyedia", TRAININGS, json={**held, "held_on": "2027-01-01"})
    assert "held_on" in assert_error_shape(future, 422)["errors"]
