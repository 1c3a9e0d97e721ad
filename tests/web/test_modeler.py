"""The modeler's pages and endpoints through the Flask test client: access, validation,
hostile XML, stale saves, deploy, and new diagrams from the template."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.models import Event, ModelDraft, ProcessModelVersion
from app.services.context import Platform
from tests.conftest import PROCESSES
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("deployed")

MODEL = "permintaan-layanan"
XML = (PROCESSES / f"{MODEL}.bpmn").read_text(encoding="utf-8")


def save(client: FlaskClient, token: str, xml: str, base: Any = 1, model: str = MODEL) -> Any:
    return client.post(
        f"/model/{model}/simpan",
        json={"xml": xml, "base_version": base},
        headers={"X-CSRFToken": token},
    )


def count(platform: Platform, model: Any) -> int:
    with platform.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("username", ["pengguna", "admin.layanan", "pimpinan"])
def test_only_analysts_and_admins_reach_the_modeler(client: FlaskClient, username: str):
    token = client_sign_in(client, username)
    for url in (
        "/model",
        f"/model/{MODEL}",
        f"/model/{MODEL}/ubah",
        "/model/baru",
        "/formulir",
        "/formulir/permintaan-layanan-konfirmasi",
    ):
        assert client.get(url).status_code == 403, url
    assert save(client, token, XML).status_code == 403
    response = client.post(f"/model/{MODEL}/deploy", data={"draft": "1", "csrf_token": token})
    assert response.status_code == 403
    assert "Model proses" not in client.get("/").get_data(as_text=True)


def test_admin_sistem_may_open_the_modeler(client: FlaskClient):
    client_sign_in(client, "admin")
    assert client.get(f"/model/{MODEL}/ubah").status_code == 200


def test_unknown_model_is_404(client: FlaskClient):
    token = client_sign_in(client, "analis")
    for url in ("/model/tidak-ada", "/model/tidak-ada/ubah"):
        assert client.get(url).status_code == 404
    assert save(client, token, XML, None, "tidak-ada").status_code == 404


def test_model_list_shows_versions_and_running_instances(client: FlaskClient):
    client_sign_in(client, "analis")
    page = client.get("/model").get_data(as_text=True)
    assert "Permintaan Layanan" in page
    assert "dipakai instans baru" in page
    assert "Model proses" in client.get("/").get_data(as_text=True)  # in the navigation


def test_editor_page_carries_the_newest_xml_roles_and_forms(client: FlaskClient):
    client_sign_in(client, "analis")
    page = client.get(f"/model/{MODEL}/ubah").get_data(as_text=True)
    assert "klasifikasi_prioritas" in page
    assert "Penanggung Jawab Penyedia Layanan" in page
    assert "permintaan-layanan-konfirmasi.schema.json" in page
    assert "bpmn-modeler.production.min.js" in page


def test_a_save_without_csrf_token_is_refused(client: FlaskClient, platform: Platform):
    client_sign_in(client, "analis")
    response = client.post(f"/model/{MODEL}/simpan", json={"xml": XML, "base_version": 1})
    assert response.status_code == 400
    assert count(platform, ModelDraft) == 0


def test_a_valid_save_stores_a_draft_that_new_instances_do_not_use(
    client: FlaskClient, platform: Platform
):
    token = client_sign_in(client, "analis")
    response = save(client, token, XML.replace("Klasifikasi dan Prioritasi", "Klasifikasi"))
    assert response.status_code == 201, response.json
    assert response.json["draft"] == 1
    assert count(platform, ProcessModelVersion) == len(list(PROCESSES.glob("*.bpmn")))
    page = client.get(f"/model/{MODEL}").get_data(as_text=True)
    assert "Draf #1 menunggu deploy" in page
    assert "Membuka draf #1" in client.get(f"/model/{MODEL}/ubah").get_data(as_text=True)


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
            "DTD",
        ),
        ("<bpmn:definitions", "XML tidak valid"),
        ("", "XML tidak valid"),
        (
            '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            'id="d" targetNamespace="x" />',
            "proses executable",
        ),
    ],
)
def test_malformed_or_hostile_xml_gets_a_clear_error_and_stores_nothing(
    client: FlaskClient, platform: Platform, xml: str, expected: str
):
    token = client_sign_in(client, "analis")
    response = save(client, token, xml)
    assert response.status_code == 422, response.json
    assert expected in " ".join(e["message"] for e in response.json["errors"])
    assert count(platform, ModelDraft) == 0


@pytest.mark.parametrize("body", [None, [], {"xml": 5}, {"xml": "<a/>", "base_version": "1"}])
def test_a_body_that_is_not_the_expected_json_is_400(client: FlaskClient, body: Any):
    token = client_sign_in(client, "analis")
    response = client.post(f"/model/{MODEL}/simpan", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert "Permintaan tidak valid" in response.json["message"]


def test_errors_name_the_elements_they_are_about(client: FlaskClient, platform: Platform):
    token = client_sign_in(client, "analis")
    bad = XML.replace('name="Penanggung Jawab Penyedia Layanan"', 'name="Kepala Seksi"').replace(
        "gangguan == True", "__import__('os')"
    )
    response = save(client, token, bad)
    assert response.status_code == 422
    located = {e["element_id"] for e in response.json["errors"]}
    assert {"lane_pj_penyedia_layanan", "f_gangguan_ya"} <= located
    assert all(e["line"] for e in response.json["errors"])
    assert count(platform, ModelDraft) == 0


def test_a_save_after_someone_deployed_is_a_conflict(client: FlaskClient):
    token = client_sign_in(client, "analis")
    response = save(client, token, XML, base=None)
    assert response.status_code == 409
    assert "versi 1" in response.json["message"]


def test_deploy_makes_the_draft_the_next_version_with_an_event(
    client: FlaskClient, platform: Platform
):
    token = client_sign_in(client, "analis")
    save(client, token, XML.replace("Klasifikasi dan Prioritasi", "Klasifikasi"))
    response = client.post(f"/model/{MODEL}/deploy", data={"draft": "1", "csrf_token": token})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "di-deploy sebagai versi 2" in page
    with platform.sessions() as session:
        draft = session.scalars(select(ModelDraft)).one()
        assert draft.deployed_version == 2
        kinds = session.scalars(select(Event.kind).where(Event.kind == "model_deployed")).all()
        assert len(kinds) == len(list(PROCESSES.glob("*.bpmn"))) + 1
    again = client.post(f"/model/{MODEL}/deploy", data={"draft": "1", "csrf_token": token})
    assert "sudah di-deploy" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_deploying_a_superseded_or_unknown_draft_is_refused(client: FlaskClient):
    token = client_sign_in(client, "analis")
    save(client, token, XML.replace("Klasifikasi dan Prioritasi", "Klasifikasi"))
    save(client, token, XML.replace("Klasifikasi dan Prioritasi", "Klasifikasi lagi"))
    response = client.post(f"/model/{MODEL}/deploy", data={"draft": "1", "csrf_token": token})
    assert "bukan draf terbaru" in client.get(response.headers["Location"]).get_data(as_text=True)
    response = client.post(f"/model/{MODEL}/deploy", data={"draft": "9", "csrf_token": token})
    assert "tidak ada" in client.get(response.headers["Location"]).get_data(as_text=True)
    bad = client.post(f"/model/{MODEL}/deploy", data={"draft": "x", "csrf_token": token})
    assert bad.status_code == 400


def test_new_diagram_from_the_template_opens_in_the_editor(client: FlaskClient):
    token = client_sign_in(client, "analis")
    response = client.post(
        "/model/baru",
        data={
            "id": "pengelolaan-aset",
            "name": "Pengelolaan Aset",
            "lanes": ["Pemohon", "Administrator Layanan"],
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/model/pengelolaan-aset/ubah")
    editor = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "tugas_pertama" in editor
    assert "Membuka draf #1" in editor
    listing = client.get("/model").get_data(as_text=True)
    assert "pengelolaan-aset" in listing
    assert "Belum pernah di-deploy." in listing


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"id": "Bukan Id", "name": "X", "lanes": ["Pemohon"]}, "huruf kecil"),
        ({"id": "baru-lagi", "name": "", "lanes": ["Pemohon"]}, "wajib diisi"),
        ({"id": "baru-lagi", "name": "X"}, "paling sedikit satu lajur"),
        ({"id": MODEL, "name": "X", "lanes": ["Pemohon"]}, "sudah dipakai"),
    ],
)
def test_new_diagram_input_errors_are_shown_next_to_the_fields(
    client: FlaskClient, platform: Platform, form: dict[str, Any], message: str
):
    token = client_sign_in(client, "analis")
    response = client.post("/model/baru", data={**form, "csrf_token": token})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(platform, ModelDraft) == 0


def test_pages_and_messages_switch_to_english(client: FlaskClient):
    token = client_sign_in(client, "analis")
    client.post("/bahasa", data={"lang": "en", "next": "/", "csrf_token": token})
    assert "Process models" in client.get("/model").get_data(as_text=True)
    assert "Save draft" in client.get(f"/model/{MODEL}/ubah").get_data(as_text=True)
    assert "Preview" in client.get("/formulir/permintaan-layanan-konfirmasi").get_data(as_text=True)
    response = client.post(f"/model/{MODEL}/simpan", json={}, headers={"X-CSRFToken": token})
    assert response.json["message"] == "Invalid request: send JSON with 'xml'."


def check(client: FlaskClient, token: str, body: Any) -> Any:
    return client.post("/model/periksa-kode", json=body, headers={"X-CSRFToken": token})


@pytest.mark.parametrize(
    ("code", "mode", "expected"),
    [
        ("gangguan == True", "eval", []),
        ("", "eval", []),
        ("x = 1\nstatus = 'selesai'", "exec", []),
        ("gangguan ==", "eval", [{"line": 1, "column": None}]),
        ("x = 1\ny = (2,", "exec", [{"line": 2, "column": 5}]),
        ('open("/etc/passwd")', "eval", [{"line": 1, "column": None}]),
        ("x = 1", "eval", [{"line": 1, "column": 3}]),
    ],
)
def test_code_check_parses_without_running_and_locates_problems(
    client: FlaskClient, code: str, mode: str, expected: list[dict[str, Any]]
):
    token = client_sign_in(client, "analis")
    response = check(client, token, {"code": code, "mode": mode})
    assert response.status_code == 200
    assert response.json["ok"] is (not expected)
    found = [{k: p[k] for k in ("line", "column")} for p in response.json["problems"]]
    assert found == expected
    if expected:
        assert response.json["problems"][0]["message"]


@pytest.mark.parametrize(
    ("body", "field"), [(None, "code"), ({"code": 1}, "code"), ({"code": "a", "mode": "x"}, "mode")]
)
def test_code_check_refuses_a_wrong_body_naming_the_field(
    client: FlaskClient, body: Any, field: str
):
    token = client_sign_in(client, "analis")
    response = check(client, token, body)
    assert response.status_code == 400
    assert response.json["field"] == field


def upload(client: FlaskClient, token: str, content: bytes, model: str = MODEL) -> Any:
    return client.post(
        f"/model/{model}/impor",
        data={"file": (io.BytesIO(content), "diagram.bpmn")},
        headers={"X-CSRFToken": token},
        content_type="multipart/form-data",
    )


def test_import_hands_a_safe_bpmn_file_to_the_editor_and_stores_nothing(
    client: FlaskClient, platform: Platform
):
    token = client_sign_in(client, "analis")
    response = upload(client, token, ("\ufeff" + XML).encode("utf-8"))
    assert response.status_code == 200
    assert response.json["xml"] == XML
    assert count(platform, ModelDraft) == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "kosong"),
        (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><d>&x;</d>', "DTD"),
        (b"<bpmn:definitions>\n<unclosed>", "XML tidak valid"),
        (b"<diagram/>", "bpmn:definitions"),
        (
            b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>',
            "tidak memuat proses",
        ),
    ],
)
def test_import_of_a_bad_file_is_422_naming_the_file_and_stores_nothing(
    client: FlaskClient, platform: Platform, content: bytes, expected: str
):
    token = client_sign_in(client, "analis")
    response = upload(client, token, content)
    assert response.status_code == 422
    assert expected in " ".join(response.json["errors"]["file"])
    assert count(platform, ModelDraft) == 0


def test_import_without_a_file_or_into_an_unknown_model(client: FlaskClient):
    token = client_sign_in(client, "analis")
    response = client.post(f"/model/{MODEL}/impor", headers={"X-CSRFToken": token})
    assert response.status_code == 422
    assert "file" in response.json["errors"]
    assert upload(client, token, XML.encode(), "tidak-ada").status_code == 404


def test_export_gives_a_version_or_a_draft_as_a_download(client: FlaskClient):
    token = client_sign_in(client, "analis")
    response = client.get(f"/model/{MODEL}/ekspor?versi=1")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == XML
    assert 'filename="permintaan-layanan-v1.bpmn"' in response.headers["Content-Disposition"]
    changed = XML.replace("Klasifikasi dan Prioritasi", "Klasifikasi")
    assert save(client, token, changed).status_code == 201
    response = client.get(f"/model/{MODEL}/ekspor?draf=1")
    assert response.get_data(as_text=True) == changed
    assert 'filename="permintaan-layanan-draf-1.bpmn"' in response.headers["Content-Disposition"]
    assert client.get(f"/model/{MODEL}/ekspor").get_data(as_text=True) == XML
    for url in ("?versi=9", "?draf=9", "?versi=x"):
        assert client.get(f"/model/{MODEL}/ekspor{url}").status_code in (400, 404), url
    assert client.get("/model/tidak-ada/ekspor").status_code == 404


def test_discard_asks_then_deletes_the_pending_draft_with_an_event(
    client: FlaskClient, platform: Platform
):
    token = client_sign_in(client, "analis")
    assert save(client, token, XML.replace("Klasifikasi dan Prioritasi", "K")).status_code == 201
    page = client.get(f"/model/{MODEL}/buang-draf").get_data(as_text=True)
    assert "Buang draf #1?" in page
    assert count(platform, ModelDraft) == 1
    response = client.post(f"/model/{MODEL}/buang-draf", data={"csrf_token": token})
    assert response.status_code == 302
    assert count(platform, ModelDraft) == 0
    assert "Membuka versi 1" in client.get(f"/model/{MODEL}/ubah").get_data(as_text=True)
    with platform.sessions() as session:
        event = session.scalars(select(Event).where(Event.kind == "model_draft_discarded")).one()
        assert event.data["draft"] == 1
    # Nothing pending any more: the page says so instead of asking.
    response = client.get(f"/model/{MODEL}/buang-draf", follow_redirects=True)
    assert "Tidak ada draf yang menunggu deploy." in response.get_data(as_text=True)


def test_a_never_deployed_diagram_keeps_its_only_draft(client: FlaskClient, platform: Platform):
    token = client_sign_in(client, "analis")
    form = {
        "id": "pengelolaan-aset",
        "name": "Pengelolaan Aset",
        "lanes": ["Administrator Layanan"],
    }
    assert client.post("/model/baru", data={**form, "csrf_token": token}).status_code == 302
    response = client.post(
        "/model/pengelolaan-aset/buang-draf", data={"csrf_token": token}, follow_redirects=True
    )
    assert "tidak ada versi untuk kembali" in response.get_data(as_text=True)
    assert count(platform, ModelDraft) == 1
