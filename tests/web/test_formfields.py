"""The form renderer and the typed reading of a post, against the shipped form files."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import FileStorage, MultiDict

from app.engine.forms import validate_form
from app.web.formfields import (
    ADD_ROW,
    field_label,
    parse_submission,
    render_form,
    round_trip,
    with_blank_row,
    without_row,
)
from tests.conftest import FORMS


def _form(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    schema = json.loads((FORMS / f"{name}.schema.json").read_text())
    ui_path = FORMS / f"{name}.uischema.json"
    return schema, json.loads(ui_path.read_text()) if ui_path.exists() else {}


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.test_request_context("/"):
        yield


def _labels_in_order(html: str) -> list[str]:
    return re.findall(r'name="([a-z_.0-9]+)"', html)


@pytest.mark.usefixtures("ctx")
class TestRenderForm:
    def test_fields_follow_ui_order_with_labels_hints_and_widgets(self):
        schema, ui = _form("permintaan-layanan-klasifikasi")
        html = str(render_form(schema, ui, None, None))
        names = list(dict.fromkeys(_labels_in_order(html)))
        assert names == ui["ui:order"]
        assert '<select id="f-klasifikasi" name="klasifikasi"' in html
        assert ">Akses atau akun</option>" in html
        assert 'type="radio" name="prioritas" value="tinggi"' in html
        assert 'type="radio" name="gangguan" value="true"' in html
        assert "Ya, gangguan (alihkan ke penanganan aduan)" in html
        assert '<textarea id="f-catatan_klasifikasi"' in html
        assert "Pertimbangkan dampak bagi pengguna" in html  # ui:help as a hint
        assert "Klasifikasi permintaan" in html  # title as the label

    def test_conditional_requirement_is_said_next_to_the_field(self):
        schema, ui = _form("rilis-layanan-pengujian")
        html = str(render_form(schema, ui, None, None))
        assert "Wajib bila Rilis berhasil? = Tidak, lakukan rollback" in html
        assert 'type="checkbox" name="jenis_pengujian" value="fungsional"' in html

    def test_errors_sit_next_to_their_fields_and_keep_the_input(self):
        schema, ui = _form("permintaan-layanan-pengajuan")
        html = str(
            render_form(
                schema,
                ui,
                {"judul": "abc", "telepon": "x"},
                {"judul": ["terlalu pendek"], "": ["seluruh formulir"]},
            )
        )
        assert 'id="f-judul-error">terlalu pendek</span>' in html
        assert 'aria-describedby="f-judul-error f-judul-hint" aria-invalid="true"' in html
        assert 'value="abc"' in html
        assert "seluruh formulir" in html

    def test_array_of_objects_has_rows_and_add_remove_buttons(self):
        schema, ui = _form("perencanaan-kebutuhan-layanan")
        data = {"daftar_kebutuhan_layanan": [{"nama_kebutuhan": "SIMPEG v2"}]}
        html = str(render_form(schema, ui, data, {"daftar_kebutuhan_layanan.0.uraian": ["x"]}))
        assert 'name="daftar_kebutuhan_layanan.0.nama_kebutuhan" value="SIMPEG v2"' in html
        assert 'id="f-daftar_kebutuhan_layanan-0-uraian-error">x</span>' in html
        assert f'name="{ADD_ROW}" value="daftar_kebutuhan_layanan"' in html
        assert 'value="daftar_kebutuhan_layanan.0"' in html  # remove this row
        assert "daftar_kebutuhan_layanan.__i__.nama_kebutuhan" in html  # the JS template row

    def test_numbers_dates_and_prefix(self):
        schema = {
            "type": "object",
            "required": ["n"],
            "properties": {
                "n": {"type": "integer", "title": "Jumlah", "minimum": 0},
                "x": {"type": "number"},
                "d": {"type": "string", "format": "date"},
                "t": {"type": "string", "format": "date-time"},
                "ok": {"type": "boolean", "title": "Setuju"},
            },
        }
        data = {"n": 3, "t": "2026-11-24T03:30:00+00:00", "ok": True}
        html = str(render_form(schema, None, data, None, prefix="pratinjau-"))
        assert 'type="number" id="f-pratinjau-n" name="pratinjau-n" value="3"' in html
        assert 'step="1"' in html
        assert 'min="0"' in html
        assert 'type="date" id="f-pratinjau-d"' in html
        assert 'value="2026-11-24T10:30"' in html  # shown in WIB
        assert 'type="checkbox" name="pratinjau-ok" value="true" id="f-pratinjau-ok"' in html
        assert "checked" in html

    def test_file_field_keeps_an_earlier_upload(self, app: Flask):
        schema = {"type": "object", "properties": {"bukti": {"type": "object", "title": "Bukti"}}}
        ui = {"bukti": {"ui:widget": "file", "ui:options": {"accept": ".pdf"}}}
        html = str(render_form(schema, ui, None, None))
        assert 'type="file" id="f-bukti" name="bukti"' in html
        assert 'accept=".pdf"' in html
        ref = {"attachment_id": 7, "name": "a.pdf", "size": 2048, "content_type": "x"}
        if "task_page.attachment" in app.view_functions:
            html = str(render_form(schema, ui, {"bukti": ref}, None))
            assert 'name="bukti.attachment_id" value="7"' in html

    @pytest.mark.parametrize("path", sorted(FORMS.glob("*.schema.json")), ids=lambda p: p.stem)
    def test_every_shipped_form_renders(self, path):
        schema, ui = _form(path.name.removesuffix(".schema.json"))
        html = str(render_form(schema, ui, None, None))
        for name in schema["properties"]:
            assert f'name="{name}' in html or f'data-path="{name}"' in html


class TestParseSubmission:
    def test_typed_values_from_the_post(self):
        schema, ui = _form("permintaan-layanan-klasifikasi")
        form = MultiDict(
            {
                "klasifikasi": "akses",
                "prioritas": "sedang",
                "gangguan": "false",
                "pelaksana": " pelaksana ",
                "dampak": "",
            }
        )
        data = parse_submission(schema, ui, form, None)
        assert data == {
            "klasifikasi": "akses",
            "prioritas": "sedang",
            "gangguan": False,
            "pelaksana": "pelaksana",
        }
        assert validate_form(schema, data) == {}

    def test_numbers_checkboxes_and_dates(self):
        schema = {
            "type": "object",
            "properties": {
                "n": {"type": "integer"},
                "x": {"type": "number"},
                "bad": {"type": "integer"},
                "u": {"type": "integer", "enum": [1, 2, 3]},
                "t": {"type": "string", "format": "date-time"},
                "ok": {"type": "boolean"},
                "pilih": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
            },
        }
        form = MultiDict(
            [
                ("n", "42"),
                ("x", "2,5"),
                ("bad", "empat"),
                ("u", "2"),
                ("t", "2026-11-24T10:30"),
                ("ok", "false"),
                ("ok", "true"),
                ("pilih", "a"),
                ("pilih", "b"),
            ]
        )
        data = parse_submission(schema, None, form, None)
        assert data == {
            "n": 42,
            "x": 2.5,
            "bad": "empat",
            "u": 2,
            "t": "2026-11-24T10:30:00+07:00",
            "ok": True,
            "pilih": ["a", "b"],
        }
        errors = validate_form(schema, data)
        assert list(errors) == ["bad"]

    def test_unknown_choice_stays_a_string_for_the_server_to_refuse(self):
        schema, ui = _form("permintaan-layanan-klasifikasi")
        data = parse_submission(schema, ui, MultiDict({"klasifikasi": "bukan-pilihan"}), None)
        assert data == {"klasifikasi": "bukan-pilihan"}
        assert "klasifikasi" in validate_form(schema, data)

    def test_array_rows_with_gaps_and_empty_rows(self):
        schema, ui = _form("perencanaan-kebutuhan-layanan")
        form = MultiDict(
            {
                "daftar_kebutuhan_layanan.0.nama_kebutuhan": "Satu",
                "daftar_kebutuhan_layanan.3.nama_kebutuhan": "Dua",
                "daftar_kebutuhan_layanan.5.nama_kebutuhan": "",
            }
        )
        data = parse_submission(schema, ui, form, None)
        rows = data["daftar_kebutuhan_layanan"]
        assert [row["nama_kebutuhan"] for row in rows] == ["Satu", "Dua"]

    def test_files_come_back_as_uploads_or_kept_ids(self):
        schema = {
            "type": "object",
            "properties": {"a": {"type": "object"}, "b": {"type": "object"}},
        }
        ui = {"a": {"ui:widget": "file"}, "b": {"ui:widget": "file"}}
        upload = FileStorage(io.BytesIO(b"%PDF"), filename="x.pdf", name="a")
        data = parse_submission(
            schema, ui, MultiDict({"b.attachment_id": "12"}), MultiDict({"a": upload})
        )
        assert data["a"] is upload
        assert data["b"] == {"attachment_id": 12}

    def test_row_round_trips(self):
        form = MultiDict({"d.0.x": "1", "d.1.x": "2", ADD_ROW: "d"})
        assert round_trip(form) == ("add", "d")
        assert list(without_row(form, "d.0")) == ["d.1.x", ADD_ROW]
        assert with_blank_row({"d": [{"x": "2"}]}, "d") == {"d": [{"x": "2"}, None]}
        assert with_blank_row({}, "o.d") == {"o": {"d": [None]}}


@pytest.mark.usefixtures("ctx")
def test_field_label_names_fields_and_rows():
    schema, ui = _form("perencanaan-kebutuhan-layanan")
    assert field_label(schema, ui, "daftar_kebutuhan_layanan.1.nama_kebutuhan").startswith(
        "Daftar kebutuhan layanan › Baris 2 › "
    )
    assert field_label(schema, ui, "tidak_ada") == "tidak_ada"
    assert field_label(schema, ui, "") == ""
