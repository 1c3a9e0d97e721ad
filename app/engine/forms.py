"""JSON Schema forms: the single source for the browser and the server's validation."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError, ValidationError

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


def validate_form(schema: dict[str, Any], data: Any) -> dict[str, list[str]]:
    """Return field errors, keyed by the dotted path of the field ("" for the whole form),
    each an "Indonesian / English" sentence (`explain`)."""
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


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    texts = errors.setdefault(key, [])
    if message not in texts:
        texts.append(message)
