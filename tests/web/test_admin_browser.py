"""The administrators' pages in Chromium: an Admin Sistem sets up a PD and a user with a
role, who then signs in and sees their navigation; office hours refused beside the day;
a regional day and a deadline tryout; a screenshot of every page group (one on a phone)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.web.conftest import sign_in

pytestmark = pytest.mark.usefixtures("demo")
Shot = Callable[[Page, str], Path]


def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Navigasi utama")


def field(page: Page, label: str) -> Locator:
    """The input labelled exactly `label` (a required field's label ends in a hidden *)."""
    labelled = page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))
    return labelled.and_(page.locator("input, select, textarea"))


def admin_area(page: Page, group: str) -> None:
    """Open an admin page group through the navigation, as a person would."""
    page.locator("#navigasi").get_by_role("link", name="Administrasi").click()
    page.get_by_role("navigation", name="Navigasi administrasi").get_by_role(
        "link", name=group
    ).click()


def test_admin_creates_a_pd_and_a_user_who_signs_in_with_the_role(page: Page, shot: Shot):
    sign_in(page, "admin")
    admin_area(page, "Perangkat Daerah (PD)")
    page.get_by_role("link", name="Tambah PD").click()
    field(page, "Kode").fill("dinkes")
    field(page, "Nama").fill("Dinas Kesehatan")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#f-code-error")).to_contain_text("Huruf besar")
    expect(field(page, "Nama")).to_have_value("Dinas Kesehatan")
    shot(page, "admin-pd-ditolak")
    field(page, "Kode").fill("DINKES")
    field(page, "Zona waktu").select_option("Asia/Makassar")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".flash-success")).to_have_text("PD DINKES dibuat.")
    expect(page.get_by_role("cell", name="PD dibuat")).to_be_visible()
    shot(page, "admin-pd")

    admin_area(page, "Akun pengguna")
    page.get_by_role("link", name="Tambah pengguna").click()
    field(page, "Nama pengguna").fill("dewi.dinkes")
    field(page, "Nama lengkap").fill("Dewi Dinkes")
    field(page, "PD").select_option("DINKES")
    field(page, "Kata sandi").fill("sandi-dewi-1")
    field(page, "Ulangi kata sandi").fill("sandi-dewi-1")
    page.get_by_role("button", name="Buat pengguna").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dewi Dinkes")
    field(page, "Peran").select_option("Penyedia Layanan")
    page.get_by_role("radio", name="Satu PD").check()
    field(page, "PD (untuk lingkup satu PD)").select_option("DINKES")
    page.get_by_role("button", name="Berikan peran").click()
    expect(page.locator(".flash-success")).to_have_text("Peran Penyedia Layanan diberikan.")
    expect(page.locator(".admin-list")).to_contain_text("Penyedia Layanan — PD DINKES")
    shot(page, "admin-pengguna")
    admin_area(page, "Pemegang peran")
    field(page, "Peran").select_option("Penyedia Layanan")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.get_by_role("link", name="Dewi Dinkes (dewi.dinkes)")).to_be_visible()
    shot(page, "admin-pemegang-peran")

    page.get_by_role("button", name="Keluar").click()
    sign_in(page, "dewi.dinkes", "sandi-dewi-1")
    menu = page.locator("#navigasi")
    expect(menu.get_by_role("link", name="Proses")).to_be_attached()
    expect(menu.get_by_role("link", name="Administrasi")).to_have_count(0)
    expect(menu.get_by_role("link", name="Model proses")).to_have_count(0)
    expect(page.get_by_text("Penyedia Layanan — PD Dinas Kesehatan")).to_be_visible()
    page.goto("/admin/pengguna/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Akses ditolak")
    shot(page, "admin-ditolak-untuk-penyedia")


def test_office_hours_refused_beside_the_day_then_a_regional_day(page: Page, shot: Shot):
    sign_in(page, "admin")
    admin_area(page, "Kalender kerja")
    page.get_by_role("link", name="DISKOMINFO").click()
    field(page, "Selasa").fill("16:00-07:30")
    page.get_by_role("button", name="Simpan jam kerja").click()
    expect(page.locator("#f-day1-error")).to_contain_text("closes before it opens")
    expect(field(page, "Selasa")).to_have_value("16:00-07:30")
    expect(field(page, "Selasa")).to_have_attribute("aria-invalid", "true")
    shot(page, "admin-kalender-ditolak")
    field(page, "Selasa").fill("07:30-12:00, 13:00-16:00")
    page.get_by_role("button", name="Simpan jam kerja").click()
    expect(page.locator(".flash-success")).to_have_text("Jam kerja disimpan.")
    expect(page.get_by_text("jam kerja PD sendiri")).to_be_visible()

    field(page, "Tanggal").fill("2026-12-03")
    field(page, "Nama hari libur").fill("Hari Jadi Kabupaten")
    page.get_by_role("button", name="Tambah libur").click()
    expect(page.locator(".flash-success")).to_have_text("Libur daerah 2026-12-03 ditambahkan.")
    expect(page.locator(".admin-list")).to_contain_text("2026-12-03 — Hari Jadi Kabupaten")

    # Wednesday 15:00 WIB + 3 h: one hour on Wednesday, Thursday 3 Dec is the new day off,
    # so the last two hours fall on Friday morning.
    field(page, "Mulai").fill("2026-12-02T15:00")
    field(page, "Durasi (jam)").fill("3")
    page.get_by_role("button", name="Hitung").click()
    expect(page.locator(".admin-result")).to_contain_text("4 Des 2026 09:30")
    expect(page.get_by_role("cell", name="libur daerah: Hari Jadi Kabupaten")).to_be_visible()
    shot(page, "admin-kalender")


@pytest.mark.usefixtures("deployed")
def test_every_page_group_renders(page: Page, shot: Shot):
    sign_in(page, "admin")
    page.locator("#navigasi").get_by_role("link", name="Administrasi").click()
    shot(page, "admin-beranda")
    admin_area(page, "Katalog layanan")
    expect(page.get_by_role("link", name="SIMPEG")).to_be_visible()
    shot(page, "admin-katalog")
    page.get_by_role("link", name="SIMPEG").click()
    field(page, "Klasifikasi").select_option("Kritis")
    page.get_by_role("button", name="Simpan layanan").click()
    expect(page.locator("#f-drp_reference-error")).to_contain_text("wajib untuk layanan Kritis")
    shot(page, "admin-layanan-ditolak")
    admin_area(page, "Tabel acuan SLA")
    page.get_by_role("link", name="Target pelayanan pengguna (Tabel 2)").click()
    expect(page.get_by_text("belum diatur peraturan")).to_be_visible()
    shot(page, "admin-tabel-2")
    admin_area(page, "Jadwal berkala")
    field(page, "Prosedur").select_option("pemantauan-pemeliharaan")
    field(page, "PD").select_option("DISKOMINFO")
    field(page, "Mulai pertama").fill("2026-12-01T08:00")
    field(page, "Pemilik (memulai atas namanya)").select_option("penyedia")
    field(page, "Data awal (JSON)").fill('{"layanan": "SRIKANDI"}')
    page.get_by_role("button", name="Buat jadwal").click()
    expect(page.locator(".flash-success")).to_contain_text("dibuat")
    page.get_by_role("button", name="Jeda jadwal").click()
    expect(page.get_by_role("cell", name="Dijeda")).to_be_visible()
    shot(page, "admin-jadwal")


def test_phone_shows_the_admin_pages_in_one_column(phone: Page, shot: Shot):
    sign_in(phone, "admin")
    phone.goto("/admin/pengguna/admin")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Admin Sistem")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways on a phone"
    shot(phone, "admin-pengguna-ponsel")
    phone.goto("/admin/kalender/default")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "admin-kalender-ponsel")
