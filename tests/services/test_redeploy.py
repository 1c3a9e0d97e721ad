"""Deploying a changed diagram never breaks the instances running on the earlier version."""

from __future__ import annotations

from sqlalchemy import select

from app.engine.specs import Bundle, SpecCache
from app.models import Instance, User
from app.services.context import Platform
from app.services.process_models.deploy import DeployService
from tests.bpmn import linear, warned_condition

V1 = linear('<bpmn:userTask id="satu" />', '<bpmn:userTask id="dua" />')
V2 = linear(
    '<bpmn:userTask id="pertama" />',
    '<bpmn:scriptTask id="s"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>',
)


def deploy(platform: Platform, bpmn: bytes) -> None:
    with platform.sessions() as session, session.begin():
        DeployService(session, platform.clock, platform.specs).deploy(Bundle({"ulang.bpmn": bpmn}))


def start(platform: Platform) -> tuple[int, str]:
    with platform.sessions() as session, session.begin():
        user = session.scalars(select(User).where(User.username == "pengguna")).one()
        service = platform.instances(session)
        instance = service.start("ulang", {}, user)
        return instance.id, service.open_tasks(instance)[0].bpmn_id


def complete_open(platform: Platform, instance_id: int) -> list[str]:
    with platform.sessions() as session, session.begin():
        user = session.scalars(select(User).where(User.username == "pengguna")).one()
        service = platform.instances(session)
        [task] = service.open_tasks(session.get_one(Instance, instance_id))
        platform.tasks(session).complete(task.id, {}, user)
        return [t.bpmn_id for t in service.open_tasks(session.get_one(Instance, instance_id))]


def test_a_running_instance_finishes_on_its_version_and_new_ones_take_the_newest(
    platform: Platform, demo: None
) -> None:
    deploy(platform, V1)
    old_id, first = start(platform)
    assert first == "satu"
    deploy(platform, V2)
    new_id, new_first = start(platform)
    assert new_first == "pertama"
    assert complete_open(platform, old_id) == ["dua"]  # still the v1 diagram
    assert complete_open(platform, old_id) == []
    assert complete_open(platform, new_id) == []
    with platform.sessions() as session:
        old, new = session.get_one(Instance, old_id), session.get_one(Instance, new_id)
        assert (old.status, new.status) == ("complete", "complete")
        assert (old.version.version, new.version.version) == (1, 2)
        assert new.data["x"] == 1


def test_content_is_checked_and_parsed_once_however_often_it_is_deployed(
    platform: Platform, demo: None
) -> None:
    """An unchanged deploy compares hashes before any check; a version whose content an
    earlier version had reuses that parse."""
    deploy(platform, V1)
    deploy(platform, V2)
    deploy(platform, V1)  # version 3, the content of version 1
    with platform.sessions() as session, session.begin():
        fresh = SpecCache()
        deployments = DeployService(session, platform.clock, fresh)
        again = deployments.deploy(Bundle({"ulang.bpmn": V1}))
        assert (again.created, again.version) == (False, 3)
        assert len(fresh.parses) == 0  # nothing was parsed to find that out
        one, three = (deployments.version("ulang", n).id for n in (1, 3))
        assert deployments.parsed(one) is deployments.parsed(three)
        assert len(fresh.parses) == 1


def test_an_unchanged_deploy_reports_the_warnings_stored_with_its_version(
    platform: Platform, demo: None
) -> None:
    with platform.sessions() as session, session.begin():
        deployments = DeployService(session, platform.clock, platform.specs)
        first = deployments.deploy(Bundle({"ulang.bpmn": warned_condition()}))
        again = DeployService(session, platform.clock, SpecCache()).deploy(
            Bundle({"ulang.bpmn": warned_condition()})
        )
    assert first.created
    assert not again.created
    assert first.warnings  # else the comparison below proves nothing
    assert [w.as_dict() for w in again.warnings] == [w.as_dict() for w in first.warnings]
    assert all(w.severity == "warning" for w in again.warnings)
