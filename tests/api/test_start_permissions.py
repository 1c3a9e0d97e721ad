"""Who may start what (issue 11, item 4): the start event's `startableBy`, enforced by
`InstanceService.start` for the API, the pages and the CLI alike; children started by a
link and periodic starts are started on behalf of their parent or schedule."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import Instance
from app.services.context import Platform
from app.services.demo import USERS
from tests.api.test_process_models import upload
from tests.bpmn import linear
from tests.conftest import PROCESSES, Auth
from tests.engine.harness import deployed_model
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("deployed")

MODELS = sorted(path.stem for path in PROCESSES.glob("*.bpmn"))


def _count(platform: Platform) -> int:
    with platform.sessions() as session:
        return session.scalar(select(func.count()).select_from(Instance)) or 0


def _holder(roles: tuple[str, ...]) -> str:
    """A demo user who holds one of `roles` (at any scope)."""
    for username, _, _, grants in USERS:
        if any(role in roles for role, _, _ in grants):
            return username
    raise LookupError(f"no demo user holds any of {roles}")


def test_every_shipped_procedure_but_the_request_names_who_may_start_it() -> None:
    open_to_all = [m for m in MODELS if not deployed_model(m).start_roles]
    assert open_to_all == ["permintaan-layanan"]
    assert set(deployed_model("penanganan-aduan").start_roles) == {
        "Penyedia Layanan",
        "Administrator Layanan",
    }


@pytest.mark.parametrize("model_id", [m for m in MODELS if m != "permintaan-layanan"])
def test_a_requester_starting_a_staff_procedure_gets_403_and_nothing_is_stored(
    auth: Auth, platform: Platform, model_id: str
) -> None:
    before = _count(platform)
    response = auth.post(
        "pengguna", "/api/v1/process-instances", json={"process_model_id": model_id, "data": {}}
    )
    assert response.status_code == 403, response.json
    roles = deployed_model(model_id).start_roles
    assert all(role in response.json["message"] for role in roles)
    assert _count(platform) == before


@pytest.mark.parametrize("model_id", MODELS)
def test_a_holder_of_a_starting_role_gets_past_the_check(auth: Auth, model_id: str) -> None:
    """With empty data the start form refuses (422) or, where it asks nothing, starts (201):
    either way the permission was granted."""
    roles = deployed_model(model_id).start_roles
    username = _holder(roles) if roles else "pengguna"
    response = auth.post(
        username, "/api/v1/process-instances", json={"process_model_id": model_id, "data": {}}
    )
    assert response.status_code in (201, 422), response.json


def test_admin_sistem_may_start_anything(auth: Auth) -> None:
    response = auth.post(
        "admin",
        "/api/v1/process-instances",
        json={"process_model_id": "pemulihan-layanan", "data": {}},
    )
    assert response.status_code == 422  # past the check, stopped by the start form


def test_the_start_page_of_a_procedure_the_user_may_not_start_is_403(auth: Auth) -> None:
    client = auth.client
    client_sign_in(client, "pengguna")
    assert client.get("/mulai/rilis-layanan").status_code == 403
    assert client.get("/mulai/permintaan-layanan").status_code == 200


def test_deploy_refuses_a_start_role_nobody_knows(auth: Auth) -> None:
    bpmn = linear('<bpmn:userTask id="t" />').replace(
        b'<bpmn:startEvent id="start" />',
        b'<bpmn:startEvent id="start"><bpmn:extensionElements><spiffworkflow:properties>'
        b'<spiffworkflow:property name="startableBy" value="Administrator Layanan, Juru Kunci" />'
        b"</spiffworkflow:properties></bpmn:extensionElements></bpmn:startEvent>",
    )
    response = upload(auth, "analis", {"pemulai.bpmn": bpmn})
    assert response.status_code == 422, response.json
    [problem] = response.json["errors"]
    assert problem["element_id"] == "start"
    assert "'Juru Kunci'" in problem["message"]
