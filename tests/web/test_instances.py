"""The instance list (/proses) and the instance page, through the Flask test client:
filters, paging, supervisor actions, and the same refusals as the API."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Event, Instance, InstanceStatus, Task
from app.services.context import Platform
from app.services.instances.tracking import PAGE_SIZE
from tests.services.tracking_data import complaint, open_task, service_request
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("deployed")


def listed(html: str) -> list[int]:
    """Instance ids linked from the list, in page order."""
    return [int(n) for n in re.findall(r'<td><a href="/proses/(\d+)"', html)]


def status_of(session: Session, ident: int) -> str:
    session.expire_all()
    return session.get_one(Instance, ident).status


class TestList:
    def test_needs_sign_in(self, client: FlaskClient):
        response = client.get("/proses")
        assert response.status_code == 302
        assert "/masuk" in response.headers["Location"]

    def test_shows_visible_instances_newest_first_with_badges(
        self, client: FlaskClient, platform: Platform
    ):
        first, second = complaint(platform), service_request(platform)
        client_sign_in(client, "pj.layanan")
        response = client.get("/proses")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert listed(html) == [second, first]
        assert '<span class="badge badge-ok">Berjalan</span>' in html
        assert '<span class="badge badge-warn">P3</span>' in html
        assert "Respons: Sisa" in html

    def test_a_requester_sees_only_their_own(self, client: FlaskClient, platform: Platform):
        mine = service_request(platform)
        complaint(platform)
        client_sign_in(client, "pengguna")
        assert listed(client.get("/proses").get_data(as_text=True)) == [mine]

    def test_filters_by_procedure_service_pd_status_priority_and_reference(
        self, client: FlaskClient, platform: Platform
    ):
        request_id, complaint_id = service_request(platform), complaint(platform)
        client_sign_in(client, "pj.layanan")

        def ids(query: str) -> list[int]:
            response = client.get(f"/proses?{query}")
            assert response.status_code == 200, response.get_data(as_text=True)
            return listed(response.get_data(as_text=True))

        assert ids("proses=penanganan-aduan") == [complaint_id]
        assert ids("layanan=SIMPEG") == [request_id]
        assert ids("pd=DISKOMINFO") == [complaint_id]
        assert ids("status=running") == [complaint_id, request_id]
        assert ids("status=complete") == []
        assert ids("prioritas=P3") == [complaint_id]
        assert ids("nomor=adu-2026") == [complaint_id]
        assert ids("dari=2026-11-23&sampai=2026-11-23") == [complaint_id, request_id]
        assert ids("dari=2026-11-24") == []
        assert ids("terlambat=1") == []

    @pytest.mark.parametrize(
        ("query", "field", "message"),
        [
            ("status=hilang", "status", "Pilihan tidak dikenal."),
            ("proses=tidak-ada", "proses", "Pilihan tidak dikenal."),
            ("pd=XYZ", "pd", "Pilihan tidak dikenal."),
            ("dari=23-11-2026", "dari", "Tanggal tidak valid"),
            ("dari=2026-11-24&sampai=2026-11-23", "sampai", "Tanggal akhir sebelum"),
            ("setelah=abc", "setelah", "Penanda halaman tidak valid."),
            ("nomor=" + "A" * 30, "nomor", "Nomor terlalu panjang."),
        ],
    )
    def test_bad_filters_are_named_and_nothing_is_listed(
        self, client: FlaskClient, platform: Platform, query: str, field: str, message: str
    ):
        service_request(platform)
        client_sign_in(client, "pj.layanan")
        response = client.get(f"/proses?{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in html
        assert f'id="{field}-galat"' in html
        assert listed(html) == []

    def test_pages_forward_and_back_without_counting(self, client: FlaskClient, platform: Platform):
        made = [service_request(platform) for _ in range(PAGE_SIZE + 2)][::-1]
        client_sign_in(client, "pj.layanan")
        first = client.get("/proses?status=running").get_data(as_text=True)
        assert listed(first) == made[:PAGE_SIZE]
        assert 'rel="prev"' not in first
        older = re.search(r'rel="next" href="([^"]+)"', first)
        assert older
        assert "status=running" in older.group(1)
        second = client.get(older.group(1).replace("&amp;", "&")).get_data(as_text=True)
        assert listed(second) == made[PAGE_SIZE:]
        assert 'rel="next"' not in second
        newer = re.search(r'rel="prev" href="([^"]+)"', second)
        assert newer
        back = client.get(newer.group(1).replace("&amp;", "&")).get_data(as_text=True)
        assert listed(back) == made[:PAGE_SIZE]

    def test_in_english_when_switched(self, client: FlaskClient, platform: Platform):
        service_request(platform)
        token = client_sign_in(client, "pj.layanan")
        client.post("/bahasa", data={"lang": "en", "next": "/", "csrf_token": token})
        html = client.get("/proses").get_data(as_text=True)
        assert "Process tracking" in html
        assert ">Running</span>" in html


class TestInstancePage:
    def test_shows_diagram_data_tasks_clocks_and_history(
        self, client: FlaskClient, platform: Platform
    ):
        ident = complaint(platform)
        client_sign_in(client, "pj.layanan")
        response = client.get(f"/proses/{ident}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert '"active": ["klasifikasi_aduan"]' in html
        assert "versi 1" in html
        assert "Tabel 4: P3" in html
        assert "Instans dimulai" in html
        assert "Tangguhkan" in html
        assert 'name="username"' in html  # the reassign form

    def test_unknown_instance_is_404(self, client: FlaskClient, platform: Platform):
        client_sign_in(client, "pj.layanan")
        assert client.get("/proses/999999").status_code == 404
        assert client.get("/proses/999999/diagram.bpmn").status_code == 404

    def test_an_instance_outside_ones_scope_is_403(self, client: FlaskClient, platform: Platform):
        ident = complaint(platform)
        client_sign_in(client, "pengguna")
        assert client.get(f"/proses/{ident}").status_code == 403
        assert client.get(f"/proses/{ident}/diagram.bpmn").status_code == 403

    def test_the_diagram_is_the_versions_bpmn(self, client: FlaskClient, platform: Platform):
        ident = complaint(platform)
        client_sign_in(client, "pj.layanan")
        response = client.get(f"/proses/{ident}/diagram.bpmn")
        assert response.status_code == 200
        assert response.mimetype == "application/xml"
        assert b'id="klasifikasi_aduan"' in response.data

    def test_a_requester_sees_their_instance_without_actions(
        self, client: FlaskClient, platform: Platform
    ):
        ident = service_request(platform)
        client_sign_in(client, "pengguna")
        html = client.get(f"/proses/{ident}").get_data(as_text=True)
        assert "Tangguhkan" not in html
        assert "Hentikan" not in html


class TestActions:
    def test_suspend_then_resume(self, client: FlaskClient, platform: Platform, session: Session):
        ident = complaint(platform)
        token = client_sign_in(client, "pimpinan")
        response = client.post(f"/proses/{ident}/tangguhkan", data={"csrf_token": token})
        assert response.status_code == 302
        assert status_of(session, ident) == InstanceStatus.SUSPENDED
        page = client.get(f"/proses/{ident}").get_data(as_text=True)
        assert "Instans ditangguhkan; jam SLA berhenti." in page
        assert "Dijeda (instans ditangguhkan)" in page
        client.post(f"/proses/{ident}/lanjutkan", data={"csrf_token": token})
        assert status_of(session, ident) == InstanceStatus.RUNNING

    def test_wrong_state_is_409_with_the_message(
        self, client: FlaskClient, platform: Platform, session: Session
    ):
        ident = complaint(platform)
        token = client_sign_in(client, "pj.layanan")
        response = client.post(f"/proses/{ident}/lanjutkan", data={"csrf_token": token})
        assert response.status_code == 409
        assert "Tindakan ditolak:" in response.get_data(as_text=True)
        assert status_of(session, ident) == InstanceStatus.RUNNING

    @pytest.mark.parametrize("action", ["tangguhkan", "lanjutkan", "hentikan"])
    def test_non_supervisor_is_403(
        self, client: FlaskClient, platform: Platform, session: Session, action: str
    ):
        ident = complaint(platform)
        token = client_sign_in(client, "admin.layanan")
        response = client.post(
            f"/proses/{ident}/{action}", data={"csrf_token": token, "reason": "x"}
        )
        assert response.status_code == 403
        assert status_of(session, ident) == InstanceStatus.RUNNING

    def test_actions_need_the_csrf_token(
        self, client: FlaskClient, platform: Platform, session: Session
    ):
        ident = complaint(platform)
        client_sign_in(client, "pimpinan")
        assert client.post(f"/proses/{ident}/tangguhkan").status_code == 400
        assert status_of(session, ident) == InstanceStatus.RUNNING

    def test_terminate_asks_for_a_reason_then_records_it(
        self, client: FlaskClient, platform: Platform, session: Session
    ):
        ident = complaint(platform)
        token = client_sign_in(client, "pimpinan")
        confirm = client.get(f"/proses/{ident}/hentikan")
        assert confirm.status_code == 200
        assert "Ya, hentikan instans" in confirm.get_data(as_text=True)
        refused = client.post(
            f"/proses/{ident}/hentikan", data={"csrf_token": token, "reason": " "}
        )
        assert refused.status_code == 422
        assert "Alasan wajib diisi." in refused.get_data(as_text=True)
        assert status_of(session, ident) == InstanceStatus.RUNNING
        done = client.post(
            f"/proses/{ident}/hentikan", data={"csrf_token": token, "reason": "Laporan ganda"}
        )
        assert done.status_code == 302
        assert status_of(session, ident) == InstanceStatus.TERMINATED
        page = client.get(f"/proses/{ident}").get_data(as_text=True)
        assert "Instans dihentikan" in page
        assert "Laporan ganda" in page
        again = client.post(
            f"/proses/{ident}/hentikan", data={"csrf_token": token, "reason": "Lagi"}
        )
        assert again.status_code == 409

    def test_reassign_a_task(self, client: FlaskClient, platform: Platform, session: Session):
        ident = complaint(platform)
        task_id = open_task(platform, ident)
        token = client_sign_in(client, "pj.layanan")
        response = client.post(
            f"/proses/{ident}/tugas/{task_id}/alihkan",
            data={"csrf_token": token, "username": "pelaksana", "note": "Cuti"},
        )
        assert response.status_code == 302
        session.expire_all()
        task = session.get_one(Task, task_id)
        assert task.claimed_by is not None
        assert task.claimed_by.username == "pelaksana"
        page = client.get(f"/proses/{ident}").get_data(as_text=True)
        assert "dialihkan ke pelaksana" in page
        assert "Tugas dialihkan" in page

    def test_reassign_to_someone_without_the_role_is_422(
        self, client: FlaskClient, platform: Platform, session: Session
    ):
        ident = complaint(platform)
        task_id = open_task(platform, ident)
        token = client_sign_in(client, "pj.layanan")
        response = client.post(
            f"/proses/{ident}/tugas/{task_id}/alihkan",
            data={"csrf_token": token, "username": "pengguna"},
        )
        assert response.status_code == 422
        assert "Pilih pengguna yang memegang peran" in response.get_data(as_text=True)
        kinds = session.scalars(select(Event.kind).where(Event.instance_id == ident)).all()
        assert "task_reassigned" not in kinds

    def test_reassign_by_a_non_supervisor_is_403(self, client: FlaskClient, platform: Platform):
        ident = complaint(platform)
        task_id = open_task(platform, ident)
        token = client_sign_in(client, "admin.layanan")
        response = client.post(
            f"/proses/{ident}/tugas/{task_id}/alihkan",
            data={"csrf_token": token, "username": "pelaksana"},
        )
        assert response.status_code == 403

    def test_reassign_an_unknown_task_is_404(self, client: FlaskClient, platform: Platform):
        ident = complaint(platform)
        token = client_sign_in(client, "pj.layanan")
        response = client.post(
            f"/proses/{ident}/tugas/tidak-ada/alihkan",
            data={"csrf_token": token, "username": "pelaksana"},
        )
        assert response.status_code == 404
