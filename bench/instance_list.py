"""Instance list latency (/proses) over a large instance table.

`python -m bench.instance_list [--rows N] [--pg SERVER_URL]` bulk-inserts N instances
(SQLAlchemy core, stub state: the list never reads it) spread over the demo catalog's
services, the six statuses and the six priorities, then times `TrackingService.page`:
the first page, a page deep in the table (seek from the middle id), and common filters,
for a holder of a supervising role everywhere, a PD-level supervisor, a service-level
administrator, and a requester who filed none of them (the worst case for seek paging:
nothing matches, so the whole table is scanned).
"""

from __future__ import annotations

import argparse
import random
import zlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import timedelta

from sqlalchemy import func, insert, select

from app.models import Base, Instance, InstanceStatus, ProcessModelVersion, Service, User
from app.services.context import Platform
from app.services.instances.tracking import InstanceFilter, TrackingService
from bench.database import (
    Backend,
    build_platform,
    created_postgres,
    redact,
    server_version,
    sqlite_backend,
)
from bench.flow import MODEL_ID
from bench.stats import Summary, repeat_for, summarize, timed

STUB_STATE = zlib.compress(b'{"bench":"stub state, the list never reads it"}')
CHUNK = 5_000
USERS = {
    "pj.layanan": "supervisor everywhere",
    "pimpinan": "PD-level supervisor (DISKOMINFO)",
    "petugas.siak": "service-level administrator (SIAK)",
    "pengguna": "requester of none of them",
}


def load(platform: Platform, rows: int, seed: int = 5) -> None:
    """Insert `rows` instances, oldest first, one every 30 seconds up to now."""
    rng = random.Random(seed)
    now = platform.clock.now()
    with platform.sessions() as session:
        services = session.execute(select(Service.id, Service.agency_id)).all()
        starter = session.scalars(select(User.id).where(User.username == "penyedia")).one()
        version = session.scalars(
            select(ProcessModelVersion.id).where(ProcessModelVersion.process_model_id == MODEL_ID)
        ).first()
    statuses = [s.value for s in InstanceStatus]
    table = Base.metadata.tables[Instance.__tablename__]
    batch = []
    with platform.engine.begin() as connection:
        for n in range(rows):
            service_id, agency_id = rng.choice(services)
            started = now - timedelta(seconds=30 * (rows - n))
            batch.append(
                {
                    "process_model_id": MODEL_ID,
                    "version_id": version,
                    "status": rng.choice(statuses),
                    "started_by_id": starter,
                    "started_at": started,
                    "updated_at": started,
                    "service_id": service_id,
                    "agency_id": agency_id,
                    "data": {},
                    "state": STUB_STATE,
                    "priority": f"P{rng.randint(1, 6)}",
                    "response_due_at": started + timedelta(hours=1),
                    "resolution_due_at": started + timedelta(hours=48),
                    "lock_version": 1,
                }
            )
            if len(batch) == CHUNK:
                connection.execute(insert(table), batch)
                batch = []
        if batch:
            connection.execute(insert(table), batch)
        connection.exec_driver_sql("ANALYZE")


def measure(platform: Platform, count: int, max_seconds: float) -> list[tuple[str, str, Summary]]:
    """Time each (user, query) pair; returns (user, query, summary) rows."""
    with platform.sessions() as session:
        middle = session.scalar(select(func.max(Instance.id))) // 2
    queries: dict[str, Callable[[TrackingService, User], object]] = {
        "first page": lambda t, u: t.page(u, InstanceFilter()),
        "deep page (seek from the middle)": lambda t, u: t.page(u, InstanceFilter(), after=middle),
        "status=running": lambda t, u: t.page(u, InstanceFilter(status="running")),
        "priority=P1": lambda t, u: t.page(u, InstanceFilter(priority="P1")),
        "overdue": lambda t, u: t.page(u, InstanceFilter(overdue=True)),
        "reference prefix": lambda t, u: t.page(u, InstanceFilter(reference="ADU-2026-0001")),
    }
    results = []
    for username in USERS:
        for name, query in queries.items():

            def once(
                query: Callable[[TrackingService, User], object] = query, username: str = username
            ) -> float:
                with platform.sessions() as session:
                    user = session.scalars(select(User).where(User.username == username)).one()
                    tracking = platform.tracking(session)
                    return timed(lambda: query(tracking, user))[1]

            results.append((username, name, summarize(repeat_for(once, count, max_seconds))))
    return results


def run(backend: AbstractContextManager[Backend], rows: int, count: int, seconds: float) -> None:
    """Build a database, load it, measure, print a table."""
    with backend as made:
        platform = build_platform(made)
        load(platform, rows)
        print(f"# {redact(made.url)}: {server_version(platform.engine)}, {rows:,} instances")
        print(f"{'user':<14} {'query':<34} {'median ms':>10} {'p95 ms':>8}")
        for username, name, summary in measure(platform, count, seconds):
            print(f"{username:<14} {name:<34} {summary.median_ms:>10.1f} {summary.p95_ms:>8.1f}")
        platform.engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options and run on SQLite, or on a new PostgreSQL database with --pg."""
    parser = argparse.ArgumentParser(prog="python -m bench.instance_list")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--count", type=int, default=30, help="samples per query at most")
    parser.add_argument("--seconds", type=float, default=3.0, help="time per query at most")
    parser.add_argument("--pg", metavar="SERVER_URL", help="e.g. postgresql://postgres@127.0.0.1")
    options = parser.parse_args(argv)
    backend = created_postgres(options.pg) if options.pg else sqlite_backend()
    run(backend, options.rows, options.count, options.seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
