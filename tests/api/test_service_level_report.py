"""The service-level report through the API (issue 15, item 2): figures for a week of cases
driven through the engine equal the hand-computed ones (tests/service_level_cases.py), the
reader's scope limits what is counted, each figure drills down to its cases, the XLSX reads
back, and bad filters are refused naming the field."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader

from app.services.context import Platform
from tests.conftest import Auth, States
from tests.service_level_cases import WEEK, Built, build

pytestmark = pytest.mark.usefixtures("deployed")

URL = "/api/v1/reports/service-levels"


@pytest.fixture(scope="module")
def built(base_platform: Platform, states: States, session_app: Flask) -> Built:
    return build(base_platform, states, session_app)


@pytest.fixture
def week(platform: Platform, built: Built) -> Built:
    built.restore(platform)
    return built


def _rows(auth: Auth, who: str, query: str = WEEK) -> dict[tuple[str, str | None], Any]:
    response = auth.get(who, f"{URL}?{query}")
    assert response.status_code == 200, response.json
    return {(row["service"], row["procedure"]): row for row in response.json["rows"]}


def test_the_figures_equal_the_hand_computed_ones(auth: Auth, week: Built) -> None:
    rows = _rows(auth, "pj.layanan")
    requests = rows[("SIMPEG", "permintaan-layanan")]
    assert requests["cases"] == 4
    assert requests["fulfilment"] == {"met": 2, "missed": 2}
    assert (requests["response"], requests["resolution"]) == (None, None)
    assert (requests["median_hours"], requests["p90_hours"]) == (2.0, 4.5)
    assert requests["satisfaction"] == {
        "mean": 3.67,
        "count": 3,
        "distribution": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1},
    }
    assert requests["backlog"] == 1
    assert requests["backlog_ageing"] == {"0-1": 0, "1-7": 1, "7-30": 0, "30+": 0}
    assert requests["availability"] is None  # on the service's total row only

    complaints = rows[("SRIKANDI", "penanganan-aduan")]
    assert complaints["cases"] == 2
    assert complaints["response"] == {"met": 1, "missed": 1}
    assert complaints["resolution"] == {"met": 1, "missed": 0}
    assert complaints["fulfilment"] is None
    assert (complaints["median_hours"], complaints["p90_hours"]) == (3.0, 3.0)
    assert complaints["satisfaction"]["mean"] == 3.0
    assert complaints["satisfaction"]["count"] == 1
    assert complaints["backlog"] == 1

    srikandi = rows[("SRIKANDI", None)]
    assert srikandi["availability"] == {"target": 98.0, "achieved": 84.615, "met": False}
    assert srikandi["cases"] == 2
    simpeg = rows[("SIMPEG", None)]
    assert simpeg["availability"] == {"target": 98.0, "achieved": 100.0, "met": True}
    assert simpeg["fulfilment"] == {"met": 2, "missed": 2}
    assert set(rows) == {
        ("SIMPEG", None),
        ("SIMPEG", "permintaan-layanan"),
        ("SRIKANDI", None),
        ("SRIKANDI", "penanganan-aduan"),
    }


def test_the_readers_scope_limits_what_is_counted(auth: Auth, week: Built) -> None:
    own = _rows(auth, "penyedia.bkpsdm")
    assert set(own) == {("SIMPEG", None), ("SIMPEG", "permintaan-layanan")}
    assert own[("SIMPEG", "permintaan-layanan")]["cases"] == 4
    # Another PD's services are listed when asked for, their cases not counted; their
    # availability is the catalog's figure, the same for everyone.
    other = _rows(auth, "penyedia.bkpsdm", f"{WEEK}&agency=DISKOMINFO")
    assert other[("SRIKANDI", None)]["cases"] == 0
    assert other[("SRIKANDI", None)]["response"] is None
    assert other[("SRIKANDI", None)]["availability"]["achieved"] == 84.615
    assert ("SRIKANDI", "penanganan-aduan") not in other
    # A requester counts the cases they filed.
    mine = _rows(auth, "pengguna")
    assert mine[("SIMPEG", "permintaan-layanan")]["cases"] == 4
    assert ("SRIKANDI", None) not in mine


def test_each_figure_drills_down_to_its_cases(auth: Auth, week: Built) -> None:
    def cases(measure: str, who: str = "pj.layanan", **more: str) -> set[int]:
        query = "&".join(f"{k}={v}" for k, v in {"measure": measure, **more}.items())
        response = auth.get(who, f"{URL}/cases?{WEEK}&{query}")
        assert response.status_code == 200, response.json
        return {item["id"] for item in response.json["items"]}

    ids = week.ids
    request = {"service": "SIMPEG", "procedure": "permintaan-layanan"}
    assert cases("fulfilment_met", **request) == {ids["R1"], ids["R4"]}
    assert cases("fulfilment_missed", **request) == {ids["R2"], ids["R3"]}
    assert cases("rated", **request) == {ids["R1"], ids["R2"], ids["R4"]}
    assert cases("backlog", service="SIMPEG") == {ids["R3"]}
    assert cases("response_missed", service="SRIKANDI") == {ids["C2"]}
    assert cases("cases") == set(ids.values())
    assert cases("cases", who="penyedia.bkpsdm") == {ids[n] for n in ("R1", "R2", "R3", "R4")}


def test_by_month_gives_the_same_rows_per_month(auth: Auth, week: Built) -> None:
    response = auth.get("pj.layanan", f"{URL}?from=2026-10-01&to=2026-11-30&by=month")
    trend = response.json["trend"]
    assert [month["month"] for month in trend] == ["2026-10", "2026-11"]
    assert trend[0]["rows"] == []
    november = {(r["service"], r["procedure"]): r for r in trend[1]["rows"]}
    assert november[("SIMPEG", "permintaan-layanan")]["fulfilment"] == {"met": 2, "missed": 2}
    assert november[("SIMPEG", "permintaan-layanan")]["month"] == "2026-11"


def test_the_xlsx_reads_back_with_the_same_figures(auth: Auth, week: Built) -> None:
    response = auth.get("pj.layanan", f"{URL}?{WEEK}&format=xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:6] == ("Periode", "Layanan", "Nama layanan", "PD", "Prosedur", "Kasus")
    cells = {(row[1], row[4]): dict(zip(header, row, strict=True)) for row in rows}
    simpeg = cells[("SIMPEG", "Permintaan Layanan")]
    assert simpeg["Kasus"] == 4
    assert (simpeg["Pemenuhan tercapai"], simpeg["Pemenuhan terlewat"]) == (2, 2)
    assert simpeg["Respons tercapai"] is None  # does not apply: empty, not zero
    assert (simpeg["Median jam kerja"], simpeg["P90 jam kerja"]) == (2, 4.5)
    assert simpeg["Kepuasan rata-rata"] == 3.67
    assert simpeg["Backlog"] == 1
    total = cells[("SRIKANDI", "Semua prosedur")]
    assert total["Ketersediaan tercapai %"] == 84.615


def test_the_pdf_reads_back_with_the_pds_letterhead_and_figures(auth: Auth, week: Built) -> None:
    response = auth.get("pj.layanan", f"{URL}?{WEEK}&agency=BKPSDM&format=pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "kode BKPSDM" in text  # the PD's letterhead
    assert "Laporan Tingkat Layanan" in text
    assert "23 November\n 2026 s.d. 29 November 2026" in text
    lines = [line.strip() for line in text.splitlines()]
    row = lines.index("SIMPEG: Permintaan Layanan")
    # cases, response, resolution, fulfilment, median / p90, availability, satisfaction,
    # backlog: one cell a line; what does not apply is a dash
    assert lines[row + 1 : row + 9] == ["4", "—", "—", "2 / 2", "2 / 4,5", "—", "3,67 (3)", "1"]
    assert "Halaman 1 dari" in text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-13-01", "from"),
        ("from=kemarin", "from"),
        ("from=2026-11-30&to=2026-11-01", "to"),
        ("from=2025-01-01&to=2026-11-30", "to"),
        ("agency=TIDAK-ADA", "agency"),
        ("service=TIDAK-ADA", "service"),
        ("format=csv", "format"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(auth: Auth, query: str, field: str) -> None:
    response = auth.get("pj.layanan", f"{URL}?{query}")
    assert response.status_code == 422, response.json
    assert field in str(response.json["errors"])


def test_an_unknown_measure_is_refused(auth: Auth) -> None:
    response = auth.get("pj.layanan", f"{URL}/cases?{WEEK}&measure=semua")
    assert response.status_code == 422
    assert "measure" in str(response.json["errors"])
