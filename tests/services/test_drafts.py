"""Drafts, the form library, the new-diagram template and the model overview, through the
services with the real database."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.specs import Bundle, parse_bundle
from app.errors import Conflict, DeploymentInvalid, InvalidInput, NotPermitted
from app.models import FormFile, User
from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from app.services.process_models.diagram_template import new_diagram
from app.services.process_models.drafts import DraftService
from app.services.process_models.form_library import FormLibrary, FormPair, check_form
from app.services.process_models.overview import running_instances, summaries
from tests.conftest import FORMS, PROCESSES

MODEL = "permintaan-layanan"
XML = (PROCESSES / f"{MODEL}.bpmn").read_bytes()
STEM = "permintaan-layanan-konfirmasi"


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def drafts(session: Session, platform: Platform) -> DraftService:
    return DraftService(session, platform.clock, platform.specs, FORMS)


class TestCheckForm:
    def test_a_shipped_form_has_no_problems(self):
        pair = FormPair(STEM)
        schema = (FORMS / pair.schema_file).read_text()
        ui = (FORMS / pair.ui_file).read_text()
        problems, parsed, parsed_ui = check_form(pair, schema, ui)
        assert problems == []
        assert parsed["type"] == "object"
        assert "ui:order" in parsed_ui

    def test_syntax_error_has_line_and_column(self):
        [problem], schema, _ = check_form(FormPair(STEM), '{\n  "type": "object",\n}', None)
        assert (problem.kind, problem.line, problem.column) == ("syntax", 3, 1)
        assert schema is None

    def test_metaschema_and_shape(self):
        [problem], _, _ = check_form(FormPair(STEM), '{"type": "objek"}', None)
        assert problem.kind == "metaschema"
        [problem], _, _ = check_form(FormPair(STEM), "[]", None)
        assert problem.kind == "not_object"
        [problem], _, _ = check_form(FormPair(STEM), "{}", "3")
        assert (problem.kind, problem.file) == ("not_object", f"{STEM}.uischema.json")

    def test_ui_keys_are_checked_against_nested_fields_and_array_items(self):
        schema = {
            "type": "object",
            "properties": {
                "alamat": {"type": "object", "properties": {"jalan": {"type": "string"}}},
                "daftar": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"uraian": {"type": "string"}}},
                },
            },
        }
        ui = {
            "ui:order": ["alamat", "daftar", "*"],
            "alamat": {"jalan": {}, "kota": {}},
            "daftar": {"items": {"uraian": {}, "biaya": {}}},
        }
        problems, _, _ = check_form(FormPair(STEM), json.dumps(schema), json.dumps(ui))
        assert [p.detail for p in problems] == ["alamat.kota", "daftar.items.biaya"]


class TestFormLibrary:
    def test_the_edit_wins_over_the_deployed_copy_which_wins_over_the_shipped_file(
        self, platform: Platform, deployed: None, tmp_path
    ):
        name = f"{STEM}.schema.json"
        (tmp_path / name).write_text('{"title": "di disk"}')
        with platform.sessions() as session:
            library = FormLibrary(session, platform.clock, tmp_path)
            assert library.read(name) == (FORMS / name).read_text()  # deployed copy
            assert library.read("tidak-ada.schema.json") is None
            assert library.read("../../etc/passwd") is None
            session.add(FormFile(name=name, content="{}", updated_at=platform.clock.now()))
            assert library.read(name) == "{}"
            assert STEM in {pair.stem for pair in library.pairs()}

    def test_save_refuses_problems_and_audits_changes(self, platform: Platform, deployed: None):
        with platform.sessions() as session:
            library = FormLibrary(session, platform.clock, FORMS)
            analyst = user(session, "analis")
            with pytest.raises(InvalidInput):
                library.save(FormPair(STEM), "{", None, analyst)
            schema = (FORMS / f"{STEM}.schema.json").read_text()
            assert library.save(FormPair(STEM), schema, None, analyst) == []
            edited = schema.replace("Saran dan masukan", "Saran")
            assert library.save(FormPair(STEM), edited, None, analyst) == [f"{STEM}.schema.json"]


class TestDiagramTemplate:
    @pytest.mark.parametrize("lanes", [["Pemohon"], ["Pemohon", "Administrator Layanan"]])
    def test_the_template_parses_with_its_lanes(self, lanes: list[str]):
        xml = new_diagram("uji-baru", 'Uji <"&"> baru', lanes)
        model = parse_bundle("uji-baru", Bundle({"uji-baru.bpmn": xml}))
        assert model.name == 'Uji <"&"> baru'
        assert model.user_tasks["tugas_pertama"].lane == lanes[-1]

    @pytest.mark.parametrize(
        ("model_id", "name", "lanes", "field"),
        [
            ("Uji", "x", ["Pemohon"], "id"),
            ("uji", " ", ["Pemohon"], "name"),
            ("uji", "x", [], "lanes"),
            ("uji", "x", ["Pemohon", "Pemohon"], "lanes"),
        ],
    )
    def test_bad_input_is_refused_by_field(self, model_id, name, lanes, field):
        with pytest.raises(InvalidInput) as raised:
            new_diagram(model_id, name, lanes)
        assert field in raised.value.errors


class TestDraftService:
    def test_save_then_deploy_keeps_running_instances_on_their_version(
        self, platform: Platform, deployed: None
    ):
        with platform.sessions() as session, session.begin():
            service = drafts(session, platform)
            analyst = user(session, "analis")
            old = platform.instances(session).start(
                MODEL, SAMPLE_REQUEST, user(session, "pengguna")
            )
            draft = service.save(MODEL, XML.replace(b"Prioritasi", b"Prioritas"), analyst, 1)
            assert service.pending(MODEL) is draft
            assert service.working_copy(MODEL).draft is draft
            assert set(draft.files) >= {f"{MODEL}.bpmn", f"{STEM}.schema.json"}
            result = service.deploy(MODEL, draft.number, analyst)
            assert (result.version, result.created) == (2, True)
            assert service.pending(MODEL) is None
            new = platform.instances(session).start(
                MODEL, SAMPLE_REQUEST, user(session, "pengguna")
            )
            assert (old.version.version, new.version.version) == (1, 2)
            [summary] = [s for s in summaries(session) if s.model_id == MODEL]
            assert [(use.version.version, use.running) for use in summary.versions] == [
                (1, 1),
                (2, 1),
            ]
            assert list(running_instances(session, MODEL)) == [2, 1]

    def test_only_editors_save_and_stale_or_invalid_saves_are_refused(
        self, platform: Platform, deployed: None
    ):
        with platform.sessions() as session:
            service = drafts(session, platform)
            with pytest.raises(NotPermitted):
                service.save(MODEL, XML, user(session, "pengguna"), 1)
            with pytest.raises(Conflict):
                service.save(MODEL, XML, user(session, "analis"), None)
            with pytest.raises(DeploymentInvalid) as raised:
                service.save(
                    MODEL,
                    XML.replace(b"gangguan == True", b"eval('1')"),
                    user(session, "analis"),
                    1,
                )
            assert raised.value.problems[0].element_id == "f_gangguan_ya"
            assert service.drafts(MODEL) == []

    def test_a_draft_made_from_an_older_version_cannot_be_deployed(
        self, platform: Platform, deployed: None
    ):
        with platform.sessions() as session:
            service = drafts(session, platform)
            analyst = user(session, "analis")
            first = service.save(MODEL, XML.replace(b"Prioritasi", b"A"), analyst, 1)
            second = service.save(MODEL, XML.replace(b"Prioritasi", b"B"), analyst, 1)
            with pytest.raises(Conflict):
                service.deploy(MODEL, first.number, analyst)
            service.deploy(MODEL, second.number, analyst)
            with pytest.raises(Conflict):
                service.deploy(MODEL, second.number, analyst)

    def test_create_makes_a_new_model_as_draft_one(self, platform: Platform, deployed: None):
        with platform.sessions() as session:
            service = drafts(session, platform)
            analyst = user(session, "analis")
            draft = service.create("aset-tik", "Aset TIK", ["Pemohon"], analyst)
            assert (draft.number, draft.base_version, draft.name) == (1, None, "Aset TIK")
            assert any(s.model_id == "aset-tik" and not s.versions for s in summaries(session))
            with pytest.raises(InvalidInput):
                service.create("aset-tik", "Lagi", ["Pemohon"], analyst)
            with pytest.raises(DeploymentInvalid):
                service.create("aset-lain", "Lain", ["Peran Fiktif"], analyst)
            assert service.deploy("aset-tik", 1, analyst).version == 1
