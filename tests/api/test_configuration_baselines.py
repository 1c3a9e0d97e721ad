"""Configuration baselines over HTTP (issue 14, item 3): a named, immutable snapshot of a
PD's items and their relations, compared with a later one or with now, item by item."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_configuration_items import APP, ITEMS, SERVER, VM, create, patch, relate
from tests.api.test_hostile_input import assert_error_shape
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")

BASELINES = "/api/v1/configuration-baselines"


def take(auth: Auth, body: dict[str, Any], username: str = "admin.infra") -> dict[str, Any]:
    answer = auth.post(username, BASELINES, json=body)
    assert answer.status_code == 201, answer.json
    return answer.json


@pytest.fixture
def bkpsdm(auth: Auth) -> dict[str, int]:
    """BKPSDM's VM and application, the application running on the VM; and a Diskominfo
    server, outside the PD."""
    vm, app = create(auth, VM)["id"], create(auth, APP)["id"]
    relate(auth, app, "runs_on", vm)
    return {"vm": vm, "app": app, "server": create(auth, SERVER)["id"]}


def test_a_pd_baseline_holds_its_items_with_their_relations(
    auth: Auth, bkpsdm: dict[str, int]
) -> None:
    baseline = take(auth, {"name": "Baseline BKPSDM 2026-11", "agency": "BKPSDM"})
    assert baseline["item_count"] == 2
    assert set(baseline["items"]) == {str(bkpsdm["vm"]), str(bkpsdm["app"])}
    app = baseline["items"][str(bkpsdm["app"])]
    assert app["type"] == "application"
    assert app["relations"] == [f"runs_on:{bkpsdm['vm']}"]
    assert app["services"] == ["SIMPEG"]
    read = auth.get("pj.layanan", f"{BASELINES}/{baseline['id']}").json
    assert read["items"] == baseline["items"]
    listed = auth.get("admin.infra", f"{BASELINES}?per_page=1").json
    assert listed["total"] == 1
    assert listed["items"][0]["created_by"] == "admin.infra"


def test_compared_with_now_item_by_item(auth: Auth, bkpsdm: dict[str, int]) -> None:
    baseline = take(auth, {"name": "Sebelum perubahan", "agency": "BKPSDM"})
    changed = patch(
        auth,
        "admin.infra",
        f"{ITEMS}/{bkpsdm['vm']}",
        {"attributes": {"hostname": "simpeg-02"}, "reason": "Ganti nama host"},
    )
    assert changed.status_code == 200, changed.json
    added = create(auth, {**VM, "name": "VM-SIMPEG-02", "attributes": {"hostname": "simpeg-03"}})
    answer = auth.get("admin.infra", f"{BASELINES}/{baseline['id']}/compare")
    assert answer.status_code == 200, answer.json
    by_id = {row["item_id"]: row for row in answer.json["items"]}
    assert by_id[bkpsdm["vm"]]["change"] == "changed"
    assert by_id[bkpsdm["vm"]]["fields"] == {
        "attributes.hostname": {"before": "simpeg-01", "after": "simpeg-02"}
    }
    assert by_id[bkpsdm["app"]]["change"] == "same"
    assert by_id[added["id"]]["change"] == "added"
    assert bkpsdm["server"] not in by_id  # another PD's
    assert answer.json["summary"] == {"added": 1, "removed": 0, "changed": 1, "same": 1}
    assert answer.json["later"] is None


def test_two_baselines_compared_and_a_retired_item_shows_its_status(
    auth: Auth, bkpsdm: dict[str, int]
) -> None:
    first = take(auth, {"name": "Pertama", "agency": "BKPSDM"})
    retired = auth.post(
        "admin.infra", f"{ITEMS}/{bkpsdm['app']}/retire", json={"reason": "Diganti"}
    )
    assert retired.status_code == 200, retired.json
    second = take(auth, {"name": "Kedua", "agency": "BKPSDM"})
    assert second["item_count"] == 1
    answer = auth.get("admin.infra", f"{BASELINES}/{first['id']}/compare?with={second['id']}")
    by_id = {row["item_id"]: row for row in answer.json["items"]}
    assert by_id[bkpsdm["app"]]["change"] == "removed"
    now = auth.get("admin.infra", f"{BASELINES}/{first['id']}/compare").json
    app_now = {row["item_id"]: row for row in now["items"]}[bkpsdm["app"]]
    assert app_now["change"] == "changed"
    assert app_now["fields"]["status"] == {"before": "active", "after": "retired"}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"name": "x", "agency": "TIDAK-ADA"}, 422, "agency"),
        ({"name": "x", "agency": "BKPSDM", "items": [424242]}, 422, "items.0"),
        ({"name": "", "agency": "BKPSDM"}, 422, "name"),
    ],
)
def test_refused_naming_the_field(
    auth: Auth, bkpsdm: dict[str, int], body: dict[str, Any], status: int, field: str
) -> None:
    answer = auth.post("admin.infra", BASELINES, json=body)
    assert field in assert_error_shape(answer, status)["errors"]


def test_names_are_unique_and_only_keepers_or_admin_take_them(
    auth: Auth, bkpsdm: dict[str, int]
) -> None:
    take(auth, {"name": "Satu", "agency": "BKPSDM"})
    assert_error_shape(
        auth.post("admin.infra", BASELINES, json={"name": "Satu", "agency": "BKPSDM"}), 409
    )
    assert (
        auth.post("pengguna", BASELINES, json={"name": "Dua", "agency": "BKPSDM"}).status_code
        == 403
    )
    assert auth.post("admin.infra", BASELINES, json={"name": "Semua"}).status_code == 403
    assert take(auth, {"name": "Semua"}, username="admin")["item_count"] == 3
    assert auth.get("pengguna", BASELINES).status_code == 403
    assert auth.get("admin.infra", f"{BASELINES}/424242").status_code == 404
