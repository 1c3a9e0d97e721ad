"""The app's service layer with persistence (b) and what an instance stores (d).

Each start and each completion is what one API request does without HTTP: open a
session, load the signed-in user, call the service, commit, close. Finding the next
task to complete is done outside the timed part, as a client reading its inbox would.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, text

from app.models import Instance, Task, TaskState, User
from app.services.context import Platform
from bench.flow import MODEL_ID, REQUESTER, STEPS, request_for, user_tasks_on
from bench.stats import Samples, Summary

#: After how many completions the stored size is read a second time (d).
SIZE_AFTER_COMPLETIONS = 2
#: How many instances of a run have their stored size read.
SIZE_SAMPLES = 20


@dataclass(frozen=True)
class Timing:
    """One request's duration and the part of it spent in COMMIT, in seconds."""

    total: float
    commit: float


class ServiceDriver:
    """Starts and completes instances through `InstanceService` and `TaskService`."""

    def __init__(self, platform: Platform, path: str) -> None:
        self.platform = platform
        self.request = request_for(path)
        self.tasks_per_instance = user_tasks_on(path)
        with platform.sessions() as session:
            names = [REQUESTER, *(step.username for step in STEPS.values())]
            rows = session.execute(
                select(User.username, User.id).where(User.username.in_(names))
            ).all()
        self.user_ids = {name: user_id for name, user_id in rows}

    def _request(self, username: str, call: Callable[[Any, User], Any]) -> tuple[Any, Timing]:
        """One API-request's worth: session, user, service call, commit, close."""
        began = time.perf_counter()
        with self.platform.sessions() as session:
            user = session.get_one(User, self.user_ids[username])
            result = call(session, user)
            flushed = time.perf_counter()
            session.commit()
            committed = time.perf_counter()
        return result, Timing(time.perf_counter() - began, committed - flushed)

    def start(self) -> tuple[int, Timing]:
        """Start one instance as the requester; returns its id."""

        def call(session: Any, user: User) -> int:
            service = self.platform.instances(session)
            return service.start(MODEL_ID, dict(self.request), user).id

        return self._request(REQUESTER, call)

    def complete(self, task_id: str, bpmn_id: str) -> Timing:
        """Complete a task as the demo user the path gives it to."""
        step = STEPS[bpmn_id]

        def call(session: Any, user: User) -> None:
            self.platform.tasks(session).complete(task_id, dict(step.data), user)

        return self._request(step.username, call)[1]

    def ready_task(self, instance_id: int) -> tuple[str, str] | None:
        """The instance's one ready task as (id, bpmn id), or None when it is done."""
        with self.platform.sessions() as session:
            row = session.execute(
                select(Task.id, Task.bpmn_id).where(
                    Task.instance_id == instance_id, Task.state == TaskState.READY
                )
            ).one_or_none()
        return None if row is None else (row[0], row[1])

    def status(self, instance_id: int) -> str:
        """The instance's status column."""
        with self.platform.sessions() as session:
            return session.get_one(Instance, instance_id).status


@dataclass(frozen=True)
class StoredSize:
    """Bytes one instance takes at a point of its run (d).

    `state_stored` is what PostgreSQL keeps after TOAST compression (equal to `state`
    on SQLite). `row` is the instance row; `footprint` adds its task and event rows.
    On SQLite both are estimates from the stored values' lengths.
    """

    point: str
    state: int
    state_stored: int
    data: int
    row: int
    footprint: int


def _sqlite_bytes(connection: Connection, table: str, column: str, value: int) -> int:
    """Sum of the stored values' lengths (8 per number) over matching rows."""
    rows = connection.execute(
        text(f"SELECT * FROM {table} WHERE {column} = :value"),  # noqa: S608 - constant names
        {"value": value},
    ).all()
    return sum(
        len(cell.encode()) if isinstance(cell, str) else 0 if cell is None else 8
        for row in rows
        for cell in row
    )


def _pg_bytes(connection: Connection, table: str, column: str, value: int) -> int:
    sql = f"SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM {table} t WHERE {column} = :value"  # noqa: S608 - constant names
    return int(connection.scalar(text(sql), {"value": value}) or 0)


def stored_size(platform: Platform, instance_id: int, point: str) -> StoredSize:
    """Read what the database holds for one instance right now."""
    dialect = platform.engine.dialect.name
    row_bytes = _pg_bytes if dialect == "postgresql" else _sqlite_bytes
    with platform.engine.connect() as connection:
        if dialect == "postgresql":
            sql = (
                "SELECT octet_length(state), pg_column_size(state), octet_length(data::text) "
                "FROM process_instance WHERE id = :id"
            )
        else:
            sql = (
                "SELECT length(CAST(state AS BLOB)), length(CAST(state AS BLOB)), "
                "length(CAST(data AS BLOB)) FROM process_instance WHERE id = :id"
            )
        state, stored, data = connection.execute(text(sql), {"id": instance_id}).tuples().one()
        row = row_bytes(connection, "process_instance", "id", instance_id)
        related = sum(
            row_bytes(connection, table, "instance_id", instance_id) for table in ("task", "event")
        )
    return StoredSize(point, int(state), int(stored), int(data), row, row + related)


@dataclass(frozen=True)
class ServiceResult:
    """Service-layer timings of one backend (b) and stored sizes (d)."""

    starts: Summary
    start_commits: Summary
    completions: Summary
    completion_commits: Summary
    by_task: dict[str, Summary]
    instances: Summary
    sizes: list[StoredSize]


def drive_instance(
    driver: ServiceDriver,
    on_complete: Callable[[str, Timing], None] | None = None,
    sizes: list[StoredSize] | None = None,
) -> tuple[Timing, float]:
    """Run one instance start to end through the services.

    Returns:
        The start's timing and the instance's total time in the services (start plus
        every completion, lookups between them excluded).

    Raises:
        RuntimeError: the instance did not end as the path says it should.
    """
    instance_id, start = driver.start()
    total = start.total
    if sizes is not None:
        sizes.append(stored_size(driver.platform, instance_id, "after start"))
    done = 0
    while (ready := driver.ready_task(instance_id)) is not None:
        timing = driver.complete(*ready)
        total += timing.total
        done += 1
        if on_complete is not None:
            on_complete(ready[1], timing)
        if sizes is not None and done == SIZE_AFTER_COMPLETIONS:
            point = f"after {SIZE_AFTER_COMPLETIONS} completions"
            sizes.append(stored_size(driver.platform, instance_id, point))
    status = driver.status(instance_id)
    if done != driver.tasks_per_instance or status != "complete":
        raise RuntimeError(f"instance {instance_id}: {done} tasks completed, status {status}")
    return start, total


def _median_sizes(sizes: list[StoredSize]) -> list[StoredSize]:
    """One median `StoredSize` per point, in the order the points were first seen."""
    points = list(dict.fromkeys(size.point for size in sizes))
    result = []
    for point in points:
        at = [size for size in sizes if size.point == point]
        result.append(
            StoredSize(
                point,
                *(
                    int(statistics.median(getattr(size, name) for size in at))
                    for name in ("state", "state_stored", "data", "row", "footprint")
                ),
            )
        )
    return result


def run_service_layer(platform: Platform, path: str, count: int, warmup: int) -> ServiceResult:
    """Drive `count` instances through the services after `warmup` untimed ones (b, d)."""
    driver = ServiceDriver(platform, path)
    for _ in range(warmup):
        drive_instance(driver)
    starts, start_commits, instances = Samples(), Samples(), Samples()
    completions, completion_commits = Samples(), Samples()
    sizes: list[StoredSize] = []

    by_task: dict[str, Samples] = {}

    def on_complete(bpmn_id: str, timing: Timing) -> None:
        completions.add(timing.total)
        completion_commits.add(timing.commit)
        by_task.setdefault(bpmn_id, Samples()).add(timing.total)

    for index in range(count):
        start, total = drive_instance(driver, on_complete, sizes if index < SIZE_SAMPLES else None)
        starts.add(start.total)
        start_commits.add(start.commit)
        instances.add(total)
    return ServiceResult(
        starts.summary(),
        start_commits.summary(),
        completions.summary(),
        completion_commits.summary(),
        {bpmn_id: samples.summary() for bpmn_id, samples in by_task.items()},
        instances.summary(),
        _median_sizes(sizes),
    )
