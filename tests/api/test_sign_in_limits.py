"""Sign-in throttling on the API and the page: per account, per address, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.models import Event
from app.services.accounts.sign_in_guard import ACCOUNT_LIMIT, ADDRESS_LIMIT, WINDOW
from app.services.demo import DEMO_PASSWORD
from tests.web.conftest import csrf_token

pytestmark = pytest.mark.usefixtures("demo")

LOGIN = "/api/v1/auth/login"


def api_sign_in(client: FlaskClient, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        LOGIN,
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def page_sign_in(client: FlaskClient, username: str, password: str):
    token = csrf_token(client, "/masuk")
    return client.post(
        "/masuk", data={"username": username, "password": password, "csrf_token": token}
    )


def fail(client: FlaskClient, username: str, times: int, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        assert api_sign_in(client, username, "salah-sekali", address).status_code == 401


def test_ten_failures_lock_the_account_even_with_the_right_password(client: FlaskClient) -> None:
    fail(client, "pengguna", ACCOUNT_LIMIT)
    response = api_sign_in(client, "pengguna", DEMO_PASSWORD)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(int(WINDOW.total_seconds()))
    assert "15 minutes" in response.json["message"]
    assert response.json["errors"] == {}


def test_lock_holds_from_another_address_and_spares_other_accounts(client: FlaskClient) -> None:
    fail(client, "pengguna", ACCOUNT_LIMIT)
    assert api_sign_in(client, "pengguna", DEMO_PASSWORD, "10.9.9.9").status_code == 429
    assert api_sign_in(client, "analis", DEMO_PASSWORD).status_code == 200


def test_lock_lifts_when_the_window_passes(client: FlaskClient, clock: FixedClock) -> None:
    fail(client, "pengguna", 1)
    clock.advance(timedelta(minutes=5))
    fail(client, "pengguna", ACCOUNT_LIMIT - 1)
    # The oldest failure leaves the window 10 minutes from now: then only 9 remain.
    response = api_sign_in(client, "pengguna", DEMO_PASSWORD)
    assert response.headers["Retry-After"] == str(10 * 60)
    clock.advance(timedelta(minutes=10) - timedelta(seconds=1))
    response = api_sign_in(client, "pengguna", DEMO_PASSWORD)
    assert (response.status_code, response.headers["Retry-After"]) == (429, "1")
    clock.advance(timedelta(seconds=1))
    assert api_sign_in(client, "pengguna", DEMO_PASSWORD).status_code == 200


def test_success_clears_the_account_failures(client: FlaskClient) -> None:
    fail(client, "pengguna", ACCOUNT_LIMIT - 1)
    assert api_sign_in(client, "pengguna", DEMO_PASSWORD).status_code == 200
    fail(client, "pengguna", ACCOUNT_LIMIT - 1)
    assert api_sign_in(client, "pengguna", DEMO_PASSWORD).status_code == 200


def test_one_address_is_limited_over_every_name_it_tries(client: FlaskClient) -> None:
    for attempt in range(ADDRESS_LIMIT):
        fail(client, f"tebakan-{attempt}", 1)
    assert api_sign_in(client, "pengguna", DEMO_PASSWORD).status_code == 429
    assert api_sign_in(client, "pengguna", DEMO_PASSWORD, "10.0.0.2").status_code == 200


def test_failures_and_the_lock_are_audited(client: FlaskClient, session: Session) -> None:
    fail(client, "pengguna", ACCOUNT_LIMIT)
    api_sign_in(client, "pengguna", DEMO_PASSWORD)
    events = session.scalars(
        select(Event).where(Event.kind.in_(("sign_in_failed", "sign_in_locked")))
    ).all()
    failed = [e for e in events if e.kind == "sign_in_failed"]
    locked = [e for e in events if e.kind == "sign_in_locked"]
    assert len(failed) == ACCOUNT_LIMIT
    assert failed[0].data == {"username": "pengguna", "address": "10.0.0.1"}
    assert [e.data for e in locked] == [
        {"username": "pengguna", "address": "10.0.0.1", "locked": "account", "retry_after": 900}
    ]


def test_page_and_api_share_one_count(client: FlaskClient) -> None:
    fail(client, "pengguna", ACCOUNT_LIMIT // 2, address="127.0.0.1")
    for _ in range(ACCOUNT_LIMIT - ACCOUNT_LIMIT // 2):
        assert page_sign_in(client, "pengguna", "salah-sekali").status_code == 401
    assert api_sign_in(client, "pengguna", DEMO_PASSWORD).status_code == 429
    assert page_sign_in(client, "pengguna", DEMO_PASSWORD).status_code == 429


def test_locked_page_says_how_long_to_wait(client: FlaskClient) -> None:
    for _ in range(ACCOUNT_LIMIT):
        assert page_sign_in(client, "pengguna", "salah-sekali").status_code == 401
    response = page_sign_in(client, "pengguna", DEMO_PASSWORD)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "900"
    assert "Coba lagi dalam 15 menit" in response.get_data(as_text=True)
    client.post("/bahasa", data={"lang": "en", "csrf_token": csrf_token(client, "/masuk")})
    response = page_sign_in(client, "pengguna", DEMO_PASSWORD)
    assert "Try again in 15 minutes" in response.get_data(as_text=True)
