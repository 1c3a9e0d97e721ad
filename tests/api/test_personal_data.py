"""A requester's NIP/NIK, telephone and e-mail are shown only to the requester, to those
who act on the instance's tasks and to its supervisors (issue 11, item 7); everyone else
who may see the instance gets them masked, in the API and on the pages, in the record
number search and in a task read after it closed. The searches of the pages and the
catalog export carry no personal field at all."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from app.services.catalog.spreadsheet import COLUMNS
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
    assert [item["id"] for item in listed] == [instance_id]
    assert NIP not in str(listed)  # lists carry no data at all


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


def _reference(auth: Auth, instance_id: int) -> str:
    return _read(auth, "pengguna", instance_id)["reference"]


@pytest.mark.parametrize(
    ("username", "shown"),
    [("pengguna", True), ("pimpinan.bkpsdm", True), ("analis", False), ("admin", False)],
)
def test_the_record_number_search_shows_it_only_to_those_the_instance_does(
    auth: Auth, username: str, shown: bool
) -> None:
    """`?reference=` as the requester, the supervisor of the service's PD (SIMPEG is
    BKPSDM's), an Analis Proses and Admin Sistem."""
    instance_id = _filed(auth)
    prefix = _reference(auth, instance_id)[:8]
    found = auth.get(username, f"/api/v1/process-instances?reference={prefix}").json["items"]
    [item] = [i for i in found if i["id"] == instance_id]
    assert NIP not in str(found)  # lists carry no data; the instance itself decides
    body = _read(auth, username, item["id"])
    expected = (NIP, PHONE) if shown else (MASK, MASK)
    assert (body["data"]["nip_nik"], body["data"]["telepon"]) == expected


def test_staff_of_another_pd_do_not_find_it_at_all(auth: Auth) -> None:
    prefix = _reference(auth, _filed(auth))[:8]
    found = auth.get("penyedia.disdukcapil", f"/api/v1/process-instances?reference={prefix}")
    assert found.json["items"] == []


def test_a_closed_task_is_read_masked_by_a_holder_of_its_role_who_never_acted(
    auth: Auth,
) -> None:
    """`pelaksana` holds the classifying lane's role too, but `admin.layanan` took the task
    and named themselves the executor: once it closed, only they read it in clear."""
    instance_id = _filed(auth)
    [task] = _read(auth, "admin.layanan", instance_id)["tasks"]
    classify = {"klasifikasi": "akses", "prioritas": "sedang", "gangguan": False}
    done = auth.post(
        "admin.layanan",
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {**classify, "pelaksana": "admin.layanan"}},
    )
    assert done.status_code == 200, done.json
    other = auth.get("pelaksana", f"/api/v1/tasks/{task['id']}")
    assert other.status_code == 200, other.json
    assert (other.json["data"]["nip_nik"], other.json["data"]["telepon"]) == (MASK, MASK)
    actor = auth.get("admin.layanan", f"/api/v1/tasks/{task['id']}").json
    assert (actor["data"]["nip_nik"], actor["data"]["telepon"]) == (NIP, PHONE)


@pytest.mark.parametrize(
    ("username", "search"),
    [
        ("analis", "/proses?nomor={reference}"),
        ("pimpinan.bkpsdm", "/proses?nomor={reference}"),
        ("admin.layanan", "/tugas?nomor={reference}"),
    ],
)
def test_the_pages_record_number_searches_show_no_personal_field(
    auth: Auth, client: FlaskClient, username: str, search: str
) -> None:
    """The instance list (number, procedure, service, status, priority, deadlines, start
    and starter's name) and the inbox (number, task, service, priority, clocks, claim)
    find the record without showing any personal field, to anyone."""
    reference = _reference(auth, _filed(auth))
    client_sign_in(client, username)
    page = client.get(search.format(reference=reference)).get_data(as_text=True)
    assert reference in page
    assert NIP not in page
    assert PHONE not in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_catalog_export_has_no_requester_column(auth: Auth, fmt: str) -> None:
    """The one export is the service catalog: a service's columns, no requester's."""
    _filed(auth)
    exported = auth.get("admin", f"/api/v1/services/export?format={fmt}")
    assert exported.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(exported.data)).active
        rows = [[str(cell or "") for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [header for header, _key in COLUMNS]
    assert not any(NIP in cell or PHONE in cell for row in rows for cell in row)
