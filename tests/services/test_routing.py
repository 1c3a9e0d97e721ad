"""Routing: lane -> role -> holders for the instance's service, else PD, else everywhere."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.routing import candidates, reach_of, role_holders
from app.engine.specs import Bundle
from app.errors import NotPermitted
from app.models import Agency, Event, Service, Task, User
from app.services.accounts.users import AccountService
from app.services.context import Platform
from app.services.process_models.deploy import DeployService
from tests.bpmn import lanes, linear
from tests.conftest import T0

ADMIN = "Administrator Layanan"
BPMN = linear(
    '<bpmn:userTask id="tangani" name="Tangani" />',
    '<bpmn:userTask id="konfirmasi" name="Konfirmasi" />',
    '<bpmn:userTask id="kerjakan" name="Kerjakan"><bpmn:extensionElements>'
    '<spiffworkflow:properties><spiffworkflow:property name="assigneeVariable" '
    'value="pelaksana" /></spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>',
    lane_xml=lanes(
        Pemohon=["start", "konfirmasi", "end"], Administrator_Layanan=["tangani", "kerjakan"]
    ),
)
USERS = {
    "svc_admin": ("service", "SIMPEG"),
    "pd_admin": ("agency", "BKPSDM"),
    "glob_admin": (None, None),
    "other_pd": ("agency", "DISDUKCAPIL"),
    "requester": None,
}


@pytest.fixture
def world(platform: Platform) -> Platform:
    with platform.sessions() as session, session.begin():
        bkpsdm = Agency(code="BKPSDM", name="BKPSDM")
        dukcapil = Agency(code="DISDUKCAPIL", name="Dukcapil")
        session.add_all([bkpsdm, dukcapil])
        session.flush()
        session.add_all(
            [
                Service(
                    code="SIMPEG",
                    name="SIMPEG",
                    agency_id=bkpsdm.id,
                    group="Administrasi Pemerintahan",
                    classification="Esensial",
                ),
                Service(
                    code="SIAK",
                    name="SIAK",
                    agency_id=dukcapil.id,
                    group="Publik",
                    classification="Kritis",
                ),
            ]
        )
        session.flush()
        accounts = AccountService(session, platform.clock)
        for username, scope in USERS.items():
            accounts.create_user(username, "rahasia-123")
            if scope is not None:
                kind, code = scope
                accounts.grant(
                    username,
                    ADMIN,
                    service_code=code if kind == "service" else None,
                    agency_code=code if kind == "agency" else None,
                )
        DeployService(session, platform.clock, platform.specs).deploy(
            Bundle({"routing.bpmn": BPMN})
        )
    return platform


def user(session: Session, name: str) -> User:
    return session.scalars(select(User).where(User.username == name)).one()


def start(platform: Platform, service: str = "SIMPEG", **data: object) -> int:
    with platform.sessions() as session, session.begin():
        instance = platform.instances(session).start(
            "routing", {"layanan": service, **data}, user(session, "requester")
        )
        return instance.id


def open_task(session: Session, instance_id: int) -> Task:
    return session.scalars(
        select(Task).where(Task.instance_id == instance_id, Task.state == "ready")
    ).one()


def routed_to(session: Session, task: Task) -> list[str]:
    """The task's candidates, asserting the three forms of the rule agree."""
    listed = candidates(session, task, T0)
    by_sql, by_python = [], []
    for person in session.scalars(select(User).order_by(User.username)):
        reach = reach_of(session, person, T0)
        if session.scalar(select(reach.clause()).select_from(Task).where(Task.id == task.id)):
            by_sql.append(person.username)
        if reach.may_act(task):
            by_python.append(person.username)
    assert listed == by_sql == by_python, (listed, by_sql, by_python)
    return listed


def inbox_of(platform: Platform, session: Session, name: str) -> list[str]:
    return [t.id for t in platform.tasks(session).inbox(user(session, name)).items]


def test_service_holder_beats_pd_and_global_holders(world: Platform) -> None:
    instance_id = start(world)
    with world.sessions() as session:
        task = open_task(session, instance_id)
        assert routed_to(session, task) == ["svc_admin"]
        assert inbox_of(world, session, "svc_admin") == [task.id]
        for other in ("pd_admin", "glob_admin", "other_pd", "requester"):
            assert inbox_of(world, session, other) == []
            with pytest.raises(NotPermitted):
                world.tasks(session).get(task.id, user(session, other))


def test_pd_holder_when_no_service_holder_then_global(world: Platform) -> None:
    instance_id = start(world)
    with world.sessions() as session, session.begin():
        AccountService(session, world.clock).revoke("svc_admin", ADMIN, service_code="SIMPEG")
    with world.sessions() as session:
        task = open_task(session, instance_id)
        assert routed_to(session, task) == ["pd_admin"]
    with world.sessions() as session, session.begin():
        AccountService(session, world.clock).revoke("pd_admin", ADMIN, agency_code="BKPSDM")
    with world.sessions() as session:
        task = open_task(session, instance_id)
        assert routed_to(session, task) == ["glob_admin"]
        assert inbox_of(world, session, "glob_admin") == [task.id]


def test_other_pd_holder_never_sees_the_task(world: Platform) -> None:
    instance_id = start(world, service="SIAK")
    with world.sessions() as session:
        task = open_task(session, instance_id)
        assert routed_to(session, task) == ["other_pd"]
        assert inbox_of(world, session, "other_pd") == [task.id]
        assert inbox_of(world, session, "pd_admin") == []


def test_global_holder_takes_services_nobody_closer_holds(world: Platform) -> None:
    """Closer holders elsewhere (SIMPEG, BKPSDM) must not hide this task from them."""
    with world.sessions() as session, session.begin():
        diskominfo = Agency(code="DISKOMINFO", name="Diskominfo")
        session.add(diskominfo)
        session.flush()
        session.add(
            Service(
                code="JARINGAN",
                name="Jaringan",
                agency_id=diskominfo.id,
                group="Administrasi Pemerintahan",
                classification="Normal",
            )
        )
    instance_id = start(world, service="JARINGAN")
    with world.sessions() as session:
        task = open_task(session, instance_id)
        assert routed_to(session, task) == ["glob_admin"]
        assert inbox_of(world, session, "glob_admin") == [task.id]


def test_requester_lane_goes_to_the_starter_only(world: Platform) -> None:
    instance_id = start(world, pelaksana="pd_admin")
    with world.sessions() as session, session.begin():
        task = open_task(session, instance_id)
        world.tasks(session).complete(task.id, {}, user(session, "svc_admin"))
    with world.sessions() as session:
        task = open_task(session, instance_id)
        assert task.lane == "Pemohon"
        assert routed_to(session, task) == ["requester"]
        assert inbox_of(world, session, "svc_admin") == []


def _to_assigned_task(world: Platform, pelaksana: str) -> str:
    instance_id = start(world, pelaksana=pelaksana)
    for actor in ("svc_admin", "requester"):
        with world.sessions() as session, session.begin():
            task = open_task(session, instance_id)
            world.tasks(session).complete(task.id, {}, user(session, actor))
    with world.sessions() as session:
        return open_task(session, instance_id).id


def test_assignee_variable_narrows_to_the_chosen_holder(world: Platform) -> None:
    task_id = _to_assigned_task(world, "pd_admin")
    with world.sessions() as session:
        task = session.get_one(Task, task_id)
        assert task.assignee == "pd_admin"
        assert not task.unroutable
        assert routed_to(session, task) == ["pd_admin"]
        assert inbox_of(world, session, "svc_admin") == []


@pytest.mark.parametrize("pelaksana", ["nobody", "other_pd", "requester"])
def test_assignee_without_the_role_for_the_scope_is_flagged(
    world: Platform, pelaksana: str
) -> None:
    task_id = _to_assigned_task(world, pelaksana)
    with world.sessions() as session:
        task = session.get_one(Task, task_id)
        assert task.unroutable
        assert routed_to(session, task) == []
        flagged = session.scalars(select(Event).where(Event.kind == "task_unroutable")).all()
        assert [e.task_id for e in flagged] == [task_id]


def test_task_with_no_role_holder_is_flagged_not_lost(world: Platform) -> None:
    with world.sessions() as session, session.begin():
        accounts = AccountService(session, world.clock)
        accounts.revoke("svc_admin", ADMIN, service_code="SIMPEG")
        accounts.revoke("pd_admin", ADMIN, agency_code="BKPSDM")
        accounts.revoke("glob_admin", ADMIN)
    instance_id = start(world)
    with world.sessions() as session:
        task = open_task(session, instance_id)
        assert task.unroutable
        assert session.scalar(select(Event.id).where(Event.kind == "task_unroutable"))


def test_inactive_holder_is_no_candidate(world: Platform) -> None:
    with world.sessions() as session, session.begin():
        user(session, "svc_admin").active = False
    instance_id = start(world)
    with world.sessions() as session:
        task = open_task(session, instance_id)
        assert routed_to(session, task) == ["pd_admin"]


def test_an_unscoped_task_goes_to_holders_everywhere_only(world: Platform) -> None:
    """No service and no PD: PD-level holders of other PDs are not candidates."""
    with world.sessions() as session:
        assert role_holders(session, ADMIN, None, None, T0) == ["glob_admin"]
        bkpsdm = session.scalars(select(Agency).where(Agency.code == "BKPSDM")).one()
        assert role_holders(session, ADMIN, None, bkpsdm.id, T0) == ["pd_admin"]
