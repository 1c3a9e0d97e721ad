"""The request start form in the browser (issue 11, item 3): a service found by typing
into the filter above its list, the request types following it, one chosen and the
request started; on a phone with JavaScript, and on a desktop without it (the server
narrows the list and draws the chosen service's types again, input kept)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from app.models import Instance
from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from tests.web.conftest import sign_in

pytestmark = pytest.mark.usefixtures("deployed")

Shot = Callable[[Page, str], Path]
START = "/mulai/permintaan-layanan"


@pytest.fixture
def no_js(browser: Browser, live_server: str) -> Iterator[Page]:
    """A desktop page with JavaScript off."""
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _fill_the_rest(page: Page) -> None:
    for name in ("judul", "uraian", "nip_nik", "instansi", "telepon"):
        page.locator(f'[name="{name}"]').fill(SAMPLE_REQUEST[name])


def _types(page: Page) -> list[str]:
    return page.locator("#f-jenis_permintaan option").evaluate_all(
        "options => options.map(o => o.value).filter(Boolean)"
    )


def _started(page: Page, platform: Platform) -> dict[str, str]:
    expect(page.locator(".record-number")).to_have_text("PMT-2026-000001")
    with platform.sessions() as session:
        data = session.scalars(select(Instance)).one().data
    return {key: data[key] for key in ("layanan", "jenis_permintaan", "judul")}


def test_pick_a_service_by_typing_on_a_phone(phone: Page, shot: Shot, platform: Platform):
    sign_in(phone, "pengguna")
    phone.goto(START)
    expect(phone.get_by_role("button", name="Saring")).to_have_count(0)  # filters as typed
    expect(phone.get_by_role("button", name="Perbarui pilihan")).to_have_count(0)
    assert _types(phone) == []
    search = phone.get_by_label("Saring pilihan Layanan")
    search.fill("surat")
    expect(phone.locator("#f-layanan option:not([value=''])")).to_have_count(1)
    expect(phone.locator("#f-layanan")).to_have_value("EMAIL")  # the only match
    assert _types(phone) == ["AKUN-BARU", "KUOTA"]
    search.press("Escape")  # the whole list again, the choice kept
    expect(phone.locator("#f-layanan option:not([value=''])")).to_have_count(12)
    search.fill("sistem informasi")
    expect(phone.locator("#f-layanan-cari-status")).to_have_text("4 dari 12 pilihan")
    expect(phone.locator("#f-layanan option:not([value=''])")).to_have_count(5)  # + EMAIL
    phone.locator("#f-layanan").select_option("SIMPEG")
    assert _types(phone) == ["AKUN-BARU", "RESET-SANDI"]
    phone.locator("#f-jenis_permintaan").select_option("RESET-SANDI")
    _fill_the_rest(phone)
    shot(phone, "mulai-saring-layanan-ponsel")
    phone.get_by_role("button", name="Kirim pengajuan").click()
    assert _started(phone, platform) == {
        "layanan": "SIMPEG",
        "jenis_permintaan": "RESET-SANDI",
        "judul": SAMPLE_REQUEST["judul"],
    }


def test_pick_a_service_by_filtering_without_javascript(
    no_js: Page, shot: Shot, platform: Platform
):
    sign_in(no_js, "pengguna")
    no_js.goto(START)
    _fill_the_rest(no_js)
    no_js.get_by_label("Saring pilihan Layanan").fill("kepegawaian")
    no_js.get_by_role("button", name="Saring").click()  # posts the form, drawn again
    expect(no_js.locator("#f-layanan-cari-status")).to_have_text("1 dari 12 pilihan")
    expect(no_js.locator("#f-layanan")).to_have_value("SIMPEG")
    expect(no_js.locator('[name="judul"]')).to_have_value(SAMPLE_REQUEST["judul"])
    assert _types(no_js) == ["AKUN-BARU", "RESET-SANDI"]
    shot(no_js, "mulai-saring-layanan-tanpa-js")
    no_js.get_by_label("Saring pilihan Layanan").fill("surat")
    no_js.get_by_role("button", name="Saring").click()
    expect(no_js.locator("#f-layanan option:not([value=''])")).to_have_count(2)  # + SIMPEG
    no_js.locator("#f-layanan").select_option("EMAIL")
    no_js.get_by_role("button", name="Perbarui pilihan").click()  # follow the service
    assert _types(no_js) == ["AKUN-BARU", "KUOTA"]
    no_js.locator("#f-jenis_permintaan").select_option("KUOTA")
    no_js.get_by_role("button", name="Kirim pengajuan").click()
    assert _started(no_js, platform) == {
        "layanan": "EMAIL",
        "jenis_permintaan": "KUOTA",
        "judul": SAMPLE_REQUEST["judul"],
    }


def test_the_filter_works_from_the_keyboard(page: Page):
    sign_in(page, "pengguna")
    page.goto(START)
    url = page.url
    search = page.get_by_label("Saring pilihan Layanan")
    search.fill("sistem informasi")
    search.press("Enter")  # the first match, and no submit
    expect(page.locator("#f-layanan")).to_be_focused()
    expect(page.locator("#f-layanan")).to_have_value("SIAK")
    assert _types(page) == ["AKSES-DATA"]
    search.fill("kepeg")  # the chosen SIAK stays beside the match
    search.press("ArrowDown")
    expect(page.locator("#f-layanan")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#f-layanan")).to_have_value("SIMPEG")
    assert _types(page) == ["AKUN-BARU", "RESET-SANDI"]
    assert page.url == url
