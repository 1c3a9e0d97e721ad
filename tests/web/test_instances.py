"""The instance list (/proses) and the instance page: filters, paging, actions, refusals."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.models import User
from app.services.context import Platform
from app.services.demo import SAMPLE_COMPLAINT, SAMPLE_REQUEST
from app.services.instances import InstanceService
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("deployed")


def start(platform: Platform, model: str, username: str, data: dict[str, Any]) -> int:
    with platform.sessions() as session, session.begin():
        user = session.scalar(select(User).where(User.username == username))
        return InstanceService(session, platform).start(model, data, user).id


def complaint(platform: Platform, **changes: Any) -> int:
    return start(platform, "penanganan-aduan", "penyedia", {**SAMPLE_COMPLAINT, **changes})


def request_(platform: Platform, **changes: Any) -> int:
    return start(platform, "permintaan-layanan", "pengguna", {**SAMPLE_REQUEST, **changes})


def listed(html: str) -> list[int]:
    """Instance ids linked from the list, in page order."""
    return [int(n) for n in re.findall(r'href="/proses/(\d+)"', html)]


def test_list_shows_visible_instances_newest_first(client: FlaskClient, platform: Platform):
    first, second = complaint(platform), request_(platform)
    client_sign_in(client, "pj.layanan")
    response = client.get("/proses")
    assert response.status_code == 200
    assert listed(response.get_data(as_text=True)) == [second, first]


def test_instance_page_smoke(client: FlaskClient, platform: Platform):
    ident = complaint(platform)
    client_sign_in(client, "pj.layanan")
    response = client.get(f"/proses/{ident}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "klasifikasi_aduan" in html
