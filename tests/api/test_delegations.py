"""Acting officials: during a Plh the substitute sees and completes the holder's tasks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.test_permintaan_layanan_flow import CLASSIFY
from tests.api.test_process_instances import start
from tests.conftest import T0, Auth

pytestmark = pytest.mark.usefixtures("deployed")

PLH = {
    "kind": "Plh",
    "delegate": "penyedia",
    "principal": "pj.layanan",
    "role": "Penanggung Jawab Penyedia Layanan",
    "starts_at": (T0 + timedelta(hours=1)).isoformat(),
    "ends_at": (T0 + timedelta(days=3)).isoformat(),
    "decree_reference": "800/123/BKPSDM/2026",
}


def approval_task(auth: Auth) -> tuple[int, str]:
    instance_id = start(auth).json["id"]
    [classify] = auth.get("admin.layanan", "/api/v1/tasks").json["items"]
    auth.post("admin.layanan", f"/api/v1/tasks/{classify['id']}/complete", json={"data": CLASSIFY})
    [approval] = auth.get("pj.layanan", "/api/v1/tasks").json["items"]
    return instance_id, approval["id"]


def inbox_ids(auth: Auth, username: str) -> list[str]:
    return [t["id"] for t in auth.get(username, "/api/v1/tasks").json["items"]]


def test_plh_sees_and_completes_only_within_the_range(auth: Auth, clock) -> None:
    instance_id, task_id = approval_task(auth)
    created = auth.post("admin", "/api/v1/delegations", json=PLH)
    assert created.status_code == 201, created.json
    assert created.json["principal"] == "pj.layanan"

    assert inbox_ids(auth, "penyedia") == []  # not started yet
    clock.advance(timedelta(hours=2))
    assert inbox_ids(auth, "penyedia") == [task_id]
    assert task_id in inbox_ids(auth, "pj.layanan")  # the holder keeps it too
    detail = auth.get("penyedia", f"/api/v1/tasks/{task_id}").json
    assert "penyedia" in detail["candidates"]

    done = auth.post(
        "penyedia", f"/api/v1/tasks/{task_id}/complete", json={"data": {"disetujui": True}}
    )
    assert done.status_code == 200, done.json
    events = auth.get("admin", f"/api/v1/process-instances/{instance_id}").json["events"]
    [approved] = [
        e
        for e in events
        if e["kind"] == "task_completed" and e["data"]["task"] == "persetujuan_permintaan"
    ]
    assert approved["user"] == "penyedia"
    assert approved["data"]["acting_for"] == {
        "principal": "pj.layanan",
        "kind": "Plh",
        "decree": "800/123/BKPSDM/2026",
        "label": "penyedia sebagai Plh untuk pj.layanan",
    }


def test_after_the_range_or_when_ended_the_substitute_loses_the_task(auth: Auth, clock) -> None:
    _, task_id = approval_task(auth)
    delegation = auth.post("admin", "/api/v1/delegations", json=PLH).json
    clock.advance(timedelta(days=4))
    assert inbox_ids(auth, "penyedia") == []
    assert auth.get("penyedia", f"/api/v1/tasks/{task_id}").status_code == 403
    clock.set(T0 + timedelta(hours=2))
    assert inbox_ids(auth, "penyedia") == [task_id]
    ended = auth.post("admin", f"/api/v1/delegations/{delegation['id']}/end")
    assert ended.status_code == 200
    assert inbox_ids(auth, "penyedia") == []
    mine = auth.get("penyedia", "/api/v1/delegations?username=penyedia").json
    assert [d["id"] for d in mine] == [delegation["id"]]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"principal": "pimpinan"}, "principal"),
        ({"delegate": "pj.layanan"}, "delegate"),
        ({"ends_at": T0.isoformat()}, "ends_at"),
        ({"kind": "Raja"}, "kind"),
        ({"starts_at": "2026-11-23T09:00:00"}, "starts_at"),
        ({"decree_reference": ""}, "decree_reference"),
    ],
)
def test_invalid_delegations_are_refused(auth: Auth, changes: dict, field: str) -> None:
    response = auth.post("admin", "/api/v1/delegations", json={**PLH, **changes})
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_only_admin_sistem_records_delegations(auth: Auth) -> None:
    assert auth.post("pj.layanan", "/api/v1/delegations", json=PLH).status_code == 403
    assert auth.get("penyedia", "/api/v1/delegations").status_code == 403
    unknown = auth.post("admin", "/api/v1/delegations", json={**PLH, "delegate": "siapa"})
    assert unknown.status_code == 404
