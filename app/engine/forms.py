"""JSON Schema forms: the single source for the browser and the server's validation."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

_FORMATS = FormatChecker()


def schema_problems(schema: Any) -> list[str]:
    """Messages for a form file that is not itself a valid JSON Schema object."""
    if not isinstance(schema, dict):
        return ["form harus berupa objek JSON Schema / a form must be a JSON Schema object"]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as err:
        return [f"JSON Schema tidak valid / invalid JSON Schema: {err.message}"]
    return []


def validate_form(schema: dict[str, Any], data: Any) -> dict[str, list[str]]:
    """Return field errors, keyed by the dotted path of the field ("" for the whole form)."""
    validator = Draft202012Validator(schema, format_checker=_FORMATS)
    errors: dict[str, list[str]] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        path = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [name for name in error.validator_value if name not in error.instance]
            for name in missing:
                key = ".".join(str(p) for p in [*path, name])
                errors.setdefault(key, []).append("wajib diisi / required")
            continue
        key = ".".join(str(p) for p in path)
        errors.setdefault(key, []).append(error.message)
    return errors
