"""Bound fields through the API (issue 11, items 1-2, in part): served forms carry the valid
values as `oneOf`, a client that reads only them can fill a form, and the server refuses a
value the lists do not offer, naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from app.services.demo import SAMPLE_REQUEST
from tests.api.test_permintaan_layanan_flow import CLASSIFY
from tests.api.test_process_models import upload
from tests.bpmn import form, linear
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("deployed")

CODES = ("layanan", "jenis_permintaan")


def _start_form(auth: Auth) -> dict[str, Any]:
    model = auth.get("pengguna", "/api/v1/process-models/permintaan-layanan").json
    return model["start_form"]["schema"]


def _request_from_the_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The first service the schema offers and the first of its request types."""
    service = schema["properties"]["layanan"]["oneOf"][0]["const"]
    [branch] = [
        b
        for b in schema["allOf"]
        if b["if"].get("properties", {}).get("layanan", {}).get("const") == service
    ]
    kinds = branch["then"]["properties"]["jenis_permintaan"]["oneOf"]
    texts = {k: v for k, v in SAMPLE_REQUEST.items() if k not in CODES}
    return {**texts, "layanan": service, "jenis_permintaan": kinds[0]["const"]}


def test_the_start_form_is_served_with_the_catalogs_lists(auth: Auth) -> None:
    schema = _start_form(auth)
    Draft202012Validator.check_schema(schema)
    services = schema["properties"]["layanan"]["oneOf"]
    assert services
    assert all(set(s) == {"const", "title"} for s in services)
    assert "x-options" not in schema["properties"]["layanan"]


def test_a_client_that_reads_only_the_schema_files_a_request(auth: Auth) -> None:
    schema = _start_form(auth)
    data = _request_from_the_schema(schema)
    assert Draft202012Validator(schema).is_valid(data)
    started = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": data},
    )
    assert started.status_code == 201, started.json


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"layanan": "TIDAK-ADA"}, "layanan"),
        ({"layanan": "SIAK", "jenis_permintaan": "AKUN-BARU"}, "jenis_permintaan"),
    ],
)
def test_a_start_with_a_value_no_list_offers_is_422_naming_the_field(
    auth: Auth, changes: dict[str, str], field: str
) -> None:
    response = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": {**SAMPLE_REQUEST, **changes}},
    )
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert auth.get("pengguna", "/api/v1/process-instances").json["total"] == 0


def _classification(auth: Auth) -> dict[str, Any]:
    started = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": SAMPLE_REQUEST},
    )
    instance_id = started.json["id"]
    [task] = [
        t
        for t in auth.get("admin.layanan", "/api/v1/tasks").json["items"]
        if t["process_instance_id"] == instance_id
    ]
    return auth.get("admin.layanan", f"/api/v1/tasks/{task['id']}").json


def test_the_executor_is_picked_from_the_holders_of_the_role_for_the_scope(auth: Auth) -> None:
    task = _classification(auth)
    executors = {c["const"] for c in task["form"]["schema"]["properties"]["pelaksana"]["oneOf"]}
    assert "pelaksana" in executors
    assert "pengguna" not in executors
    assert "petugas.siak" not in executors  # holds the role for another service


@pytest.mark.parametrize("executor", ["pengguna", "tidak.ada", "petugas.siak"])
def test_an_executor_without_the_role_is_422_and_the_task_stays_open(
    auth: Auth, executor: str
) -> None:
    task = _classification(auth)
    response = auth.post(
        "admin.layanan",
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {**CLASSIFY, "pelaksana": executor}},
    )
    assert response.status_code == 422, response.json
    assert list(response.json["errors"]) == ["pelaksana"]
    assert auth.get("admin.layanan", f"/api/v1/tasks/{task['id']}").json["state"] == "ready"


def test_deploy_refuses_an_unknown_source(auth: Auth) -> None:
    bpmn = linear(f'<bpmn:userTask id="t">{form("t.schema.json")}</bpmn:userTask>')
    schema = b'{"type": "object", "properties": {"x": {"type": "string", "x-options": "users"}}}'
    response = upload(auth, "analis", {"sumber.bpmn": bpmn, "t.schema.json": schema})
    assert response.status_code == 422, response.json
    [problem] = response.json["errors"]
    assert problem["file"] == "t.schema.json"
    assert "users" in problem["message"]


def _options(auth: Auth, username: str, **query: str) -> Any:
    return auth.get(username, "/api/v1/forms/options", query_string=query)


def test_options_answer_a_browser_whose_parent_field_changed(auth: Auth) -> None:
    simpeg = _options(auth, "pengguna", source="request-types", parent="SIMPEG")
    assert simpeg.status_code == 200
    codes = {c["const"] for c in simpeg.json["oneOf"]}
    assert "AKUN-BARU" in codes
    siak = _options(auth, "pengguna", source="request-types", parent="SIAK").json["oneOf"]
    assert codes != {c["const"] for c in siak}
    services = _options(auth, "pengguna", source="services", model_id="permintaan-layanan")
    assert services.json["oneOf"] == _start_form(auth)["properties"]["layanan"]["oneOf"]


def test_holders_are_told_only_to_those_who_act_on_the_task(auth: Auth) -> None:
    task = _classification(auth)
    source = "holders:Administrator Layanan"
    mine = _options(auth, "admin.layanan", source=source, task_id=task["id"])
    assert mine.status_code == 200
    served = task["form"]["schema"]["properties"]["pelaksana"]["oneOf"]
    assert mine.json["oneOf"] == served
    assert _options(auth, "pengguna", source=source, task_id=task["id"]).status_code == 403
    without = _options(auth, "pengguna", source=source)
    assert without.status_code == 422
    assert "task_id" in without.json["errors"]


def test_unknown_sources_tasks_and_models_are_4xx(auth: Auth) -> None:
    unknown = _options(auth, "pengguna", source="users")
    assert unknown.status_code == 422
    assert "source" in unknown.json["errors"]
    assert _options(auth, "pengguna", source="services", task_id="nope").status_code == 404
    assert _options(auth, "pengguna", source="services", model_id="nope").status_code == 404
    assert auth.client.get("/api/v1/forms/options?source=services").status_code == 401
