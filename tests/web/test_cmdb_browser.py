"""In the browser, over the demo CMDB (issue 14): the list with its filters, sort, pages and
an import refused row by row then taken; an item's page with its relations drawn by
Cytoscape.js and its impact; a keeper changing an item and relating it on a phone, with
the keyboard. Three tests, one state (`cmdb`), so the set-up is built once."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.web.conftest import sign_in

pytestmark = pytest.mark.usefixtures("cmdb")

Shot = Callable[[Page, str], Path]
CSP = re.compile("Content Security Policy", re.IGNORECASE)
ROWS = "table.cmdb-list tbody tr"


def watch(page: Page) -> list[str]:
    """Policy violations and script errors on `page`, as they happen."""
    seen: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if CSP.search(message.text):
            seen.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: seen.append(f"script error: {error}"))
    return seen


def graph_labels(page: Page) -> set[str]:
    """The labels of the nodes Cytoscape.js holds (what it drew), not a screenshot."""
    expect(page.locator("#cmdb-graf[data-ready='true']")).to_be_attached()
    labels = page.evaluate("() => window.cmdbGraph.nodes().map(n => n.data('label'))")
    return set(labels)


def test_list_filters_sorts_pages_and_imports_all_or_nothing(
    page: Page, shot: Shot, tmp_path: Path
) -> None:
    problems = watch(page)
    sign_in(page, "admin.infra")
    page.get_by_role("link", name="CMDB").first.click()
    expect(page.get_by_role("heading", name="Komponen konfigurasi (CMDB)")).to_be_visible()
    expect(page.locator(ROWS)).to_have_count(25)
    expect(page.get_by_text("Halaman 1 dari 2")).to_be_visible()
    page.get_by_role("link", name="Berikutnya").click()
    expect(page.locator(ROWS)).to_have_count(18)
    shot(page, "cmdb-daftar")

    page.get_by_label("Jenis").select_option("server")
    page.get_by_role("button", name="Terapkan").click()
    expect(page.locator(ROWS)).to_have_count(4)
    page.get_by_role("link", name=re.compile(r"^Nama")).click()  # sorted A-Z: now Z-A
    expect(page.locator(f"{ROWS} td:first-child a").first).to_have_text("SRV-DRC-01")
    export = page.get_by_role("link", name="Unduh CSV")
    expect(export).to_have_attribute(
        "href", re.compile(r"jenis=server.*urut=-name|urut=-name.*jenis=server")
    )

    bad = tmp_path / "cmdb-salah.csv"
    bad.write_text(
        "jenis,nama,pd,relasi,atribut.serial_number\n"
        "server,srv-baru,DISKOMINFO,,SN-BARU\n"
        "server,SRV-DC1-09,DISKOMINFO,runs_on:VM-TIDAK-ADA,7H2K9R3\n"
    )
    page.get_by_label("Berkas .csv atau .xlsx").set_input_files(str(bad))
    page.get_by_role("button", name="Impor").click()
    refusal = page.locator("#impor-galat")
    expect(refusal).to_contain_text("3 kesalahan")
    expect(refusal.locator("tbody tr")).to_have_count(3)
    expect(refusal.locator("tbody tr").nth(1)).to_contain_text("atribut.serial_number")
    expect(refusal.locator("tbody tr").nth(1)).to_contain_text("SRV-DC1-01")
    shot(page, "cmdb-impor-ditolak")

    good = tmp_path / "cmdb.csv"
    good.write_text(
        "jenis,nama,pd,relasi,atribut.serial_number\n"
        "server,SRV-DC1-04,DISKOMINFO,connects_to:NET-CORE-SW01,7H2M4R3\n"
    )
    page.get_by_label("Berkas .csv atau .xlsx").set_input_files(str(good))
    page.get_by_role("button", name="Impor").click()
    expect(page.locator(".flash-success")).to_contain_text("1 komponen dan 1 relasi")
    page.get_by_label("Nama atau lokasi").fill("SRV-DC1-04")
    page.get_by_label("Nama atau lokasi").press("Enter")
    expect(page.locator(ROWS)).to_have_count(1)

    page.locator("#lang").select_option("en")
    expect(page.get_by_role("heading", name="Configuration items (CMDB)")).to_be_visible()
    assert problems == []


def test_item_page_draws_the_graph_and_shows_the_impact(page: Page, shot: Shot) -> None:
    problems = watch(page)
    sign_in(page, "pj.layanan")  # staff who reads the CMDB and keeps none of it
    page.goto("/cmdb/?q=vm-db-01")
    page.get_by_role("link", name="VM-DB-01").click()
    expect(page.get_by_role("heading", name=re.compile("^VM-DB-01"))).to_be_visible()
    expect(page.get_by_role("link", name="Ubah")).to_have_count(0)

    labels = graph_labels(page)
    # itself, the host it runs on, the databases on it, the applications on those and
    # the services they carry
    assert {"VM-DB-01", "SRV-DC1-02", "DB-SIMPEG", "DB-SRIKANDI", "DB-LAYANAN"} <= labels
    assert {"APP-SIMPEG", "APP-EKINERJA", "APP-PERIZINAN", "APP-ANTREAN"} <= labels
    assert {"SIMPEG", "E-KINERJA", "SRIKANDI", "OSS-PERIZINAN", "ANTREAN"} <= labels
    assert "APP-SIPKD" not in labels
    edges = page.evaluate(
        "() => window.cmdbGraph.edges().map(e => e.source().data('label') + ' '"
        " + e.data('relation') + ' ' + e.target().data('label'))"
    )
    assert "APP-EKINERJA depends_on APP-SIMPEG" in edges
    assert "VM-DB-01 runs_on SRV-DC1-02" in edges

    # the demo's month of storage measurements, drawn against both thresholds
    drawn = page.evaluate(
        "() => document.getElementById('kapasitas-storage').chart.data.datasets"
        ".map(d => [d.label, d.data.length, d.data[0]])"
    )
    assert drawn == [
        ["storage (GB)", 30, 1180],
        ["Ambang peringatan", 30, 1600],
        ["Ambang kritis", 30, 1800],
    ]

    impact = page.locator("#dampak")
    expect(impact.locator(".cmdb-impact-services li")).to_have_count(5)
    expect(impact.locator(".cmdb-impact-items tbody tr")).to_have_count(9)
    case = impact.locator(".cmdb-impact-cases li")
    expect(case).to_have_count(1)
    expect(case).to_contain_text("SRIKANDI")

    # clicking a node opens its item's page (before a full-page screenshot resizes it)
    page.locator("#cmdb-graf").scroll_into_view_if_needed()
    # two frames: the scroll event reaches Cytoscape.js, which then maps clicks anew
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    x, y = page.evaluate(
        """() => {
            const node = window.cmdbGraph.nodes().filter(n => n.data('label') === 'DB-SIMPEG');
            const box = document.getElementById('cmdb-graf').getBoundingClientRect();
            const at = node.renderedPosition();
            return [box.left + at.x, box.top + at.y];
        }"""
    )
    page.mouse.click(x, y)
    expect(page.get_by_role("heading", name=re.compile("^DB-SIMPEG"))).to_be_visible()
    assert graph_labels(page) >= {"DB-SIMPEG", "VM-DB-01", "APP-SIMPEG", "SIMPEG"}
    page.go_back()
    expect(page.locator("#cmdb-graf[data-ready='true']")).to_be_attached()
    shot(page, "cmdb-komponen")
    page.locator("#dampak .cmdb-impact-cases a").first.click()
    expect(page).to_have_url(re.compile(r"/proses/\d+$"))
    assert problems == []


def test_keeper_changes_an_item_and_relates_it_on_a_phone_with_the_keyboard(
    phone: Page, shot: Shot
) -> None:
    problems = watch(phone)
    sign_in(phone, "admin.infra")
    phone.goto("/cmdb/?q=SRV-DC1-03")
    phone.get_by_role("link", name="SRV-DC1-03").click()
    phone.get_by_role("link", name="Ubah").click()

    ram = phone.get_by_label("RAM (GB)")
    ram.focus()
    phone.keyboard.press("Control+A")
    phone.keyboard.type("banyak")
    phone.get_by_label("Alasan perubahan").focus()
    phone.keyboard.type("Tambah memori")
    phone.get_by_role("button", name="Simpan").press("Enter")
    expect(phone.locator(".field.has-error")).to_contain_text("Harus angka")  # kept as typed
    expect(phone.get_by_label("Alasan perubahan")).to_have_value("Tambah memori")

    ram.fill("384")
    phone.get_by_role("button", name="Simpan").press("Enter")
    expect(phone.locator(".flash-success")).to_contain_text("Perubahan dicatat")
    expect(phone.locator(".cmdb-attributes")).to_contain_text("384")
    history = phone.locator(".cmdb-history li").first
    expect(history).to_contain_text("Diubah")
    expect(history).to_contain_text("Tambah memori")

    phone.get_by_role("combobox", name="Komponen", exact=True).fill("LIC-FORTIGUARD-UTM")
    phone.get_by_label("Komponen ini …").select_option("uses_licence")
    phone.get_by_role("combobox", name="Komponen", exact=True).press("Enter")
    expect(phone.locator(".flash-success")).to_contain_text("Relasi ditambahkan")
    expect(phone.locator("table.cmdb-relations")).to_contain_text("LIC-FORTIGUARD-UTM")
    assert "LIC-FORTIGUARD-UTM" in graph_labels(phone)
    shot(phone, "cmdb-komponen-ponsel")
    assert problems == []
