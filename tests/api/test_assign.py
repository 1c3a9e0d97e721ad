"""Nothing routed to nobody (issue 11, item 6, in part): deploy warns of lanes nobody holds
for some PD; a supervisor hands any open task, an unroutable one included, to a holder of
its lane's role (`POST /api/v1/tasks/{id}/assign`); the supervisors hear of an unroutable
task."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.models import RoleAssignment, RoleName
from app.services.accounts.users import AccountService
from app.services.context import Platform
from tests.api.test_permintaan_layanan_flow import REQUEST
from tests.api.test_process_models import upload
from tests.bpmn import lanes, linear
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("deployed")


DESK = RoleName.SERVICE_ADMINISTRATOR


def _unroutable_classification(auth: Auth, platform: Platform) -> dict[str, Any]:
    """A request whose service desk has nobody: every Administrator Layanan grant went,
    so its first task, the classification, can be taken by no one."""
    with platform.sessions() as session, session.begin():
        accounts = AccountService(session, platform.clock)
        for grant in session.scalars(select(RoleAssignment).where(RoleAssignment.role == DESK)):
            accounts.revoke_assignment(grant.id)
    started = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": REQUEST},
    )
    assert started.status_code == 201, started.json
    detail = auth.get("pj.layanan", f"/api/v1/process-instances/{started.json['id']}").json
    [task] = [t for t in detail["tasks"] if t["state"] == "ready"]
    assert task["unroutable"] is True
    return task


def _staff_the_desk_again(platform: Platform) -> None:
    with platform.sessions() as session, session.begin():
        AccountService(session, platform.clock).grant("pelaksana", DESK, service_code="SIMPEG")


def _assign(auth: Auth, supervisor: str, task_id: str, **body: Any) -> Any:
    return auth.post(supervisor, f"/api/v1/tasks/{task_id}/assign", json=body)


def test_the_supervisors_are_told_of_an_unroutable_task(auth: Auth, platform: Platform) -> None:
    task = _unroutable_classification(auth, platform)
    told = auth.get("pj.layanan", "/api/v1/notifications").json
    items = told["items"] if isinstance(told, dict) else told
    assert any(
        n["kind"] == "task_unroutable" and n["link"] == f"/api/v1/tasks/{task['id']}" for n in items
    )


def test_a_supervisor_hands_an_unroutable_task_to_a_holder_of_the_role(
    auth: Auth, platform: Platform
) -> None:
    task = _unroutable_classification(auth, platform)
    _staff_the_desk_again(platform)
    response = _assign(auth, "pj.layanan", task["id"], username="pelaksana", note="ganti")
    assert response.status_code == 200, response.json
    assert response.json["claimed_by"] == "pelaksana"
    assert response.json["unroutable"] is False
    inbox = auth.get("pelaksana", "/api/v1/tasks").json["items"]
    assert task["id"] in {t["id"] for t in inbox}
    events = auth.get(
        "pj.layanan", f"/api/v1/process-instances/{task['process_instance_id']}"
    ).json["events"]
    [moved] = [e for e in events if e["kind"] == "task_reassigned"]
    assert moved["data"]["to"] == "pelaksana"
    assert moved["data"]["note"] == "ganti"


def test_someone_who_does_not_supervise_the_instance_gets_403(
    auth: Auth, platform: Platform
) -> None:
    task = _unroutable_classification(auth, platform)
    for supervisor in ("pengguna", "admin.layanan", "analis"):
        response = _assign(auth, supervisor, task["id"], username="pelaksana")
        assert response.status_code == 403, (supervisor, response.json)


def test_a_user_without_the_lanes_role_is_422_naming_the_field(
    auth: Auth, platform: Platform
) -> None:
    task = _unroutable_classification(auth, platform)
    for target in ("pengguna", "tidak.ada.juga"):
        response = _assign(auth, "pj.layanan", task["id"], username=target)
        assert response.status_code == 422, response.json
        assert "username" in response.json["errors"]


def test_bad_requests_are_4xx(auth: Auth, platform: Platform) -> None:
    task = _unroutable_classification(auth, platform)
    assert _assign(auth, "pj.layanan", "tidak-ada", username="pelaksana").status_code == 404
    missing = _assign(auth, "pj.layanan", task["id"])
    assert missing.status_code == 422
    assert "username" in missing.json["errors"]
    long_note = _assign(auth, "pj.layanan", task["id"], username="pelaksana", note="x" * 501)
    assert long_note.status_code == 422
    assert "note" in long_note.json["errors"]


def test_deploy_warns_of_a_lane_nobody_holds_for_some_pd(auth: Auth, platform: Platform) -> None:
    """Deploy tells which PDs a lane's role has no holder for (here BKPSDM's head has
    left); a role held everywhere is not mentioned."""
    with platform.sessions() as session, session.begin():
        AccountService(session, platform.clock).revoke(
            "pimpinan.bkpsdm", RoleName.PROVIDER_HEAD, agency_code="BKPSDM"
        )
    body = linear(
        '<bpmn:userTask id="sahkan" />',
        '<bpmn:userTask id="catat" />',
        lane_xml=lanes(Pimpinan_PD_Penyedia_Layanan=["sahkan"], Administrator_Layanan=["catat"]),
    )
    response = upload(auth, "analis", {"berlajur.bpmn": body})
    assert response.status_code == 201, response.json
    [warning] = response.json["warnings"]
    assert warning["element_id"] == "lane_0"
    assert "PD BKPSDM:" in warning["message"]
    assert "DISKOMINFO" not in warning["message"]
