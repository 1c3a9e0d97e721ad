"""Behind a reverse proxy (TRUSTED_PROXIES=N) the client's address and scheme come from the
proxy's X-Forwarded-* headers; without it they are never believed, so a client cannot
forge the address the sign-in limits count by (issue 13, items 2 and 5)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask, request

from app import create_app
from app.config import SettingInvalid, Settings, _proxies
from app.services.context import Platform

FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def _seen(app: Flask) -> str:
    @app.get("/_seen")
    def seen() -> str:
        return f"{request.remote_addr} {request.scheme}"

    return app.test_client().get("/_seen", headers=FORWARDED).get_data(as_text=True)


def test_forwarded_headers_count_only_behind_a_trusted_proxy(platform: Platform) -> None:
    trusted = replace(platform.settings, trusted_proxies=1)
    assert _seen(create_app(trusted, platform)) == "203.0.113.7 https"
    assert _seen(create_app(platform.settings, platform)) == "127.0.0.1 http"


def test_the_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert Settings.from_env().trusted_proxies == 2
    for bad in ("-1", "6", "satu"):
        monkeypatch.setenv("TRUSTED_PROXIES", bad)
        with pytest.raises(SettingInvalid):
            _proxies()
