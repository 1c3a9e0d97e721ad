"""A requester's NIP/NIK, telephone and e-mail are shown only to the requester, to those
who act on the instance's tasks and to its supervisors (issue 11, item 7); everyone else
who may see the instance gets them masked, in the API and on the pages."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from app.services.demo import SAMPLE_REQUEST
from app.services.instances.personal_data import MASK, masked
from tests.conftest import Auth
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("deployed")

NIP = SAMPLE_REQUEST["nip_nik"]
PHONE = SAMPLE_REQUEST["telepon"]


def _filed(auth: Auth) -> int:
    started = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": SAMPLE_REQUEST},
    )
    assert started.status_code == 201, started.json
    return started.json["id"]


def _read(auth: Auth, username: str, instance_id: int) -> dict[str, Any]:
    response = auth.get(username, f"/api/v1/process-instances/{instance_id}")
    assert response.status_code == 200, (username, response.json)
    return response.json


def _started_event(body: dict[str, Any]) -> dict[str, Any]:
    [event] = [e for e in body["events"] if e["kind"] == "instance_started"]
    return event["data"]


@pytest.mark.parametrize("username", ["pengguna", "admin.layanan", "pj.layanan"])
def test_the_requester_the_desk_and_the_supervisor_read_it(auth: Auth, username: str) -> None:
    body = _read(auth, username, _filed(auth))
    assert (body["data"]["nip_nik"], body["data"]["telepon"]) == (NIP, PHONE)
    assert _started_event(body)["nip_nik"] == NIP


@pytest.mark.parametrize("username", ["analis", "admin"])
def test_other_staff_get_it_masked_in_the_instance_its_history_and_the_list(
    auth: Auth, username: str
) -> None:
    instance_id = _filed(auth)
    body = _read(auth, username, instance_id)
    assert (body["data"]["nip_nik"], body["data"]["telepon"]) == (MASK, MASK)
    assert body["data"]["judul"] == SAMPLE_REQUEST["judul"]  # the rest is not personal
    assert _started_event(body)["nip_nik"] == MASK
    listed = auth.get(username, "/api/v1/process-instances").json["items"]
    assert [item["data"]["nip_nik"] for item in listed] == [MASK]
    assert NIP not in str(listed)


def test_the_instance_page_masks_it_for_an_analyst(auth: Auth, client: FlaskClient) -> None:
    instance_id = _filed(auth)
    client_sign_in(client, "analis")
    page = client.get(f"/proses/{instance_id}").get_data(as_text=True)
    assert NIP not in page
    assert PHONE not in page
    assert MASK in page


def test_the_instance_page_shows_it_to_the_supervisor(auth: Auth, client: FlaskClient) -> None:
    instance_id = _filed(auth)
    client_sign_in(client, "pj.layanan")
    assert NIP in client.get(f"/proses/{instance_id}").get_data(as_text=True)


def test_masking_reaches_every_depth_and_leaves_empty_values() -> None:
    data = {"nip_nik": "1", "email": "", "rows": [{"telepon": "08"}], "x": {"email": "a@b"}}
    assert masked(data) == {
        "nip_nik": MASK,
        "email": "",
        "rows": [{"telepon": MASK}],
        "x": {"email": MASK},
    }
