"""The issue's browser journey: `pengguna` files a service request on the start page and
each lane's demo user carries it to the end in the browser (who does what as in
tests/api/test_permintaan_layanan_flow.py), with one field error shown and corrected,
and a 403 for a user without the role. Screenshots under tests/artifacts/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.models import Instance
from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from tests.web.conftest import sign_in

pytestmark = pytest.mark.usefixtures("deployed")

Shot = Callable[[Page, str], Path]


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(re.compile(r"/masuk"))


def _open_only_task(page: Page, reference: str) -> None:
    page.goto("/tugas")
    page.get_by_label("Nomor rekaman").fill(reference)
    page.get_by_role("button", name="Terapkan").click()
    row = page.locator("tr[data-task]")
    expect(row).to_have_count(1)
    row.get_by_role("link", name="Kerjakan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)


def _submit(page: Page) -> None:
    page.get_by_role("button", name="Kirim dan selesaikan tugas").click()
    expect(page.locator(".flash-success")).to_contain_text("selesai untuk")


def test_service_request_from_start_page_to_the_end(
    page: Page, shot: Shot, platform: Platform
) -> None:
    # 1. pengguna files the request from the catalog
    sign_in(page, "pengguna")
    page.goto("/layanan")
    shot(page, "layanan-katalog")
    page.get_by_role(
        "link", name="Ajukan permintaan: Sistem Informasi Manajemen Kepegawaian (SIMPEG)"
    ).click()
    expect(page.get_by_label("Layanan", exact=False).first).to_have_value("SIMPEG")
    page.get_by_label("Jenis permintaan").select_option(SAMPLE_REQUEST["jenis_permintaan"])
    page.get_by_label("Judul permintaan").fill(SAMPLE_REQUEST["judul"])
    page.get_by_label("Deskripsi permintaan").fill(SAMPLE_REQUEST["uraian"])
    page.get_by_label("NIP / NIK").fill(SAMPLE_REQUEST["nip_nik"])
    page.get_by_label("Instansi / unit kerja").fill(SAMPLE_REQUEST["instansi"])
    page.get_by_label("Nomor telepon").fill(SAMPLE_REQUEST["telepon"])
    shot(page, "mulai-permintaan-formulir")
    page.get_by_role("button", name="Kirim pengajuan").click()
    expect(page.locator(".record-number")).to_have_text("PMT-2026-000001")
    shot(page, "mulai-permintaan-terkirim")
    reference = "PMT-2026-000001"
    _sign_out(page)

    # 2. the service desk classifies it: one field error shown, then corrected
    sign_in(page, "admin.layanan")
    page.goto("/tugas")
    expect(page.locator("tr[data-task]")).to_have_count(1)
    shot(page, "kotak-tugas")
    _open_only_task(page, reference)
    task_url = page.url
    page.get_by_role("button", name="Ambil tugas").click()
    expect(page.locator(".flash-success")).to_contain_text("Anda ambil")
    page.get_by_label("Klasifikasi permintaan").select_option("akses")
    page.get_by_label("Sedang").check()
    page.get_by_label("Bukan gangguan").check()
    shot(page, "tugas-formulir")
    page.get_by_role("button", name="Kirim dan selesaikan tugas").click()
    error = page.locator("#f-pelaksana-error")
    expect(error).to_have_text("Wajib diisi.")
    expect(page.get_by_label("Pelaksana pemenuhan")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Klasifikasi permintaan")).to_have_value("akses")  # kept
    expect(page.get_by_label("Sedang")).to_be_checked()
    shot(page, "tugas-galat-isian")
    # The executor is picked from the holders of the fulfilment lane's role (x-options).
    executor = page.get_by_label("Pelaksana pemenuhan")
    expect(executor.locator("option[value=pelaksana]")).to_have_count(1)
    expect(executor.locator("option[value=pengguna]")).to_have_count(0)
    executor.select_option("pelaksana")
    _submit(page)
    _sign_out(page)

    # 3. a user without the role is refused the task page
    sign_in(page, "pengguna")
    response = page.goto(task_url)
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_contain_text("403")
    expect(page.locator("main")).to_contain_text("tidak berwenang atas tugas ini")
    shot(page, "tugas-ditolak-403")
    _sign_out(page)

    # 4. the service owner approves (this request type needs approval)
    sign_in(page, "pj.layanan")
    _open_only_task(page, reference)
    page.get_by_label("Setujui").check()
    _submit(page)
    _sign_out(page)

    # 5. the executor named by the service desk fulfils it
    sign_in(page, "pelaksana")
    _open_only_task(page, reference)
    page.get_by_label("Hasil pemenuhan").fill("Akun SIMPEG sudah dibuat dan dikirim.")
    _submit(page)
    _sign_out(page)

    # 6. the requester confirms and rates
    sign_in(page, "pengguna")
    _open_only_task(page, reference)
    page.get_by_label("Diterima").check()
    page.get_by_role("spinbutton", name="Penilaian kepuasan").fill("5")
    page.get_by_label("Saran dan masukan").fill("Cepat, terima kasih.")
    _submit(page)
    expect(page.locator("tr[data-task]")).to_have_count(0)

    with platform.sessions() as session:
        instance = session.scalars(select(Instance).where(Instance.reference == reference)).one()
        assert instance.status == "complete"
        assert instance.data["kepuasan"] == 5
        assert instance.data["pelaksana"] == "pelaksana"


def test_inbox_on_a_phone(phone: Page, shot: Shot, platform: Platform) -> None:
    from tests.web.test_task_page import start_request

    start_request(platform)
    sign_in(phone, "admin.layanan")
    phone.goto("/tugas")
    row = phone.locator("tr[data-task]")
    expect(row).to_have_count(1)
    expect(row.get_by_role("button", name=re.compile("Ambil"))).to_be_visible()
    shot(phone, "kotak-tugas-ponsel")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the inbox fits a phone screen without sideways scrolling"
