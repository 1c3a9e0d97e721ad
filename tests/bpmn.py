"""Small BPMN documents for tests, built from a few flow elements."""

from __future__ import annotations

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'id="defs" targetNamespace="http://bpmn.io/schema/bpmn">\n'
)


def form(schema_file: str, assignee: str | None = None) -> str:
    """Extension elements naming a form (and optionally an assignee variable)."""
    extra = (
        f'<spiffworkflow:property name="assigneeVariable" value="{assignee}" />' if assignee else ""
    )
    return (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        f'<spiffworkflow:property name="formJsonSchemaFilename" value="{schema_file}" />{extra}'
        "</spiffworkflow:properties></bpmn:extensionElements>"
    )


def lanes(**members: list[str]) -> str:
    """A lane set: lanes(Lane_Name=[ids]) with underscores standing for spaces."""
    parts = ['<bpmn:laneSet id="lanes">']
    for index, (name, refs) in enumerate(members.items()):
        parts.append(f'<bpmn:lane id="lane_{index}" name="{name.replace("_", " ")}">')
        parts += [f"<bpmn:flowNodeRef>{ref}</bpmn:flowNodeRef>" for ref in refs]
        parts.append("</bpmn:lane>")
    parts.append("</bpmn:laneSet>")
    return "".join(parts)


def sequence(*ids: str, prefix: str = "f") -> str:
    """Sequence flows joining `ids` in order."""
    return "".join(
        f'<bpmn:sequenceFlow id="{prefix}{i}" sourceRef="{a}" targetRef="{b}" />'
        for i, (a, b) in enumerate(zip(ids, ids[1:], strict=False))
    )


def document(body: str, process_id: str = "proses_uji", name: str = "Proses Uji") -> bytes:
    """A whole BPMN file with one executable process holding `body`."""
    return (
        f'{HEADER}<bpmn:process id="{process_id}" name="{name}" isExecutable="true">'
        f"{body}</bpmn:process></bpmn:definitions>"
    ).encode()


def linear(*tasks: str, extra: str = "", lane_xml: str = "") -> bytes:
    """start -> tasks... -> end, where each task is a full element string with an id."""
    import re

    ids = [re.search(r'id="([^"]+)"', task).group(1) for task in tasks]  # type: ignore[union-attr]
    body = (
        lane_xml
        + '<bpmn:startEvent id="start" />'
        + "".join(tasks)
        + '<bpmn:endEvent id="end" />'
        + sequence("start", *ids, "end")
        + extra
    )
    return document(body)


def warned_condition() -> bytes:
    """A valid diagram whose gateway condition reads a name nothing sets: deployed, with
    one warning on flow `f1`."""
    body = linear(
        '<bpmn:exclusiveGateway id="g" default="f_b" />',
        extra='<bpmn:endEvent id="b" /><bpmn:sequenceFlow id="f_b" sourceRef="g" targetRef="b" />',
    )
    return body.replace(
        b'<bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="end" />',
        b'<bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="end">'
        b'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
        b"tidak_ada == 1</bpmn:conditionExpression></bpmn:sequenceFlow>",
    )
