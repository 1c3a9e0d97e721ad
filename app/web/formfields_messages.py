"""The server's field errors in the reader's language.

`TaskService.complete` and `InstanceService.start` decide which fields are wrong (422,
keyed by dotted path). Their texts are JSON Schema's English, or "Indonesian / English"
pairs. For a page, each failing field is explained again from the same schema and data,
keyword by keyword, in the user's language; a path the schema cannot explain keeps the
server's text (the matching half of a bilingual pair).
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

_FORMATS = FormatChecker()


def _type_name(expected: Any) -> str:
    names = {
        "integer": _("bilangan bulat"),
        "number": _("angka"),
        "string": _("teks"),
        "boolean": _("ya atau tidak"),
        "array": _("daftar"),
        "object": _("isian bertingkat"),
    }
    kinds = expected if isinstance(expected, list) else [expected]
    return " / ".join(names.get(str(kind), str(kind)) for kind in kinds)


def _explain(error: ValidationError) -> str:
    """One failed keyword as a sentence."""
    keyword, value = error.validator, error.validator_value
    texts = {
        "type": lambda: _("Harus berupa %(type)s.", type=_type_name(value)),
        "enum": lambda: _("Pilihan tidak dikenal; pilih salah satu yang tersedia."),
        "const": lambda: _("Nilai ini tidak diperbolehkan di sini."),
        "minLength": lambda: _("Paling sedikit %(n)s karakter.", n=value),
        "maxLength": lambda: _("Paling banyak %(n)s karakter.", n=value),
        "pattern": lambda: _("Formatnya tidak sesuai."),
        "minimum": lambda: _("Paling kecil %(n)s.", n=value),
        "maximum": lambda: _("Paling besar %(n)s.", n=value),
        "exclusiveMinimum": lambda: _("Harus lebih dari %(n)s.", n=value),
        "exclusiveMaximum": lambda: _("Harus kurang dari %(n)s.", n=value),
        "minItems": lambda: _("Isi paling sedikit %(n)s.", n=value),
        "maxItems": lambda: _("Paling banyak %(n)s isian.", n=value),
        "uniqueItems": lambda: _("Ada isian yang sama; hapus yang ganda."),
        "format": lambda: _("Format %(format)s tidak valid.", format=_format_name(value)),
    }
    make = texts.get(str(keyword))
    return make() if make else _("Isian tidak valid.")


def _format_name(fmt: Any) -> str:
    names = {"email": _("alamat surel"), "date": _("tanggal"), "date-time": _("tanggal dan jam")}
    return names.get(str(fmt), str(fmt))


def _add(found: dict[str, list[str]], path: str, text: str) -> None:
    texts = found.setdefault(path, [])
    if text not in texts:
        texts.append(text)


def _explained(schema: dict[str, Any], data: Any) -> dict[str, list[str]]:
    """Every failing field of `data`, keyed as `app.engine.forms.validate_form` keys it."""
    found: dict[str, list[str]] = {}
    validator = Draft202012Validator(schema, format_checker=_FORMATS)
    for error in validator.iter_errors(data):
        path = [str(part) for part in error.absolute_path]
        if error.validator == "required" and isinstance(error.instance, dict):
            for name in error.validator_value:
                if name not in error.instance:
                    _add(found, ".".join([*path, name]), _("Wajib diisi."))
            continue
        _add(found, ".".join(path), _explain(error))
    return found


def half(message: str) -> str:
    """The reader's half of an "Indonesian / English" message."""
    if " / " not in message:
        return message
    indonesian, english = message.split(" / ", 1)
    return english if str(get_locale()) == "en" else indonesian


def localized_errors(
    schema: dict[str, Any] | None, data: Any, errors: dict[str, list[str]] | None
) -> dict[str, list[str]]:
    """The server's `errors`, each field's messages said in the user's language."""
    if not errors:
        return {}
    explained = _explained(schema, data) if schema else {}
    return {
        path: explained.get(path) or [half(str(message)) for message in messages]
        for path, messages in errors.items()
    }
