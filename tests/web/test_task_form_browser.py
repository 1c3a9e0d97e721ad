"""Forms in the browser: rows of an array added and removed by forms.js, and the same form
with JavaScript off (the server round-trip), each ending in a completed task."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from app.models import Instance, User
from app.services.context import Platform
from tests.web.conftest import sign_in
from tests.web.test_task_page import _holder, open_task

pytestmark = pytest.mark.usefixtures("deployed")

Shot = Callable[[Page, str], Path]


def _planning(platform: Platform) -> tuple[int, str, str]:
    """A needs list being drafted: (instance id, task id, the user who may draft it)."""
    with platform.sessions() as session, session.begin():
        user = session.scalars(select(User).where(User.username == "penyedia")).one()
        instance_id = (
            platform.instances(session)
            .start(
                "perencanaan",
                {
                    "perangkat_daerah": "DISKOMINFO",
                    "jenis_dokumen": "daftar_kebutuhan_layanan",
                    "periode": "2027",
                    "judul": "Daftar Kebutuhan Layanan 2027",
                },
                user,
            )
            .id
        )
    task = open_task(platform, instance_id)
    return instance_id, task.id, _holder(platform, task)


def _fill_row(page: Page, index: int, name: str) -> None:
    page.locator(f'[name="daftar_kebutuhan_layanan.{index}.nama_kebutuhan"]').fill(name)
    page.locator(f'[name="daftar_kebutuhan_layanan.{index}.proses_bisnis"]').fill(
        f"Proses bisnis {name} yang didukung aplikasi."
    )
    page.locator(f'[name="daftar_kebutuhan_layanan.{index}.uraian"]').fill(
        f"Uraian kebutuhan {name} secara lengkap."
    )


def _fill_rest(page: Page) -> None:
    """The required fields outside the list (whatever this form asks for)."""
    for field in page.locator(
        "form.schema-form > .field textarea[aria-required], "
        "form.schema-form > .field input[type=text][aria-required]"
    ).all():
        if not field.input_value():
            field.fill("Isian uji yang cukup panjang untuk formulir ini.")
    for group in page.locator("form.schema-form > fieldset[data-path]").all():
        radios = group.locator("input[type=radio]")
        if radios.count() and not group.locator("input[type=radio]:checked").count():
            radios.first.check()


def _names(platform: Platform, instance_id: int) -> list[str]:
    with platform.sessions() as session:
        data = session.get(Instance, instance_id).data
        return [row["nama_kebutuhan"] for row in data["daftar_kebutuhan_layanan"]]


def test_rows_added_and_removed_in_the_page(page: Page, shot: Shot, platform: Platform):
    instance_id, task_id, holder = _planning(platform)
    sign_in(page, holder)
    page.goto(f"/tugas/{task_id}")
    url = page.url
    _fill_row(page, 0, "Aplikasi Perizinan")
    page.get_by_role("button", name="Tambah baris").click()
    _fill_row(page, 1, "Dihapus")
    page.get_by_role("button", name="Tambah baris").click()
    _fill_row(page, 2, "Portal Data")
    assert page.url == url  # no round-trip
    page.get_by_role("button", name="Hapus Baris 2").click()
    expect(page.locator('[name="daftar_kebutuhan_layanan.1.nama_kebutuhan"]')).to_have_count(0)
    _fill_rest(page)
    shot(page, "tugas-formulir-baris")
    page.get_by_role("button", name="Kirim dan selesaikan tugas").click()
    expect(page.locator(".flash-success")).to_contain_text("selesai untuk")
    assert _names(platform, instance_id) == ["Aplikasi Perizinan", "Portal Data"]


def test_rows_work_without_javascript(browser: Browser, live_server: str, platform: Platform):
    instance_id, task_id, holder = _planning(platform)
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, holder)
        page.goto(f"/tugas/{task_id}")
        _fill_row(page, 0, "Aplikasi Perizinan")
        page.get_by_role("button", name="Tambah baris").click()  # posts the form
        expect(page.locator('[name="daftar_kebutuhan_layanan.0.nama_kebutuhan"]')).to_have_value(
            "Aplikasi Perizinan"
        )
        _fill_row(page, 1, "Portal Data")
        _fill_rest(page)
        page.get_by_role("button", name="Kirim dan selesaikan tugas").click()
        expect(page.locator(".flash-success")).to_contain_text("selesai untuk")
    finally:
        context.close()
    assert _names(platform, instance_id) == ["Aplikasi Perizinan", "Portal Data"]
