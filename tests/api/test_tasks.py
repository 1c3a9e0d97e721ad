"""The inbox, reading a task, claim, unclaim and complete with their error statuses."""

from __future__ import annotations

import json

import pytest

from tests.api.test_permintaan_layanan_flow import CLASSIFY
from tests.api.test_process_instances import start
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("deployed")


def first_task(auth: Auth) -> str:
    instance_id = start(auth).json["id"]
    items = auth.get("admin.layanan", "/api/v1/tasks").json["items"]
    [task] = [t for t in items if t["process_instance_id"] == instance_id]
    return task["id"]


def test_inbox_items_have_the_contract_fields(auth: Auth) -> None:
    first_task(auth)
    [item] = auth.get("admin.layanan", "/api/v1/tasks").json["items"]
    assert set(item) >= {
        "id",
        "name",
        "title",
        "lane",
        "process_instance_id",
        "process_model_id",
        "claimed_by",
        "created_at",
        "due_at",
    }
    assert item["process_model_id"] == "permintaan-layanan"
    assert item["claimed_by"] is None


def test_get_task_has_form_and_prefill(auth: Auth) -> None:
    task_id = first_task(auth)
    body = auth.get("admin.layanan", f"/api/v1/tasks/{task_id}").json
    assert body["form"]["schema"]["properties"]["gangguan"]["type"] == "boolean"
    assert body["data"]["judul"]


def test_a_task_form_is_served_in_its_ui_order(auth: Auth) -> None:
    task_id = first_task(auth)
    response = auth.get("admin.layanan", f"/api/v1/tasks/{task_id}")
    form = json.loads(response.get_data(as_text=True))["form"]
    order = [name for name in form["ui_schema"]["ui:order"] if name != "*"]
    fields = list(form["schema"]["properties"])
    listed = [name for name in fields if name in order]
    assert listed == [name for name in order if name in fields]
    assert len(listed) > 1


def test_unknown_task_is_404(auth: Auth) -> None:
    for url in ("/api/v1/tasks/nope", "/api/v1/tasks/00000000-0000-0000-0000-000000000000"):
        assert auth.get("admin.layanan", url).status_code == 404
    assert auth.post("admin.layanan", "/api/v1/tasks/nope/claim").status_code == 404
    assert (
        auth.post("admin.layanan", "/api/v1/tasks/nope/complete", json={"data": {}}).status_code
        == 404
    )


def test_claim_hides_the_task_from_others_and_unclaim_returns_it(auth: Auth) -> None:
    task_id = first_task(auth)
    claimed = auth.post("admin.layanan", f"/api/v1/tasks/{task_id}/claim")
    assert claimed.status_code == 200
    assert claimed.json["claimed_by"] == "admin.layanan"
    assert auth.post("admin.layanan", f"/api/v1/tasks/{task_id}/claim").status_code == 200
    assert auth.get("pelaksana", "/api/v1/tasks").json["total"] == 0
    assert auth.post("pelaksana", f"/api/v1/tasks/{task_id}/claim").status_code == 409
    assert auth.post("pelaksana", f"/api/v1/tasks/{task_id}/unclaim").status_code == 409
    conflict = auth.post("pelaksana", f"/api/v1/tasks/{task_id}/complete", json={"data": CLASSIFY})
    assert conflict.status_code == 409

    released = auth.post("admin.layanan", f"/api/v1/tasks/{task_id}/unclaim")
    assert released.status_code == 200
    assert released.json["claimed_by"] is None
    assert auth.get("pelaksana", "/api/v1/tasks").json["total"] == 1


def test_non_candidate_gets_403_everywhere(auth: Auth) -> None:
    task_id = first_task(auth)
    assert auth.get("pj.layanan", f"/api/v1/tasks/{task_id}").status_code == 403
    assert auth.post("pj.layanan", f"/api/v1/tasks/{task_id}/claim").status_code == 403
    assert (
        auth.post(
            "pj.layanan", f"/api/v1/tasks/{task_id}/complete", json={"data": CLASSIFY}
        ).status_code
        == 403
    )


def test_complete_with_invalid_data_is_422_and_changes_nothing(auth: Auth) -> None:
    task_id = first_task(auth)
    response = auth.post(
        "admin.layanan",
        f"/api/v1/tasks/{task_id}/complete",
        json={"data": {"klasifikasi": "akses", "prioritas": "sedang", "gangguan": "ya"}},
    )
    assert response.status_code == 422
    assert "gangguan" in response.json["errors"]
    missing = auth.post("admin.layanan", f"/api/v1/tasks/{task_id}/complete", json={})
    assert missing.status_code == 422
    assert auth.get("admin.layanan", f"/api/v1/tasks/{task_id}").status_code == 200


def test_complete_twice_is_409(auth: Auth) -> None:
    task_id = first_task(auth)
    first = auth.post("admin.layanan", f"/api/v1/tasks/{task_id}/complete", json={"data": CLASSIFY})
    assert first.status_code == 200
    assert first.json["process_instance"]["status"] == "running"
    again = auth.post("admin.layanan", f"/api/v1/tasks/{task_id}/complete", json={"data": CLASSIFY})
    assert again.status_code == 409


def test_openapi_describes_every_endpoint(client) -> None:
    spec = client.get("/api/v1/openapi.json").json
    paths = spec["paths"]
    expected = {
        "/api/v1/auth/login": {"post"},
        "/api/v1/auth/logout": {"post"},
        "/api/v1/process-models": {"get", "post"},
        "/api/v1/process-models/{model_id}": {"get"},
        "/api/v1/process-models/{model_id}/bpmn": {"get"},
        "/api/v1/process-instances": {"get", "post"},
        "/api/v1/process-instances/{instance_id}": {"get"},
        "/api/v1/process-instances/{instance_id}/suspend": {"post"},
        "/api/v1/process-instances/{instance_id}/resume": {"post"},
        "/api/v1/process-instances/{instance_id}/terminate": {"post"},
        "/api/v1/tasks": {"get"},
        "/api/v1/tasks/{task_id}": {"get"},
        "/api/v1/tasks/{task_id}/claim": {"post"},
        "/api/v1/tasks/{task_id}/unclaim": {"post"},
        "/api/v1/tasks/{task_id}/complete": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
    assert "bearerAuth" in spec["components"]["securitySchemes"]
