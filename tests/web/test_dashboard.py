"""The PD dashboard (/dasbor): who may open which PD, and the figures in its tables."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from app.clock import FixedClock
from app.services.context import Platform
from tests.services.tracking_data import CLASSIFY_COMPLAINT, complaint, complete, service_request
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("deployed")


def cells(html: str, header: str) -> list[str]:
    """The cells of the data-table row that starts with `header`."""
    row = re.search(rf"<tr><th scope=\"row\">{header}</th>(.*?)</tr>", html, re.S)
    assert row, header
    return re.findall(r"<td>(.*?)</td>", row.group(1))


def test_needs_a_supervising_role(client: FlaskClient, platform: Platform):
    assert client.get("/dasbor").status_code == 302
    for username in ("pengguna", "admin.layanan"):
        client_sign_in(client, username)
        assert client.get("/dasbor").status_code == 403


def test_a_pd_outside_ones_scope_is_403(client: FlaskClient, platform: Platform):
    client_sign_in(client, "pimpinan")  # Pimpinan of DISKOMINFO only
    assert client.get("/dasbor?pd=BKPSDM").status_code == 403
    assert client.get("/dasbor?pd=DISKOMINFO").status_code == 200


def test_figures_of_the_users_own_pd(client: FlaskClient, platform: Platform, clock: FixedClock):
    met = complaint(platform)
    complaint(platform, dampak="Minor")
    service_request(platform)  # BKPSDM
    clock.advance(timedelta(minutes=15))
    complete(platform, met, "admin.layanan", CLASSIFY_COMPLAINT)
    clock.advance(timedelta(hours=4))
    client_sign_in(client, "pimpinan")
    response = client.get("/dasbor")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dinas Komunikasi dan Informatika" in html
    assert "<td>Penanganan Aduan</td><td>2</td>" in html
    assert "<td>P3</td><td>1</td>" in html
    assert "<td>P5</td><td>1</td>" in html
    assert cells(html, "Respons") == ["1", "1"]
    assert cells(html, "Penyelesaian") == ["0", "0"]
    assert '"values": [2]' in html  # the chart reads the same numbers
    assert html.count('href="/proses/') == 2


def test_another_pd_for_a_grant_everywhere(client: FlaskClient, platform: Platform):
    service_request(platform)
    client_sign_in(client, "pj.layanan")
    html = client.get("/dasbor?pd=BKPSDM").get_data(as_text=True)
    assert "<td>Permintaan Layanan</td><td>1</td>" in html
    assert "<td>Tanpa prioritas</td><td>1</td>" in html
