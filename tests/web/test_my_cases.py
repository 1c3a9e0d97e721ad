"""A requester follows their cases (issue 12, item 4): the page "Permintaan dan aduan saya"
says in words who has each case and when it waits for them, and the requester is told
when the case moves to another step and when it is closed."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.clock import FixedClock
from app.models import Instance, Notification, User
from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from app.services.instances.my_cases import MyCases
from tests.conftest import Auth
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("deployed")

CLASSIFY = {"klasifikasi": "akses", "prioritas": "sedang", "gangguan": False}


def _start(auth: Auth) -> dict[str, Any]:
    response = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": SAMPLE_REQUEST},
    )
    assert response.status_code == 201, response.json
    return response.json


def _only_task(auth: Auth, username: str, instance_id: int) -> str:
    [task] = [
        t["id"]
        for t in auth.get(username, "/api/v1/tasks").json["items"]
        if t["process_instance_id"] == instance_id
    ]
    return task


def _complete(auth: Auth, username: str, instance_id: int, data: dict[str, Any]) -> None:
    task = _only_task(auth, username, instance_id)
    response = auth.post(username, f"/api/v1/tasks/{task}/complete", json={"data": data})
    assert response.status_code == 200, response.json


def _notices(platform: Platform, username: str) -> list[tuple[str, str]]:
    with platform.sessions() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        rows = session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
        return [(row.kind, row.title) for row in rows]


def test_the_requester_follows_the_case_to_its_end(
    auth: Auth, client: FlaskClient, platform: Platform
) -> None:
    case = _start(auth)
    number = case["reference"]
    client_sign_in(client, "pengguna")
    html = client.get("/saya").get_data(as_text=True)
    assert number in html
    assert "Sedang ditangani oleh Administrator Layanan" in html
    assert "berisiko terlambat" not in html
    assert client.get(f"/proses/{case['id']}").status_code == 200  # the case's own page

    _complete(auth, "admin.layanan", case["id"], {**CLASSIFY, "pelaksana": "pelaksana"})
    _complete(auth, "pj.layanan", case["id"], {"disetujui": True})
    _complete(auth, "pelaksana", case["id"], {"hasil_pemenuhan": "Akun sudah dibuat."})
    html = client.get("/saya").get_data(as_text=True)
    assert "Menunggu tindakan Anda: Konfirmasi Pemenuhan dan Penilaian Kepuasan" in html
    assert "Buka tugas Anda" in html

    _complete(auth, "pengguna", case["id"], {"konfirmasi": "diterima", "kepuasan": 5})
    html = client.get("/saya").get_data(as_text=True)
    assert "Selesai" in html
    kinds = [kind for kind, _ in _notices(platform, "pengguna")]
    # Told of each staff step (approval, fulfilment) but not of the first, which the
    # requester caused, nor of the confirmation, which they were offered as a task; then
    # of the end, which they caused themselves: no notice.
    assert kinds.count("case_progress") == 2
    assert "case_closed" not in kinds


def test_the_requester_is_told_when_staff_close_the_case(auth: Auth, platform: Platform) -> None:
    """A disruption report the desk turns into a complaint ends the request at once."""
    report = {k: v for k, v in SAMPLE_REQUEST.items() if k != "jenis_permintaan"}
    started = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={
            "process_model_id": "permintaan-layanan",
            "data": {**report, "laporan_gangguan": True},
        },
    ).json
    _complete(
        auth, "admin.layanan", started["id"], {**CLASSIFY, "gangguan": True, "dampak": "Minor"}
    )
    titles = [title for kind, title in _notices(platform, "pengguna") if kind == "case_closed"]
    assert titles == [f"{started['reference']} selesai / closed"]


def test_the_list_pages_newest_first_and_shows_only_the_users_cases(
    auth: Auth, platform: Platform, clock: FixedClock
) -> None:
    ids = [_start(auth)["id"] for _ in range(3)]
    with platform.sessions() as session:
        user = session.scalars(select(User).where(User.username == "pengguna")).one()
        cases = MyCases(session, platform.clock)
        first = cases.page(user, size=2)
        assert [c.instance.id for c in first.items] == [ids[2], ids[1]]
        assert first.next == ids[1]
        rest = cases.page(user, first.next, size=2)
        assert [c.instance.id for c in rest.items] == [ids[0]]
        assert rest.next is None
        staff = session.scalars(select(User).where(User.username == "admin.layanan")).one()
        assert cases.page(staff).items == []
        assert session.get(Instance, ids[0]) is not None


def test_a_bad_cursor_is_404(client: FlaskClient) -> None:
    client_sign_in(client, "pengguna")
    assert client.get("/saya?sebelum=99999999999").status_code == 404
    assert client.get("/saya?sebelum=5").status_code == 200


def test_the_api_lists_the_callers_own_cases_in_words(auth: Auth) -> None:
    mine = _start(auth)
    other = auth.post(
        "penyedia",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": SAMPLE_REQUEST},
    ).json
    listed = auth.get("pengguna", "/api/v1/process-instances?mine=true").json
    assert [item["id"] for item in listed["items"]] == [mine["id"]]
    assert listed["total"] == 1
    [case] = listed["items"]
    assert case["status_text"] == "Sedang ditangani oleh Administrator Layanan"
    assert case["steps"] == ["Klasifikasi dan Prioritasi Permintaan"]
    assert case["waiting_for_you"] is False
    english = auth.client.get(
        "/api/v1/process-instances?mine=true",
        headers={**auth.headers("pengguna"), "Accept-Language": "en"},
    ).json["items"][0]
    assert english["status_text"] == "Being handled by Administrator Layanan"
    staff = auth.get("admin.layanan", "/api/v1/process-instances?mine=true").json
    assert staff["items"] == []
    everything = auth.get("admin.layanan", "/api/v1/process-instances").json
    assert {mine["id"], other["id"]} <= {item["id"] for item in everything["items"]}
    assert "status_text" not in everything["items"][0]
    bad = auth.get("pengguna", "/api/v1/process-instances?mine=kadang")
    assert bad.status_code == 422
    assert "mine" in bad.json["errors"]


def test_the_requester_is_told_why_a_supervisor_terminated_the_case(
    auth: Auth, client: FlaskClient, platform: Platform
) -> None:
    case = _start(auth)
    token = client_sign_in(client, "pj.layanan")
    done = client.post(
        f"/proses/{case['id']}/hentikan", data={"csrf_token": token, "reason": "Laporan ganda"}
    )
    assert done.status_code == 302
    with platform.sessions() as session:
        [notice] = session.scalars(
            select(Notification).where(
                Notification.instance_id == case["id"], Notification.kind == "case_closed"
            )
        )
        assert notice.user.username == "pengguna"
        assert notice.title == f"{case['reference']} dihentikan / terminated"
        assert "Alasan: Laporan ganda" in notice.body


def test_a_supervisor_who_terminates_their_own_case_is_not_told(
    auth: Auth, client: FlaskClient, platform: Platform
) -> None:
    own = auth.post(
        "pj.layanan",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": SAMPLE_REQUEST},
    )
    assert own.status_code == 201, own.json
    token = client_sign_in(client, "pj.layanan")
    done = client.post(
        f"/proses/{own.json['id']}/hentikan", data={"csrf_token": token, "reason": "Salah"}
    )
    assert done.status_code == 302
    assert "case_closed" not in [kind for kind, _ in _notices(platform, "pj.layanan")]


def test_terminating_through_the_api_tells_the_requester_too(
    auth: Auth, platform: Platform
) -> None:
    case = _start(auth)
    done = auth.post("pj.layanan", f"/api/v1/process-instances/{case['id']}/terminate", json={})
    assert done.status_code == 200, done.json
    notices = [title for kind, title in _notices(platform, "pengguna") if kind == "case_closed"]
    assert notices == [f"{case['reference']} dihentikan / terminated"]
