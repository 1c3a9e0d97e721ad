"""Procedures starting and waiting for one another.

Links are BPMN messages between pools (docs/bpmn-conventions.md, "Links between
procedures"): a message named after a model id starts that model, with the thrower as its
parent; a message `<model-id>-selesai` thrown by a child goes back to its parent. Both
happen in the transaction of the step that threw them, so a link is never half made.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy.orm import Session

from app.clock import Clock
from app.engine.runtime import Message
from app.errors import DomainError, FormInvalid, NotFound
from app.models import Event, Instance, User
from app.services.audit.events import record
from app.services.deadlines.clock_history import SERVICE_RESTORED

#: What a child throws when it is done, after its model id.
DONE_SUFFIX = "-selesai"
#: How deep a chain of procedures starting procedures may go in one step.
MAX_DEPTH = 8
_DEPTH_KEY = "link_depth"


class Transitions(Protocol):
    """What links need of the instance lifecycle (`InstanceService` provides it): start
    an instance, hand one a message, and say which message starts a model."""

    session: Session
    clock: Clock

    def start(
        self,
        process_model_id: str,
        data: dict[str, Any],
        user: User,
        parent: Instance | None = None,
    ) -> Instance: ...

    def receive(
        self, instance_id: int, message: Message, actor: User | None, context: dict[str, Any]
    ) -> bool: ...

    def start_message_of(self, process_model_id: str) -> str | None: ...

    def events(self, instance: Instance) -> list[Event]: ...


def dispatch(
    instances: Transitions, instance: Instance, messages: Sequence[Message], actor: User | None
) -> None:
    """Deliver the messages an instance threw in a step: start children, answer parents.

    Raises:
        FormInvalid: a child's start data fails its start form (the whole step is refused).
        DomainError: procedures start each other deeper than `MAX_DEPTH` in one step.
    """
    if not messages:
        return
    session = instances.session
    depth = session.info.get(_DEPTH_KEY, 0)
    if depth >= MAX_DEPTH:
        raise DomainError(
            "Prosedur saling memulai terlalu dalam / procedures start each other too deeply"
        )
    session.info[_DEPTH_KEY] = depth + 1
    try:
        for message in messages:
            if message.name.endswith(DONE_SUFFIX) and instance.parent_id is not None:
                _answer_parent(instances, instance, message, actor)
            else:
                _start_child(instances, instance, message)
    finally:
        session.info[_DEPTH_KEY] = depth


def _undelivered(instances: Transitions, instance: Instance, message: Message, why: str) -> None:
    record(
        instances.session,
        instance,
        "message_undelivered",
        instances.clock.now(),
        None,
        data={"message": message.name, "reason": why},
    )


def _start_child(instances: Transitions, instance: Instance, message: Message) -> None:
    """Start the model named by the message, as the parent's starter, with the payload."""
    try:
        start_message = instances.start_message_of(message.name)
    except NotFound:
        _undelivered(instances, instance, message, "tidak ada prosedur bernama itu / no such model")
        return
    if start_message != message.name:
        _undelivered(
            instances,
            instance,
            message,
            "prosedur itu tidak dimulai oleh pesan ini / that model does not start on it",
        )
        return
    payload = message.payload if isinstance(message.payload, dict) else {}
    start_child(instances, instance, message.name, payload)


def start_child(
    instances: Transitions,
    parent: Instance,
    model_id: str,
    data: dict[str, Any],
    **context: Any,
) -> Instance:
    """Start `model_id` as `parent`'s child, as its starter, and record the link.

    `context` is added to the parent's `child_started` event (e.g. why it was started).

    Raises:
        FormInvalid: `data` fails the child's start form (fields prefixed with the model).
    """
    try:
        child = instances.start(model_id, data, parent.started_by, parent=parent)
    except FormInvalid as err:
        raise FormInvalid(
            f"Data untuk prosedur {model_id} tidak lengkap / the data handed to "
            f"{model_id} fails its start form",
            {f"{model_id}.{field}": problems for field, problems in err.errors.items()},
        ) from None
    record(
        instances.session,
        parent,
        "child_started",
        instances.clock.now(),
        None,
        data={
            "child": child.id,
            "reference": child.reference,
            "process_model_id": model_id,
            **context,
        },
    )
    return child


def _restored_at(instances: Transitions, child: Instance) -> dict[str, str]:
    """When the child's form first said the service was restored (`layanan_pulih`).

    A DRP activation ends after its evaluation and sign-off; the RTO clock of the
    complaint that started it stops at the recovery itself, not at that sign-off.
    """
    for event in instances.events(child):
        submitted = (event.data or {}).get("data") or {}
        if event.kind == "task_completed" and submitted.get(SERVICE_RESTORED) is True:
            return {"restored_at": event.at.isoformat()}
    return {}


def _answer_parent(
    instances: Transitions, child: Instance, message: Message, actor: User | None
) -> None:
    """Hand the child's result to its parent, which waits in a message catch event."""
    context = {"from": child.id, **_restored_at(instances, child)}
    if not instances.receive(child.parent_id or 0, message, actor, context):
        _undelivered(instances, child, message, "induk tidak menunggu / the parent is not waiting")
