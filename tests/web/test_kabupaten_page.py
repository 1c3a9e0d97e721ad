"""The kabupaten-wide dashboard (/dasbor/kabupaten, issue 15, item 5) over the week of
tests/service_level_cases.py, whose figures are worked out by hand there:

- BKPSDM (SIMPEG): 4 requests, fulfilment met 2 and missed 2, 1 open;
- DISKOMINFO (SRIKANDI): 2 complaints, response met 1 and missed 1, resolution met 1, 1 open.

So BKPSDM missed 2 of 4 decided targets (50.0 %), DISKOMINFO 1 of 3 (33.3 %), and SIMPEG is
the worst service before SRIKANDI."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from app.services.context import Platform
from tests.conftest import States
from tests.service_level_cases import Built, build
from tests.web.conftest import client_sign_in, sign_in
from tests.web.test_cmdb_browser import watch

pytestmark = pytest.mark.usefixtures("deployed")

WEEK = "dari=2026-11-23&sampai=2026-11-29"


@pytest.fixture(scope="module")
def built(base_platform: Platform, states: States, session_app: Flask) -> Built:
    return build(base_platform, states, session_app)


@pytest.fixture
def week(platform: Platform, built: Built) -> Built:
    built.restore(platform)
    return built


def _rows(page: str, table_id: str) -> dict[str, list[str]]:
    body = page[page.index(f'id="{table_id}"') :]
    body = body[: body.index("</table>")]
    rows = {}
    for head, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', body, re.S):
        label = re.sub(r"<.*?>.*?</.*?>", "", head).strip()
        rows[label] = re.findall(r"<td>(.*?)</td>", cells)
    return rows


def test_figures_by_pd_month_and_worst_service(client: FlaskClient, week: Built) -> None:
    client_sign_in(client, "pj.layanan")
    response = client.get(f"/dasbor/kabupaten?{WEEK}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    by_pd = _rows(page, "tabel-pd")
    assert len(by_pd) >= 5  # every demo PD, with or without cases
    assert by_pd["Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"] == [
        "4",
        "2",
        "2",
        "50.0",
        "1",
    ]
    diskominfo = next(cells for name, cells in by_pd.items() if "Komunikasi" in name)
    assert diskominfo == ["2", "2", "1", "33.3", "1"]
    worst = list(_rows(page, "tabel-layanan"))
    assert worst[:2] == ["SIMPEG", "SRIKANDI"]
    [(month, cells)] = _rows(page, "tabel-bulan").items()
    assert month == "2026-11"
    assert int(cells[0]) == sum(int(c[0]) for c in by_pd.values())

    # A chosen set: DISKOMINFO alone.
    chosen = client.get(f"/dasbor/kabupaten?{WEEK}&pd=DISKOMINFO").get_data(as_text=True)
    assert list(_rows(chosen, "tabel-pd").values()) == [["2", "2", "1", "33.3", "1"]]
    assert list(_rows(chosen, "tabel-layanan")) == ["SRIKANDI"]


def test_each_table_exports_and_bad_choices_are_named(client: FlaskClient, week: Built) -> None:
    client_sign_in(client, "pj.layanan")
    response = client.get(f"/dasbor/kabupaten/ekspor?{WEEK}&pd=BKPSDM&tabel=layanan&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Layanan", "PD", "Kasus")
    assert rows[1][2:] == (4, 2, 2, 50.0, 1)
    csv = client.get(f"/dasbor/kabupaten/ekspor?{WEEK}&tabel=pd&format=csv")
    assert csv.status_code == 200
    assert "Badan Kepegawaian" in csv.get_data(as_text=True)
    for query, field in (
        (f"{WEEK}&tabel=semua&format=csv", "Tabel tidak dikenal"),
        (f"{WEEK}&tabel=pd&format=pdf", "Format unduhan tidak dikenal"),
    ):
        refused = client.get(f"/dasbor/kabupaten/ekspor?{query}")
        assert refused.status_code == 422
        assert field in refused.get_data(as_text=True)
    late = client.get("/dasbor/kabupaten?dari=2026-11-29&sampai=2026-11-23")
    assert late.status_code == 422
    assert 'id="sampai-salah"' in late.get_data(as_text=True)


def test_a_pd_head_sees_only_their_pd_and_requesters_nothing(
    client: FlaskClient, week: Built
) -> None:
    client_sign_in(client, "pimpinan")
    page = client.get(f"/dasbor/kabupaten?{WEEK}").get_data(as_text=True)
    assert len(_rows(page, "tabel-pd")) == 1
    outside = client.get(f"/dasbor/kabupaten?{WEEK}&pd=BKPSDM")
    assert outside.status_code == 422
    assert "BKPSDM" in outside.get_data(as_text=True)
    client_sign_in(client, "pengguna")
    assert client.get("/dasbor/kabupaten").status_code == 403


def test_charts_are_drawn_beside_their_tables(page: Page, week: Built) -> None:
    problems = watch(page)
    sign_in(page, "pj.layanan")
    page.goto(f"/dasbor/kabupaten?{WEEK}")
    for name in ("agencies", "backlog", "months", "worst"):
        expect(page.locator(f'canvas[data-chart="{name}"]')).to_have_attribute("data-drawn", "true")
    page.get_by_text("Tabel data").first.click()
    expect(page.locator("#tabel-pd")).to_be_visible()
    assert problems == []
