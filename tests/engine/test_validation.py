"""Deploy-time validation: every problem located, nothing parsed from hostile XML."""

from __future__ import annotations

import json

import pytest

from app.engine.specs import Bundle, parse_bundle
from app.engine.validation import validate_model
from app.errors import DeploymentInvalid, DeployProblem
from tests.bpmn import HEADER, document, form, lanes, linear, sequence

ROLES = {"Administrator Layanan", "Penanggung Jawab Penyedia Layanan"}
SIMPLE_FORM = json.dumps(
    {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"setuju": {"type": "boolean"}},
        "required": ["setuju"],
    }
).encode()


def problems_of(files: dict[str, bytes]) -> list[DeployProblem]:
    try:
        model = parse_bundle("uji", Bundle(files))
    except DeploymentInvalid as err:
        return err.problems
    return validate_model(model, ROLES)


def errors_of(files: dict[str, bytes]) -> list[DeployProblem]:
    return [p for p in problems_of(files) if p.severity == "error"]


def test_valid_model_has_no_problems() -> None:
    bpmn = linear(
        f'<bpmn:userTask id="setujui" name="Setujui">{form("f.schema.json")}</bpmn:userTask>'
    )
    assert problems_of({"uji.bpmn": bpmn, "f.schema.json": SIMPLE_FORM}) == []


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        pytest.param(
            b"<bpmn:definitions><unclosed></bpmn:definitions>", "malformed", id="malformed"
        ),
        pytest.param(b"", "malformed", id="empty"),
        pytest.param(b"\xff\xfe<x/>", "malformed", id="garbage"),
    ],
)
def test_malformed_xml_is_refused_with_its_line(content: bytes, fragment: str) -> None:
    [problem] = errors_of({"uji.bpmn": content})
    assert problem.file == "uji.bpmn"
    assert fragment in problem.message.lower()


def test_xml_syntax_error_reports_the_line() -> None:
    content = HEADER.encode() + b'<bpmn:process id="p">\n\n<bpmn:task id="t">\n</bpmn:definitions>'
    [problem] = errors_of({"uji.bpmn": content})
    assert problem.line is not None
    assert problem.line >= 5


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&xxe;</bpmn:definitions>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol9;</bpmn:definitions>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd">
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>"""


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(XXE, id="xxe-file"),
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        pytest.param(EXTERNAL_DTD, id="external-dtd"),
        pytest.param(PARAMETER_ENTITY, id="parameter-entity"),
        pytest.param(XXE.replace(b"DOCTYPE", b"doctype"), id="lower-case-doctype"),
    ],
)
def test_hostile_xml_is_refused_before_parsing(content: bytes) -> None:
    for name in ("uji.bpmn", "keputusan.dmn"):
        files = {name: content}
        if name.endswith(".dmn"):
            files["uji.bpmn"] = linear('<bpmn:task id="t" />')
        problems = errors_of(files)
        hostile = [p for p in problems if p.file == name]
        assert hostile, problems
        assert "DTD" in hostile[0].message
        assert hostile[0].line == 2
        assert all("root:" not in p.message for p in problems)


def test_bpmn_spiff_cannot_parse_is_refused_with_element() -> None:
    body = (
        '<bpmn:startEvent id="start" /><bpmn:task id="t" />'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="t" />'
        '<bpmn:sequenceFlow id="f1" sourceRef="t" targetRef="nowhere" />'
    )
    [problem] = errors_of({"uji.bpmn": document(body)})
    assert problem.element_id == "t"
    assert problem.line == 3  # the process body starts on line 3 of tests.bpmn documents


def test_element_outside_the_bpmn_schema_is_refused() -> None:
    bpmn = document('<bpmn:startEvent id="start" /><bpmn:fooTask id="x" />')
    [problem] = errors_of({"uji.bpmn": bpmn})
    assert problem.file == "uji.bpmn"


def test_unsupported_element_is_refused() -> None:
    bpmn = linear('<bpmn:complexGateway id="c" />')
    [problem] = errors_of({"uji.bpmn": bpmn})
    assert problem.element_id == "c"


def test_no_bpmn_or_two_bpmn_files_are_refused() -> None:
    assert errors_of({"f.schema.json": SIMPLE_FORM})
    bpmn = linear('<bpmn:task id="t" />')
    assert errors_of({"a.bpmn": bpmn, "b.bpmn": bpmn})


def test_unknown_file_type_is_refused() -> None:
    [problem] = errors_of({"uji.bpmn": linear('<bpmn:task id="t" />'), "x.exe": b"MZ"})
    assert problem.file == "x.exe"


def test_missing_form_file_is_refused_at_the_task() -> None:
    bpmn = linear(f'<bpmn:userTask id="setujui">{form("hilang.schema.json")}</bpmn:userTask>')
    [problem] = errors_of({"uji.bpmn": bpmn})
    assert problem.element_id == "setujui"
    assert "hilang.schema.json" in problem.message
    assert problem.line == 3


def test_invalid_form_json_and_invalid_schema_are_refused() -> None:
    bpmn = linear(f'<bpmn:userTask id="setujui">{form("f.schema.json")}</bpmn:userTask>')
    [problem] = errors_of({"uji.bpmn": bpmn, "f.schema.json": b'{\n "type": "object",\n}'})
    assert problem.file == "f.schema.json"
    assert problem.line == 3
    [problem] = errors_of({"uji.bpmn": bpmn, "f.schema.json": b'{"type": "objek"}'})
    assert problem.file == "f.schema.json"


def test_lane_naming_no_known_role_is_refused() -> None:
    task = '<bpmn:userTask id="setujui" />'
    bpmn = linear(task, lane_xml=lanes(Kepala_Seksi=["setujui"], Pemohon=["start", "end"]))
    [problem] = errors_of({"uji.bpmn": bpmn})
    assert "Kepala Seksi" in problem.message
    assert problem.element_id == "lane_0"


@pytest.mark.parametrize(
    ("element", "what"),
    [
        (
            '<bpmn:scriptTask id="s"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>',
            "script task",
        ),
        (
            '<bpmn:scriptTask id="s"><bpmn:script>x = ().__class__</bpmn:script></bpmn:scriptTask>',
            "script task",
        ),
        (
            '<bpmn:scriptTask id="s"><bpmn:script>x = = 1</bpmn:script></bpmn:scriptTask>',
            "script task",
        ),
        (
            '<bpmn:userTask id="s"><bpmn:extensionElements><spiffworkflow:preScript>'
            "open('/etc/passwd')</spiffworkflow:preScript></bpmn:extensionElements></bpmn:userTask>",
            "pre-script",
        ),
    ],
)
def test_forbidden_or_broken_script_is_refused(element: str, what: str) -> None:
    [problem] = errors_of({"uji.bpmn": linear(element)})
    assert problem.element_id == "s"
    assert what in problem.message


def _gateway(condition: str, before: str = "") -> bytes:
    body = (
        '<bpmn:startEvent id="start" />'
        + before
        + '<bpmn:exclusiveGateway id="g" default="f_default" />'
        '<bpmn:endEvent id="a" /><bpmn:endEvent id="b" />'
        + sequence("start", *(["isi"] if before else []), "g")
        + f'<bpmn:sequenceFlow id="f_cond" sourceRef="g" targetRef="a">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}'
        "</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="f_default" sourceRef="g" targetRef="b" />'
    )
    return document(body)


@pytest.mark.parametrize(
    "condition",
    ["__import__('os').system('id')", "x ==", "().__class__.__bases__", "eval('1')"],
)
def test_forbidden_or_broken_condition_is_refused(condition: str) -> None:
    problems = errors_of({"uji.bpmn": _gateway(condition)})
    assert problems
    assert all(p.element_id == "f_cond" and "condition" in p.message for p in problems)


def test_condition_reading_a_variable_nobody_sets_is_a_warning() -> None:
    problems = problems_of({"uji.bpmn": _gateway("disetujui == True")})
    [warning] = problems
    assert warning.severity == "warning"
    assert warning.element_id == "f_cond"
    assert "disetujui" in warning.message


def test_condition_reading_a_variable_a_form_before_sets_is_fine() -> None:
    before = f'<bpmn:userTask id="isi">{form("f.schema.json")}</bpmn:userTask>'
    bpmn = _gateway("setuju == True", before)
    assert problems_of({"uji.bpmn": bpmn, "f.schema.json": SIMPLE_FORM}) == []


def test_condition_reading_a_variable_a_script_before_sets_is_fine() -> None:
    before = '<bpmn:scriptTask id="isi"><bpmn:script>nilai = 3</bpmn:script></bpmn:scriptTask>'
    assert problems_of({"uji.bpmn": _gateway("nilai &gt; 2", before)}) == []


def test_provided_variables_are_known_to_conditions() -> None:
    assert problems_of({"uji.bpmn": _gateway("perlu_persetujuan")}) == []
