"""Process models: list, read, deploy, BPMN by version."""

from __future__ import annotations

import codecs
import io
import json

import pytest
from sqlalchemy import func, select

from app.models import Event, ProcessModelVersion
from tests.bpmn import form, linear, warned_condition
from tests.conftest import PROCESSES, Auth

pytestmark = pytest.mark.usefixtures("deployed")

FORM = json.dumps({"type": "object", "properties": {"ok": {"type": "boolean"}}}).encode()


def upload(auth: Auth, username: str, files: dict[str, bytes]):
    data = {"file": [(io.BytesIO(content), name) for name, content in files.items()]}
    return auth.post(
        username, "/api/v1/process-models", data=data, content_type="multipart/form-data"
    )


def test_list_models(auth: Auth) -> None:
    models = auth.get("pengguna", "/api/v1/process-models").json
    shipped = sorted(path.stem for path in PROCESSES.glob("*.bpmn"))
    assert [m["id"] for m in models] == shipped
    assert {m["version"] for m in models} == {1}
    assert models[0]["name"]
    assert models[0]["deployed_at"].endswith("+00:00")


def test_get_model_with_start_form(auth: Auth) -> None:
    model = auth.get("pengguna", "/api/v1/process-models/permintaan-layanan").json
    assert model["version"] == 1
    assert [v["version"] for v in model["versions"]] == [1]
    assert "layanan" in model["start_form"]["schema"]["properties"]
    assert model["start_form"]["ui_schema"] is not None


def test_unknown_model_is_404(auth: Auth) -> None:
    assert auth.get("pengguna", "/api/v1/process-models/tidak-ada").status_code == 404
    assert auth.get("pengguna", "/api/v1/process-models/tidak-ada/bpmn").status_code == 404


def test_deploy_new_version_then_unchanged(auth: Auth, platform) -> None:
    bpmn = linear(f'<bpmn:userTask id="t">{form("uji.schema.json")}</bpmn:userTask>')
    first = upload(auth, "analis", {"uji-model.bpmn": bpmn, "uji.schema.json": FORM})
    assert first.status_code == 201, first.json
    assert first.json == {"id": "uji-model", "version": 1, "created": True, "warnings": []}
    model = auth.get("analis", "/api/v1/process-models/uji-model").json
    assert model["versions"][0]["deployed_by"] == "analis"
    with platform.sessions() as session:
        deployed = session.scalars(select(Event).where(Event.kind == "model_deployed")).all()
        assert [e.data["model"] for e in deployed][-1] == "uji-model"
    again = upload(auth, "analis", {"uji.schema.json": FORM, "uji-model.bpmn": bpmn})
    assert again.status_code == 201
    assert again.json["version"] == 1
    assert again.json["created"] is False
    changed = upload(
        auth,
        "analis",
        {
            "uji-model.bpmn": bpmn.replace(b'id="t"', b'id="t2"').replace(b'"t"', b'"t2"'),
            "uji.schema.json": FORM,
        },
    )
    assert changed.json["version"] == 2
    old = auth.get("analis", "/api/v1/process-models/uji-model/bpmn?version=1")
    assert old.status_code == 200
    assert b'id="t"' in old.data
    new = auth.get("analis", "/api/v1/process-models/uji-model/bpmn")
    assert b'id="t2"' in new.data
    assert auth.get("analis", "/api/v1/process-models/uji-model/bpmn?version=9").status_code == 404


def test_invalid_upload_is_422_with_located_errors_and_stores_nothing(auth: Auth, platform) -> None:
    bpmn = linear(
        f'<bpmn:userTask id="t">{form("hilang.schema.json")}</bpmn:userTask>'
        '<bpmn:scriptTask id="s"><bpmn:script>import os</bpmn:script>'
        "</bpmn:scriptTask>"
    )
    response = upload(auth, "analis", {"rusak.bpmn": bpmn})
    assert response.status_code == 422
    errors = response.json["errors"]
    assert {e["element_id"] for e in errors} == {"t", "s"}
    assert all(set(e) == {"file", "line", "element_id", "message"} for e in errors)
    with platform.sessions() as session:
        # only the shipped procedures the fixture deployed
        shipped = len(list(PROCESSES.glob("*.bpmn")))
        assert session.scalar(select(func.count()).select_from(ProcessModelVersion)) == shipped


@pytest.mark.parametrize(
    ("declared", "codec", "mark"),
    [
        ("UTF-8", "utf-8", b""),
        ("UTF-16", "utf-16-le", codecs.BOM_UTF16_LE),
        ("UTF-16", "utf-16-be", codecs.BOM_UTF16_BE),
        ("UTF-32", "utf-32-le", codecs.BOM_UTF32_LE),
        ("UTF-32BE", "utf-32-be", b""),
    ],
)
def test_hostile_xml_upload_is_422_in_any_encoding(
    auth: Auth, declared: str, codec: str, mark: bytes
) -> None:
    xxe = mark + (
        f'<?xml version="1.0" encoding="{declared}"?>\n'
        '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
    ).encode(codec)
    response = upload(auth, "analis", {"jahat.bpmn": xxe})
    assert response.status_code == 422
    [problem] = response.json["errors"]
    assert (problem["file"], problem["line"]) == ("jahat.bpmn", 2)
    assert "DTD" in problem["message"]
    assert "root:" not in json.dumps(response.json)


def test_upload_without_files_is_422(auth: Auth) -> None:
    response = auth.post(
        "analis", "/api/v1/process-models", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    [problem] = response.json["errors"]
    assert problem["message"] == "tidak ada berkas / no file uploaded (multipart field 'file')"


def test_a_refused_deploy_is_403_before_the_files_are_looked_at(auth: Auth) -> None:
    response = auth.post(
        "pengguna", "/api/v1/process-models", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 403
    assert response.json["message"] == (
        "Hanya Analis Proses yang dapat men-deploy / Analis Proses only"
    )


def test_deploy_with_a_warning_reports_it(auth: Auth) -> None:
    response = upload(auth, "analis", {"peringatan.bpmn": warned_condition()})
    assert response.status_code == 201, response.json
    [warning] = response.json["warnings"]
    assert warning["element_id"] == "f1"
    assert "tidak_ada" in warning["message"]


@pytest.mark.parametrize("username", ["pengguna", "admin.layanan", "pimpinan"])
def test_only_process_analysts_may_deploy(auth: Auth, username: str) -> None:
    response = upload(auth, username, {"x.bpmn": linear('<bpmn:task id="t" />')})
    assert response.status_code == 403


def test_a_start_form_is_served_in_its_ui_order(auth: Auth) -> None:
    """A generic client showing fields as served asks for the service before the request
    types that depend on it (the JSON keeps the order: no sorting)."""
    response = auth.get("pengguna", "/api/v1/process-models/permintaan-layanan")
    served = json.loads(response.get_data(as_text=True))["start_form"]
    order = served["ui_schema"]["ui:order"]
    fields = list(served["schema"]["properties"])
    assert fields[: len(order)] == [name for name in order if name in fields]
    assert fields.index("layanan") < fields.index("jenis_permintaan")
