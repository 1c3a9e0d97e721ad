"""Every CSV and XLSX export, through the API and the pages, keeps formula-like text as
text (app/services/spreadsheet.py; issue 13, item 6): what a requester or an
administrator typed can never run when the file is opened in a spreadsheet program."""

from __future__ import annotations

import csv
import io

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from app.services.context import Platform
from tests.conftest import Auth
from tests.services.tracking_data import service_request
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("deployed")

#: DDE and hyperlink payloads, the two the tester put into the catalog.
PAYLOADS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x")']
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: (who, where): every export the app offers; the catalog holds a hostile service, the
#: instance list and the inbox a request per payload.
EXPORTS = [
    pytest.param("admin", "/api/v1/services/export", id="api-catalog"),
    pytest.param("pj.layanan", "/api/v1/process-instances/export", id="api-instances"),
    pytest.param("admin.layanan", "/api/v1/tasks/export", id="api-inbox"),
    pytest.param("admin", "/admin/katalog/ekspor", id="page-catalog"),
    pytest.param("pj.layanan", "/proses/ekspor", id="page-instances"),
    pytest.param("admin.layanan", "/tugas/ekspor", id="page-inbox"),
    pytest.param("admin", "/api/v1/configuration-items/export", id="api-cmdb"),
    pytest.param("admin", "/cmdb/ekspor", id="page-cmdb"),
]


@pytest.fixture
def hostile(auth: Auth, platform: Platform) -> None:
    """A service whose name and description are payloads, a request per payload, and a
    configuration item whose location and label are."""
    service = {
        "code": "RUMUS",
        "name": PAYLOADS[0],
        "description": PAYLOADS[1],
        "agency": "DISKOMINFO",
        "group": "Publik",
        "classification": "Normal",
    }
    assert auth.post("admin", "/api/v1/services", json=service).status_code == 201
    for payload in PAYLOADS:
        service_request(platform, judul=payload)
    item = {
        "type": "data_centre",
        "name": "DC-RUMUS",
        "agency": "DISKOMINFO",
        "location": PAYLOADS[0],
        "labels": [PAYLOADS[1]],
    }
    assert auth.post("admin", "/api/v1/configuration-items", json=item).status_code == 201


def download(client: FlaskClient, auth: Auth, username: str, url: str, fmt: str) -> bytes:
    """The export as `username`: with a token for the API, signed in for a page."""
    if url.startswith("/api/"):
        response = auth.get(username, f"{url}?format={fmt}")
    else:
        client_sign_in(client, username)
        response = client.get(f"{url}?format={fmt}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize(("username", "url"), EXPORTS)
class TestEveryExport:
    def test_csv_marks_each_formula_as_text(
        self, client: FlaskClient, auth: Auth, username: str, url: str
    ):
        body = download(client, auth, username, url, "csv").decode("utf-8-sig")
        cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
        for payload in PAYLOADS:
            assert f"'{payload}" in cells
        assert not [c for c in cells if c.startswith(FORMULA_STARTS) and not _number(c)]

    def test_xlsx_stores_each_formula_as_a_string(
        self, client: FlaskClient, auth: Auth, username: str, url: str
    ):
        body = download(client, auth, username, url, "xlsx")
        cells = [cell for row in load_workbook(io.BytesIO(body)).active.iter_rows() for cell in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        found = [c for c in cells if c.value in PAYLOADS]
        assert {c.value for c in found} == set(PAYLOADS)
        assert all(c.data_type == "s" and c.quotePrefix for c in found)


def _number(cell: str) -> bool:
    """Whether a CSV cell is a number (a negative one starts with `-` and is no formula)."""
    try:
        float(cell)
    except ValueError:
        return False
    return True
