"""Messages and signals from outside: to one instance, by correlation, or to every
waiting instance (issue 16, item 2; app/services/instances/messaging.py)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.deps import authenticated, current_user, platform, session
from app.api.process_instances import shown
from app.api.schemas import InstanceSchema
from app.services.instances.messaging import NAME_MAX, EventSender

blp = Blueprint(
    "events",
    __name__,
    url_prefix="/api/v1",
    description="Messages and signals sent to waiting instances",
)

_NAME = fields.String(
    required=True,
    validate=validate.Length(min=1, max=NAME_MAX),
    metadata={
        "description": "The message's or signal's name in the diagram; an instance's "
        "`waiting_for` lists the names it waits for now"
    },
)
_PAYLOAD = fields.Dict(
    load_default=dict,
    metadata={
        "description": "A JSON object, capped as task data is (TASK_DATA_MAX_BYTES, "
        "TASK_DATA_MAX_DEPTH); SpiffWorkflow stores it under the catch event's "
        "`spiffworkflow:messageVariable` (a signal's `spiffworkflow:variableName`)"
    },
)


class InstanceMessageSchema(Schema):
    name = _NAME
    payload = _PAYLOAD


class MessageSchema(Schema):
    name = _NAME
    correlation = fields.Dict(
        load_default=dict,
        metadata={
            "description": "Correlation property -> value (the property ids of the "
            "instance's `waiting_for[].correlation`). A property the message's retrieval "
            "expression reads from the payload is read from it and must agree; exactly one "
            "waiting instance must match"
        },
    )
    payload = _PAYLOAD


class SignalSchema(Schema):
    name = _NAME
    payload = _PAYLOAD


class DeliveredSchema(Schema):
    instances = fields.List(
        fields.Nested(InstanceSchema),
        metadata={"description": "The instances that caught it, or the one it started"},
    )
    started = fields.Boolean(
        metadata={"description": "True when no instance waited and the message started one"}
    )


def _sender() -> EventSender:
    return EventSender(platform().instances(session()))


def _answer(instances: list[Any], started: bool = False) -> dict[str, Any]:
    return {"instances": [shown(instance) for instance in instances], "started": started}


@blp.route("/process-instances/<int:instance_id>/messages", methods=["POST"])
@authenticated
@blp.arguments(InstanceMessageSchema)
@blp.response(200, InstanceSchema)
@blp.alt_response(403, description="Not a supervisor of the instance (it exists)")
@blp.alt_response(404, description="No such instance, or it waits for no message of that name")
@blp.alt_response(409, description="Not running or waiting, correlation mismatch, or a race")
@blp.alt_response(422, description="No name, or a payload that is not an object within the caps")
def send_to_instance(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """Hand a message to an instance that waits for it (supervisors of the instance);
    recorded as a `message_received` event naming the sender."""
    instance = _sender().to_instance(instance_id, current_user(), body["name"], body["payload"])
    session().commit()
    return shown(instance)


@blp.route("/messages", methods=["POST"])
@authenticated
@blp.arguments(MessageSchema)
@blp.response(200, DeliveredSchema)
@blp.alt_response(201, schema=DeliveredSchema, description="No instance waited: one started")
@blp.alt_response(
    404,
    description="No instance the caller supervises waits for it (others are not revealed) "
    "and no model the caller may start starts on it",
)
@blp.alt_response(409, description="The correlation matches more than one waiting instance")
@blp.alt_response(422, description="Bad name, correlation or payload")
def send_message(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Hand a message to the one waiting instance whose correlation matches, among those
    the caller supervises; when none waits, start the model whose message start event has
    that name (if the caller may start it)."""
    delivered = _sender().message(
        current_user(), body["name"], body["correlation"], body["payload"]
    )
    session().commit()
    return _answer(delivered.instances, delivered.started), 201 if delivered.started else 200


@blp.route("/signals", methods=["POST"])
@authenticated
@blp.arguments(SignalSchema)
@blp.response(200, DeliveredSchema)
@blp.alt_response(404, description="No instance the caller supervises waits for it")
@blp.alt_response(409, description="One of them changed meanwhile; nothing was delivered")
@blp.alt_response(422, description="Bad name or payload")
def send_signal(body: dict[str, Any]) -> dict[str, Any]:
    """Hand a signal to every waiting instance the caller supervises, each a
    `signal_received` event naming the sender."""
    delivered = _sender().signal(current_user(), body["name"], body["payload"])
    session().commit()
    return _answer(delivered.instances)
