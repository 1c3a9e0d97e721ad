"""In the browser: a supervisor lists instances, opens one and sees where it stands on the
diagram, acts on it, and reads the PD dashboard; on a desktop and on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.services.context import Platform
from tests.services.tracking_data import complaint, service_request
from tests.web.conftest import sign_in

pytestmark = pytest.mark.usefixtures("deployed")

Shot = Callable[[Page, str], Path]


def marker(page: Page, element_id: str):
    """The SVG group bpmn-js draws for a BPMN element (it carries the marker classes)."""
    return page.locator(f'#diagram g.djs-element[data-element-id="{element_id}"]')


@pytest.mark.parametrize("supervisor", ["pj.layanan", "pimpinan"])
def test_supervisor_sees_the_active_task_marked_on_the_diagram(
    page: Page, platform: Platform, shot: Shot, supervisor: str
):
    ident = complaint(platform)
    sign_in(page, supervisor)
    page.goto("/proses")
    page.get_by_role("link", name=re.compile(r"^ADU-2026-")).click()
    expect(page).to_have_url(re.compile(rf"/proses/{ident}$"))
    expect(page.locator("#diagram[data-ready='true']")).to_be_attached()
    expect(marker(page, "klasifikasi_aduan")).to_have_class(re.compile(r"\bstate-active\b"))
    expect(marker(page, "eskalasi_respons_1")).to_have_class(re.compile(r"\bstate-waiting\b"))
    expect(marker(page, "pelaporan_aduan")).to_have_class(re.compile(r"\bstate-completed\b"))
    expect(marker(page, "penanganan_aduan_infra")).not_to_have_class(re.compile(r"state-"))
    expect(page.locator(".active-elements")).to_contain_text("klasifikasi_aduan")
    expect(page.locator(".legend")).to_contain_text("Aktif")
    page.locator(".timeline summary").first.click()
    expect(page.locator(".timeline .record-fields").first).to_be_visible()  # not raw JSON
    shot(page, f"proses-instans-{supervisor}")


def test_list_with_filters_and_badges(page: Page, platform: Platform, shot: Shot):
    service_request(platform)
    complaint(platform)
    complaint(platform, layanan="SIAK")
    sign_in(page, "pj.layanan")
    page.goto("/proses")
    expect(page.locator("table.instance-list tbody tr")).to_have_count(3)
    shot(page, "proses-daftar")
    page.get_by_label("Prosedur").select_option("penanganan-aduan")
    page.get_by_label("Layanan").select_option("SIAK")
    page.get_by_role("button", name="Terapkan").click()
    expect(page.locator("table.instance-list tbody tr")).to_have_count(1)
    expect(page.locator("table.instance-list")).to_contain_text("Administrasi Kependudukan")
    page.get_by_label("Status").select_option("complete")
    page.get_by_role("button", name="Terapkan").click()
    expect(page.get_by_text("Tidak ada instans yang cocok")).to_be_visible()


def test_terminate_needs_a_reason_and_a_confirmation(page: Page, platform: Platform, shot: Shot):
    ident = complaint(platform)
    sign_in(page, "pimpinan")
    page.goto(f"/proses/{ident}")
    page.get_by_role("link", name="Hentikan…").click()
    page.get_by_role("button", name="Ya, hentikan instans").click()
    expect(page.locator("#reason-error")).to_have_text("Alasan wajib diisi.")
    page.get_by_label("Alasan penghentian").fill("Laporan ganda dari PD yang sama")
    shot(page, "proses-hentikan")
    page.get_by_role("button", name="Ya, hentikan instans").click()
    expect(page.locator(".flash-success")).to_have_text("Instans dihentikan.")
    expect(page.locator(".instance-summary")).to_contain_text("Dihentikan")
    expect(page.locator(".timeline")).to_contain_text("Laporan ganda dari PD yang sama")


def test_reassign_from_the_instance_page(page: Page, platform: Platform):
    ident = complaint(platform)
    sign_in(page, "pj.layanan")
    page.goto(f"/proses/{ident}")
    row = page.locator("tr", has_text="Klasifikasi")
    row.get_by_label("Pengguna").select_option("pelaksana")
    row.get_by_label("Catatan (tidak wajib)").fill("Rina cuti")
    row.get_by_role("button", name="Alihkan").click()
    expect(page.locator(".flash-success")).to_contain_text("dialihkan ke pelaksana")
    expect(page.locator("tr", has_text="Klasifikasi")).to_contain_text("pelaksana")


def test_instance_page_on_a_phone(phone: Page, platform: Platform, shot: Shot):
    ident = complaint(platform)
    sign_in(phone, "pimpinan")
    phone.goto(f"/proses/{ident}")
    expect(phone.locator("#diagram[data-ready='true']")).to_be_attached()
    expect(marker(phone, "klasifikasi_aduan")).to_have_class(re.compile(r"\bstate-active\b"))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    shot(phone, "proses-instans-ponsel")


def test_dashboard_draws_charts_with_tables(page: Page, platform: Platform, shot: Shot):
    complaint(platform)
    complaint(platform, dampak="Minor")
    sign_in(page, "pimpinan")
    page.goto("/dasbor")
    expect(page.locator("canvas[data-drawn='true']")).to_have_count(4)
    table = page.locator("figure", has_text="per prioritas").locator("details.chart-data")
    expect(table).not_to_have_attribute("open", "")
    table.locator("summary").click()
    expect(table.locator("table")).to_contain_text("P5")
    shot(page, "dasbor")


def test_dashboard_on_a_phone_shows_the_tables(phone: Page, platform: Platform, shot: Shot):
    complaint(platform)
    sign_in(phone, "pimpinan")
    phone.goto("/dasbor")
    expect(phone.locator("canvas[data-drawn='true']")).to_have_count(0)
    expect(phone.locator("figure", has_text="per prosedur").locator("table")).to_be_visible()
    shot(phone, "dasbor-ponsel")
