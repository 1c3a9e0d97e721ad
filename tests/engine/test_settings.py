"""Settings a diagram declares (`setting:<name>` on the process): parsed, checked at deploy,
and read by conditions only when declared (docs/bpmn-conventions.md, "Settings an
administrator can change")."""

from __future__ import annotations

import json
from html import escape

import pytest

from app.engine.specs import Bundle, SettingSpec, parse_bundle
from app.engine.validation import validate_model
from app.errors import DeploymentInvalid, DeployProblem
from tests.bpmn import HEADER, sequence

ROLES = {"Administrator Layanan"}


def _bpmn(settings: dict[str, object], condition: str = 'pengaturan["reviu"] == False') -> bytes:
    """A process declaring `settings` whose gateway reads `condition`."""
    properties = "".join(
        f'<spiffworkflow:property name="setting:{name}" '
        f'value="{escape(value if isinstance(value, str) else json.dumps(value))}" />'
        for name, value in settings.items()
    )
    extensions = (
        f"<bpmn:extensionElements><spiffworkflow:properties>{properties}"
        "</spiffworkflow:properties></bpmn:extensionElements>"
        if properties
        else ""
    )
    body = (
        '<bpmn:startEvent id="start" />'
        '<bpmn:exclusiveGateway id="g" default="f_default" />'
        '<bpmn:endEvent id="a" /><bpmn:endEvent id="b" />'
        + sequence("start", "g")
        + '<bpmn:sequenceFlow id="f_cond" sourceRef="g" targetRef="a">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(condition)}'
        "</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="f_default" sourceRef="g" targetRef="b" />'
    )
    return (
        f'{HEADER}<bpmn:process id="proses_uji" name="Uji" isExecutable="true">'
        f"{extensions}{body}</bpmn:process></bpmn:definitions>"
    ).encode()


REVIU = {"type": "boolean", "default": True, "title": "Reviu (tambahan produk)"}


def problems_of(bpmn: bytes) -> list[DeployProblem]:
    try:
        model = parse_bundle("uji", Bundle({"uji.bpmn": bpmn}))
    except DeploymentInvalid as err:
        return err.problems
    return validate_model(model, ROLES)


def test_declared_settings_are_parsed_with_their_defaults() -> None:
    limit = {"type": "integer", "default": 3, "minimum": 1, "maximum": 9, "title": "Batas"}
    mode = {"type": "string", "default": "ringkas", "enum": ["ringkas", "lengkap"], "title": "M"}
    model = parse_bundle(
        "uji", Bundle({"uji.bpmn": _bpmn({"reviu": REVIU, "batas": limit, "mode": mode})})
    )
    assert model.settings == {
        "reviu": SettingSpec("reviu", "boolean", True, "Reviu (tambahan produk)"),
        "batas": SettingSpec("batas", "integer", 3, "Batas", minimum=1, maximum=9),
        "mode": SettingSpec("mode", "string", "ringkas", "M", choices=("ringkas", "lengkap")),
    }
    assert model.default_settings() == {"reviu": True, "batas": 3, "mode": "ringkas"}
    assert validate_model(model, ROLES) == []


@pytest.mark.parametrize(
    ("declared", "fragment"),
    [
        pytest.param("{not json", "JSON", id="bad-json"),
        pytest.param({**REVIU, "type": "list"}, "unknown type", id="unknown-type"),
        pytest.param({**REVIU, "default": "ya"}, "default", id="default-not-boolean"),
        pytest.param(
            {"type": "integer", "default": 12, "maximum": 10, "title": "B"},
            "at most 10",
            id="default-above-maximum",
        ),
        pytest.param(
            {"type": "string", "default": "x", "enum": ["a", "b"], "title": "S"},
            "one of",
            id="default-outside-enum",
        ),
        pytest.param({"type": "boolean", "default": True}, "title", id="no-title"),
    ],
)
def test_a_bad_declaration_is_refused_at_the_process_naming_the_setting(
    declared: object, fragment: str
) -> None:
    [problem] = problems_of(_bpmn({"reviu": declared}))
    assert problem.severity == "error"
    assert problem.element_id == "proses_uji"
    assert "'reviu'" in problem.message
    assert fragment in problem.message


def test_a_condition_reading_an_undeclared_setting_is_refused() -> None:
    [problem] = problems_of(_bpmn({"reviu": REVIU}, 'pengaturan["pengesahan"] == False'))
    assert problem.severity == "error"
    assert problem.element_id == "f_cond"
    assert "pengesahan" in problem.message


def test_settings_are_unknown_to_a_process_that_declares_none() -> None:
    [error] = problems_of(_bpmn({}))
    assert (error.severity, error.element_id) == ("error", "f_cond")
    [warning] = problems_of(_bpmn({}, "pengaturan == {}"))
    assert warning.severity == "warning"
    assert "pengaturan" in warning.message


@pytest.mark.parametrize(
    ("spec", "value", "fits"),
    [
        (SettingSpec("a", "boolean", True, "A"), False, True),
        (SettingSpec("a", "boolean", True, "A"), 0, False),
        (SettingSpec("a", "integer", 3, "A", minimum=1, maximum=5), 5, True),
        (SettingSpec("a", "integer", 3, "A", minimum=1, maximum=5), 0, False),
        (SettingSpec("a", "integer", 3, "A"), True, False),
        (SettingSpec("a", "string", "x", "A", choices=("x", "y")), "y", True),
        (SettingSpec("a", "string", "x", "A", choices=("x", "y")), "z", False),
    ],
)
def test_one_rule_decides_whether_a_value_fits(
    spec: SettingSpec, value: object, fits: bool
) -> None:
    assert (spec.problem(value) is None) is fits


def test_a_setting_is_served_as_a_json_schema_property() -> None:
    spec = SettingSpec("batas", "integer", 3, "Batas", minimum=1, maximum=9)
    assert spec.json_schema() == {
        "type": "integer",
        "title": "Batas",
        "default": 3,
        "minimum": 1,
        "maximum": 9,
    }
