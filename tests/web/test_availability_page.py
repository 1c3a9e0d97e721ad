"""The availability page (/ketersediaan, issue 14, item 6): a PD's services over a month
against their targets, and the outage behind the figure, as the API computes them."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("cmdb")


def text(response: object) -> str:
    assert response.status_code == 200, response.status_code  # type: ignore[attr-defined]
    return response.get_data(as_text=True)  # type: ignore[attr-defined]


def test_the_demo_outage_counts_against_simpeg_and_is_explained(client: FlaskClient) -> None:
    client_sign_in(client, "pj.layanan")
    page = text(client.get("/ketersediaan?pd=BKPSDM&bulan=2026-11"))
    row = re.search(r'<a href="#layanan-SIMPEG">SIMPEG</a>.*?</tr>', page, re.S)
    assert row is not None
    cells = re.findall(r"<td>\s*(.*?)\s*</td>", row.group(0), re.S)
    assert cells[0] == "98.00 %"
    assert cells[2] == "175"  # the demo's outage, as the API counts it
    section = page[page.index('id="layanan-SIMPEG"') :]
    assert re.search(r">ADU-2026-\d+</a>", section)


def test_a_bad_month_is_named_and_requesters_are_refused(client: FlaskClient) -> None:
    client_sign_in(client, "pj.layanan")
    page = text(client.get("/ketersediaan?pd=BKPSDM&bulan=November"))
    assert 'aria-invalid="true"' in page
    assert "availability-table" not in page
    client_sign_in(client, "pengguna")
    assert client.get("/ketersediaan").status_code == 403
