"""API tokens stop working after a password change, a deactivation or a sign-out."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.services.demo import DEMO_PASSWORD
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")

NEW_PASSWORD = "kata-sandi-baru"  # noqa: S105 - a test password


def token(client: FlaskClient, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def works(client: FlaskClient, headers: dict[str, str]) -> bool:
    status = client.get("/api/v1/tasks", headers=headers).status_code
    assert status in (200, 401)
    return status == 200


def test_password_change_revokes_old_tokens(client: FlaskClient, auth: Auth) -> None:
    old = token(client, "pengguna")
    response = auth.client.patch(
        "/api/v1/users/pengguna", json={"password": NEW_PASSWORD}, headers=auth.headers("admin")
    )
    assert response.status_code == 200
    assert not works(client, old)
    assert works(client, token(client, "pengguna", NEW_PASSWORD))


def test_deactivation_revokes_tokens_for_good(client: FlaskClient, auth: Auth) -> None:
    old = token(client, "pengguna")
    admin = auth.headers("admin")
    response = client.patch("/api/v1/users/pengguna", json={"active": False}, headers=admin)
    assert response.status_code == 200
    assert not works(client, old)
    client.patch("/api/v1/users/pengguna", json={"active": True}, headers=admin)
    assert not works(client, old)
    assert works(client, token(client, "pengguna"))


def test_logout_revokes_every_token_of_the_caller_only(client: FlaskClient) -> None:
    first, second = token(client, "pengguna"), token(client, "pengguna")
    other = token(client, "analis")
    response = client.post("/api/v1/auth/logout", headers=first)
    assert (response.status_code, response.get_data()) == (204, b"")
    assert not works(client, first)
    assert not works(client, second)
    assert works(client, other)
    assert works(client, token(client, "pengguna"))


def test_revoked_token_cannot_log_out_again(client: FlaskClient) -> None:
    headers = token(client, "pengguna")
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    response = client.post("/api/v1/auth/logout", headers=headers)
    assert response.status_code == 401
    assert response.json["message"]


def test_other_changes_keep_tokens(client: FlaskClient, auth: Auth) -> None:
    old = token(client, "pengguna")
    response = client.patch(
        "/api/v1/users/pengguna", json={"full_name": "Nama Baru"}, headers=auth.headers("admin")
    )
    assert response.status_code == 200
    assert works(client, old)
