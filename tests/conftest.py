"""Shared fixtures: a migrated database (SQLite, or PostgreSQL with SPBE_TEST_BACKEND),
a platform with a fixed clock, the Flask app and client, demo data and the deployed
processes. Each test starts from the state its fixtures name, restored from a snapshot
taken once per session (tests/snapshot.py)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app import create_app
from app.clock import FixedClock
from app.config import PROJECT_ROOT, AttachmentLimits, PasswordCost, Settings
from app.engine.runtime import Runtime
from app.engine.specs import ParseCache, SpecCache
from app.migrations import upgrade
from app.services.configuration.demo import load_demo_configuration
from app.services.context import Platform
from app.services.demo import DEMO_PASSWORD, file_samples, load_demo
from app.services.demo_periodic import file_demo_monitoring
from app.services.instances.lifecycle import InstanceService
from app.services.process_models.deploy import DeployService, deploy_paths
from tests.snapshot import Snapshot, fingerprint

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
PROCESSES = PROJECT_ROOT / "processes"
FORMS = PROJECT_ROOT / "forms"


BACKEND = "postgresql" if os.environ.get("SPBE_TEST_BACKEND") == "postgresql" else "sqlite"


def _backend_url(tmp_root: Path) -> str:
    """SQLite in the session's temporary folder, or PostgreSQL: TEST_DATABASE_URL itself,
    or, under pytest-xdist, a database of the worker's own made beside it."""
    if BACKEND == "sqlite":
        return f"sqlite:///{tmp_root / 'test.sqlite3'}"
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.exit("SPBE_TEST_BACKEND=postgresql needs TEST_DATABASE_URL", returncode=2)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    own = make_url(url)
    own = own.set(database=f"{own.database}_{worker}")
    admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        # The name is the configured database's plus the worker's id (gw0, gw1...).
        connection.execute(text(f'DROP DATABASE IF EXISTS "{own.database}"'))
        connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    admin.dispose()
    return own.render_as_string(hide_password=False)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that touch the database (`db`); on PostgreSQL run only those, since
    the others (engine, SLA arithmetic, architecture...) cannot differ by database."""
    database_tests, others = [], []
    for item in items:
        uses_db = "base_platform" in getattr(item, "fixturenames", ())
        if uses_db:
            item.add_marker(pytest.mark.db)
        (database_tests if uses_db else others).append(item)
    if BACKEND == "postgresql" and others:
        config.hook.pytest_deselected(items=others)
        items[:] = database_tests


_STARTED = time.monotonic()


def pytest_sessionstart(session: pytest.Session) -> None:
    global _STARTED  # noqa: PLW0603 - the session's start, for the summary line
    _STARTED = time.monotonic()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """One line per database run: `== sqlite: 1555 passed, 0 failed, 3 skipped in 312 s ==`."""
    stats = terminalreporter.stats
    passed = len([r for r in stats.get("passed", []) if r.when == "call"])
    failed = len([r for r in stats.get("failed", []) if r.when in ("call", "setup", "teardown")])
    failed += len(stats.get("error", []))
    skipped = len(stats.get("skipped", []))
    elapsed = time.monotonic() - _STARTED
    terminalreporter.write_line(
        f"== {BACKEND}: {passed} passed, {failed} failed, {skipped} skipped in {elapsed:.0f} s =="
    )


#: Argon2's minimum: tests create and sign in users thousands of times.
TEST_PASSWORD_COST = PasswordCost(time_cost=1, memory_kib=8, parallelism=1)
#: Parses by content, shared by every test's fresh `SpecCache`: a parse depends only on
#: the files, so sharing it changes nothing a test can see but the time.
PARSES = ParseCache()


class States:
    """The database states tests start from, each taken once: `empty` (migrated; the
    migration's roles only), `demo` (plus the demo kabupaten, without its CMDB),
    `deployed` (plus the shipped processes) and `cmdb` (plus the demo CMDB and the demo's
    sample cases and records, as `spbe demo` leaves a deployed database)."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self._snapshots: dict[str, Snapshot] = {}
        #: Each state's fingerprint as building it left the database (tests/test_isolation.py).
        self.built: dict[str, str] = {}

    def snapshot(self, name: str) -> Snapshot:
        if name not in self._snapshots:
            self._snapshots[name] = self._build(name)
        return self._snapshots[name]

    def _build(self, name: str) -> Snapshot:
        platform = self.platform
        if name == "empty":
            self.built[name] = fingerprint(platform.engine)
            return Snapshot.take(platform.engine)
        before = {"demo": "empty", "deployed": "demo", "cmdb": "deployed"}[name]
        self.snapshot(before).restore(platform.engine)
        clock = FixedClock(T0)
        with platform.sessions() as db_session, db_session.begin():
            if name == "demo":
                load_demo(db_session, clock, platform.passwords, configuration=False)
            elif name == "deployed":
                deployments = DeployService(db_session, clock, SpecCache(parses=PARSES))
                deploy_paths(deployments, [PROCESSES], FORMS)
            else:
                load_demo_configuration(db_session, clock)
                specs = SpecCache(parses=PARSES)
                runtime = Runtime(time_limit=platform.settings.script_time_limit)
                instances = InstanceService(
                    db_session,
                    clock,
                    specs,
                    runtime,
                    platform.mail,
                    platform.settings.attachments,
                )
                file_samples(instances)
                file_demo_monitoring(instances)
        self.built[name] = fingerprint(platform.engine)
        return Snapshot.take(platform.engine)


def starting_state(fixturenames: list[str]) -> str:
    """The state a test asks for by the fixtures it uses."""
    if "cmdb" in fixturenames:
        return "cmdb"
    if "deployed" in fixturenames:
        return "deployed"
    return "demo" if "demo" in fixturenames else "empty"


@pytest.fixture(scope="session")
def base_platform(tmp_path_factory: pytest.TempPathFactory) -> Platform:
    settings = Settings(
        database_url=_backend_url(tmp_path_factory.mktemp("db")),
        secret_key="test-secret-key",
        demo=True,
        script_time_limit=1.0,
        password_cost=TEST_PASSWORD_COST,
        attachments=AttachmentLimits(directory=tmp_path_factory.mktemp("lampiran")),
    )
    platform = Platform.build(settings, FixedClock(T0))
    with platform.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(platform.engine)
    return platform


@pytest.fixture(scope="session")
def states(base_platform: Platform) -> States:
    return States(base_platform)


def reset(platform: Platform, states: States, state: str) -> None:
    """Put the shared platform back to `state`: its rows, a fresh clock, spec cache and
    runtime."""
    states.snapshot(state).restore(platform.engine)
    platform.clock = FixedClock(T0)
    platform.specs = SpecCache(parses=PARSES)
    platform.runtime = Runtime(time_limit=platform.settings.script_time_limit)


@pytest.fixture
def platform(
    base_platform: Platform, states: States, request: pytest.FixtureRequest
) -> Iterator[Platform]:
    """The shared platform, reset to the state the test asks for (`demo`, `deployed`,
    else empty tables but the migration's roles)."""
    reset(base_platform, states, starting_state(request.fixturenames))
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
    """The demo kabupaten and users (restored by `platform`, which sees this fixture)."""


@pytest.fixture
def deployed(platform: Platform, demo: None) -> None:
    """The demo data and the shipped processes (restored by `platform`)."""


@pytest.fixture
def cmdb(platform: Platform, deployed: None) -> None:
    """The deployed demo with its CMDB and sample cases, as `spbe demo` leaves it after
    `spbe deploy` (restored by `platform`)."""


@pytest.fixture(scope="session")
def session_app(base_platform: Platform) -> Flask:
    """The app, built once: registering the API's OpenAPI schemas costs a fifth of a
    second. It holds the shared platform, which `platform` resets per test."""
    flask_app = create_app(platform=base_platform)
    flask_app.config["TESTING"] = True
    return flask_app


@pytest.fixture
def app(session_app: Flask, platform: Platform) -> Iterator[Flask]:
    """The session's app over the reset platform; settings a test changes are put back."""
    config = dict(session_app.config)
    yield session_app
    session_app.config.clear()
    session_app.config.update(config)


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
