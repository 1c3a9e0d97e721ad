"""The task page with the Flask client: summary, history, the form, the server's field
errors in Indonesian next to the fields, 403/404/CSRF, and file attachments."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.engine.specs import Bundle
from app.models import Attachment, Instance, KnownError, Task, TaskState, User
from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from app.services.process_models.deploy import DeployService
from tests.bpmn import lanes, linear
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("deployed")


@pytest.fixture(autouse=True)
def attachment_dir(platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    limits = replace(platform.settings.attachments, directory=tmp_path / "lampiran", max_bytes=1024)
    monkeypatch.setattr(platform.settings, "attachments", limits)
    return limits.directory


def start_request(platform: Platform, data: dict[str, Any] | None = None) -> Instance:
    """A service request filed by `pengguna` (through the service, as the API does)."""
    with platform.sessions() as session, session.begin():
        user = session.scalars(select(User).where(User.username == "pengguna")).one()
        instance = platform.instances(session).start(
            "permintaan-layanan", data or SAMPLE_REQUEST, user
        )
        session.flush()
        session.expunge(instance)
        return instance


def open_task(platform: Platform, instance_id: int) -> Task:
    with platform.sessions() as session:
        return session.scalars(
            select(Task).where(Task.instance_id == instance_id, Task.state == TaskState.READY)
        ).one()


def field_error(html: str, field: str) -> str:
    match = re.search(rf'id="f-{field}-error">([^<]*)</span>', html)
    assert match, f"no error shown for {field}"
    return match.group(1)


def test_task_page_shows_summary_instructions_history_and_form(
    client: FlaskClient, platform: Platform
):
    instance = start_request(platform)
    task = open_task(platform, instance.id)
    client_sign_in(client, "admin.layanan")
    page = client.get(f"/tugas/{task.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "PMT-2026-000001" in html
    assert "SIMPEG" in html
    assert "Rekaman dibuat" in html  # the history
    assert "Siti Pengguna" in html
    assert "{{ judul }}" in (task.instructions or "")
    assert "Permintaan Akun SIMPEG untuk staf baru untuk layanan Sistem Informasi" in html
    assert '<select id="f-klasifikasi" name="klasifikasi"' in html
    assert 'enctype="multipart/form-data"' in html


def test_provider_task_shows_the_services_known_errors(client: FlaskClient, platform: Platform):
    instance = start_request(platform)
    task = open_task(platform, instance.id)
    with platform.sessions() as session, session.begin():
        session.add(
            KnownError(
                instance_id=instance.id,
                service_id=instance.service_id,
                symptoms="Tidak bisa masuk SIMPEG setelah ganti sandi",
                root_cause="Tembolok sesi",
                workaround="Hapus kuki peramban lalu masuk lagi",
                recorded_at=platform.clock.now(),
            )
        )
    client_sign_in(client, "admin.layanan")
    html = client.get(f"/tugas/{task.id}").get_data(as_text=True)
    assert "Galat yang sudah dikenal untuk layanan ini" in html
    assert "Hapus kuki peramban lalu masuk lagi" in html
    assert "Badan Kepegawaian" in html  # the service's PD in the summary


def test_wrong_type_missing_field_and_unknown_choice_keep_the_task_open(
    client: FlaskClient, platform: Platform
):
    instance = start_request(platform)
    task = open_task(platform, instance.id)
    token = client_sign_in(client, "admin.layanan")
    response = client.post(
        f"/tugas/{task.id}",
        data={
            "csrf_token": token,
            "klasifikasi": "bukan-pilihan",
            "gangguan": "false",
            "pelaksana": "pelaksana",
            "catatan_klasifikasi": "catatan saya",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        field_error(html, "klasifikasi") == "Pilihan tidak dikenal; pilih salah satu yang tersedia."
    )
    assert field_error(html, "prioritas") == "Wajib diisi."
    assert ">catatan saya</textarea>" in html  # the input is kept
    assert '<option value="bukan-pilihan" selected>' in html
    assert "tugas belum diselesaikan" in html
    assert open_task(platform, instance.id).id == task.id  # still open

    # the requester's confirmation has an integer rating: letters are a type error
    _complete(client, token, task.id, platform)
    confirm = _walk_to_confirmation(client, platform, instance.id)
    token = client_sign_in(client, "pengguna")
    response = client.post(
        f"/tugas/{confirm.id}",
        data={"csrf_token": token, "konfirmasi": "diterima", "kepuasan": "lima"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "kepuasan") == "Harus berupa bilangan bulat."
    assert 'value="lima"' in html


def test_field_errors_in_english_when_switched(client: FlaskClient, platform: Platform):
    instance = start_request(platform)
    task = open_task(platform, instance.id)
    token = client_sign_in(client, "admin.layanan")
    client.post("/bahasa", data={"lang": "en", "next": "/", "csrf_token": token})
    response = client.post(f"/tugas/{task.id}", data={"csrf_token": token, "gangguan": "true"})
    html = response.get_data(as_text=True)
    assert field_error(html, "prioritas") == "Required."
    assert field_error(html, "dampak") == "Required."
    assert "Required when Terjadi gangguan?" in html


def _complete(client: FlaskClient, token: str, task_id: str, platform: Platform) -> None:
    response = client.post(
        f"/tugas/{task_id}",
        data={
            "csrf_token": token,
            "klasifikasi": "akses",
            "prioritas": "sedang",
            "gangguan": "false",
            "pelaksana": "pelaksana",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/tugas")


def _walk_to_confirmation(client: FlaskClient, platform: Platform, instance_id: int) -> Task:
    token = client_sign_in(client, "pj.layanan")
    approval = open_task(platform, instance_id)
    response = client.post(f"/tugas/{approval.id}", data={"csrf_token": token, "disetujui": "true"})
    assert response.status_code == 302
    token = client_sign_in(client, "pelaksana")
    fulfil = open_task(platform, instance_id)
    response = client.post(
        f"/tugas/{fulfil.id}",
        data={"csrf_token": token, "hasil_pemenuhan": "Akun sudah dibuat."},
    )
    assert response.status_code == 302
    return open_task(platform, instance_id)


def test_completing_flashes_and_returns_to_the_inbox(client: FlaskClient, platform: Platform):
    instance = start_request(platform)
    task = open_task(platform, instance.id)
    token = client_sign_in(client, "admin.layanan")
    _complete(client, token, task.id, platform)
    inbox = client.get("/tugas").get_data(as_text=True)
    assert "selesai untuk PMT-2026-000001" in inbox
    assert task.id not in inbox


def test_user_without_the_role_gets_403_and_unknown_task_404(
    client: FlaskClient, platform: Platform
):
    instance = start_request(platform)
    task = open_task(platform, instance.id)
    token = client_sign_in(client, "pengguna")
    assert client.get(f"/tugas/{task.id}").status_code == 403
    refused = client.post(f"/tugas/{task.id}", data={"csrf_token": token, "klasifikasi": "akses"})
    assert refused.status_code == 403
    assert client.get("/tugas/tidak-ada").status_code == 404
    assert open_task(platform, instance.id).id == task.id


def test_post_without_csrf_is_refused(client: FlaskClient, platform: Platform):
    instance = start_request(platform)
    task = open_task(platform, instance.id)
    client_sign_in(client, "admin.layanan")
    response = client.post(f"/tugas/{task.id}", data={"klasifikasi": "akses"})
    assert response.status_code == 400
    assert client.post(f"/tugas/{task.id}/ambil").status_code == 400


def test_add_and_remove_rows_without_javascript(client: FlaskClient, platform: Platform):
    """The planning form's list of service needs, grown and shrunk by server round-trips."""
    with platform.sessions() as session, session.begin():
        user = session.scalars(select(User).where(User.username == "penyedia")).one()
        instance = platform.instances(session).start(
            "perencanaan",
            {
                "perangkat_daerah": "DISKOMINFO",
                "jenis_dokumen": "daftar_kebutuhan_layanan",
                "periode": "2027",
                "judul": "Daftar Kebutuhan Layanan 2027",
            },
            user,
        )
        instance_id = instance.id
    [task] = _ready(platform, instance_id)
    assert task.bpmn_id == "susun_kebutuhan"
    holder = _holder(platform, task)
    token = client_sign_in(client, holder)
    html = client.get(f"/tugas/{task.id}").get_data(as_text=True)
    assert 'name="daftar_kebutuhan_layanan.0.nama_kebutuhan"' in html
    added = client.post(
        f"/tugas/{task.id}",
        data={
            "csrf_token": token,
            "daftar_kebutuhan_layanan.0.nama_kebutuhan": "Aplikasi Perizinan",
            "_tambah_baris": "daftar_kebutuhan_layanan",
        },
    ).get_data(as_text=True)
    assert 'name="daftar_kebutuhan_layanan.0.nama_kebutuhan" value="Aplikasi Perizinan"' in added
    assert 'name="daftar_kebutuhan_layanan.1.nama_kebutuhan" value=""' in added
    removed = client.post(
        f"/tugas/{task.id}",
        data={
            "csrf_token": token,
            "daftar_kebutuhan_layanan.0.nama_kebutuhan": "Aplikasi Perizinan",
            "daftar_kebutuhan_layanan.1.nama_kebutuhan": "Kedua",
            "_hapus_baris": "daftar_kebutuhan_layanan.0",
        },
    ).get_data(as_text=True)
    assert 'value="Kedua"' in removed
    assert "Aplikasi Perizinan" not in removed
    assert open_task(platform, instance_id).id == task.id


def _ready(platform: Platform, instance_id: int) -> list[Task]:
    with platform.sessions() as session:
        return list(
            session.scalars(
                select(Task).where(Task.instance_id == instance_id, Task.state == TaskState.READY)
            )
        )


def _holder(platform: Platform, task: Task) -> str:
    from app.engine.routing import candidates

    with platform.sessions() as session:
        names = candidates(session, session.get(Task, task.id), platform.clock.now())
    assert names, task.lane
    return sorted(names)[0]


FILE_FORM = {
    "type": "object",
    "title": "Unggah bukti",
    "required": ["bukti"],
    "properties": {
        "bukti": {
            "type": "object",
            "title": "Bukti pendukung",
            "required": ["attachment_id"],
            "properties": {
                "attachment_id": {"type": "integer"},
                "name": {"type": "string"},
                "size": {"type": "integer"},
                "content_type": {"type": "string"},
            },
        },
        "catatan": {"type": "string", "title": "Catatan", "minLength": 5},
    },
}
FILE_UI = {"bukti": {"ui:widget": "file", "ui:options": {"accept": ".pdf,.png"}}}


def _file_model(platform: Platform) -> int:
    """A one-task procedure whose form takes a file, about the SIMPEG service."""
    task = (
        '<bpmn:userTask id="unggah" name="Unggah bukti"><bpmn:extensionElements>'
        "<spiffworkflow:properties>"
        '<spiffworkflow:property name="formJsonSchemaFilename" value="uji-bukti.schema.json" />'
        '<spiffworkflow:property name="formUiSchemaFilename" value="uji-bukti.uischema.json" />'
        "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>"
    )
    bpmn = linear(task, lane_xml=lanes(Administrator_Layanan=["unggah"], Pemohon=["start", "end"]))
    bundle = Bundle(
        {
            "uji-bukti.bpmn": bpmn,
            "uji-bukti.schema.json": json.dumps(FILE_FORM).encode(),
            "uji-bukti.uischema.json": json.dumps(FILE_UI).encode(),
        }
    )
    with platform.sessions() as session, session.begin():
        analyst = session.scalars(select(User).where(User.username == "analis")).one()
        result = DeployService(session, platform.clock, platform.specs).deploy(bundle, analyst)
        user = session.scalars(select(User).where(User.username == "penyedia")).one()
        instance = platform.instances(session).start(result.model_id, {"layanan": "SIMPEG"}, user)
        return instance.id


def test_file_is_uploaded_kept_through_an_error_and_downloadable_by_who_may_see(
    client: FlaskClient, platform: Platform, attachment_dir: Path
):
    instance_id = _file_model(platform)
    task = open_task(platform, instance_id)
    token = client_sign_in(client, "admin.layanan")
    html = client.get(f"/tugas/{task.id}").get_data(as_text=True)
    assert 'type="file" id="f-bukti" name="bukti"' in html

    too_big = client.post(
        f"/tugas/{task.id}",
        data={"csrf_token": token, "bukti": (io.BytesIO(b"x" * 2048), "besar.pdf")},
        content_type="multipart/form-data",
    )
    assert too_big.status_code == 422
    assert "berkas melebihi" in field_error(too_big.get_data(as_text=True), "bukti")

    first = client.post(
        f"/tugas/{task.id}",
        data={
            "csrf_token": token,
            "bukti": (io.BytesIO(b"%PDF-1.4 bukti"), "../../surat tugas.pdf", "application/pdf"),
            "catatan": "x",
        },
        content_type="multipart/form-data",
    )
    html = first.get_data(as_text=True)
    assert first.status_code == 422
    assert field_error(html, "catatan") == "Paling sedikit 5 karakter."
    kept = re.search(r'name="bukti.attachment_id" value="(\d+)"', html)
    assert kept, "the upload is kept for the next try"
    assert "surat tugas.pdf" in html

    done = client.post(
        f"/tugas/{task.id}",
        data={"csrf_token": token, "bukti.attachment_id": kept.group(1), "catatan": "lengkap"},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    with platform.sessions() as session:
        instance = session.get(Instance, instance_id)
        ref = instance.data["bukti"]
        stored = session.get(Attachment, ref["attachment_id"])
        assert stored.instance_id == instance_id
        assert (attachment_dir / stored.stored_name).read_bytes() == b"%PDF-1.4 bukti"
    assert ref == {
        "attachment_id": int(kept.group(1)),
        "name": "surat tugas.pdf",
        "size": 14,
        "content_type": "application/pdf",
    }

    url = f"/lampiran/{ref['attachment_id']}"
    with client.get(url) as download:
        assert download.status_code == 200
        assert download.data == b"%PDF-1.4 bukti"
        assert "attachment" in download.headers["Content-Disposition"]
    client_sign_in(client, "penyedia")  # started the instance: may see it
    with client.get(url) as download:
        assert download.status_code == 200
    client_sign_in(client, "pengguna")  # may not see this instance: the same as unknown
    assert client.get(url).status_code == 404
    assert client.get("/lampiran/999999").status_code == 404


def test_someone_elses_upload_cannot_be_posted_as_kept(client: FlaskClient, platform: Platform):
    instance_id = _file_model(platform)
    task = open_task(platform, instance_id)
    token = client_sign_in(client, "pengguna")
    with platform.sessions() as session, session.begin():
        owner = session.scalars(select(User).where(User.username == "pengguna")).one()
        row = Attachment(
            uploaded_by_id=owner.id,
            name="x.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            stored_name="f" * 32,
            uploaded_at=platform.clock.now(),
        )
        session.add(row)
        session.flush()
        other_id = row.id
    token = client_sign_in(client, "admin.layanan")
    response = client.post(
        f"/tugas/{task.id}",
        data={"csrf_token": token, "bukti.attachment_id": str(other_id), "catatan": "lengkap"},
    )
    assert response.status_code == 422
    assert "bukan unggahan Anda" in field_error(response.get_data(as_text=True), "bukti")
    assert open_task(platform, instance_id).id == task.id
