"""In Chromium on a phone, with the keyboard (issue 14 item 1): Admin Sistem adds an item
type, sees a bad attribute schema refused beside its field with what was typed kept, then
edits the type."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import sign_in

pytestmark = pytest.mark.usefixtures("cmdb")

BAD = '{"type": "object", "properties": {"serial": {"type": "teks"}}}'
GOOD = '{"type": "object", "properties": {"serial": {"type": "string", "title": "Nomor seri"}}}'


def fits(page: Page) -> bool:
    """Nothing wider than the screen: no sideways scrolling."""
    return bool(
        page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    )


def type_into(page: Page, label: str, text: str) -> None:
    """Focus a field by its label and replace its text from the keyboard."""
    page.get_by_label(label, exact=True).focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_admin_adds_a_type_sees_a_bad_schema_refused_and_edits_it(
    phone: Page, shot: Callable[[Page, str], Path]
) -> None:
    sign_in(phone, "admin")
    phone.goto("/cmdb/")
    phone.get_by_role("link", name="Jenis komponen").click()
    expect(phone.get_by_role("heading", name="Jenis komponen")).to_be_visible()
    server = phone.locator("table.cmdb-type-list tr", has_text="server").first
    expect(server).to_contain_text("serial_number")
    assert fits(phone)

    phone.get_by_role("link", name="Tambah jenis").press("Enter")
    type_into(phone, "Kode *", "perangkat_iot")
    type_into(phone, "Nama *", "Perangkat IoT")
    type_into(phone, "Atribut pengenal", "serial")
    type_into(phone, "Skema atribut (JSON)", BAD)
    phone.get_by_role("button", name="Simpan").press("Enter")

    schema = phone.get_by_label("Skema atribut (JSON)")
    expect(phone.locator("#f-attribute_schema-error")).to_contain_text(
        "JSON Schema tidak sah pada $.properties.serial.type"
    )
    expect(schema).to_have_attribute("aria-invalid", "true")
    expect(schema).to_have_value(BAD)
    expect(phone.get_by_label("Kode *")).to_have_value("perangkat_iot")
    assert fits(phone)
    shot(phone, "cmdb-jenis-ditolak")

    type_into(phone, "Skema atribut (JSON)", GOOD)
    phone.get_by_role("button", name="Simpan").press("Enter")
    expect(phone.locator(".flash-success")).to_contain_text("Jenis perangkat_iot disimpan")
    row = phone.locator("table.cmdb-type-list tr", has_text="perangkat_iot")
    expect(row).to_contain_text("Perangkat IoT")
    expect(row).to_contain_text("serial")

    phone.get_by_role("link", name="Ubah jenis perangkat_iot").press("Enter")
    expect(phone.get_by_role("heading", name="Ubah jenis perangkat_iot")).to_be_visible()
    expect(phone.get_by_label("Skema atribut (JSON)")).to_have_value(re.compile('"Nomor seri"'))
    type_into(phone, "Nama *", "Perangkat IoT kantor")
    type_into(phone, "Standar penamaan", "^IOT-[0-9]+$")
    type_into(phone, "Contoh nama", "IOT-01")
    phone.get_by_role("button", name="Simpan").press("Enter")
    expect(phone.locator(".flash-success")).to_contain_text("Jenis perangkat_iot disimpan")
    expect(row).to_contain_text("Perangkat IoT kantor")
    assert fits(phone)
    shot(phone, "cmdb-jenis")
