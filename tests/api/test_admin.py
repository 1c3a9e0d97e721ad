"""Agencies, users and role assignments: Admin Sistem only, every change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Event
from app.services.demo import DEMO_PASSWORD
from tests.api.test_process_instances import start
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("deployed")


def audit(platform, kind: str) -> list[Event]:
    with platform.sessions() as session:
        return list(session.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)))


ADMIN_ONLY = [
    ("post", "/api/v1/agencies", {"code": "DINKES", "name": "Dinas Kesehatan"}),
    ("patch", "/api/v1/agencies/BKPSDM", {"name": "X"}),
    ("get", "/api/v1/users", None),
    ("post", "/api/v1/users", {"username": "baru", "password": "rahasia-123"}),
    ("patch", "/api/v1/users/pengguna", {"active": False}),
    ("get", "/api/v1/users/admin", None),
    ("get", "/api/v1/role-assignments", None),
    ("post", "/api/v1/role-assignments", {"username": "pengguna", "role": "Admin Sistem"}),
    ("delete", "/api/v1/role-assignments/1", None),
]


@pytest.mark.parametrize("username", ["pengguna", "analis", "pimpinan"])
def test_only_admin_sistem_changes_people_and_agencies(auth: Auth, platform, username: str) -> None:
    for method, url, body in ADMIN_ONLY:
        response = getattr(auth.client, method)(url, headers=auth.headers(username), json=body)
        assert response.status_code == 403, (method, url, response.json)
    with platform.sessions() as session:
        audited = session.scalars(select(Event.kind).where(Event.instance_id.is_(None))).all()
    assert set(audited) <= {"model_deployed", "user_created", "role_granted", "service_created"}


def test_agencies_create_read_update_with_audit(auth: Auth, platform) -> None:
    assert "BKPSDM" in [a["code"] for a in auth.get("pengguna", "/api/v1/agencies").json]
    created = auth.post(
        "admin",
        "/api/v1/agencies",
        json={"code": "DINKES", "name": "Dinas Kesehatan", "timezone": "Asia/Makassar"},
    )
    assert created.status_code == 201
    assert created.json == {
        "code": "DINKES",
        "name": "Dinas Kesehatan",
        "timezone": "Asia/Makassar",
        "sla_scheme": "prioritas",
        "escalation_warning_percent": 75,
        "recurring_complaints": 3,
        "recurrence_window_days": 30,
    }
    again = auth.post("admin", "/api/v1/agencies", json={"code": "DINKES", "name": "Lagi"})
    assert again.status_code == 409
    bad = auth.post(
        "admin", "/api/v1/agencies", json={"code": "X", "name": "X", "timezone": "Europe/Paris"}
    )
    assert bad.status_code == 422
    assert "timezone" in bad.json["errors"]
    assert (
        auth.post("admin", "/api/v1/agencies", json={"code": "bad code!", "name": "X"}).status_code
        == 422
    )
    renamed = auth.client.patch(
        "/api/v1/agencies/DINKES",
        headers=auth.headers("admin"),
        json={"name": "Dinas Kesehatan Kabupaten"},
    )
    assert renamed.json["name"] == "Dinas Kesehatan Kabupaten"
    assert auth.get("pengguna", "/api/v1/agencies/TIDAK-ADA").status_code == 404
    [created_event] = audit(platform, "agency_created")
    assert created_event.data["code"] == "DINKES"
    [updated] = audit(platform, "agency_updated")
    assert updated.data["changed"] == {"name": "Dinas Kesehatan Kabupaten"}
    with platform.sessions() as session:
        assert session.get(Event, updated.id).user.username == "admin"


def test_users_create_update_and_self_view(auth: Auth, platform) -> None:
    created = auth.post(
        "admin",
        "/api/v1/users",
        json={
            "username": "budi",
            "password": DEMO_PASSWORD,
            "full_name": "Budi",
            "email": "budi@bkpsdm.go.id",
            "agency": "BKPSDM",
        },
    )
    assert created.status_code == 201, created.json
    assert created.json["agency"] == "BKPSDM"
    assert created.json["roles"] == []
    assert "password" not in created.json
    assert (
        auth.post(
            "admin", "/api/v1/users", json={"username": "budi", "password": "rahasia-123"}
        ).status_code
        == 409
    )
    short = auth.post("admin", "/api/v1/users", json={"username": "x", "password": "pendek"})
    assert short.status_code == 422
    bad_mail = auth.post(
        "admin",
        "/api/v1/users",
        json={"username": "y", "password": "rahasia-123", "email": "bukan"},
    )
    assert bad_mail.status_code == 422
    assert "email" in bad_mail.json["errors"]
    assert auth.get("budi", "/api/v1/users/budi").json["full_name"] == "Budi"
    assert auth.get("budi", "/api/v1/users/admin").status_code == 403
    changed = auth.client.patch(
        "/api/v1/users/budi", headers=auth.headers("admin"), json={"password": "sandi-baru-123"}
    )
    assert changed.status_code == 200
    login = auth.client.post(
        "/api/v1/auth/login", json={"username": "budi", "password": "sandi-baru-123"}
    )
    assert login.status_code == 200
    [event] = audit(platform, "user_updated")
    assert event.data["changed"] == {"password": "diubah / changed"}
    assert "sandi-baru" not in str(event.data)
    assert auth.get("admin", "/api/v1/users/siapa").status_code == 404


def test_role_assignment_takes_effect_at_once_and_is_audited(auth: Auth, platform) -> None:
    start(auth)
    auth.post("admin", "/api/v1/users", json={"username": "petugas", "password": DEMO_PASSWORD})
    assert auth.get("petugas", "/api/v1/tasks").json["total"] == 0
    granted = auth.post(
        "admin",
        "/api/v1/role-assignments",
        json={"username": "petugas", "role": "Administrator Layanan", "service": "SIMPEG"},
    )
    assert granted.status_code == 201
    assert granted.json["service"] == "SIMPEG"
    assert granted.json["agency"] is None
    assert auth.get("petugas", "/api/v1/tasks").json["total"] == 1
    # A service-level holder now exists, so the global holders no longer get SIMPEG's task.
    assert auth.get("admin.layanan", "/api/v1/tasks").json["total"] == 0
    listed = auth.get("admin", "/api/v1/role-assignments?username=petugas").json
    assert [a["role"] for a in listed] == ["Administrator Layanan"]
    both = auth.post(
        "admin",
        "/api/v1/role-assignments",
        json={
            "username": "petugas",
            "role": "Administrator Layanan",
            "service": "SIMPEG",
            "agency": "BKPSDM",
        },
    )
    assert both.status_code == 422
    unknown = auth.post(
        "admin", "/api/v1/role-assignments", json={"username": "petugas", "role": "Raja"}
    )
    assert unknown.status_code == 404
    revoked = auth.client.delete(
        f"/api/v1/role-assignments/{granted.json['id']}", headers=auth.headers("admin")
    )
    assert revoked.status_code == 204
    assert auth.get("petugas", "/api/v1/tasks").json["total"] == 0
    assert (
        auth.client.delete(
            f"/api/v1/role-assignments/{granted.json['id']}", headers=auth.headers("admin")
        ).status_code
        == 404
    )
    kinds = [
        (e.kind, e.data["username"])
        for e in audit(platform, "role_granted") + audit(platform, "role_revoked")
        if e.data["username"] == "petugas"
    ]
    assert kinds == [("role_granted", "petugas"), ("role_revoked", "petugas")]


def test_deactivating_a_user_keeps_history_and_releases_claims(auth: Auth, platform) -> None:
    instance_id = start(auth).json["id"]
    [task] = auth.get("admin.layanan", "/api/v1/tasks").json["items"]
    assert auth.post("pelaksana", f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    assert auth.get("admin.layanan", "/api/v1/tasks").json["total"] == 0

    response = auth.client.patch(
        "/api/v1/users/pelaksana", headers=auth.headers("admin"), json={"active": False}
    )
    assert response.status_code == 200
    assert response.json["active"] is False
    assert auth.get("pelaksana", "/api/v1/tasks").status_code == 401
    login = auth.client.post(
        "/api/v1/auth/login", json={"username": "pelaksana", "password": "demo12345"}
    )
    assert login.status_code == 401
    [released] = auth.get("admin.layanan", "/api/v1/tasks").json["items"]
    assert released["id"] == task["id"]
    assert released["claimed_by"] is None
    events = auth.get("admin", f"/api/v1/process-instances/{instance_id}").json["events"]
    assert [e["kind"] for e in events][-2:] == ["task_claimed", "task_unclaimed"]
    assert events[-1]["data"]["reason"] == "user_deactivated"
    [deactivated] = audit(platform, "user_deactivated")
    assert deactivated.data == {"username": "pelaksana", "released_tasks": [task["id"]]}
    users = {u["username"]: u for u in auth.get("admin", "/api/v1/users").json}
    assert users["pelaksana"]["active"] is False
