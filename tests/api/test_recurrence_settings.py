"""When recurring complaints open a problem is each PD's setting, not a constant.

Opening a problem at the third complaint within 30 days is a product addition (Perbup
Bangka 21/2025, 2.2.1.3, Tabel 7 asks only for a periodic review), so an Admin Sistem sets
the count and the window per PD (`recurring_complaints`, `recurrence_window_days`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from app.clock import FixedClock
from app.models import Event
from app.services.context import Platform
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("deployed")

REPORT = {
    "layanan": "SRIKANDI",  # DISKOMINFO
    "judul": "SRIKANDI tidak dapat diakses",
    "metode_pelaporan": "telepon",
    "kategori": "aplikasi",
    "gejala": "Halaman masuk menampilkan galat 502 untuk semua pengguna.",
    "dampak": "Mayor",
    "nip_nik": "198501012010011001",
    "instansi": "Diskominfo",
    "telepon": "081234567890",
}


def utc(day: int, hour: int = 2) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def _report(auth: Auth) -> dict[str, Any]:
    response = auth.post(
        "penyedia",
        "/api/v1/process-instances",
        json={"process_model_id": "penanganan-aduan", "data": REPORT},
    )
    assert response.status_code == 201, response.json
    return response.json


def _problems(auth: Auth, complaint: dict[str, Any]) -> list[dict[str, Any]]:
    path = f"/api/v1/process-instances/{complaint['id']}"
    return auth.get("pj.layanan", path).json["children"]


def _set(auth: Auth, username: str = "admin", **settings: object) -> Any:
    return auth.client.patch(
        "/api/v1/agencies/DISKOMINFO", headers=auth.headers(username), json=settings
    )


def test_the_defaults_are_three_complaints_in_30_days(auth: Auth) -> None:
    shown = auth.get("pengguna", "/api/v1/agencies/DISKOMINFO").json
    assert (shown["recurring_complaints"], shown["recurrence_window_days"]) == (3, 30)


def test_a_pd_that_counts_two_opens_a_problem_at_the_second(auth: Auth, clock: FixedClock) -> None:
    assert _set(auth, recurring_complaints=2).status_code == 200
    clock.set(utc(23))
    assert _problems(auth, _report(auth)) == []
    clock.set(utc(24))
    [problem] = _problems(auth, _report(auth))
    assert problem["process_model_id"] == "manajemen-masalah"


def test_complaints_older_than_the_pds_window_do_not_count(auth: Auth, clock: FixedClock) -> None:
    assert _set(auth, recurrence_window_days=2).status_code == 200
    clock.set(utc(20))
    _report(auth)
    clock.set(utc(23))
    _report(auth)
    clock.set(utc(24))
    assert _problems(auth, _report(auth)) == []  # the first is 4 days back
    clock.set(utc(25))
    [problem] = _problems(auth, _report(auth))  # 23, 24 and 25 are within 2 days
    detail = auth.get("pj.layanan", f"/api/v1/process-instances/{problem['id']}").json
    assert "dalam 2 hari terakhir" in detail["data"]["uraian"]


def test_a_change_is_audited(auth: Auth, platform: Platform) -> None:
    changed = _set(auth, recurring_complaints=4, recurrence_window_days=14)
    assert changed.status_code == 200, changed.json
    assert (changed.json["recurring_complaints"], changed.json["recurrence_window_days"]) == (
        4,
        14,
    )
    with platform.sessions() as session:
        [event] = session.scalars(select(Event).where(Event.kind == "agency_updated")).all()
    assert event.data == {
        "code": "DISKOMINFO",
        "changed": {"recurring_complaints": 4, "recurrence_window_days": 14},
    }


@pytest.mark.parametrize(
    "settings",
    [
        {"recurring_complaints": 1},
        {"recurring_complaints": 101},
        {"recurring_complaints": True},
        {"recurrence_window_days": 0},
        {"recurrence_window_days": 367},
        {"recurrence_window_days": "tiga puluh"},
    ],
)
def test_outside_the_bounds_is_422(auth: Auth, settings: dict[str, object]) -> None:
    answer = _set(auth, **settings)
    assert answer.status_code == 422
    assert set(settings) <= set(answer.json["errors"])


def test_only_admin_sistem_changes_them(auth: Auth) -> None:
    assert _set(auth, "pimpinan", recurring_complaints=5).status_code == 403
