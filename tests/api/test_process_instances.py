"""Process instances: start, list, read, and the supervisors' actions."""

from __future__ import annotations

import pytest

from tests.api.test_permintaan_layanan_flow import REQUEST
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("deployed")


def start(auth: Auth, username: str = "pengguna", **changes: object):
    return auth.post(
        username,
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": {**REQUEST, **changes}},
    )


def test_start_returns_the_instance(auth: Auth) -> None:
    response = start(auth)
    assert response.status_code == 201
    body = response.json
    assert set(body) >= {
        "id",
        "process_model_id",
        "version",
        "status",
        "started_by",
        "started_at",
        "ended_at",
        "data",
        "sla",
    }
    assert body["started_by"] == "pengguna"
    assert body["version"] == 1
    assert body["started_at"].endswith("+00:00")
    assert body["service"] == "SIMPEG"
    assert body["data"]["layanan_info"]["pd"].startswith("Badan Kepegawaian")


def test_start_with_data_failing_the_start_form_is_422(auth: Auth) -> None:
    response = start(auth, nip_nik="bukan-nip", judul=None)
    assert response.status_code == 422
    assert {"nip_nik", "judul"} <= set(response.json["errors"])
    assert auth.get("pengguna", "/api/v1/process-instances").json["total"] == 0


@pytest.mark.parametrize(
    "body",
    [{}, {"process_model_id": 5}, {"process_model_id": "permintaan-layanan", "data": [1]}],
)
def test_start_with_a_malformed_body_is_422(auth: Auth, body: dict) -> None:
    response = auth.post("pengguna", "/api/v1/process-instances", json=body)
    assert response.status_code == 422


def test_start_unknown_model_is_404(auth: Auth) -> None:
    response = auth.post(
        "pengguna", "/api/v1/process-instances", json={"process_model_id": "tidak-ada", "data": {}}
    )
    assert response.status_code == 404


def test_unknown_request_type_is_422(auth: Auth) -> None:
    response = start(auth, jenis_permintaan="TIDAK-ADA")
    assert response.status_code == 422
    assert "jenis_permintaan" in response.json["errors"]


def test_list_filters_and_pages(auth: Auth) -> None:
    ids = [start(auth).json["id"] for _ in range(3)]
    page = auth.get("pengguna", "/api/v1/process-instances?per_page=2&page=1").json
    assert page["total"] == 3
    assert [i["id"] for i in page["items"]] == ids[::-1][:2]
    running = auth.get("pengguna", "/api/v1/process-instances?status=running").json
    assert running["total"] == 3
    none = auth.get("pengguna", "/api/v1/process-instances?status=complete").json
    assert none == {"items": [], "total": 0}
    other = auth.get("pengguna", "/api/v1/process-instances?process_model_id=lain").json
    assert other["total"] == 0
    bad = auth.get("pengguna", "/api/v1/process-instances?status=bogus")
    assert bad.status_code == 422


def test_staff_see_their_scope_requesters_only_their_own(auth: Auth, platform) -> None:
    from app.services.accounts.users import AccountService

    mine = start(auth).json["id"]
    with platform.sessions() as session, session.begin():
        accounts = AccountService(session, platform.clock)
        accounts.create_user("warga", "demo12345")
        accounts.grant("warga", "Pengguna Layanan")
        accounts.create_user("staf.dukcapil", "demo12345")
        accounts.grant("staf.dukcapil", "Penyedia Layanan", agency_code="DISDUKCAPIL")
    assert auth.get("warga", "/api/v1/process-instances").json["total"] == 0
    assert auth.get("warga", f"/api/v1/process-instances/{mine}").status_code == 403
    assert auth.get("staf.dukcapil", f"/api/v1/process-instances/{mine}").status_code == 403
    assert auth.get("admin.layanan", f"/api/v1/process-instances/{mine}").status_code == 200
    assert auth.get("admin", "/api/v1/process-instances").json["total"] == 1


def test_get_instance_shows_tasks_with_candidates_and_events(auth: Auth) -> None:
    instance_id = start(auth).json["id"]
    body = auth.get("pengguna", f"/api/v1/process-instances/{instance_id}").json
    [task] = body["tasks"]
    assert task["name"] == "klasifikasi_prioritas"
    assert task["candidates"] == ["admin.layanan", "pelaksana"]
    assert body["events"][0]["kind"] == "instance_started"
    assert body["events"][0]["user"] == "pengguna"
    assert body["events"][0]["data"]["judul"] == REQUEST["judul"]


def test_get_unknown_instance_is_404(auth: Auth) -> None:
    assert auth.get("pengguna", "/api/v1/process-instances/999999").status_code == 404


def test_suspend_resume_terminate_by_a_supervisor(auth: Auth) -> None:
    instance_id = start(auth).json["id"]
    base = f"/api/v1/process-instances/{instance_id}"
    assert auth.post("pengguna", f"{base}/suspend").status_code == 403
    assert auth.post("admin.layanan", f"{base}/suspend").status_code == 403

    suspended = auth.post("pj.layanan", f"{base}/suspend")
    assert suspended.status_code == 200
    assert suspended.json["status"] == "suspended"
    assert auth.get("admin.layanan", "/api/v1/tasks").json["total"] == 0
    assert auth.post("pj.layanan", f"{base}/suspend").status_code == 409

    resumed = auth.post("pj.layanan", f"{base}/resume")
    assert resumed.json["status"] == "running"
    assert auth.get("admin.layanan", "/api/v1/tasks").json["total"] == 1
    assert auth.post("pj.layanan", f"{base}/resume").status_code == 409

    terminated = auth.post("admin", f"{base}/terminate", json={"reason": "Laporan ganda"})
    assert terminated.json["status"] == "terminated"
    events = auth.get("admin", base).json["events"]
    assert events[-1]["kind"] == "instance_terminated"
    assert events[-1]["data"] == {"reason": "Laporan ganda"}
    assert terminated.json["ended_at"] is not None
    assert auth.get("admin.layanan", "/api/v1/tasks").json["total"] == 0
    assert auth.post("admin", f"{base}/terminate").status_code == 409
    kinds = [e["kind"] for e in auth.get("admin", base).json["events"]]
    assert kinds[-3:] == ["instance_suspended", "instance_resumed", "instance_terminated"]


def test_actions_on_unknown_instance_are_404(auth: Auth) -> None:
    for action in ("suspend", "resume", "terminate"):
        assert auth.post("admin", f"/api/v1/process-instances/424242/{action}").status_code == 404
