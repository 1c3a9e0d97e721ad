"""The work log on the pages (issue 12, item 2): the instance page and the task page show
it through one partial with a form; staff choose internal or public, the requester writes
public replies from the instance page; bodies are escaped with links made clickable."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.models import Attachment
from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from tests.conftest import Auth
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("deployed")


def _filed(auth: Auth) -> int:
    started = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": SAMPLE_REQUEST},
    )
    assert started.status_code == 201, started.json
    return int(started.json["id"])


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _write(
    client: FlaskClient,
    token: str,
    instance_id: int,
    next_page: str,
    files: list[tuple[io.BytesIO, str]] | None = None,
    **form: str,
):
    return client.post(
        f"/proses/{instance_id}/catatan",
        data={"csrf_token": token, "next": next_page, "files": files or [], **form},
        content_type="multipart/form-data",
    )


@pytest.fixture
def two_files_a_case(platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Attachments in a directory of the test's own, at most two per case; returns it."""
    limits = replace(
        platform.settings.attachments, directory=tmp_path / "lampiran", max_instance_files=2
    )
    monkeypatch.setattr(platform.settings, "attachments", limits)
    return limits.directory


def test_staff_write_an_internal_note_on_the_task_page_and_read_it_there(
    client: FlaskClient, auth: Auth
) -> None:
    instance_id = _filed(auth)
    [task] = auth.get("admin.layanan", f"/api/v1/process-instances/{instance_id}").json["tasks"]
    token = client_sign_in(client, "admin.layanan")
    page = client.get(f"/tugas/{task['id']}").get_data(as_text=True)
    assert 'id="catatan-kerja"' in page
    assert 'value="internal" checked' in page  # staff choose, internal unless they say

    answer = _write(
        client,
        token,
        instance_id,
        f"/tugas/{task['id']}",
        body="Lihat https://simpeg.example/akun?id=1&x=2. <script>alert(1)</script>",
        visibility="internal",
    )
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/tugas/{task['id']}#catatan-kerja")
    page = client.get(f"/tugas/{task['id']}").get_data(as_text=True)
    assert "Catatan disimpan." in page
    assert (
        '<a href="https://simpeg.example/akun?id=1&amp;x=2" rel="nofollow noopener noreferrer'
        ' ugc">https://simpeg.example/akun?id=1&amp;x=2</a>.' in page
    )
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_requester_replies_publicly_from_the_instance_page_and_never_reads_internal(
    client: FlaskClient, auth: Auth
) -> None:
    instance_id = _filed(auth)
    auth.post(
        "admin.layanan",
        f"/api/v1/process-instances/{instance_id}/comments",
        json={"body": "Hanya untuk petugas", "visibility": "internal"},
    )
    auth.post(
        "admin.layanan",
        f"/api/v1/process-instances/{instance_id}/comments",
        json={"body": "Mohon lengkapi NIP atasan", "visibility": "public"},
    )
    token = client_sign_in(client, "pengguna")
    page = client.get(f"/proses/{instance_id}").get_data(as_text=True)
    assert "Mohon lengkapi NIP atasan" in page
    assert "Hanya untuk petugas" not in page  # neither in the log nor in the timeline
    assert 'name="visibility" value="public"' in page
    assert 'value="internal"' not in page

    # A forged internal note is refused with the reason, and nothing is written.
    refused = _write(
        client, token, instance_id, f"/proses/{instance_id}", body="x", visibility="internal"
    )
    assert refused.status_code == 403
    assert "Catatan tidak disimpan" in refused.get_data(as_text=True)

    _write(
        client, token, instance_id, "//evil.example/", body="Sudah saya kirim.", visibility="public"
    )
    page = client.get(f"/proses/{instance_id}").get_data(as_text=True)
    assert "Sudah saya kirim." in page
    bodies = auth.get("admin.layanan", f"/api/v1/process-instances/{instance_id}/comments").json
    assert [c["body"] for c in bodies["items"]] == [
        "Hanya untuk petugas",
        "Mohon lengkapi NIP atasan",
        "Sudah saya kirim.",
    ]


def test_an_empty_note_is_shown_again_with_the_reason_and_an_outsider_gets_403(
    client: FlaskClient, auth: Auth
) -> None:
    instance_id = _filed(auth)
    token = client_sign_in(client, "admin.layanan")
    answer = _write(
        client, token, instance_id, f"/proses/{instance_id}", body=" ", visibility="public"
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert '<span class="error" id="catatan-isi-galat">Isi catatan wajib diisi</span>' in page
    assert 'value="public" checked' in page  # the reader's choice, not the default
    assert f'name="next" value="/proses/{instance_id}"' in page

    other = client_sign_in(client, "penyedia.disdukcapil")
    assert (
        _write(client, other, instance_id, "/", body="Halo", visibility="public").status_code == 403
    )
    assert _write(client, other, 999999, "/", body="Halo", visibility="public").status_code == 404


def test_the_form_in_english(client: FlaskClient, auth: Auth) -> None:
    instance_id = _filed(auth)
    token = client_sign_in(client, "admin.layanan")
    client.post("/bahasa", data={"csrf_token": token, "lang": "en", "next": "/"})
    page = client.get(f"/proses/{instance_id}").get_data(as_text=True)
    assert "Work log" in page
    assert "Internal: staff only" in page
    assert "Attachments (optional)" in page


def test_files_sent_with_the_form_are_listed_under_the_note(
    client: FlaskClient, auth: Auth, platform: Platform, two_files_a_case: Path
) -> None:
    instance_id = _filed(auth)
    [task] = auth.get("admin.layanan", f"/api/v1/process-instances/{instance_id}").json["tasks"]
    token = client_sign_in(client, "admin.layanan")
    page = client.get(f"/tugas/{task['id']}").get_data(as_text=True)
    assert 'enctype="multipart/form-data" action="/proses/' in page
    assert 'type="file" id="catatan-lampiran" name="files" multiple' in page

    answer = _write(
        client,
        token,
        instance_id,
        f"/tugas/{task['id']}",
        files=[(io.BytesIO(PNG), "layar.png"), (io.BytesIO(b"%PDF-1.7 x"), "surat.pdf")],
        body="Tangkapan layar dan surat",
        visibility="public",
    )
    assert answer.status_code == 303
    [comment] = auth.get("pengguna", f"/api/v1/process-instances/{instance_id}/comments").json[
        "items"
    ]
    assert [f["name"] for f in comment["attachments"]] == ["layar.png", "surat.pdf"]
    with platform.sessions() as session:
        rows = session.scalars(select(Attachment).order_by(Attachment.id)).all()
        assert [row.instance_id for row in rows] == [instance_id, instance_id]
    page = client.get(f"/tugas/{task['id']}").get_data(as_text=True)
    link = f'href="/lampiran/{comment["attachments"][0]["attachment_id"]}" download>layar.png</a>'
    assert link in page


def test_files_over_the_cases_limit_are_refused_and_the_text_kept(
    client: FlaskClient, auth: Auth, platform: Platform, two_files_a_case: Path
) -> None:
    instance_id = _filed(auth)
    token = client_sign_in(client, "admin.layanan")
    answer = _write(
        client,
        token,
        instance_id,
        f"/proses/{instance_id}",
        files=[(io.BytesIO(PNG), f"layar-{n}.png") for n in range(3)],
        body="Tiga tangkapan <layar>",
        visibility="internal",
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert ">Tiga tangkapan &lt;layar&gt;</textarea>" in page
    assert (
        '<span class="error" id="catatan-lampiran-galat">paling banyak 2 lampiran per kasus</span>'
    ) in page
    assert "Pilih berkasnya lagi" in page
    # Nothing is kept: no comment, no row, no file on disk.
    assert (
        auth.get("admin.layanan", f"/api/v1/process-instances/{instance_id}/comments").json["items"]
        == []
    )
    with platform.sessions() as session:
        assert session.scalars(select(Attachment)).all() == []
    assert list(two_files_a_case.iterdir()) == []


def test_a_refused_file_kind_names_the_field_on_the_task_page(
    client: FlaskClient, auth: Auth, two_files_a_case: Path
) -> None:
    instance_id = _filed(auth)
    [task] = auth.get("admin.layanan", f"/api/v1/process-instances/{instance_id}").json["tasks"]
    token = client_sign_in(client, "admin.layanan")
    answer = _write(
        client,
        token,
        instance_id,
        f"/tugas/{task['id']}",
        files=[(io.BytesIO(b"MZ\x90\x00"), "alat.exe")],
        body="Ini programnya",
        visibility="internal",
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'class="schema-form"' in page  # the task page, its form still there
    assert ">Ini programnya</textarea>" in page
    assert 'id="catatan-lampiran-galat">jenis berkas tidak diterima' in page
    assert f'name="next" value="/tugas/{task["id"]}"' in page
