"""Sign-in, tokens and the health check."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")


def test_login_returns_a_bearer_token_and_roles(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/auth/login", json={"username": "analis", "password": "demo12345"}
    )
    assert response.status_code == 200
    body = response.json
    assert body["token_type"] == "Bearer"
    assert body["access_token"]
    assert body["user"]["username"] == "analis"
    assert body["user"]["roles"] == ["Analis Proses"]


def test_bad_password_and_unknown_user_get_the_same_401(client: FlaskClient) -> None:
    wrong = client.post("/api/v1/auth/login", json={"username": "analis", "password": "salah"})
    unknown = client.post("/api/v1/auth/login", json={"username": "siapa", "password": "demo12345"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json["message"] == unknown.json["message"]


def test_login_without_fields_is_422(client: FlaskClient) -> None:
    response = client.post("/api/v1/auth/login", json={"username": "analis"})
    assert response.status_code == 422
    assert "password" in response.json["errors"]
    assert response.json["message"]


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer not-a-token", "Basic YWRtaW46eA==", "Bearer eyJ1aWQiOjF9.x.y"],
)
def test_api_without_a_valid_token_is_401(client: FlaskClient, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    for url in ("/api/v1/tasks", "/api/v1/process-models", "/api/v1/process-instances"):
        response = client.get(url, headers=headers)
        assert response.status_code == 401
        assert response.json["message"]


def test_token_of_a_deactivated_user_stops_working(auth: Auth, platform) -> None:
    from sqlalchemy import update

    from app.models import User

    assert auth.get("pengguna", "/api/v1/tasks").status_code == 200
    with platform.sessions() as session, session.begin():
        session.execute(update(User).where(User.username == "pengguna").values(active=False))
    assert auth.get("pengguna", "/api/v1/tasks").status_code == 401


def test_healthz_needs_no_token(client: FlaskClient) -> None:
    assert client.get("/healthz").json == {"status": "ok"}


def test_unknown_route_is_json_404(client: FlaskClient) -> None:
    response = client.get("/api/v1/tidak-ada")
    assert response.status_code == 404
    assert response.json["message"]
