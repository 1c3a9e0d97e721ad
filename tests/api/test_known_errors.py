"""The known-error register: written when a task submits a workaround, searched by staff."""

from __future__ import annotations

import json

import pytest

from app.engine.specs import Bundle
from app.services.context import Platform
from app.services.process_models.deploy import DeployService
from tests.bpmn import form, lanes, linear
from tests.conftest import Auth

SCHEMA = {
    "type": "object",
    "required": ["solusi_sementara"],
    "properties": {
        "gejala_known_error": {"type": "string"},
        "akar_masalah": {"type": "string"},
        "solusi_sementara": {"type": "string", "minLength": 1},
    },
}
MODEL = linear(
    f'<bpmn:userTask id="catat">{form("catat.schema.json")}</bpmn:userTask>',
    lane_xml=lanes(Administrator_Layanan=["catat"]),
)


@pytest.fixture
def recorded(platform: Platform, demo: None, auth: Auth) -> Auth:
    with platform.sessions() as session, session.begin():
        DeployService(session, platform.clock, platform.specs).deploy(
            Bundle({"catat-masalah.bpmn": MODEL, "catat.schema.json": json.dumps(SCHEMA).encode()})
        )
    for layanan, gejala, solusi in [
        ("SIMPEG", "Galat 502 saat masuk", "Muat ulang layanan web SIMPEG"),
        ("SRIKANDI", "Surat tidak terkirim", "Kirim ulang dari menu arsip"),
    ]:
        started = auth.post(
            "penyedia",
            "/api/v1/process-instances",
            json={"process_model_id": "catat-masalah", "data": {"layanan": layanan}},
        ).json
        items = auth.get("admin.layanan", "/api/v1/tasks").json["items"]
        (task,) = [t for t in items if t["process_instance_id"] == started["id"]]
        done = auth.post(
            "admin.layanan",
            f"/api/v1/tasks/{task['id']}/complete",
            json={
                "data": {
                    "gejala_known_error": gejala,
                    "akar_masalah": "Kolam koneksi basis data habis",
                    "solusi_sementara": solusi,
                }
            },
        )
        assert done.status_code == 200, done.json
    return auth


def test_staff_find_a_known_error_by_any_words_of_it(recorded: Auth) -> None:
    found = recorded.get("admin.layanan", "/api/v1/known-errors?q=GALAT").json
    assert found["total"] == 1
    [item] = found["items"]
    assert item["service"] == "SIMPEG"
    assert item["workaround"] == "Muat ulang layanan web SIMPEG"
    assert item["problem"]["process_model_id"] == "catat-masalah"
    both = recorded.get("admin.layanan", "/api/v1/known-errors?q=koneksi").json
    assert both["total"] == 2
    one_service = recorded.get("pj.layanan", "/api/v1/known-errors?service=SRIKANDI").json
    assert [i["symptoms"] for i in one_service["items"]] == ["Surat tidak terkirim"]


def test_requesters_may_not_search_and_unknown_services_are_404(recorded: Auth) -> None:
    assert recorded.get("pengguna", "/api/v1/known-errors").status_code == 403
    assert recorded.get("admin.layanan", "/api/v1/known-errors?service=NOPE").status_code == 404


def test_a_provider_task_on_the_service_shows_its_known_errors(recorded: Auth) -> None:
    started = recorded.post(
        "penyedia",
        "/api/v1/process-instances",
        json={"process_model_id": "catat-masalah", "data": {"layanan": "SIMPEG"}},
    ).json
    items = recorded.get("admin.layanan", "/api/v1/tasks").json["items"]
    (task,) = [t for t in items if t["process_instance_id"] == started["id"]]
    detail = recorded.get("admin.layanan", f"/api/v1/tasks/{task['id']}").json
    assert [k["workaround"] for k in detail["known_errors"]] == ["Muat ulang layanan web SIMPEG"]
