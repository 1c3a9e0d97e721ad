"""The administrators' pages through the Flask client: every page and form for Admin
Sistem, field errors from the services beside their fields with the input kept, 403 for
everyone else, 404 for unknown objects and refusal without the CSRF token."""

from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.models import Agency, Event, RegionalDay, RoleAssignment, Schedule, User
from app.services.context import Platform
from app.services.deadlines.reference_tables import ReferenceService
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("demo")

PAGES = [
    "/admin/",
    "/admin/pd/",
    "/admin/pd/baru",
    "/admin/pd/DISKOMINFO",
    "/admin/pengguna/",
    "/admin/pengguna/baru",
    "/admin/pengguna/pengguna",
    "/admin/peran/",
    "/admin/katalog/",
    "/admin/katalog/baru",
    "/admin/katalog/SIMPEG",
    "/admin/katalog/ekspor?format=csv",
    "/admin/tabel-acuan/",
    "/admin/tabel-acuan/matriks-prioritas",
    "/admin/tabel-acuan/target-respons",
    "/admin/tabel-acuan/target-penyelesaian",
    "/admin/tabel-acuan/skema-urgensi",
    "/admin/kalender/",
    "/admin/kalender/default",
    "/admin/kalender/DISKOMINFO",
    "/admin/jadwal/",
]
POSTS = [
    "/admin/pd/baru",
    "/admin/pd/DISKOMINFO",
    "/admin/pengguna/baru",
    "/admin/pengguna/pengguna",
    "/admin/pengguna/pengguna/status",
    "/admin/pengguna/pengguna/sandi",
    "/admin/pengguna/pengguna/peran",
    "/admin/pengguna/pengguna/peran/1/cabut",
    "/admin/katalog/baru",
    "/admin/katalog/SIMPEG",
    "/admin/katalog/impor",
    "/admin/tabel-acuan/target-respons",
    "/admin/tabel-acuan/target-respons/reset",
    "/admin/kalender/default/jam-kerja",
    "/admin/kalender/DISKOMINFO/jam-kerja/reset",
    "/admin/kalender/default/libur-daerah",
    "/admin/kalender/default/libur-daerah/2026-12-03/hapus",
    "/admin/jadwal/",
    "/admin/jadwal/1/aktif",
    "/admin/jadwal/1/hapus",
]


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def error_beside(page: str, field: str) -> str:
    """The message shown next to the field `field` (its `f-<field>-error` span)."""
    match = re.search(rf'id="f-{re.escape(field)}-error">([^<]*)<', page)
    assert match, f"no error beside {field}"
    return match.group(1)


def value_of(page: str, field: str) -> str:
    match = re.search(
        rf'id="f-{re.escape(field)}" name="{re.escape(field)}"[^>]* value="([^"]*)"', page
    )
    assert match, f"no input {field}"
    return match.group(1)


def filled_form(page: str, pattern: str) -> dict[str, str]:
    """What a browser would post for the inputs, text areas and ticked boxes named like
    `pattern` (as the page shows them)."""
    form = {}
    for tag in re.finditer(r"<(input|textarea)([^>]*)>([^<]*)", page):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', tag.group(2)))
        name = attrs.get("name", "")
        if not re.fullmatch(pattern, name):
            continue
        if tag.group(1) == "textarea":
            form[name] = tag.group(3)
        elif attrs.get("type") != "checkbox":
            form[name] = attrs.get("value", "")
        elif " checked" in tag.group(2):
            form[name] = attrs["value"]
    return form


def audit_kinds(platform: Platform) -> list[str]:
    with platform.sessions() as session:
        return list(session.scalars(select(Event.kind).where(Event.instance_id.is_(None))))


@pytest.fixture
def admin(client: FlaskClient) -> str:
    """The client signed in as Admin Sistem; its CSRF token."""
    return client_sign_in(client, "admin")


class TestAccess:
    def test_every_page_opens_for_admin_sistem(self, client: FlaskClient, admin: str):
        for url in PAGES:
            assert client.get(url).status_code == 200, url

    def test_every_page_and_form_is_forbidden_to_a_service_user(
        self, client: FlaskClient, platform: Platform
    ):
        token = client_sign_in(client, "pengguna")
        before = audit_kinds(platform)
        for url in PAGES:
            response = client.get(url)
            assert response.status_code == 403, url
            assert "Akses ditolak" in text(response)
        for url in POSTS:
            response = client.post(url, data={"csrf_token": token, "name": "x", "active": "0"})
            assert response.status_code == 403, url
        assert audit_kinds(platform) == before

    def test_every_form_refuses_a_post_without_the_csrf_token(
        self, client: FlaskClient, admin: str, platform: Platform
    ):
        before = audit_kinds(platform)
        for url in POSTS:
            response = client.post(url, data={"name": "x", "active": "0"})
            assert response.status_code == 400, url
            assert "Sesi formulir kedaluwarsa" in text(response)
        assert audit_kinds(platform) == before

    def test_pages_speak_english_when_switched(self, client: FlaskClient, admin: str):
        client.post("/bahasa", data={"lang": "en", "next": "/", "csrf_token": admin})
        page = text(client.get("/admin/pd/"))
        assert "Add agency" in page
        assert "Administration navigation" in page
        response = client.post("/admin/pd/baru", data={"csrf_token": admin, "code": "x"})
        assert "Upper-case letters" in error_beside(text(response), "code")

    def test_signed_out_visitors_are_sent_to_sign_in(self, client: FlaskClient):
        response = client.get("/admin/pd/")
        assert response.status_code == 302
        assert "/masuk" in response.headers["Location"]

    def test_navigation_offers_administration_to_admins_only(self, client: FlaskClient):
        client_sign_in(client, "analis")
        assert "/admin/" not in text(client.get("/"))
        client.post("/keluar", data={"csrf_token": client_sign_in(client, "analis")})
        client_sign_in(client, "admin")
        assert 'href="/admin/"' in text(client.get("/"))

    def test_unknown_objects_are_not_found(self, client: FlaskClient, admin: str):
        for url in (
            "/admin/pd/NOPE",
            "/admin/pengguna/nobody",
            "/admin/katalog/NOPE",
            "/admin/tabel-acuan/tabel-99",
            "/admin/kalender/NOPE",
            "/admin/jadwal/999",
            "/admin/peran/?role=Bukan+Peran",
            "/admin/katalog/ekspor?format=pdf",
        ):
            assert client.get(url).status_code == 404, url


class TestAgencies:
    def test_create_then_edit_is_audited(self, client: FlaskClient, admin: str, platform: Platform):
        response = client.post(
            "/admin/pd/baru",
            data={
                "csrf_token": admin,
                "code": "DINKES",
                "name": "Dinas Kesehatan",
                "timezone": "Asia/Makassar",
                "sla_scheme": "urgensi",
                "escalation_warning_percent": "80",
                "recurring_complaints": "3",
                "recurrence_window_days": "30",
            },
        )
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/admin/pd/DINKES")
        response = client.post(
            "/admin/pd/DINKES",
            data={
                "csrf_token": admin,
                "name": "Dinas Kesehatan Kabupaten",
                "timezone": "Asia/Makassar",
                "sla_scheme": "urgensi",
                "escalation_warning_percent": "60",
                "recurring_complaints": "4",
                "recurrence_window_days": "14",
            },
        )
        assert response.status_code == 302
        page = text(client.get("/admin/pd/DINKES"))
        assert "Dinas Kesehatan Kabupaten" in page
        assert "PD dibuat" in page
        assert "PD diubah" in page
        with platform.sessions() as session:
            agency = session.scalar(select(Agency).where(Agency.code == "DINKES"))
            assert agency.escalation_warning_percent == 60
            assert (agency.recurring_complaints, agency.recurrence_window_days) == (4, 14)

    def test_create_refused_keeps_the_input(self, client: FlaskClient, admin: str):
        for changes, field, message in (
            ({"code": "dinkes"}, "code", "Huruf besar"),
            ({"code": "DISKOMINFO"}, "code", "sudah dipakai"),
            ({"name": ""}, "name", "Wajib diisi"),
            ({"timezone": "Europe/Paris"}, "timezone", "salah satu dari Asia/Jakarta"),
            ({"escalation_warning_percent": "100"}, "escalation_warning_percent", "1..99"),
            ({"escalation_warning_percent": "tujuh"}, "escalation_warning_percent", "bulat"),
            ({"recurring_complaints": "1"}, "recurring_complaints", "2..100"),
            ({"recurrence_window_days": ""}, "recurrence_window_days", "Wajib diisi"),
        ):
            data = {
                "csrf_token": admin,
                "code": "DINKES",
                "name": "Dinas Kesehatan",
                "timezone": "Asia/Jakarta",
                "sla_scheme": "prioritas",
                "escalation_warning_percent": "75",
                "recurring_complaints": "3",
                "recurrence_window_days": "30",
                **changes,
            }
            response = client.post("/admin/pd/baru", data=data)
            page = text(response)
            assert response.status_code == 422
            assert message in error_beside(page, field)
            assert value_of(page, "name") == data["name"]

    def test_edit_refused_changes_nothing(
        self, client: FlaskClient, admin: str, platform: Platform
    ):
        response = client.post(
            "/admin/pd/BKPSDM",
            data={
                "csrf_token": admin,
                "name": "Nama Baru",
                "timezone": "Mars/Olympus",
                "sla_scheme": "prioritas",
                "escalation_warning_percent": "75",
                "recurring_complaints": "3",
                "recurrence_window_days": "30",
            },
        )
        assert response.status_code == 422
        assert "salah satu dari" in error_beside(text(response), "timezone")
        assert value_of(text(response), "name") == "Nama Baru"
        with platform.sessions() as session:
            agency = session.scalar(select(Agency).where(Agency.code == "BKPSDM"))
            assert agency.name.startswith("Badan Kepegawaian")


class TestUsers:
    def test_search_finds_by_full_name(self, client: FlaskClient, admin: str):
        page = text(client.get("/admin/pengguna/?q=penyedia"))
        assert "/admin/pengguna/penyedia" in page
        assert "/admin/pengguna/pimpinan" not in page

    def test_create_grant_revoke_deactivate(
        self, client: FlaskClient, admin: str, platform: Platform
    ):
        response = client.post(
            "/admin/pengguna/baru",
            data={
                "csrf_token": admin,
                "username": "budi.baru",
                "full_name": "Budi Baru",
                "email": "budi@demo.go.id",
                "agency": "BKPSDM",
                "password": "rahasia-baru",
                "password_confirm": "rahasia-baru",
            },
        )
        assert response.status_code == 302
        for scope, extra in (("pd", {"agency": "BKPSDM"}), ("layanan", {"service": "SIMPEG"})):
            response = client.post(
                "/admin/pengguna/budi.baru/peran",
                data={
                    "csrf_token": admin,
                    "role": "Administrator Layanan",
                    "scope": scope,
                    **extra,
                },
            )
            assert response.status_code == 302
        with platform.sessions() as session:
            user = session.scalar(select(User).where(User.username == "budi.baru"))
            scopes = sorted(
                (a.agency_id is not None, a.service_id is not None) for a in user.assignments
            )
            assert scopes == [(False, True), (True, False)]
            first = user.assignments[0].id
        holders = text(client.get("/admin/peran/?role=Administrator+Layanan"))
        assert "budi.baru" in holders
        assert "PD BKPSDM" in holders
        assert "layanan SIMPEG" in holders
        assert (
            client.post(
                f"/admin/pengguna/budi.baru/peran/{first}/cabut", data={"csrf_token": admin}
            ).status_code
            == 302
        )
        assert (
            client.post(
                "/admin/pengguna/budi.baru/status", data={"csrf_token": admin, "active": "0"}
            ).status_code
            == 302
        )
        page = text(client.get("/admin/pengguna/budi.baru"))
        assert "Nonaktif" in page
        for kind in (
            "Pengguna dibuat",
            "Peran diberikan",
            "Peran dicabut",
            "Pengguna dinonaktifkan",
        ):
            assert kind in page
        with platform.sessions() as session:
            user = session.scalar(select(User).where(User.username == "budi.baru"))
            assert not user.active
            assert len(user.assignments) == 1

    def test_create_refused_keeps_the_input_but_not_the_password(
        self, client: FlaskClient, admin: str
    ):
        for changes, field, message in (
            ({"username": ""}, "username", "Wajib diisi"),
            ({"username": "admin"}, "username", "sudah dipakai"),
            ({"email": "bukan-surel"}, "email", "tidak valid"),
            ({"password": "pendek", "password_confirm": "pendek"}, "password", "Minimal 8"),
            ({"password_confirm": "lain-lagi-ya"}, "password_confirm", "tidak sama"),
            ({"agency": "NOPE"}, "agency", "tidak ada"),
        ):
            data = {
                "csrf_token": admin,
                "username": "siti.baru",
                "full_name": "Siti Baru",
                "email": "siti@demo.go.id",
                "agency": "",
                "password": "rahasia-baru",
                "password_confirm": "rahasia-baru",
                **changes,
            }
            response = client.post("/admin/pengguna/baru", data=data)
            page = text(response)
            assert response.status_code == 422
            assert message in error_beside(page, field)
            assert value_of(page, "full_name") == "Siti Baru"
            assert value_of(page, "password") == ""

    def test_grant_needs_the_scope_it_names(self, client: FlaskClient, admin: str):
        response = client.post(
            "/admin/pengguna/pengguna/peran",
            data={"csrf_token": admin, "role": "Penyedia Layanan", "scope": "pd", "agency": ""},
        )
        assert response.status_code == 422
        assert "Pilih PD" in error_beside(text(response), "agency")
        response = client.post(
            "/admin/pengguna/pengguna/peran",
            data={"csrf_token": admin, "role": "Raja", "scope": "semua"},
        )
        assert "tidak dikenal" in error_beside(text(response), "role")

    def test_password_reset_lets_the_user_sign_in_with_it(self, client: FlaskClient, admin: str):
        response = client.post(
            "/admin/pengguna/pengguna/sandi",
            data={"csrf_token": admin, "password": "pendek", "password_confirm": "pendek"},
        )
        assert response.status_code == 422
        assert "Minimal 8" in error_beside(text(response), "password")
        response = client.post(
            "/admin/pengguna/pengguna/sandi",
            data={
                "csrf_token": admin,
                "password": " sandi baru 1 ",
                "password_confirm": " sandi baru 1 ",
            },
        )
        assert response.status_code == 302
        client.post("/keluar", data={"csrf_token": admin})
        client_sign_in(client, "pengguna", " sandi baru 1 ")  # spaces are part of it
        assert "Siti Pengguna" in text(client.get("/"))

    def test_revoking_another_users_assignment_is_not_found(
        self, client: FlaskClient, admin: str, platform: Platform
    ):
        with platform.sessions() as session:
            theirs = session.scalar(
                select(RoleAssignment.id).join(User).where(User.username == "pimpinan")
            )
        response = client.post(
            f"/admin/pengguna/pengguna/peran/{theirs}/cabut", data={"csrf_token": admin}
        )
        assert response.status_code == 404


class TestCatalog:
    def service_form(self, token: str, **changes: str) -> dict[str, str]:
        return {
            "csrf_token": token,
            "code": "SIKD",
            "name": "Sistem Informasi Kearsipan",
            "agency": "DISKOMINFO",
            "group": "Administrasi Pemerintahan",
            "classification": "Esensial",
            "support_hours": "kalender",
            "availability_target": "98.5",
            "request_types.0.code": "AKUN",
            "request_types.0.name": "Akun baru",
            "request_types.0.needs_approval": "1",
            "request_types.0.fulfilment_hours": "8",
            "service_administrators": "petugas.siak",
            **changes,
        }

    def test_create_and_edit_with_request_types(self, client: FlaskClient, admin: str):
        response = client.post("/admin/katalog/baru", data=self.service_form(admin))
        assert response.status_code == 302, text(response)
        page = text(client.get("/admin/katalog/SIKD"))
        assert value_of(page, "request_types.0.code") == "AKUN"
        assert value_of(page, "service_administrators") == "petugas.siak"
        assert "Layanan dibuat" in page
        form = self.service_form(admin, **{"request_types.0.code": "", "request_types.0.name": ""})
        form.pop("request_types.0.needs_approval")
        form["request_types.0.fulfilment_hours"] = ""
        assert client.post("/admin/katalog/SIKD", data=form).status_code == 302
        page = text(client.get("/admin/katalog/SIKD"))
        assert value_of(page, "request_types.0.code") == ""
        assert "Layanan diubah" in page

    def test_kritis_without_rpo_rto_drp_is_refused_beside_each_field(
        self, client: FlaskClient, admin: str
    ):
        response = client.post(
            "/admin/katalog/baru", data=self.service_form(admin, classification="Kritis")
        )
        page = text(response)
        assert response.status_code == 422
        for field in ("rpo_minutes", "rto_minutes", "drp_reference"):
            assert "wajib untuk layanan Kritis" in error_beside(page, field)
        assert value_of(page, "name") == "Sistem Informasi Kearsipan"
        assert value_of(page, "request_types.0.code") == "AKUN"

    def test_create_refused_beside_the_field(self, client: FlaskClient, admin: str):
        for changes, field, message in (
            ({"code": "sikd"}, "code", "Huruf besar"),
            ({"code": "SIMPEG"}, "code", "sudah ada"),
            ({"availability_target": "150"}, "availability_target", "0-100"),
            ({"rpo_minutes": "lima"}, "rpo_minutes", "bilangan bulat"),
            ({"request_types.0.code": "akun kecil"}, "request_types.0.code", "huruf besar"),
            (
                {"request_types.0.fulfilment_hours": "x"},
                "request_types.0.fulfilment_hours",
                "bulat",
            ),
            ({"agency": ""}, "agency", "tidak ada"),
        ):
            response = client.post("/admin/katalog/baru", data=self.service_form(admin, **changes))
            assert response.status_code == 422
            assert message in error_beside(text(response), field)

    def test_export_then_import_round_trip(self, client: FlaskClient, admin: str):
        exported = client.get("/admin/katalog/ekspor?format=csv")
        assert exported.headers["Content-Type"].startswith("text/csv")
        csv = exported.get_data().decode("utf-8-sig").replace("Kepegawaian", "Kepegawaian Daerah")
        response = client.post(
            "/admin/katalog/impor",
            data={"csrf_token": admin, "file": (__import__("io").BytesIO(csv.encode()), "k.csv")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
        assert "0 dibuat" in text(client.get("/admin/katalog/"))

    def test_import_with_a_bad_row_imports_nothing_and_lists_it(
        self, client: FlaskClient, admin: str
    ):
        import io

        bad = "kode,nama,pd,kelompok,klasifikasi\nBARU,Baru,DISKOMINFO,Publik,Kritis\n"
        response = client.post(
            "/admin/katalog/impor",
            data={"csrf_token": admin, "file": (io.BytesIO(bad.encode()), "k.csv")},
            content_type="multipart/form-data",
        )
        page = text(response)
        assert response.status_code == 422
        assert "Impor dibatalkan" in page
        assert "rpo_minutes" in page
        assert "/admin/katalog/BARU" not in page
        response = client.post(
            "/admin/katalog/impor", data={"csrf_token": admin}, content_type="multipart/form-data"
        )
        assert response.status_code == 422
        assert "Pilih berkas" in text(response)


class TestReferenceTables:
    def test_edit_a_response_target_applies_and_is_audited(
        self, client: FlaskClient, admin: str, platform: Platform
    ):
        page = text(client.get("/admin/tabel-acuan/target-respons"))
        assert "aduan dan permintaan baru" in page
        form = {f"rows.{i}.minutes": value_of(page, f"rows.{i}.minutes") for i in range(6)}
        form["rows.0.minutes"] = "20"
        response = client.post(
            "/admin/tabel-acuan/target-respons", data={"csrf_token": admin, **form}
        )
        assert response.status_code == 302
        with platform.sessions() as session:
            table = ReferenceService(session, platform.clock).table("target-respons")
            assert min(table.minutes.values()) == 20
        page = text(client.get("/admin/tabel-acuan/target-respons"))
        assert "Diubah administrator" in page
        assert "Tabel diubah" in page
        assert (
            client.post(
                "/admin/tabel-acuan/target-respons/reset", data={"csrf_token": admin}
            ).status_code
            == 302
        )
        assert "Nilai peraturan" in text(client.get("/admin/tabel-acuan/target-respons"))

    def test_a_bad_value_is_refused_beside_its_row_and_nothing_changes(
        self, client: FlaskClient, admin: str, platform: Platform
    ):
        form = {f"rows.{i}.minutes": "30" for i in range(6)}
        form["rows.2.minutes"] = "nol"
        response = client.post(
            "/admin/tabel-acuan/target-respons", data={"csrf_token": admin, **form}
        )
        page = text(response)
        assert response.status_code == 422
        assert "baris 3" in error_beside(page, "rows.2.minutes")
        assert value_of(page, "rows.2.minutes") == "nol"
        with platform.sessions() as session:
            assert (
                ReferenceService(session, platform.clock).view("target-respons").source
                == "regulation"
            )

    def test_tabel_2_shows_the_gap_and_filling_it_makes_it_the_administrators(
        self, client: FlaskClient, admin: str, platform: Platform
    ):
        page = text(client.get("/admin/tabel-acuan/target-penyelesaian"))
        assert "belum diatur peraturan" in page
        form = {f"rows.{i}.hours": value_of(page, f"rows.{i}.hours") for i in range(6)}
        gap = next(i for i in range(6) if form[f"rows.{i}.hours"] == "")
        form[f"rows.{gap}.hours"] = "96"
        response = client.post(
            "/admin/tabel-acuan/target-penyelesaian", data={"csrf_token": admin, **form}
        )
        assert response.status_code == 302
        with platform.sessions() as session:
            rows = ReferenceService(session, platform.clock).view("target-penyelesaian").rows
        sources = {row["hours"]: row["source"] for row in rows}
        assert sources[96] == "administrator"
        assert sources[24] == "regulation"

    def test_urgency_scheme_refusal_is_listed_on_top(self, client: FlaskClient, admin: str):
        page = text(client.get("/admin/tabel-acuan/skema-urgensi"))
        form = filled_form(page, r"(levels|response_rules|escalation)\..+")
        assert form["response_rules.1.next_working_day"] == "1"
        form["levels.0.resolution_hours"] = "-5"
        response = client.post(
            "/admin/tabel-acuan/skema-urgensi", data={"csrf_token": admin, **form}
        )
        assert response.status_code == 422
        assert "baris 1" in text(response)
        assert value_of(text(response), "levels.0.resolution_hours") == "-5"


class TestCalendars:
    def week(self, token: str, **days: str) -> dict[str, str]:
        base = {f"day{i}": "07:30-16:00" for i in range(5)} | {"day5": "", "day6": ""}
        return {"csrf_token": token, **base, **days}

    def test_office_hours_saved_for_a_pd_and_reset(
        self, client: FlaskClient, admin: str, platform: Platform
    ):
        response = client.post(
            "/admin/kalender/BKPSDM/jam-kerja",
            data=self.week(admin, day0="07:00-12:00, 13:00-15:30"),
        )
        assert response.status_code == 302
        page = text(client.get("/admin/kalender/BKPSDM"))
        assert value_of(page, "day0") == "07:00-12:00, 13:00-15:30"
        assert "jam kerja PD sendiri" in page
        assert "Jam kerja diubah" in page
        assert (
            client.post(
                "/admin/kalender/BKPSDM/jam-kerja/reset", data={"csrf_token": admin}
            ).status_code
            == 302
        )
        assert "jam kerja PD sendiri" not in text(client.get("/admin/kalender/BKPSDM"))

    def test_a_bad_interval_is_refused_beside_its_day(self, client: FlaskClient, admin: str):
        for day, typed, message in (
            ("day1", "16:00-07:30", "closes before it opens"),
            ("day2", "7.30-16", "bukan jam HH:MM"),
            ("day3", "07:30", "bukan [buka, tutup]"),
            ("day4", "07:00-12:00, 11:00-16:00", "overlap"),
        ):
            response = client.post(
                "/admin/kalender/default/jam-kerja", data=self.week(admin, **{day: typed})
            )
            page = text(response)
            assert response.status_code == 422
            assert message in error_beside(page, day)
            assert value_of(page, day) == typed

    def test_a_week_never_open_is_refused_on_top(self, client: FlaskClient, admin: str):
        closed = {f"day{i}": "" for i in range(7)}
        response = client.post(
            "/admin/kalender/default/jam-kerja", data={"csrf_token": admin, **closed}
        )
        assert response.status_code == 422
        assert "at least one weekday" in text(response)

    def test_regional_day_add_twice_and_remove(
        self, client: FlaskClient, admin: str, platform: Platform
    ):
        data = {"csrf_token": admin, "day": "2026-12-03", "name": "Hari Jadi Kabupaten"}
        assert client.post("/admin/kalender/default/libur-daerah", data=data).status_code == 302
        again = client.post("/admin/kalender/default/libur-daerah", data=data)
        assert again.status_code == 422
        assert "sudah hari libur daerah" in error_beside(text(again), "day")
        page = text(client.get("/admin/kalender/BKPSDM?year=2026"))
        assert "Hari Jadi Kabupaten" in page
        assert "semua PD" in page
        response = client.post(
            "/admin/kalender/default/libur-daerah/2026-12-03/hapus", data={"csrf_token": admin}
        )
        assert response.status_code == 302
        with platform.sessions() as session:
            assert session.scalar(select(RegionalDay.id)) is None
        page = text(client.get("/admin/kalender/default"))
        assert "Libur daerah ditambahkan" in page
        assert "Libur daerah dihapus" in page

    def test_regional_day_refused(self, client: FlaskClient, admin: str):
        for data, field, message in (
            ({"day": "3 Desember", "name": "Hari Jadi"}, "day", "Tanggal tidak valid"),
            ({"day": "2026-12-03", "name": "  "}, "name", "wajib diisi"),
        ):
            response = client.post(
                "/admin/kalender/DISKOMINFO/libur-daerah", data={"csrf_token": admin, **data}
            )
            assert response.status_code == 422
            assert message in error_beside(text(response), field)

    def test_removing_a_day_that_is_not_regional_is_not_found(
        self, client: FlaskClient, admin: str
    ):
        url = "/admin/kalender/default/libur-daerah/2026-12-25/hapus"
        assert client.post(url, data={"csrf_token": admin}).status_code == 404
        url = "/admin/kalender/default/libur-daerah/kemarin/hapus"
        assert client.post(url, data={"csrf_token": admin}).status_code == 404

    def test_deadline_tryout_explains_each_stretch(self, client: FlaskClient, admin: str):
        response = client.get(
            "/admin/kalender/DISKOMINFO/tenggat?start=2026-11-27T15:00&hours=3&minutes=0"
        )
        page = text(response)
        assert response.status_code == 200
        # Friday 15:00 WIB + 3 working hours: 1.5 h on Friday (to 16:30), 1.5 h on Monday
        assert "30 Nov 2026 09:00" in page
        assert "jam kerja Jumat" in page

    def test_deadline_tryout_refused(self, client: FlaskClient, admin: str):
        for query, field, message in (
            ("start=&hours=3", "start", "Wajib diisi"),
            ("start=besok&hours=3", "start", "tidak valid"),
            ("start=2026-11-27T15:00&hours=tiga", "hours", "bulat"),
            ("start=2026-11-27T15:00&hours=99999", "hours", "paling lama 104 minggu"),
            ("start=2026-11-27T15:00&hours=1&service=SIAK", "service", "gunakan kalender"),
        ):
            response = client.get(f"/admin/kalender/DISKOMINFO/tenggat?{query}")
            assert response.status_code == 422
            page = text(response)
            assert message in error_beside(page, field), query


@pytest.mark.usefixtures("deployed")
class TestSchedules:
    def form(self, token: str, **changes: str) -> dict[str, str]:
        return {
            "csrf_token": token,
            "process_model_id": "pemantauan-pemeliharaan",
            "agency": "DISKOMINFO",
            "cycle": "P1M",
            "next_at": "2026-12-01T08:00",
            "owner": "penyedia",
            "start_data": '{"layanan": "SRIKANDI"}',
            **changes,
        }

    def test_create_pause_resume_delete(self, client: FlaskClient, admin: str, platform: Platform):
        assert client.post("/admin/jadwal/", data=self.form(admin)).status_code == 302
        with platform.sessions() as session:
            schedule = session.scalar(select(Schedule))
            assert schedule.next_at.isoformat() == "2026-12-01T01:00:00+00:00"
            ident = schedule.id
        page = text(client.get("/admin/jadwal/"))
        assert "pemantauan-pemeliharaan" in page
        assert "Bulanan" in page
        for active in ("0", "1"):
            response = client.post(
                f"/admin/jadwal/{ident}/aktif", data={"csrf_token": admin, "active": active}
            )
            assert response.status_code == 302
        page = text(client.get(f"/admin/jadwal/{ident}"))
        for kind in ("Jadwal dibuat", "Jadwal dijeda", "Jadwal dilanjutkan"):
            assert kind in page
        assert (
            client.post(f"/admin/jadwal/{ident}/hapus", data={"csrf_token": admin}).status_code
            == 302
        )
        assert client.get(f"/admin/jadwal/{ident}").status_code == 404

    def test_create_refused_beside_the_field(self, client: FlaskClient, admin: str):
        for changes, field, message in (
            ({"process_model_id": ""}, "process_model_id", "Wajib diisi"),
            ({"process_model_id": "tidak-ada"}, "process_model_id", "tidak ada"),
            ({"cycle": "P2D"}, "cycle", "salah satu dari P1W"),
            ({"next_at": "bulan depan"}, "next_at", "tidak valid"),
            ({"owner": "nobody"}, "owner", "tidak ada"),
            ({"agency": "NOPE"}, "agency", "tidak ada"),
            ({"start_data": "{layanan"}, "start_data", "JSON"),
            ({"start_data": "[1]"}, "start_data", "objek JSON"),
            ({"start_data": "{}"}, "start_data", "layanan"),
        ):
            response = client.post("/admin/jadwal/", data=self.form(admin, **changes))
            page = text(response)
            assert response.status_code == 422, page
            assert message in error_beside(page, field)
            assert "Belum ada jadwal" in page

    def test_pausing_an_unknown_schedule_is_not_found(self, client: FlaskClient, admin: str):
        response = client.post("/admin/jadwal/999/aktif", data={"csrf_token": admin, "active": "0"})
        assert response.status_code == 404
