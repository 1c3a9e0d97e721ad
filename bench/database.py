"""Throwaway databases for a run, set up the way the app's own are: migrated, demo, deployed.

Every backend is fresh and removed afterwards: a temp-file SQLite database, a PostgreSQL
database made with `createdb` (`--pg`), or, for a database named by BENCH_DATABASE_URL, a
scratch schema inside it, so a run never touches tables that were there before.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess  # noqa: S404 - createdb/dropdb are how the brief makes the PG database
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url

from app.clock import SystemClock
from app.config import Settings
from app.database import make_engine
from app.migrations import upgrade
from app.services.context import Platform
from app.services.demo import load_demo
from app.services.process_models.deploy import DeployService, deploy_paths
from bench.flow import BPMN_FILE, FORMS_DIR


@dataclass(frozen=True)
class Backend:
    """A database to run on: its kind, its URL and how it was made (for the report)."""

    name: str  # "sqlite" | "postgresql"
    url: str
    origin: str


def _scratch_name() -> str:
    return f"spbe_bench_{os.getpid()}_{secrets.token_hex(3)}"


@contextmanager
def sqlite_backend() -> Iterator[Backend]:
    """A SQLite file in a temp directory, deleted with it."""
    with tempfile.TemporaryDirectory(prefix="spbe-bench-") as folder:
        path = Path(folder) / "bench.sqlite3"
        yield Backend("sqlite", f"sqlite:///{path}", "temp file")


def _pg_tool(program: str, server: URL, *args: str) -> None:
    """Run createdb/dropdb against `server` with its host, port, user and password."""
    executable = shutil.which(program)
    if executable is None:
        raise RuntimeError(f"{program} not found: install the PostgreSQL client tools")
    command = [
        executable,
        "-h",
        server.host or "127.0.0.1",
        "-p",
        str(server.port or 5432),
        "-U",
        server.username or "postgres",
        *args,
    ]
    env = dict(os.environ)
    if server.password:
        env["PGPASSWORD"] = str(server.password)
    # The program is resolved above and the arguments are ours: no untrusted input.
    subprocess.run(command, check=True, env=env, capture_output=True, text=True)  # noqa: S603


@contextmanager
def created_postgres(server_url: str) -> Iterator[Backend]:
    """A new PostgreSQL database on `server_url`'s server, dropped (forcibly) after."""
    server = make_url(server_url)
    name = _scratch_name()
    _pg_tool("createdb", server, name)
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        yield Backend("postgresql", url, f"database {name}, created with createdb")
    finally:
        _pg_tool("dropdb", server, "--if-exists", "--force", name)


@contextmanager
def scratch_schema(url: str) -> Iterator[Backend]:
    """A fresh schema in the database at `url`, first on the search path, dropped after."""
    name = _scratch_name()
    admin = make_engine(url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
        scoped = make_url(url).update_query_dict({"options": f"-csearch_path={name}"})
        safe = make_url(url).render_as_string(hide_password=True)
        yield Backend(
            "postgresql", scoped.render_as_string(hide_password=False), f"schema {name} in {safe}"
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


def redact(url: str) -> str:
    """`url` without its password, for the report and the JSON file."""
    return make_url(url).render_as_string(hide_password=True)


def build_platform(backend: Backend) -> Platform:
    """Connect, migrate, load the demo kabupaten and deploy the service-request process.

    This is what `make run` does before serving, minus the web server, with the real
    wall clock (timings are what matter here, not reproducible timestamps).
    """
    settings = Settings(database_url=backend.url, secret_key=secrets.token_urlsafe(32), demo=True)
    platform = Platform.build(settings, SystemClock())
    upgrade(platform.engine)
    with platform.sessions() as session, session.begin():
        load_demo(session, platform.clock, platform.passwords)
    with platform.sessions() as session, session.begin():
        deployments = DeployService(session, platform.clock, platform.specs)
        deploy_paths(deployments, [BPMN_FILE], FORMS_DIR)
    return platform


def server_version(engine: Engine) -> str:
    """`SQLite 3.40.1`, or `PostgreSQL 15.20 (...)` with the settings that move timings.

    fsync and synchronous_commit decide what a COMMIT costs; JIT can add tens of
    milliseconds to a query the planner thinks expensive.
    """
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return f"SQLite {connection.scalar(text('select sqlite_version()'))}"
        settings = ", ".join(
            f"{name}={connection.scalar(text(f'show {name}'))}"
            for name in ("fsync", "synchronous_commit", "jit", "shared_buffers")
        )
        return f"PostgreSQL {connection.scalar(text('show server_version'))} ({settings})"


#: The tables the inbox query reads: their statistics matter after a bulk load.
INBOX_TABLES = ("task", "process_instance", "role_assignment", "user_account", "service")


def analyze(engine: Engine) -> None:
    """Refresh planner statistics after a bulk load (ANALYZE on both backends).

    Only the inbox's tables, so that a scratch schema in someone's database does not
    analyze everything else in it.
    """
    with engine.begin() as connection:
        for table in INBOX_TABLES:
            connection.execute(text(f"ANALYZE {table}"))
