"""The forms a shipped diagram's tasks name, checked and used to validate test data.

One copy for every model test: the form and UI files exist, the schema is a Draft 2020-12
object that allows extra fields, and the UI order lists every field.
"""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator

from tests.engine.diagram import FORMS_DIR


def load_form(filename: str) -> dict[str, Any]:
    path = FORMS_DIR / filename
    assert path.is_file(), f"form file {filename} missing in forms/"
    return json.loads(path.read_text(encoding="utf-8"))


def form_validator(properties: dict[str, str]) -> Draft202012Validator:
    """Check the form files a task names and return a validator for its JSON schema."""
    schema = load_form(properties["formJsonSchemaFilename"])
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema.get("additionalProperties") is not False
    ui_schema = load_form(properties["formUiSchemaFilename"])
    assert sorted(ui_schema["ui:order"]) == sorted(schema["properties"])
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(properties: dict[str, str], data: dict[str, Any]) -> None:
    errors = sorted(form_validator(properties).iter_errors(data), key=str)
    assert not errors, [e.message for e in errors]


def assert_invalid(properties: dict[str, str], data: dict[str, Any]) -> None:
    assert list(form_validator(properties).iter_errors(data)), f"expected {data} to be rejected"
