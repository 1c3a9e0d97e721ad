"""A requester attaches a screenshot (issue 12, item 3): `pengguna` reports a disruption
with "Laporkan gangguan", attaches a screenshot in the form's optional file field, submits,
and downloads the same file from the case page (who else may read it: tests/api/
test_attachments.py). Screenshots under tests/artifacts/."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.models import Attachment, Instance
from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from tests.web.conftest import sign_in

pytestmark = pytest.mark.usefixtures("deployed")

Shot = Callable[[Page, str], Path]
SCREENSHOT = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_requester_attaches_a_screenshot_to_a_disruption_report(
    page: Page,
    shot: Shot,
    platform: Platform,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limits = replace(platform.settings.attachments, directory=tmp_path / "lampiran")
    monkeypatch.setattr(platform.settings, "attachments", limits)
    sign_in(page, "pengguna")
    page.goto("/layanan")
    page.get_by_role(
        "link", name="Laporkan gangguan: Sistem Informasi Manajemen Kepegawaian (SIMPEG)"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Laporkan gangguan")
    page.get_by_label("Judul permintaan").fill("SIMPEG gagal menyimpan data cuti")
    page.get_by_label("Deskripsi permintaan").fill(
        "Sejak pagi tombol Simpan pada menu cuti menampilkan pesan galat 500."
    )
    page.get_by_label("Tangkapan layar atau berkas pendukung").set_input_files(
        {"name": "galat-simpeg.png", "mimeType": "image/png", "buffer": SCREENSHOT}
    )
    page.get_by_label("NIP / NIK").fill(SAMPLE_REQUEST["nip_nik"])
    page.get_by_label("Instansi / unit kerja").fill(SAMPLE_REQUEST["instansi"])
    page.get_by_label("Nomor telepon").fill(SAMPLE_REQUEST["telepon"])
    shot(page, "lampiran-laporan-gangguan")
    page.get_by_role("button", name="Kirim pengajuan").click()
    expect(page.locator(".record-number")).to_have_text(re.compile(r"PMT-2026-\d+"))

    with platform.sessions() as session:
        instance = session.scalars(select(Instance)).one()
        stored = session.scalars(select(Attachment)).one()
    assert stored.instance_id == instance.id
    assert instance.data["tangkapan_layar"]["name"] == "galat-simpeg.png"

    page.goto(f"/proses/{instance.id}")
    page.locator(".timeline summary").first.click()  # the report opens the history
    link = page.get_by_role("link", name="galat-simpeg.png")
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "unduhan.png"
    download.value.save_as(saved)
    assert saved.read_bytes() == SCREENSHOT
    assert download.value.suggested_filename == "galat-simpeg.png"
    shot(page, "lampiran-kasus-pemohon")
