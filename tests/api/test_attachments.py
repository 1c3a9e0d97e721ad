"""POST/GET /api/v1/attachments and files named by starts and completions (issue 12, item 3):
limits per file and per instance, accepted kinds, download headers, 404 alike for unknown
and forbidden ids, someone else's upload refused, and `spbe tick` removing abandoned files."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app.cli import main
from app.clock import FixedClock
from app.config import AttachmentLimits
from app.engine.specs import Bundle
from app.models import Attachment, Task, TaskState, User
from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from app.services.process_models.deploy import DeployService
from tests.bpmn import lanes, linear
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("deployed")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
PDF = b"%PDF-1.7 laporan"


@pytest.fixture(autouse=True)
def limits(platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AttachmentLimits:
    small = replace(
        platform.settings.attachments,
        directory=tmp_path / "lampiran",
        max_bytes=1024,
        max_instance_files=3,
    )
    monkeypatch.setattr(platform.settings, "attachments", small)
    return small


def upload(auth: Auth, username: str, content: bytes, name: str, content_type: str = "") -> Any:
    return auth.post(
        username,
        "/api/v1/attachments",
        data={"file": (io.BytesIO(content), name, content_type or "application/octet-stream")},
        content_type="multipart/form-data",
    )


def status_of_download(auth: Auth, username: str, url: str) -> int:
    """The status of a download, its file closed."""
    with auth.get(username, url) as response:
        return int(response.status_code)


def start_request(auth: Auth, data: dict[str, Any], username: str = "pengguna") -> Any:
    return auth.post(
        username,
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": data},
    )


def test_upload_answers_the_reference_a_file_field_takes(auth: Auth, limits: AttachmentLimits):
    response = upload(auth, "pengguna", PNG, "../../siti/layar gagal.png", "image/png")
    assert response.status_code == 201, response.json
    body = response.json
    assert set(body) == {"attachment_id", "name", "size", "content_type"}
    assert (body["name"], body["size"], body["content_type"]) == (
        "layar gagal.png",
        len(PNG),
        "image/png",
    )
    [stored] = list(limits.directory.iterdir())
    assert stored.name != "layar gagal.png"
    assert stored.read_bytes() == PNG


@pytest.mark.parametrize(
    ("content", "name", "declared", "status", "says"),
    [
        (b"%PDF-" + b"x" * 1100, "besar.pdf", "application/pdf", 413, "melebihi 1 KB"),
        (b"<script>alert(1)</script>", "halaman.html", "text/html", 422, "tidak diterima"),
        (PDF, "layar.png", "image/png", 422, "bukan .png"),
        (PNG, "layar.png", "text/html", 422, "tidak cocok"),
        (b"", "kosong.pdf", "application/pdf", 422, "kosong"),
    ],
)
def test_upload_refuses_too_large_and_unaccepted_files_naming_file(
    auth: Auth,
    limits: AttachmentLimits,
    content: bytes,
    name: str,
    declared: str,
    status: int,
    says: str,
):
    response = upload(auth, "pengguna", content, name, declared)
    assert response.status_code == status
    assert says in response.json["errors"]["file"][0]
    assert not limits.directory.exists() or not any(limits.directory.iterdir())


def test_upload_without_a_file_is_422_naming_file(auth: Auth):
    response = auth.post(
        "pengguna", "/api/v1/attachments", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "file" in response.json["errors"]


def test_download_is_an_attachment_with_nosniff_for_its_uploader_only(auth: Auth):
    ref = upload(auth, "pengguna", PNG, "layar.png", "image/png").json
    url = f"/api/v1/attachments/{ref['attachment_id']}"
    with auth.get("pengguna", url) as response:
        assert response.status_code == 200
        assert response.data == PNG
        assert response.headers["Content-Type"] == "image/png"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "layar.png" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"

    forbidden = auth.get("admin.layanan", url)  # not linked yet: the uploader's alone
    unknown = auth.get("pengguna", "/api/v1/attachments/999999")
    assert forbidden.status_code == unknown.status_code == 404
    assert forbidden.json == unknown.json
    assert auth.client.get(url).status_code == 401


def test_a_start_links_the_starters_upload_for_those_who_read_the_case(auth: Auth):
    ref = upload(auth, "pengguna", PNG, "layar.png", "image/png").json
    started = start_request(
        auth, {**SAMPLE_REQUEST, "tangkapan_layar": {"attachment_id": ref["attachment_id"]}}
    )
    assert started.status_code == 201, started.json
    assert started.json["data"]["tangkapan_layar"] == ref  # the stored reference, whole
    url = f"/api/v1/attachments/{ref['attachment_id']}"
    assert status_of_download(auth, "admin.layanan", url) == 200  # staff of the case
    assert status_of_download(auth, "pengguna", url) == 200
    outsider = auth.get("penyedia.bpkad", url)  # may not read this case
    assert outsider.status_code == 404
    assert outsider.json == auth.get("penyedia.bpkad", "/api/v1/attachments/999999").json

    again = start_request(auth, {**SAMPLE_REQUEST, "tangkapan_layar": ref})
    assert again.status_code == 422  # linked to the first case, not usable for another
    assert "tangkapan_layar" in again.json["errors"]


def test_someone_elses_upload_is_refused_naming_the_field(auth: Auth):
    theirs = upload(auth, "admin.layanan", PDF, "bukti.pdf", "application/pdf").json
    response = start_request(
        auth, {**SAMPLE_REQUEST, "tangkapan_layar": {"attachment_id": theirs["attachment_id"]}}
    )
    assert response.status_code == 422
    assert "bukan unggahan Anda" in response.json["errors"]["tangkapan_layar"][0]
    assert "your uploads" in response.json["errors"]["tangkapan_layar"][0]


FILE_FORM = {
    "type": "object",
    "required": ["bukti"],
    "properties": {
        "bukti": {
            "type": "object",
            "title": "Bukti",
            "required": ["attachment_id"],
            "properties": {"attachment_id": {"type": "integer"}},
        },
        "lainnya": {
            "type": "array",
            "title": "Lampiran lain",
            "items": {
                "type": "object",
                "required": ["attachment_id"],
                "properties": {"attachment_id": {"type": "integer"}},
            },
        },
    },
}


def _file_task(platform: Platform) -> str:
    """The open task of a one-step procedure (Administrator Layanan) whose form takes files."""
    task = (
        '<bpmn:userTask id="unggah" name="Unggah bukti"><bpmn:extensionElements>'
        "<spiffworkflow:properties>"
        '<spiffworkflow:property name="formJsonSchemaFilename" value="uji-bukti.schema.json" />'
        "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>"
    )
    bpmn = linear(task, lane_xml=lanes(Administrator_Layanan=["unggah"], Pemohon=["start", "end"]))
    bundle = Bundle(
        {"uji-bukti.bpmn": bpmn, "uji-bukti.schema.json": json.dumps(FILE_FORM).encode()}
    )
    with platform.sessions() as session, session.begin():
        analyst = session.scalars(select(User).where(User.username == "analis")).one()
        model = DeployService(session, platform.clock, platform.specs).deploy(bundle, analyst)
        user = session.scalars(select(User).where(User.username == "penyedia")).one()
        instance = platform.instances(session).start(model.model_id, {"layanan": "SIMPEG"}, user)
        return session.scalars(
            select(Task.id).where(Task.instance_id == instance.id, Task.state == TaskState.READY)
        ).one()


def test_a_completion_links_uploads_within_the_instance_limit(auth: Auth, platform: Platform):
    task_id = _file_task(platform)
    ids = [
        upload(auth, "admin.layanan", PDF, f"bukti-{n}.pdf", "application/pdf").json[
            "attachment_id"
        ]
        for n in range(4)
    ]
    complete = f"/api/v1/tasks/{task_id}/complete"
    too_many = auth.post(
        "admin.layanan",
        complete,
        json={
            "data": {
                "bukti": {"attachment_id": ids[0]},
                "lainnya": [{"attachment_id": i} for i in ids[1:]],
            }
        },
    )
    assert too_many.status_code == 422
    assert "paling banyak 3 lampiran" in too_many.json["errors"]["lainnya.2"][0]

    done = auth.post(
        "admin.layanan",
        complete,
        json={"data": {"bukti": {"attachment_id": ids[0]}, "lainnya": [{"attachment_id": ids[1]}]}},
    )
    assert done.status_code == 200, done.json
    data = done.json["process_instance"]["data"]
    assert data["bukti"]["name"] == "bukti-0.pdf"
    instance_id = done.json["process_instance"]["id"]
    with platform.sessions() as session:
        linked = session.scalars(
            select(Attachment.id).where(Attachment.instance_id == instance_id)
        ).all()
    assert sorted(linked) == ids[:2]
    # the starter reads the case, so its files
    assert status_of_download(auth, "penyedia", f"/api/v1/attachments/{ids[0]}") == 200


def _tick(platform: Platform, limits: AttachmentLimits, hours: int) -> str:
    at = platform.clock.now() + timedelta(hours=hours)
    result = CliRunner().invoke(
        main,
        ["tick", "--at", at.isoformat()],
        env={
            "DATABASE_URL": platform.settings.database_url,
            "ATTACHMENT_DIR": str(limits.directory),
        },
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_tick_removes_uploads_no_case_took_after_a_day(
    auth: Auth, platform: Platform, limits: AttachmentLimits, clock: FixedClock
):
    abandoned = upload(auth, "pengguna", PNG, "lupa.png", "image/png").json
    used = upload(auth, "pengguna", PNG, "dipakai.png", "image/png").json
    refused = start_request(  # a form refused: its file stays unlinked
        auth,
        {"layanan": "SIMPEG", "tangkapan_layar": {"attachment_id": abandoned["attachment_id"]}},
    )
    assert refused.status_code == 422
    assert start_request(auth, {**SAMPLE_REQUEST, "tangkapan_layar": used}).status_code == 201

    assert "abandoned" not in _tick(platform, limits, hours=23)
    assert "1 abandoned attachment(s) removed" in _tick(platform, limits, hours=25)
    clock.advance(timedelta(hours=25))
    with platform.sessions() as session:
        left = session.scalars(select(Attachment)).all()
    assert [a.id for a in left] == [used["attachment_id"]]
    assert [p.name for p in limits.directory.iterdir()] == [left[0].stored_name]
    gone = auth.get("pengguna", f"/api/v1/attachments/{abandoned['attachment_id']}")
    assert gone.status_code == 404
    used_url = f"/api/v1/attachments/{used['attachment_id']}"
    assert status_of_download(auth, "pengguna", used_url) == 200
