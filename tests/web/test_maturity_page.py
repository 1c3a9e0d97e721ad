"""The maturity page (/kematangan, issue 15, item 4): the level a PD reached with the
evidence behind each level, as `GET /api/v1/maturity` reads it (tests/api/test_maturity.py
builds every level); here the page shows it, names a bad period, refuses requesters, and
works on a phone with the keyboard."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from tests.api.test_maturity import _planned
from tests.conftest import Auth
from tests.paths.driver import Driver
from tests.web.conftest import client_sign_in, sign_in
from tests.web.test_cmdb_browser import watch

pytestmark = pytest.mark.usefixtures("deployed")


def test_the_plan_is_shown_as_level_two_evidence_with_its_link(
    client: FlaskClient, auth: Auth
) -> None:
    planning = _planned(Driver(auth))
    client_sign_in(client, "pimpinan")
    response = client.get("/kematangan?pd=DISKOMINFO&periode=2026")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(r'data-level="2">2</span>', page)
    level_2 = page[page.index('id="tingkat-2"') : page.index('id="tingkat-3"')]
    assert f'href="/proses/{planning}"' in level_2
    assert "Terpenuhi" in level_2
    level_3 = page[page.index('id="tingkat-3"') : page.index('id="tingkat-4"')]
    assert "Belum terpenuhi" in level_3
    assert "Permintaan Layanan: tidak ada kasus dalam periode" in level_3


def test_a_bad_period_is_named_and_requesters_are_refused(client: FlaskClient) -> None:
    client_sign_in(client, "pimpinan")
    response = client.get("/kematangan?periode=2026-S3")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    assert "Periode harus TTTT" in page
    assert "tingkat-1" not in page
    assert client.get("/kematangan?pd=BKPSDM").status_code == 403
    client_sign_in(client, "pengguna")
    assert client.get("/kematangan").status_code == 403


def test_a_head_reads_the_level_on_a_phone_by_keyboard(phone: Page) -> None:
    problems = watch(phone)
    sign_in(phone, "pimpinan")
    phone.goto("/kematangan")
    expect(phone.locator(".maturity-level")).to_have_text("1")
    phone.get_by_label("Periode").focus()
    phone.keyboard.press("Control+A")
    phone.keyboard.type("2026-S1")
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(r"periode=2026-S1"))
    expect(phone.locator("#judul-tingkat-2")).to_contain_text("Belum terpenuhi")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    assert problems == []


def test_the_page_offers_the_pdf_and_the_bundle(client: FlaskClient) -> None:
    client_sign_in(client, "pimpinan")
    page = client.get("/kematangan?periode=2026").get_data(as_text=True)
    for fmt, mimetype in (("pdf", "application/pdf"), ("zip", "application/zip")):
        link = re.search(rf'href="(/kematangan/unduh\?[^"]*format={fmt}[^"]*)"', page)
        assert link is not None, fmt
        response = client.get(link.group(1).replace("&amp;", "&"))
        assert response.status_code == 200
        assert response.mimetype == mimetype
        assert "bukti-kematangan-DISKOMINFO-2026" in response.headers["Content-Disposition"]
    assert client.get("/kematangan/unduh?periode=2026&format=docx").status_code == 422
