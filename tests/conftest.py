"""Shared fixtures: a migrated database (SQLite, or PostgreSQL with SPBE_TEST_BACKEND),
a platform with a fixed clock, the Flask app and client, demo data and the deployed
processes. Each test starts from empty tables (roles stay: the migration seeds them)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app import create_app
from app.clock import FixedClock
from app.config import PROJECT_ROOT, Settings
from app.engine.runtime import Runtime
from app.engine.specs import SpecCache
from app.migrations import upgrade
from app.models import Base
from app.services.context import Platform
from app.services.demo import DEMO_PASSWORD, load_demo
from app.services.process_models.deploy import DeployService, deploy_paths

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
PROCESSES = PROJECT_ROOT / "processes"
FORMS = PROJECT_ROOT / "forms"


def _backend_url(tmp_root: Path) -> str:
    if os.environ.get("SPBE_TEST_BACKEND") == "postgresql":
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            pytest.exit("SPBE_TEST_BACKEND=postgresql needs TEST_DATABASE_URL", returncode=2)
        return url
    return f"sqlite:///{tmp_root / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def base_platform(tmp_path_factory: pytest.TempPathFactory) -> Platform:
    settings = Settings(
        database_url=_backend_url(tmp_path_factory.mktemp("db")),
        secret_key="test-secret-key",
        demo=True,
        script_time_limit=1.0,
    )
    platform = Platform.build(settings, FixedClock(T0))
    with platform.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(platform.engine)
    return platform


def _empty_tables(platform: Platform) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name != "role"]
    with platform.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Table names come from our own metadata, never from input.
            names = ", ".join(tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))  # noqa: S608
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608


@pytest.fixture
def platform(base_platform: Platform) -> Iterator[Platform]:
    """The shared platform, reset: empty tables, a fresh clock and spec cache."""
    _empty_tables(base_platform)
    base_platform.clock = FixedClock(T0)
    base_platform.specs = SpecCache()
    base_platform.runtime = Runtime(time_limit=base_platform.settings.script_time_limit)
    yield base_platform
    base_platform.engine.dispose()


@pytest.fixture
def clock(platform: Platform) -> FixedClock:
    assert isinstance(platform.clock, FixedClock)
    return platform.clock


@pytest.fixture
def session(platform: Platform) -> Iterator[Session]:
    with platform.sessions() as db_session:
        yield db_session


@pytest.fixture
def demo(platform: Platform) -> None:
    with platform.sessions() as db_session, db_session.begin():
        load_demo(db_session, platform.clock)


@pytest.fixture
def deployed(platform: Platform, demo: None) -> None:
    with platform.sessions() as db_session, db_session.begin():
        service = DeployService(db_session, platform.clock, platform.specs)
        deploy_paths(service, [PROCESSES], FORMS)


@pytest.fixture
def app(platform: Platform) -> Flask:
    flask_app = create_app(platform=platform)
    flask_app.config["TESTING"] = True
    return flask_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Auth:
    """Sign in as a demo user and call the API with their token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self._tokens: dict[str, str] = {}

    def headers(self, username: str) -> dict[str, str]:
        if username not in self._tokens:
            response = self.client.post(
                "/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD}
            )
            assert response.status_code == 200, response.json
            self._tokens[username] = response.json["access_token"]
        return {"Authorization": f"Bearer {self._tokens[username]}"}

    def get(self, username: str, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, headers=self.headers(username), **kwargs)

    def post(self, username: str, url: str, **kwargs: Any) -> Any:
        return self.client.post(url, headers=self.headers(username), **kwargs)


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)
