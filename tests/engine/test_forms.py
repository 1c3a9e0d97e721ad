"""Form validation: every refusal names its field and says why in Indonesian, then English;
the fields a form marks `readOnly` are the process's."""

from __future__ import annotations

import pytest

from app.engine.forms import REQUIRED, process_owned, validate_form, with_process_values

SCHEMA = {
    "type": "object",
    "required": ["judul", "prioritas"],
    "properties": {
        "judul": {"type": "string", "minLength": 5, "maxLength": 20},
        "prioritas": {"type": "string", "enum": ["P1", "P2"]},
        "jumlah": {"type": "integer", "minimum": 1},
        "mulai": {"type": "string", "format": "date-time"},
        "tanggal": {"type": "string", "format": "date"},
        "surel": {"type": "string", "format": "email"},
        "uji": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["hasil"],
                "properties": {"hasil": {"type": "boolean"}},
            },
        },
    },
}
VALID = {"judul": "Akun baru", "prioritas": "P1"}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"judul": "abc"}, "judul", "Paling sedikit 5 karakter. / At least 5 characters."),
        ({"prioritas": "P9"}, "prioritas", "Pilihan tidak dikenal"),
        ({"jumlah": "dua"}, "jumlah", "Harus berupa bilangan bulat. / Must be a whole number."),
        ({"jumlah": 0}, "jumlah", "Paling kecil 1. / At least 1."),
        ({"mulai": "besok pagi"}, "mulai", "Format tanggal dan jam tidak valid."),
        ({"mulai": "2026-11-24T09:00"}, "mulai", "Format tanggal dan jam tidak valid."),
        ({"tanggal": "24/11/2026"}, "tanggal", "Format tanggal tidak valid."),
        ({"surel": "bukan-surel"}, "surel", "Format alamat surel tidak valid."),
        ({"uji": []}, "uji", "Isi paling sedikit 1. / At least 1 entries."),
        ({"uji": [{"hasil": "ya"}]}, "uji.0.hasil", "Harus berupa ya atau tidak."),
        ({"uji": [{}]}, "uji.0.hasil", REQUIRED),
    ],
)
def test_each_refusal_names_the_field_and_says_why(change: dict, field: str, message: str):
    errors = validate_form(SCHEMA, {**VALID, **change})
    assert list(errors) == [field]
    assert any(text.startswith(message) for text in errors[field]), errors


def test_missing_required_fields_are_each_named():
    assert validate_form(SCHEMA, {}) == {"judul": [REQUIRED], "prioritas": [REQUIRED]}


def test_valid_data_passes_with_an_offset_date_time():
    assert validate_form(SCHEMA, {**VALID, "mulai": "2026-11-24T09:00:00+07:00"}) == {}


OWNED = {
    "type": "object",
    "properties": {
        "tercapai": {"type": ["boolean", "null"], "readOnly": True},
        "persen": {"type": "number", "readOnly": True},
        "penyebab": {"type": "string", "minLength": 5},
        "baris": {
            "type": "array",
            "items": {"type": "object", "properties": {"nama": {"readOnly": True}}},
        },
    },
    "allOf": [
        {
            "if": {"properties": {"tercapai": {"const": False}}, "required": ["tercapai"]},
            "then": {"required": ["penyebab"]},
        }
    ],
}


def test_read_only_fields_take_the_task_s_values_before_the_form_is_checked():
    """What the client sends in a `readOnly` field is replaced by the task's value, so a
    condition on it reads the process's figure; nested ones are left to their service."""
    assert process_owned(OWNED) == ["tercapai", "persen"]
    current = {"tercapai": False, "persen": 96.5, "lain": 1}
    sent = {"tercapai": True, "persen": 100, "baris": [{"nama": "x"}]}
    data = with_process_values(OWNED, sent, current)
    assert data == {"tercapai": False, "persen": 96.5, "baris": [{"nama": "x"}]}
    assert validate_form(OWNED, data) == {"penyebab": [REQUIRED]}
    assert with_process_values(OWNED, {"tercapai": False}, {}) == {}
    assert process_owned(SCHEMA) == []
