"""JSON Schema forms: the single source for the browser and the server's validation."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError, ValidationError

from app.config import DataLimits
from app.engine.serializer import DataRejected, check_data

_FORMATS = FormatChecker()
REQUIRED = "Wajib diisi. / Required."
_TYPES = {
    "integer": ("bilangan bulat", "a whole number"),
    "number": ("angka", "a number"),
    "string": ("teks", "text"),
    "boolean": ("ya atau tidak", "yes or no"),
    "array": ("daftar", "a list"),
    "object": ("isian bertingkat", "a group of fields"),
    "null": ("kosong", "empty"),
}
_FORMAT_NAMES = {
    "email": ("alamat surel", "e-mail address"),
    "date": ("tanggal", "date"),
    "date-time": ("tanggal dan jam", "date and time"),
    "time": ("jam", "time"),
}


def schema_problems(schema: Any) -> list[str]:
    """Messages for a form file that is not itself a valid JSON Schema object."""
    if not isinstance(schema, dict):
        return ["form harus berupa objek JSON Schema / a form must be a JSON Schema object"]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as err:
        return [f"JSON Schema tidak valid / invalid JSON Schema: {err.message}"]
    return []


def _type_names(expected: Any) -> tuple[str, str]:
    kinds = expected if isinstance(expected, list) else [expected]
    names = [_TYPES.get(str(kind), (str(kind), str(kind))) for kind in kinds]
    return " / ".join(n[0] for n in names), " or ".join(n[1] for n in names)


def explain(error: ValidationError) -> str:
    """One failed JSON Schema keyword as a sentence, "Indonesian / English".

    Pages show the reader's half (app/web), the API both; the field is named by the key
    the message is filed under.
    """
    keyword, value = str(error.validator), error.validator_value
    if keyword == "type":
        indonesian, english = _type_names(value)
        return f"Harus berupa {indonesian}. / Must be {english}."
    if keyword == "format":
        indonesian, english = _FORMAT_NAMES.get(str(value), (str(value), str(value)))
        return f"Format {indonesian} tidak valid. / Not a valid {english}."
    texts = {
        "enum": "Pilihan tidak dikenal; pilih salah satu yang tersedia. / Unknown choice; "
        "pick one of the options.",
        "const": "Nilai ini tidak diperbolehkan di sini. / This value is not allowed here.",
        "minLength": f"Paling sedikit {value} karakter. / At least {value} characters.",
        "maxLength": f"Paling banyak {value} karakter. / At most {value} characters.",
        "pattern": "Formatnya tidak sesuai. / The format does not match.",
        "minimum": f"Paling kecil {value}. / At least {value}.",
        "maximum": f"Paling besar {value}. / At most {value}.",
        "exclusiveMinimum": f"Harus lebih dari {value}. / Must be more than {value}.",
        "exclusiveMaximum": f"Harus kurang dari {value}. / Must be less than {value}.",
        "minItems": f"Isi paling sedikit {value}. / At least {value} entries.",
        "maxItems": f"Paling banyak {value} isian. / At most {value} entries.",
        "uniqueItems": "Ada isian yang sama; hapus yang ganda. / Remove the duplicate entries.",
        "additionalProperties": "Isian tidak dikenal. / Unknown field.",
    }
    return texts.get(keyword, "Isian tidak valid. / Invalid value.")


def validate_form(
    schema: dict[str, Any], data: Any, limits: DataLimits | None = None
) -> dict[str, list[str]]:
    """Return field errors, keyed by the dotted path of the field ("" for the whole form),
    each an "Indonesian / English" sentence (`explain`).

    Data that is not JSON or is past `limits` (size, depth) is refused before the schema
    is read, so that nothing oversized or nested thousands deep reaches the validator,
    the engine or the database (issue 13, item 3).
    """
    if isinstance(data, dict):
        try:
            check_data(data, limits or DataLimits())
        except DataRejected as err:
            return {err.field: [f"{err.message}."]}
    validator = Draft202012Validator(schema, format_checker=_FORMATS)
    errors: dict[str, list[str]] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        path = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [name for name in error.validator_value if name not in error.instance]
            for name in missing:
                key = ".".join(str(p) for p in [*path, name])
                _add(errors, key, REQUIRED)
            continue
        _add(errors, ".".join(str(p) for p in path), explain(error))
    return errors


_BRANCHES = ("allOf", "anyOf", "oneOf")


def _declared(schema: dict[str, Any]) -> tuple[dict[str, list[dict[str, Any]]], bool]:
    """The properties an object schema declares, each with every subschema that declares
    it (its own and those of `allOf`/`anyOf`/`oneOf`/`if`/`then`/`else` branches, where
    dependent fields live), and whether it takes undeclared ones too."""
    properties: dict[str, list[dict[str, Any]]] = {}
    free = schema.get("additionalProperties", False) is not False or any(
        key in schema for key in ("patternProperties", "$ref", "$dynamicRef")
    )
    branches = [b for key in _BRANCHES for b in schema.get(key, [])]
    branches += list((schema.get("dependentSchemas") or {}).values())
    branches += [schema[key] for key in ("if", "then", "else") if key in schema]
    for name, sub in (schema.get("properties") or {}).items():
        properties.setdefault(name, []).append(sub)
    for branch in branches:
        if isinstance(branch, dict):
            more, branch_free = _declared(branch)
            free = free or branch_free
            for name, subs in more.items():
                properties.setdefault(name, []).extend(subs)
    return properties, free


def declared_only(schema: dict[str, Any], data: Any) -> Any:
    """`data` with only the properties `schema` declares, at every level of objects and
    lists of objects: what a person submits keeps no field the form does not show. A
    schema that wants free data says `additionalProperties` (true or a schema); one that
    declares no properties at all (a bare `"type": "object"`), or refers elsewhere with
    `$ref`, does not describe its shape here and keeps what it is given.

    Starts by a link keep their payload whole (the child reads fields of its parent's
    that its own start form does not show); only what a person submits goes through this.
    """
    if isinstance(data, list):
        items = schema.get("items")
        return [declared_only(items, item) for item in data] if isinstance(items, dict) else data
    if not isinstance(data, dict):
        return data
    properties, free = _declared(schema)
    if free or not properties:
        return data
    kept: dict[str, Any] = {}
    for name, value in data.items():
        subs = properties.get(name)
        if subs is None:
            continue
        kept[name] = declared_only(subs[0], value) if len(subs) == 1 else value
    return kept


def process_owned(schema: dict[str, Any]) -> list[str]:
    """The top-level properties the form marks `"readOnly": true`: values the process
    computed before the task (a script's figures), shown to the person but not theirs to
    give (JSON Schema's meaning of `readOnly`: managed by the owning authority)."""
    return [
        name
        for name, sub in (schema.get("properties") or {}).items()
        if isinstance(sub, dict) and sub.get("readOnly") is True
    ]


def with_process_values(
    schema: dict[str, Any], submitted: dict[str, Any], current: dict[str, Any]
) -> dict[str, Any]:
    """`submitted` with each top-level `readOnly` property (`process_owned`) taken from
    `current`, the task's data the form is prefilled with, whatever the client sent, and
    left out when the task has none; other fields unchanged.

    Validated after this, a form's conditions (`if`/`then`) read the computed value, not
    one a client typed: an API client that skips the read-only page cannot claim a target
    met to leave out the reason it was missed. Fields inside objects or array rows are not
    replaced (a service completes those, e.g. a verification's rows).
    """
    owned = process_owned(schema)
    kept = {name: value for name, value in submitted.items() if name not in owned}
    kept.update({name: current[name] for name in owned if name in current})
    return kept


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    texts = errors.setdefault(key, [])
    if message not in texts:
        texts.append(message)
