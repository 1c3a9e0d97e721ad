"""SQL statements per start and per completion, counted, with what each one was.

`python -m bench.statements [--pg SERVER_URL] [--instances N] [--show]` builds a database as
`make run` does, drives N service requests through the services (as `bench.service_layer`
does: session, user, call, commit) and counts the statements the database receives for
each start and each completion, by the task completed. The target (issue 13) is at most 8
per completion of a plain user task; `--show` prints the statements of one completion of
each task, to see what to remove.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import event

from bench.database import Backend, build_platform, created_postgres, redact, sqlite_backend
from bench.service_layer import ServiceDriver

SHOWN = 1000  # characters of each statement --show prints


class Counter:
    """The statements the engine sends while `active`, kept by the label set."""

    def __init__(self) -> None:
        self.label: str | None = None
        self.seen: dict[str, list[list[str]]] = defaultdict(list)

    def listen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.label is not None:
            self.seen[self.label][-1].append(" ".join(statement.split())[:SHOWN])

    def begin(self, label: str) -> None:
        self.label = label
        self.seen[label].append([])

    def end(self) -> None:
        self.label = None


def run(backend: AbstractContextManager[Backend], instances: int, show: bool) -> None:
    """Build, drive, count, print."""
    with backend as made:
        platform = build_platform(made)
        driver = ServiceDriver(platform, "approval")
        counter = Counter()
        event.listen(platform.engine, "before_cursor_execute", counter.listen)
        for _ in range(instances):
            counter.begin("start")
            instance_id, _timing = driver.start()
            counter.end()
            while (ready := driver.ready_task(instance_id)) is not None:
                counter.begin(f"complete {ready[1]}")
                driver.complete(*ready)
                counter.end()
        event.remove(platform.engine, "before_cursor_execute", counter.listen)
        print(f"# {redact(made.url)}: {instances} service requests (the approval path)")
        print(f"{'call':<40} {'statements (median)':>20} {'SELECT':>7}")
        for label, runs in counter.seen.items():
            counts = sorted(len(r) for r in runs)
            selects = sorted(sum(s.startswith("SELECT") for s in r) for r in runs)
            middle = len(counts) // 2
            print(f"{label:<40} {counts[middle]:>20} {selects[middle]:>7}")
            if show:
                for statement in runs[-1]:
                    print(f"    {statement}")
        platform.engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options and run on SQLite, or on a new PostgreSQL database with --pg."""
    parser = argparse.ArgumentParser(prog="python -m bench.statements")
    parser.add_argument("--instances", type=int, default=5)
    parser.add_argument("--show", action="store_true", help="print one run's statements")
    parser.add_argument("--pg", metavar="SERVER_URL", help="e.g. postgresql://postgres@127.0.0.1")
    options = parser.parse_args(argv)
    backend = created_postgres(options.pg) if options.pg else sqlite_backend()
    run(backend, options.instances, options.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
