"""The last active Admin Sistem can be neither revoked nor deactivated."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.errors import Conflict
from app.models import RoleName
from app.services.accounts.users import AccountService
from tests.conftest import Auth
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("demo")

ADMIN = RoleName.SYSTEM_ADMINISTRATOR.value


def admin_assignments(auth: Auth) -> dict[str, int]:
    """Username -> id of their Admin Sistem assignment."""
    response = auth.get("admin", "/api/v1/role-assignments", query_string={"role": ADMIN})
    return {a["username"]: a["id"] for a in response.json}


def grant_admin(auth: Auth, username: str) -> None:
    response = auth.post(
        "admin", "/api/v1/role-assignments", json={"username": username, "role": ADMIN}
    )
    assert response.status_code == 201, response.json


def test_revoking_the_last_admin_is_409_and_changes_nothing(auth: Auth) -> None:
    before = admin_assignments(auth)
    response = auth.client.delete(
        f"/api/v1/role-assignments/{before['admin']}", headers=auth.headers("admin")
    )
    assert response.status_code == 409
    assert "last active Admin Sistem" in response.json["message"]
    assert list(response.json["errors"]) == ["role"]
    assert admin_assignments(auth) == before


def test_deactivating_the_last_admin_is_409_and_changes_nothing(auth: Auth) -> None:
    response = auth.client.patch(
        "/api/v1/users/admin", json={"active": False}, headers=auth.headers("admin")
    )
    assert response.status_code == 409
    assert list(response.json["errors"]) == ["active"]
    user = auth.get("admin", "/api/v1/users/admin").json
    assert user["active"] is True


def test_with_two_admins_one_can_go(auth: Auth) -> None:
    grant_admin(auth, "analis")
    held = admin_assignments(auth)
    response = auth.client.delete(
        f"/api/v1/role-assignments/{held['admin']}", headers=auth.headers("analis")
    )
    assert response.status_code == 204
    response = auth.client.delete(
        f"/api/v1/role-assignments/{held['analis']}", headers=auth.headers("analis")
    )
    assert response.status_code == 409


def test_with_two_admins_one_can_be_deactivated(auth: Auth) -> None:
    grant_admin(auth, "analis")
    response = auth.client.patch(
        "/api/v1/users/analis", json={"active": False}, headers=auth.headers("admin")
    )
    assert response.status_code == 200
    assert response.json["active"] is False


def test_an_inactive_holder_does_not_count(auth: Auth) -> None:
    grant_admin(auth, "analis")
    headers = auth.headers("admin")
    auth.client.patch("/api/v1/users/analis", json={"active": False}, headers=headers)
    held = admin_assignments(auth)
    response = auth.client.delete(f"/api/v1/role-assignments/{held['admin']}", headers=headers)
    assert response.status_code == 409


def test_revoking_by_scope_guards_the_last_admin_too(session: Session, clock: FixedClock) -> None:
    accounts = AccountService(session, clock)
    with pytest.raises(Conflict) as refused:
        accounts.revoke("admin", ADMIN)
    assert refused.value.errors == {"role": [refused.value.message]}
    assert accounts.roles_of(accounts.by_username("admin")) == [ADMIN]


def test_admin_page_shows_the_refusal(client: FlaskClient, auth: Auth) -> None:
    assignment = admin_assignments(auth)["admin"]
    token = client_sign_in(client, "admin")
    response = client.post(
        f"/admin/pengguna/admin/peran/{assignment}/cabut", data={"csrf_token": token}
    )
    assert response.status_code == 409
    assert "Admin Sistem terakhir yang aktif" in response.get_data(as_text=True)
    response = client.post(
        "/admin/pengguna/admin/status", data={"active": "0", "csrf_token": token}
    )
    assert response.status_code == 409
    assert "tidak dapat dicabut atau dinonaktifkan" in response.get_data(as_text=True)
    assert admin_assignments(auth) == {"admin": assignment}
