"""Procedures starting and waiting for one another through BPMN messages
(app/services/instances/links.py)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.engine.specs import Bundle
from app.errors import FormInvalid
from app.models import Event, Instance, User
from app.services.context import Platform
from app.services.process_models.deploy import DeployService

NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
)


def definitions(messages: dict[str, str], process_id: str, body: str) -> bytes:
    declared = "".join(f'<bpmn:message id="{i}" name="{n}" />' for i, n in messages.items())
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions {NS} id="d" '
        f'targetNamespace="x">{declared}<bpmn:process id="{process_id}" isExecutable="true">'
        f"{body}</bpmn:process></bpmn:definitions>"
    ).encode()


def flows(*ids: str) -> str:
    return "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}" />'
        for i, (a, b) in enumerate(zip(ids, ids[1:], strict=False))
    )


PROPS = (
    "<bpmn:extensionElements><spiffworkflow:properties>"
    '<spiffworkflow:property name="formJsonSchemaFilename" value="anak.schema.json" />'
    '<spiffworkflow:property name="referencePrefix" value="ANK" />'
    "</spiffworkflow:properties></bpmn:extensionElements>"
)
CHILD = definitions(
    {"m_mulai": "anak-uji", "m_selesai": "anak-uji-selesai"},
    "anak_uji",
    f'<bpmn:startEvent id="mulai">{PROPS}<bpmn:messageEventDefinition messageRef="m_mulai" />'
    "</bpmn:startEvent>"
    '<bpmn:userTask id="kerjakan" />'
    '<bpmn:endEvent id="akhir"><bpmn:messageEventDefinition messageRef="m_selesai">'
    "<bpmn:extensionElements><spiffworkflow:messagePayload>"
    '{"hasil": "beres", "x": x}'
    "</spiffworkflow:messagePayload></bpmn:extensionElements>"
    "</bpmn:messageEventDefinition></bpmn:endEvent>" + flows("mulai", "kerjakan", "akhir"),
)
CHILD_FORM = {"type": "object", "required": ["x"], "properties": {"x": {"type": "integer"}}}


def parent(target: str = "anak-uji", payload: str = '{"x": x}', wait: bool = True) -> bytes:
    catch = (
        '<bpmn:intermediateCatchEvent id="tunggu"><bpmn:messageEventDefinition '
        'messageRef="m_selesai"><bpmn:extensionElements><spiffworkflow:messageVariable>'
        "hasil_anak</spiffworkflow:messageVariable></bpmn:extensionElements>"
        "</bpmn:messageEventDefinition></bpmn:intermediateCatchEvent>"
    )
    return definitions(
        {"m_mulai": target, "m_selesai": f"{target}-selesai"},
        "induk_uji",
        '<bpmn:startEvent id="mulai" />'
        '<bpmn:intermediateThrowEvent id="kirim"><bpmn:messageEventDefinition '
        'messageRef="m_mulai"><bpmn:extensionElements><spiffworkflow:messagePayload>'
        f"{payload}</spiffworkflow:messagePayload></bpmn:extensionElements>"
        "</bpmn:messageEventDefinition></bpmn:intermediateThrowEvent>"
        + (catch if wait else "")
        + '<bpmn:endEvent id="akhir" />'
        + (
            flows("mulai", "kirim", "tunggu", "akhir") if wait else flows("mulai", "kirim", "akhir")
        ),
    )


def deploy(platform: Platform, files: dict[str, bytes]) -> None:
    with platform.sessions() as session, session.begin():
        DeployService(session, platform.clock, platform.specs).deploy(Bundle(files))


@pytest.fixture
def linked(platform: Platform, demo: None) -> Platform:
    deploy(
        platform,
        {"anak-uji.bpmn": CHILD, "anak.schema.json": json.dumps(CHILD_FORM).encode()},
    )
    return platform


def start_parent(platform: Platform, data: dict) -> int:
    with platform.sessions() as session, session.begin():
        user = session.scalars(select(User).where(User.username == "pengguna")).one()
        return platform.instances(session).start("induk-uji", data, user).id


def kinds(platform: Platform, instance_id: int) -> list[str]:
    with platform.sessions() as session:
        return list(
            session.scalars(
                select(Event.kind).where(Event.instance_id == instance_id).order_by(Event.id)
            )
        )


def test_a_parent_starts_a_child_waits_and_receives_its_result(linked: Platform) -> None:
    deploy(linked, {"induk-uji.bpmn": parent()})
    parent_id = start_parent(linked, {"x": 7})
    with linked.sessions() as session:
        waiting = session.get_one(Instance, parent_id)
        [child] = session.scalars(select(Instance).where(Instance.parent_id == parent_id)).all()
        assert waiting.status == "waiting"
        assert child.reference == "ANK-2026-000001"
        assert child.data["x"] == 7
        assert child.started_by.username == "pengguna"
        child_id = child.id
        [task_id] = [t.id for t in linked.instances(session).open_tasks(child)]
    with linked.sessions() as session, session.begin():
        # the child's task is in the starter's lane (no lane): the parent's starter does it
        user = session.scalars(select(User).where(User.username == "pengguna")).one()
        linked.tasks(session).complete(task_id, {}, user)
    with linked.sessions() as session:
        done = session.get_one(Instance, parent_id)
        assert done.status == "complete"
        assert done.data["hasil_anak"] == {"hasil": "beres", "x": 7}
        assert session.get_one(Instance, child_id).status == "complete"
    assert "child_started" in kinds(linked, parent_id)
    assert "message_received" in kinds(linked, parent_id)


def test_child_data_that_fails_its_start_form_refuses_the_parents_step(
    linked: Platform,
) -> None:
    deploy(linked, {"induk-uji.bpmn": parent(payload='{"x": "tujuh"}')})
    with pytest.raises(FormInvalid) as refused:
        start_parent(linked, {})
    assert "anak-uji.x" in refused.value.errors
    with linked.sessions() as session:
        assert session.scalars(select(Instance)).all() == []


def test_a_message_no_model_starts_is_recorded_not_lost(linked: Platform) -> None:
    deploy(linked, {"induk-uji.bpmn": parent(target="tidak-ada", wait=False)})
    parent_id = start_parent(linked, {"x": 1})
    assert "message_undelivered" in kinds(linked, parent_id)
    with linked.sessions() as session:
        assert session.get_one(Instance, parent_id).status == "complete"
