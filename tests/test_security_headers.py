"""Security headers on every kind of response, and the session cookie's flags
(app/headers.py, app/__init__.py; issue 13, item 6)."""

from __future__ import annotations

import dataclasses

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import SettingInvalid, Settings
from app.headers import CONTENT_SECURITY_POLICY, SECURITY_HEADERS
from app.services.context import Platform
from app.services.demo import DEMO_PASSWORD
from tests.web.conftest import csrf_token

pytestmark = pytest.mark.usefixtures("demo")

RESPONSES = [
    pytest.param("/masuk", 200, id="page"),
    pytest.param("/api/v1/openapi.json", 200, id="api"),
    pytest.param("/api/v1/process-models", 401, id="api-error"),
    pytest.param("/static/app.css", 200, id="static"),
    pytest.param("/vendor/chart.js/chart.umd.min.js", 200, id="vendor"),
    pytest.param("/halaman-yang-tidak-ada", 404, id="error-page"),
]


@pytest.fixture
def https_app(platform: Platform) -> Flask:
    """The app as an operator serves it behind HTTPS (PREFERRED_URL_SCHEME=https)."""
    app = create_app(dataclasses.replace(platform.settings, https=True), platform=platform)
    app.config["TESTING"] = True
    return app


def session_cookie(client: FlaskClient, base_url: str = "http://localhost") -> str:
    """The Set-Cookie header of a successful sign-in through the form."""
    token = csrf_token(client, f"{base_url}/masuk")
    response = client.post(
        f"{base_url}/masuk",
        data={"username": "pengguna", "password": DEMO_PASSWORD, "csrf_token": token},
        headers={"Referer": f"{base_url}/masuk"},  # Flask-WTF's check on HTTPS posts
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


class TestSecurityHeaders:
    @pytest.mark.parametrize(("url", "status"), RESPONSES)
    def test_every_kind_of_response_carries_the_headers(
        self, client: FlaskClient, url: str, status: int
    ):
        with client.get(url) as response:  # a static file's response holds the file open
            assert response.status_code == status
            for name, value in SECURITY_HEADERS.items():
                assert response.headers[name] == value
            assert "Strict-Transport-Security" not in response.headers

    @pytest.mark.parametrize(("url", "status"), RESPONSES)
    def test_hsts_only_over_https(self, client: FlaskClient, url: str, status: int):
        with client.get(url, base_url="https://localhost") as response:
            assert response.status_code == status
            assert response.headers["Strict-Transport-Security"] == "max-age=31536000"

    def test_hsts_behind_a_tls_proxy_when_the_app_is_served_over_https(self, https_app: Flask):
        response = https_app.test_client().get("/masuk")  # the proxy forwards plain HTTP
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"

    def test_the_policy_allows_no_inline_script_style_or_framing(self):
        directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert "unsafe" not in CONTENT_SECURITY_POLICY


class TestSessionCookie:
    def test_lax_and_http_only_without_secure_over_plain_http(self, client: FlaskClient):
        flags = {f.strip().lower() for f in session_cookie(client).split(";")}
        assert {"samesite=lax", "httponly"} <= flags
        assert "secure" not in flags

    def test_secure_when_the_app_is_served_over_https(self, https_app: Flask):
        flags = {
            f.strip().lower()
            for f in session_cookie(https_app.test_client(), "https://localhost").split(";")
        }
        assert {"samesite=lax", "httponly", "secure"} <= flags
        assert https_app.config["PREFERRED_URL_SCHEME"] == "https"

    @pytest.mark.parametrize(("value", "https"), [("", False), ("http", False), ("HTTPS", True)])
    def test_preferred_url_scheme_says_whether_it_is_https(
        self, monkeypatch: pytest.MonkeyPatch, value: str, https: bool
    ):
        monkeypatch.setenv("SECRET_KEY", "test")
        monkeypatch.setenv("PREFERRED_URL_SCHEME", value)
        assert Settings.from_env().https is https

    def test_another_scheme_is_refused(self, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.setenv("SECRET_KEY", "test")
        monkeypatch.setenv("PREFERRED_URL_SCHEME", "ftp")
        with pytest.raises(SettingInvalid, match="PREFERRED_URL_SCHEME"):
            Settings.from_env()
