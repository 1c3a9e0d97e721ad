"""The service-level report page (/laporan/tingkat-layanan, issue 15, item 2) over a week of
cases driven through the engine (tests/service_level_cases.py): the figures the API gives,
each one a link to the cases behind it, the XLSX export, refusals beside their fields; and
in Chromium, on a phone with the keyboard, the drill-down and the export link."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from app.services.context import Platform
from tests.conftest import States
from tests.service_level_cases import Built, build
from tests.web.conftest import client_sign_in, sign_in

pytestmark = pytest.mark.usefixtures("deployed")

PAGE = "/laporan/tingkat-layanan?dari=2026-11-23&sampai=2026-11-29"
Shot = Callable[[Page, str], Path]


@pytest.fixture(scope="module")
def built(base_platform: Platform, states: States, session_app: Flask) -> Built:
    return build(base_platform, states, session_app)


@pytest.fixture
def week(platform: Platform, built: Built) -> Built:
    built.restore(platform)
    return built


def text(response: object) -> str:
    assert response.status_code == 200, response.status_code  # type: ignore[attr-defined]
    return response.get_data(as_text=True)  # type: ignore[attr-defined]


def _row(page: str, service: str, procedure: str) -> str:
    rows = re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</tr>", page, re.S)
    [row] = [r for r in rows if r.startswith(f"{service} ") and procedure in r]
    return row


def test_the_page_shows_the_figures_each_linked_to_its_cases(
    client: FlaskClient, week: Built
) -> None:
    client_sign_in(client, "pj.layanan")
    page = text(client.get(PAGE))
    row = _row(page, "SIMPEG", "Permintaan Layanan")
    links = [href.replace("&amp;", "&") for href in re.findall(r'<a href="([^"]+)"', row)]
    missed = [href for href in links if "ukuran=fulfilment_missed" in href]
    assert missed, row
    drilled = text(client.get(missed[0]))
    numbers = set(re.findall(r'href="/proses/(\d+)"', drilled))
    assert numbers == {str(week.ids["R2"]), str(week.ids["R3"])}
    assert ">3,67</a>" in row
    assert "5★ 1 · 4★ 1 · 3★ 0 · 2★ 1 · 1★ 0" in row
    export = client.get(
        "/laporan/tingkat-layanan/unduh?format=xlsx&dari=2026-11-23&sampai=2026-11-29"
    )
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data), read_only=True).worksheets[0]
    cells = [r for r in sheet.iter_rows(values_only=True) if r[1] == "SIMPEG" and r[5] == 4]
    assert cells
    pdf = client.get("/laporan/tingkat-layanan/unduh?format=pdf&dari=2026-11-23&sampai=2026-11-29")
    assert pdf.mimetype == "application/pdf"
    document = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "SIMPEG: Permintaan Layanan" in document
    assert "SRIKANDI: Penanganan Aduan" in document


def test_refusals_are_named_beside_their_fields(client: FlaskClient, week: Built) -> None:
    client_sign_in(client, "pj.layanan")
    response = client.get("/laporan/tingkat-layanan?dari=2026-11-30&sampai=2026-11-01&pd=NONE")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="sampai-galat"' in page
    assert "service-level-report" not in page
    assert client.get("/laporan/tingkat-layanan/unduh?format=csv").status_code == 422
    client_sign_in(client, "pengguna")
    assert client.get("/laporan/tingkat-layanan").status_code == 403


def test_on_a_phone_the_keyboard_reaches_the_drill_down_and_the_export(
    phone: Page, week: Built, shot: Shot
) -> None:
    sign_in(phone, "pimpinan.bkpsdm")
    phone.goto(PAGE)
    table = phone.locator("table.service-level-report")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(2)  # SIMPEG only: the reader's PD
    export = phone.get_by_role("link", name="XLSX")
    expect(export).to_have_attribute("href", re.compile(r"/unduh\?format=xlsx.*dari=2026-11-23"))
    with phone.expect_download() as download:
        export.focus()
        phone.keyboard.press("Enter")
    assert download.value.suggested_filename == "tingkat-layanan.xlsx"
    expect(phone.get_by_role("link", name="PDF")).to_have_attribute(
        "href", re.compile(r"/unduh\?format=pdf")
    )
    shot(phone, "laporan-tingkat-layanan")
    backlog = table.locator("tbody tr").nth(1).locator("td").last.get_by_role("link")
    backlog.focus()
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", name=re.compile("Backlog"))).to_be_visible()
    expect(phone.locator("table.service-level-cases tbody tr")).to_have_count(1)
