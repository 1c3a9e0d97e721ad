"""In Chromium, on a phone and with the keyboard (issue 14, item 7): the provider of EMAIL
records a DRP version with its document (a refused submit keeps what was typed and names
the field), downloads the document from the page, and records a training. Who may do what,
and the refusals one by one: tests/web/test_continuity_page.py and tests/api/
test_continuity.py. Screenshots under tests/artifacts/."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.services.context import Platform
from tests.web.conftest import sign_in
from tests.web.test_cmdb_browser import watch

pytestmark = pytest.mark.usefixtures("demo")

Shot = Callable[[Page, str], Path]
PDF = b"%PDF-1.7\n% rencana pemulihan bencana surel\n"
DOCUMENT = {"name": "DRP-EMAIL-2026.pdf", "mimeType": "application/pdf", "buffer": PDF}


def test_provider_records_a_version_with_its_document_and_a_training_on_a_phone(
    phone: Page,
    shot: Shot,
    platform: Platform,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limits = replace(platform.settings.attachments, directory=tmp_path / "lampiran")
    monkeypatch.setattr(platform.settings, "attachments", limits)
    problems = watch(phone)
    sign_in(phone, "penyedia")
    phone.goto("/layanan/EMAIL/drp")
    expect(phone.locator("#drp-berlaku")).to_contain_text("Layanan ini belum memiliki DRP.")

    phone.get_by_label("RPO (menit)").focus()
    phone.keyboard.type("30")
    phone.keyboard.press("Tab")
    phone.keyboard.type("0")  # RTO: refused, must be at least a minute
    phone.get_by_label("Opsi pemulihan").select_option("fast")
    phone.get_by_label("Strategi pemulihan").fill("Pindah ke server cadangan di DRC.")
    phone.get_by_label("Strategi backup").fill("Cadangan basis data tiap 15 menit.")
    phone.locator('[id="f-contacts.0.name"]').fill("Budi")
    phone.locator('[id="f-contacts.0.role"]').fill("Penyedia Layanan")
    phone.locator('[id="f-contacts.0.telephone"]').fill("0812000111")
    phone.get_by_label("Catatan perubahan").fill("Versi pertama")
    phone.get_by_label("Berkas DRP").set_input_files(DOCUMENT)
    phone.get_by_role("button", name="Catat versi").press("Enter")

    rto = phone.locator(".field.has-error")
    expect(rto).to_have_count(1)
    expect(rto).to_contain_text("RTO (menit)")
    expect(phone.get_by_label("Strategi pemulihan")).to_have_value(
        "Pindah ke server cadangan di DRC."
    )
    expect(phone.locator('[id="f-contacts.0.telephone"]')).to_have_value("0812000111")
    expect(phone.locator("#f-file-hint")).to_contain_text("DRP-EMAIL-2026.pdf")
    shot(phone, "drp-versi-ditolak-ponsel")
    phone.get_by_label("RTO (menit)").fill("120")
    phone.get_by_label("Berkas DRP").set_input_files(DOCUMENT)
    phone.get_by_role("button", name="Catat versi").press("Enter")

    expect(phone.locator(".flash-success")).to_contain_text("DRP versi 1 dicatat")
    in_force = phone.locator("#drp-berlaku")
    expect(in_force).to_contain_text("Pemulihan cepat")
    expect(in_force).to_contain_text("Budi")
    with phone.expect_download() as download:
        in_force.get_by_role("link", name="Unduh DRP-EMAIL-2026.pdf").click()
    saved = tmp_path / "unduhan.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == PDF
    assert download.value.suggested_filename == "DRP-EMAIL-2026.pdf"

    phone.get_by_label("Tanggal pelatihan").fill("2026-11-10")
    phone.get_by_label("Jumlah peserta").fill("12")
    phone.get_by_label("Judul").fill("Simulasi pemulihan surel")
    phone.get_by_label("Judul").press("Enter")
    expect(phone.locator(".flash-success")).to_contain_text("Pelatihan dicatat")
    row = phone.locator("#pelatihan tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Simulasi pemulihan surel")
    expect(row.locator("td").nth(3)).to_have_text("1")  # the DRP version in force
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "drp-layanan-ponsel")
    assert problems == []
