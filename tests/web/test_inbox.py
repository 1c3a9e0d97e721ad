"""The inbox with the Flask client: counts, filters in SQL, deadline badges, claim/release;
and TaskService's filters themselves (the API keeps its order without them)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.clock import FixedClock
from app.models import User
from app.services.context import Platform
from app.services.demo import SAMPLE_COMPLAINT
from app.services.tasks.inbox import InboxFilter
from tests.conftest import Auth
from tests.web.conftest import client_sign_in
from tests.web.test_task_page import open_task, start_request

pytestmark = pytest.mark.usefixtures("deployed")


def _start_complaint(platform: Platform) -> int:

    with platform.sessions() as session, session.begin():
        user = session.scalars(select(User).where(User.username == "penyedia")).one()
        return platform.instances(session).start("penanganan-aduan", SAMPLE_COMPLAINT, user).id


def _inbox(platform: Platform, username: str, **filters: object) -> list[str]:
    with platform.sessions() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        page = platform.tasks(session).inbox(user, filters=InboxFilter(**filters))
        return [task.process_model_id for task in page.items]


def test_filters_narrow_the_inbox_in_sql(platform: Platform, clock: FixedClock):
    request = start_request(platform)
    clock.advance(timedelta(minutes=5))
    _start_complaint(platform)
    both = _inbox(platform, "admin.layanan")
    assert sorted(both) == ["penanganan-aduan", "permintaan-layanan"]
    assert _inbox(platform, "admin.layanan", process_model_id="penanganan-aduan") == [
        "penanganan-aduan"
    ]
    assert _inbox(platform, "admin.layanan", service="SIMPEG") == ["permintaan-layanan"]
    assert _inbox(platform, "admin.layanan", service="TIDAK-ADA") == []
    assert _inbox(platform, "admin.layanan", reference="pmt-2026") == ["permintaan-layanan"]
    assert _inbox(platform, "admin.layanan", reference=request.reference) == ["permintaan-layanan"]
    assert _inbox(platform, "admin.layanan", priority="P3") == ["penanganan-aduan"]
    assert _inbox(platform, "admin.layanan", claimed=True) == []
    assert sorted(_inbox(platform, "admin.layanan", claimed=False)) == sorted(both)
    by_due = _inbox(platform, "admin.layanan", sort="due")
    assert by_due[0] == "penanganan-aduan"  # the P3 complaint answers within 1 hour
    assert _inbox(platform, "admin.layanan", overdue=True) == []


def test_overdue_filter_and_late_badge(client: FlaskClient, platform: Platform, clock: FixedClock):
    _start_complaint(platform)
    clock.advance(timedelta(hours=3))  # the P3 complaint's 1-hour response has passed
    assert _inbox(platform, "admin.layanan", overdue=True) == ["penanganan-aduan"]
    client_sign_in(client, "admin.layanan")
    html = client.get("/tugas?terlambat=1").get_data(as_text=True)
    assert "ADU-2026-000001" in html
    assert 'class="badge badge-bad"' in html
    assert "terlambat" in html


def test_inbox_page_lists_counts_badges_and_filters(client: FlaskClient, platform: Platform):
    start_request(platform)
    _start_complaint(platform)
    client_sign_in(client, "admin.layanan")
    page = client.get("/tugas")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "2 tugas" in html
    assert "0 saya ambil" in html
    assert "PMT-2026-000001" in html
    assert "ADU-2026-000001" in html
    assert '<span class="badge badge-warn">P3</span>' in html
    assert "sisa 1 jam kerja" in html  # P3: respond within 1 hour (Tabel 4)
    filtered = client.get("/tugas?nomor=ADU-2026").get_data(as_text=True)
    assert "ADU-2026-000001" in filtered
    assert "PMT-2026-000001" not in filtered
    assert "1 tugas" in filtered
    assert client.get("/tugas?halaman=abc&urut=tenggat&prioritas=X").status_code == 200


def test_claim_and_release_from_the_inbox(client: FlaskClient, platform: Platform):
    instance = start_request(platform)
    task = open_task(platform, instance.id)
    token = client_sign_in(client, "admin.layanan")
    claimed = client.post(
        f"/tugas/{task.id}/ambil", data={"csrf_token": token, "next": "/tugas?ambil=saya"}
    )
    assert claimed.status_code == 302
    assert claimed.headers["Location"].endswith("/tugas?ambil=saya")
    html = client.get("/tugas?ambil=saya").get_data(as_text=True)
    assert "Anda ambil" in html
    assert "1 saya ambil" in html
    assert "PMT-2026-000001" in html

    other = client_sign_in(client, "pelaksana")  # holds the same role
    refused = client.post(f"/tugas/{task.id}/ambil", data={"csrf_token": other})
    assert refused.status_code == 302
    assert "Tugas tidak dapat diambil" in client.get("/tugas").get_data(as_text=True)

    token = client_sign_in(client, "admin.layanan")
    released = client.post(f"/tugas/{task.id}/lepas", data={"csrf_token": token})
    assert released.status_code == 302
    html = client.get("/tugas").get_data(as_text=True)
    assert "dikembalikan ke kelompok" in html
    assert "0 saya ambil" in html


def test_inbox_needs_sign_in_and_claim_needs_the_role(client: FlaskClient, platform: Platform):
    instance = start_request(platform)
    task = open_task(platform, instance.id)
    assert client.get("/tugas").status_code == 302
    token = client_sign_in(client, "pengguna")
    assert client.post(f"/tugas/{task.id}/ambil", data={"csrf_token": token}).status_code == 403
    assert client.post("/tugas/tidak-ada/ambil", data={"csrf_token": token}).status_code == 404
    assert client.get("/tugas").status_code == 200


def test_api_inbox_keeps_its_shape(platform: Platform, auth: Auth):
    start_request(platform)
    body = auth.get("admin.layanan", "/api/v1/tasks").json
    assert body["total"] == 1
    assert set(body) == {"items", "total"}
