"""The CMDB's item types page (/cmdb/jenis, issue 14 item 1) without a browser: who may
see and change the types, and a refused schema shown beside its field."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ConfigurationItemType
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("cmdb")


def text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined]


def test_staff_see_the_types_with_their_counts_and_no_form(client: FlaskClient) -> None:
    client_sign_in(client, "admin.infra")  # keeps items, is no Admin Sistem
    listing = text(client.get("/cmdb/"))
    assert 'href="/cmdb/jenis/"' in listing
    page = client.get("/cmdb/jenis/")
    assert page.status_code == 200
    body = text(page)
    assert "<code>virtual_machine</code>" in body
    assert 'href="/cmdb/?jenis=server">4</a>' in body  # the demo's four servers
    assert "/cmdb/jenis/baru" not in body
    assert "/cmdb/jenis/server/ubah" not in body


def test_whoever_the_api_refuses_gets_403(client: FlaskClient, session: Session) -> None:
    token = client_sign_in(client, "admin.infra")
    assert client.get("/cmdb/jenis/baru").status_code == 403
    assert client.get("/cmdb/jenis/server/ubah").status_code == 403
    posted = {"csrf_token": token, "code": "iot", "name": "IoT", "attribute_schema": ""}
    assert client.post("/cmdb/jenis/baru", data=posted).status_code == 403
    assert client.post("/cmdb/jenis/server/ubah", data=posted).status_code == 403
    assert (
        session.scalar(select(ConfigurationItemType).where(ConfigurationItemType.code == "iot"))
        is None
    )


def test_requesters_are_refused(client: FlaskClient) -> None:
    client_sign_in(client, "pengguna")
    assert client.get("/cmdb/jenis/").status_code == 403


def test_a_bad_schema_is_named_beside_its_field_and_kept(client: FlaskClient) -> None:
    token = client_sign_in(client, "admin")
    typed = '{"type": "object", "properties": {"x": {"type": "angka"}}}'
    refused = client.post(
        "/cmdb/jenis/baru",
        data={"csrf_token": token, "code": "iot", "name": "IoT", "attribute_schema": typed},
    )
    assert refused.status_code == 422
    body = text(refused)
    assert 'id="f-attribute_schema-error"' in body
    assert "JSON Schema tidak sah pada $.properties.x.type" in body
    assert "&#34;angka&#34;" in body or "&quot;angka&quot;" in body  # what was typed, kept
    broken = client.post(
        "/cmdb/jenis/baru",
        data={"csrf_token": token, "code": "iot", "name": "IoT", "attribute_schema": "{\n  x"},
    )
    assert "Bukan JSON yang sah: baris 2, kolom 3." in text(broken)
    taken = client.post(
        "/cmdb/jenis/baru",
        data={"csrf_token": token, "code": "server", "name": "Server", "attribute_schema": ""},
    )
    assert "Kode sudah dipakai jenis lain." in text(taken)
