"""Inbox latency over a large task table (c).

Open tasks are bulk-inserted with SQLAlchemy core (one instance row per open task, as
this process has one ready task at a time) and spread over the demo catalog's seven
services and five agencies and over the process's lanes. Most are invisible to the two
measured users; exactly `visible` per user are theirs to take:

* a service-level holder (`bench.al.simpeg.1`, Administrator Layanan for SIMPEG) sees
  the unclaimed classification tasks of SIMPEG;
* a global holder (`admin.layanan`, Administrator Layanan everywhere in the demo data)
  sees only those of PPID, the one service nobody holds the role for at service or
  agency level, because routing falls back to global holders only there;
* a PD-level holder (`bench.pj.pd`, Penanggung Jawab Penyedia Layanan for SIMPEG's PD)
  sees the approvals of SIMPEG, which no service-level holder of that role takes; the
  other approvals are of services of other PDs, left to the global holder.

The rest are claimed by colleagues, assigned to a named pelaksana or requester, in
the approver's lane, in another service, or belong to suspended instances. Instance
rows carry a stub state: the inbox never reads that column.
"""

from __future__ import annotations

import random
import time
import uuid
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select

from app.engine.specs import ParsedModel
from app.models import (
    REQUESTER_LANE,
    Agency,
    Base,
    Instance,
    InstanceStatus,
    ProcessModelVersion,
    RoleAssignment,
    Service,
    Task,
    TaskState,
    User,
)
from app.services.context import Platform
from bench.flow import MODEL_ID
from bench.stats import Summary, repeat_for, summarize

ROLE = "Administrator Layanan"
APPROVER_ROLE = "Penanggung Jawab Penyedia Layanan"
MEASURED_SERVICE = "SIMPEG"
FALLBACK_SERVICE = "PPID"  # nobody holds ROLE for it below global level
GLOBAL_USER = "admin.layanan"
FALLBACK_PELAKSANA = "pelaksana"
HOLDERS_PER_SERVICE = 3
PD_USER = "bench.pj.pd"
REQUESTERS = 300
NO_LOGIN_HASH = "!bench-user-cannot-sign-in"  # not an argon2 hash: authenticate refuses it
STUB_STATE = zlib.compress(b'{"bench":"stub state, the inbox never reads it"}')
CHUNK = 5_000
TABLES = Base.metadata.tables
PAGE_SIZE = 50

#: Kinds of invisible open tasks and their shares of the bulk.
INVISIBLE_KINDS = {
    "classify_other_service": 25,
    "classify_claimed": 5,
    "approve": 10,
    "fulfil_assigned": 30,
    "confirm_requester": 28,
    "suspended_instance": 2,
}


@dataclass(frozen=True)
class ServiceScope:
    """A catalog service with its agency and its service-level role holders."""

    id: int
    agency_id: int
    code: str
    holder_ids: tuple[int, ...]
    holder_names: tuple[str, ...]


@dataclass(frozen=True)
class MeasuredUser:
    """A user whose inbox is timed, and how they come to see tasks."""

    id: int
    username: str
    scope: str


@dataclass(frozen=True)
class InboxPeople:
    """Who the bulk rows belong to and who is measured."""

    measured: tuple[MeasuredUser, ...]
    services: tuple[ServiceScope, ...]
    requesters: tuple[tuple[int, str], ...]
    version_id: int

    def service(self, code: str) -> ServiceScope:
        """The scope of the service with `code`."""
        return next(scope for scope in self.services if scope.code == code)


def _insert_users(engine: Engine, names: list[tuple[str, int]], now: datetime) -> dict[str, int]:
    """Insert users (username, agency id) that cannot sign in; return their ids."""
    rows = [
        {
            "username": name,
            "full_name": name,
            "email": f"{name}@bench.invalid",
            "password_hash": NO_LOGIN_HASH,
            "active": True,
            "agency_id": agency,
            "created_at": now,
        }
        for name, agency in names
    ]
    table = TABLES[User.__tablename__]
    with engine.begin() as connection:
        ids: Sequence[int] = (
            connection.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
            )
            .scalars()
            .all()
        )
    return {name: user_id for (name, _), user_id in zip(names, ids, strict=True)}


def prepare_people(platform: Platform) -> InboxPeople:
    """Add requesters and service-level holders next to the demo users.

    Every service but PPID gets `HOLDERS_PER_SERVICE` Administrator Layanan holders at
    service level, which is what makes SIMPEG's tasks invisible to global holders.
    """
    engine, now = platform.engine, platform.clock.now()
    with platform.sessions() as session:
        services = session.execute(
            select(Service.id, Service.agency_id, Service.code).order_by(Service.id)
        ).all()
        agencies = list(session.scalars(select(Agency.id).order_by(Agency.id)))
        global_id = session.scalars(select(User.id).where(User.username == GLOBAL_USER)).one()
        version_id = session.scalars(
            select(ProcessModelVersion.id)
            .where(ProcessModelVersion.process_model_id == MODEL_ID)
            .order_by(ProcessModelVersion.version.desc())
        ).first()
    if version_id is None:
        raise RuntimeError(f"{MODEL_ID} is not deployed")
    holders = {
        code: [f"bench.al.{code.lower()}.{n}" for n in range(1, HOLDERS_PER_SERVICE + 1)]
        for _, _, code in services
        if code != FALLBACK_SERVICE
    }
    agency_of = {code: agency_id for _, agency_id, code in services}
    users = [(name, agency_of[code]) for code, names in holders.items() for name in names]
    requesters = [
        (f"bench.pemohon.{n:04d}", agencies[n % len(agencies)]) for n in range(REQUESTERS)
    ]
    measured_agency = agency_of[MEASURED_SERVICE]
    ids = _insert_users(engine, users + requesters + [(PD_USER, measured_agency)], now)
    grants = [
        {
            "user_id": ids[name],
            "role": ROLE,
            "service_id": service_id,
            "agency_id": None,
            "granted_at": now,
        }
        for service_id, _, code in services
        for name in holders.get(code, [])
    ]
    grants.append(
        {
            "user_id": ids[PD_USER],
            "role": APPROVER_ROLE,
            "service_id": None,
            "agency_id": measured_agency,
            "granted_at": now,
        }
    )
    with engine.begin() as connection:
        connection.execute(insert(TABLES[RoleAssignment.__tablename__]), grants)
    scopes = tuple(
        ServiceScope(
            service_id,
            agency_id,
            code,
            tuple(ids[name] for name in holders.get(code, [])),
            tuple(holders.get(code, [])),
        )
        for service_id, agency_id, code in services
    )
    measured = f"bench.al.{MEASURED_SERVICE.lower()}.1"
    return InboxPeople(
        measured=(
            MeasuredUser(ids[measured], measured, "service-level holder"),
            MeasuredUser(global_id, GLOBAL_USER, "global holder"),
            MeasuredUser(ids[PD_USER], PD_USER, "PD-level holder"),
        ),
        services=scopes,
        requesters=tuple((ids[name], name) for name, _ in requesters),
        version_id=version_id,
    )


class RowFactory:
    """Makes (instance row, task row) pairs of each kind, reproducibly from a seed."""

    def __init__(self, people: InboxPeople, model: ParsedModel, seed: int, now: datetime) -> None:
        self.people = people
        self.model = model
        self.rng = random.Random(seed)
        self.now = now
        self.visible_per_user = 0

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def pair(self, kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """One open task of `kind` and the instance it belongs to."""
        rng, people = self.rng, self.people
        requester_id, requester = rng.choice(people.requesters)
        others = [s for s in people.services if s.code not in (MEASURED_SERVICE, FALLBACK_SERVICE)]
        bpmn_id, lane, status = "klasifikasi_prioritas", ROLE, InstanceStatus.RUNNING
        assignee, requires_role, claimed = None, True, None
        if kind == "visible_service":
            scope = people.service(MEASURED_SERVICE)
        elif kind == "visible_global":
            scope = people.service(FALLBACK_SERVICE)
        elif kind == "visible_agency":
            scope = people.service(MEASURED_SERVICE)
            bpmn_id, lane = "persetujuan_permintaan", APPROVER_ROLE
        elif kind == "classify_other_service":
            scope = rng.choice(others)
            claimed = rng.choice(scope.holder_ids) if rng.random() < 0.3 else None
        elif kind == "classify_claimed":
            scope = people.service(MEASURED_SERVICE)
            claimed = rng.choice(scope.holder_ids[1:])  # a colleague, never the measured user
        elif kind == "suspended_instance":
            scope = people.service(rng.choice((MEASURED_SERVICE, FALLBACK_SERVICE)))
            status = InstanceStatus.SUSPENDED
        else:
            scope = rng.choice(people.services)
            if kind == "approve":
                measured_agency = people.service(MEASURED_SERVICE).agency_id
                scope = rng.choice([s for s in people.services if s.agency_id != measured_agency])
                bpmn_id, lane = "persetujuan_permintaan", APPROVER_ROLE
            elif kind == "fulfil_assigned":
                bpmn_id = "pemenuhan_permintaan"
                assignee = (
                    rng.choice(scope.holder_names[1:]) if scope.holder_names else FALLBACK_PELAKSANA
                )
            else:
                bpmn_id, lane, assignee, requires_role = (
                    "konfirmasi_pemenuhan",
                    REQUESTER_LANE,
                    requester,
                    False,
                )
        created = self.now - timedelta(seconds=rng.uniform(60, 60 * 86_400))
        info = self.model.user_tasks[bpmn_id]
        instance = {
            "process_model_id": MODEL_ID,
            "version_id": people.version_id,
            "status": status,
            "started_by_id": requester_id,
            "started_at": created - timedelta(hours=1),
            "updated_at": created,
            "service_id": scope.id,
            "agency_id": scope.agency_id,
            "data": {"layanan": scope.code, "judul": f"Permintaan {scope.code}"},
            "state": STUB_STATE,
            "lock_version": 1,
        }
        task = {
            "id": self._uuid(),
            "process_model_id": MODEL_ID,
            "bpmn_id": bpmn_id,
            "title": info.title,
            "lane": lane,
            # As the app writes them: a suspended instance's tasks are held, not ready.
            "state": TaskState.HELD if status == InstanceStatus.SUSPENDED else TaskState.READY,
            "service_id": scope.id,
            "agency_id": scope.agency_id,
            "assignee": assignee,
            "requires_role": requires_role,
            "unroutable": False,
            "claimed_by_id": claimed,
            "form_file": info.form.schema_file if info.form else None,
            "ui_form_file": info.form.ui_file if info.form else None,
            "instructions": info.instructions,
            "created_at": created,
        }
        return instance, task

    def kinds(self, count: int, visible: int) -> list[str]:
        """`visible` tasks for each measured user, the rest invisible by weight, shuffled."""
        visible = min(visible, count // 3)
        self.visible_per_user += visible
        names, weights = zip(*INVISIBLE_KINDS.items(), strict=True)
        kinds = ["visible_service", "visible_global", "visible_agency"] * visible
        kinds += self.rng.choices(names, weights=weights, k=count - 3 * visible)
        self.rng.shuffle(kinds)
        return kinds


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def open_tasks(engine: Engine) -> int:
    """Open tasks (ready, or held by a suspended instance) in the whole database."""
    with engine.connect() as connection:
        count = connection.scalar(
            select(func.count())
            .select_from(Task)
            .where(Task.state.in_((TaskState.READY, TaskState.HELD)))
        )
    return int(count or 0)


def top_up(engine: Engine, rows: RowFactory, target: int, visible: int) -> int:
    """Insert open tasks until the database holds `target`; returns how many were added."""
    missing = target - open_tasks(engine)
    if missing <= 0:
        return 0
    instances, tasks = TABLES[Instance.__tablename__], TABLES[Task.__tablename__]
    for chunk in _chunks(rows.kinds(missing, visible), CHUNK):
        pairs = [rows.pair(kind) for kind in chunk]
        with engine.begin() as connection:
            ids: Sequence[int] = (
                connection.execute(
                    insert(instances).returning(instances.c.id, sort_by_parameter_order=True),
                    [instance for instance, _ in pairs],
                )
                .scalars()
                .all()
            )
            for (_, task), instance_id in zip(pairs, ids, strict=True):
                task["instance_id"] = instance_id
            connection.execute(insert(tasks), [task for _, task in pairs])
    return missing


@dataclass(frozen=True)
class InboxResult:
    """Inbox latency for one user at one table size."""

    open_tasks: int
    user: str
    scope: str
    latency: Summary
    visible: int
    expected: int
    page: int


@dataclass(frozen=True)
class QueryLimits:
    """How many inbox calls to time, with a time cap, after some untimed ones."""

    queries: int
    max_seconds: float
    warmup: int


def measure_inbox(
    platform: Platform, user: MeasuredUser, expected: int, limits: QueryLimits
) -> InboxResult:
    """Time `TaskService.inbox` (first page of 50 plus the count) for one user.

    Each call gets its own session, as each API request does; loading the user is not
    timed, the page query and the count are. `expected` is how many tasks the bulk data
    route to the user, so a disagreement between inbox and routing shows in the report.
    """
    seen: dict[str, int] = {}

    def once() -> float:
        with platform.sessions() as session:
            account = session.get_one(User, user.id)
            service = platform.tasks(session)
            began = time.perf_counter()
            page = service.inbox(account, 1, PAGE_SIZE)
            elapsed = time.perf_counter() - began
            seen.update(visible=page.total, page=len(page.items))
        return elapsed

    for _ in range(limits.warmup):
        once()
    samples = repeat_for(once, limits.queries, limits.max_seconds)
    return InboxResult(
        open_tasks(platform.engine),
        user.username,
        user.scope,
        summarize(samples),
        seen["visible"],
        expected,
        seen["page"],
    )
