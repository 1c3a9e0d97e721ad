"""/admin/pengaturan/ on a phone in Chromium: the review layer of one PD switched off
through the plain form, in one column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import sign_in

pytestmark = pytest.mark.usefixtures("deployed")


def test_phone_switches_a_review_layer_off_for_one_pd(
    phone: Page, shot: Callable[[Page, str], Path]
) -> None:
    sign_in(phone, "admin")
    phone.goto("/admin/pengaturan/")
    phone.get_by_label("Lingkup").select_option("BKPSDM")
    phone.get_by_role("button", name="Tampilkan").click()
    review = phone.locator("#f-pemantauan-pemeliharaan-reviu_laporan")
    review.select_option("false")
    section = phone.locator("section", has=review)
    section.get_by_role("button", name="Simpan untuk BKPSDM").click()
    expect(phone.get_by_text("Pengaturan pemantauan-pemeliharaan disimpan.")).to_be_visible()
    expect(review).to_have_value("false")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "admin-pengaturan-ponsel")
