"""A service's own targets on the pages (issue 15, item 1): the admin catalog form edits
them beside the figures in force, refuses bad ones beside their field, and the catalog
every user reads shows the same figures the clocks apply."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import client_sign_in
from tests.web.test_admin_pages import error_beside, filled_form, text, value_of

pytestmark = pytest.mark.usefixtures("demo")

SERVICE = "/admin/katalog/SRIKANDI"


def _form(client: FlaskClient, token: str, **changes: str) -> dict[str, str]:
    """The SRIKANDI form as the page fills it, with `changes` typed in."""
    page = text(client.get(SERVICE))
    form = filled_form(page, r"[\w.-]+")
    for select in ("agency", "group", "classification", "support_hours"):
        form[select] = {
            "agency": "DISKOMINFO",
            "group": "Administrasi Pemerintahan",
            "classification": "Esensial",
            "support_hours": "kalender",
        }[select]
    return {**form, "csrf_token": token, **changes}


def test_the_form_edits_the_targets_and_the_catalog_shows_them(client: FlaskClient) -> None:
    token = client_sign_in(client, "admin")
    page = text(client.get(SERVICE))
    # every level empty, each with the figure in force beside it (the PD's scheme)
    assert value_of(page, "targets.response.P3.value") == ""
    assert "Tabel 4: P3 < 60 menit" in page
    assert "Tabel 2: Layanan Administrasi Pemerintahan / Esensial < 48 jam" in page

    saved = client.post(
        SERVICE,
        data=_form(
            client,
            token,
            **{
                "targets.response.P3.value": "30",
                "targets.response.P3.unit": "menit",
                "targets.resolution.P3.value": "8",
                "targets.resolution.P3.unit": "jam",
            },
        ),
    )
    assert saved.status_code == 302, text(saved)
    page = text(client.get(SERVICE))
    assert value_of(page, "targets.response.P3.value") == "30"
    assert "Target layanan SRIKANDI: P3 < 30 menit" in page
    assert "Target layanan SRIKANDI: P3 < 8 jam" in page

    catalog = text(client.get("/layanan"))
    assert "Target layanan SRIKANDI: P3 < 30 menit" in catalog
    assert "Tabel 4: P1 < 15 menit" in catalog


def test_a_resolution_shorter_than_the_response_is_refused_beside_it(
    client: FlaskClient,
) -> None:
    token = client_sign_in(client, "admin")
    refused = client.post(
        SERVICE,
        data=_form(
            client,
            token,
            **{
                "targets.response.P2.value": "2",
                "targets.response.P2.unit": "jam",
                "targets.resolution.P2.value": "30",
                "targets.resolution.P2.unit": "menit",
                "targets.response.Tinggi.value": "satu",
            },
        ),
    )
    assert refused.status_code == 422
    page = text(refused)
    assert "bulat" in error_beside(page, "targets.response.Tinggi.value")
    assert value_of(page, "targets.resolution.P2.value") == "30"
    refused = client.post(
        SERVICE,
        data=_form(
            client,
            token,
            **{
                "targets.response.P2.value": "2",
                "targets.response.P2.unit": "jam",
                "targets.resolution.P2.value": "30",
                "targets.resolution.P2.unit": "menit",
            },
        ),
    )
    assert refused.status_code == 422
    assert "lebih singkat" in error_beside(text(refused), "targets.resolution.P2.value")
