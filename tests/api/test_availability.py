"""Availability per service and period through the API, from complaints and changes driven
through the engine (Kepbup Polewali Mandar 685/2021, III.4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.clock import FixedClock
from tests.conftest import Auth
from tests.engine.test_manajemen_perubahan_model import PENGAJUAN, kategorisasi, penjadwalan
from tests.paths.driver import Driver

pytestmark = pytest.mark.usefixtures("deployed")

WIB = ZoneInfo("Asia/Jakarta")
COMPLAINT = "penanganan-aduan"
#: SRIKANDI: DISKOMINFO, Administrasi Pemerintahan, Esensial, office hours, target 98 %.
REPORT = {
    "layanan": "SRIKANDI",
    "judul": "SRIKANDI tidak dapat diakses",
    "metode_pelaporan": "telepon",
    "kategori": "aplikasi",
    "gejala": "Halaman masuk menampilkan galat 502 untuk semua pengguna.",
    "dampak": "Mayor",
    "nip_nik": "198703152011012002",
    "instansi": "Dinas Komunikasi dan Informatika",
    "telepon": "081234567891",
}
#: The week of Monday 23 November 2026, in WIB.
WEEK = "from=2026-11-23T00:00:00%2B07:00&to=2026-11-30T00:00:00%2B07:00"


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=WIB)


class Desk:
    """Files, handles and closes complaints at given moments, as the demo users."""

    def __init__(self, auth: Auth, clock: FixedClock) -> None:
        self.drive = Driver(auth)
        self.clock = clock

    def report(self, at: datetime, **changes: Any) -> dict[str, Any]:
        self.clock.set(at)
        return self.drive.start("penyedia", COMPLAINT, {**REPORT, **changes})

    def resolve(self, complaint: dict[str, Any], handled: datetime, confirmed: datetime) -> None:
        instance_id = complaint["id"]
        self.clock.set(handled)
        classified = {
            "kategori": "aplikasi",
            "dampak": complaint["data"]["dampak"],
            "prioritas": complaint["data"]["prioritas"],
            "analisis": "Layanan web aplikasi berhenti.",
            "estimasi_selesai": "2026-11-30T12:00:00+07:00",
        }
        self.drive.complete("admin.layanan", instance_id, "klasifikasi_aduan", classified)
        self.drive.complete(
            "admin.layanan",
            instance_id,
            "penanganan_aduan_admin",
            {"aktivitas_penanganan": "Layanan web dijalankan ulang.", "terselesaikan": True},
        )
        self.clock.set(confirmed)
        done = self.drive.complete(
            "penyedia",
            instance_id,
            "konfirmasi_aduan",
            {"konfirmasi": "diterima", "cara_konfirmasi": "telepon", "kepuasan": 4},
        )
        assert datetime.fromisoformat(done["sla"]["resolved_at"]) == confirmed

    def schedule_change(self, at: datetime, starts: datetime, ends: datetime) -> int:
        self.clock.set(at)
        data = {**PENGAJUAN, "layanan": "SRIKANDI"}
        change = self.drive.start("penyedia", "manajemen-perubahan", data)
        self.drive.complete(
            "admin.layanan", change["id"], "kategorisasi_perubahan", kategorisasi("standar")
        )
        window = {"jadwal_mulai": starts.isoformat(), "jadwal_selesai": ends.isoformat()}
        self.drive.complete(
            "admin.infra",
            change["id"],
            "penjadwalan_perubahan",
            {**penjadwalan(False), **window},
        )
        return int(change["id"])


def test_a_week_of_complaints_and_a_change_gives_the_hand_computed_figure(
    auth: Auth, clock: FixedClock
) -> None:
    desk = Desk(auth, clock)
    a = desk.report(wib(23, 9))
    b = desk.report(wib(23, 10))  # the same failure, reported again
    desk.resolve(a, wib(23, 10, 30), wib(23, 11))
    desk.resolve(b, wib(23, 11, 30), wib(23, 12))
    minor = desk.report(wib(23, 13), dampak="Minor")
    desk.resolve(minor, wib(23, 13, 30), wib(23, 15))
    change = desk.schedule_change(wib(24, 9), wib(27, 8), wib(27, 8, 30))
    c = desk.report(wib(26, 15))  # across Thursday night and the change's window
    desk.resolve(c, wib(27, 8, 45), wib(27, 9))
    d = desk.report(wib(27, 16))  # still open when the week ends
    clock.set(wib(30, 9))

    answer = auth.get("penyedia", f"/api/v1/services/SRIKANDI/availability?{WEEK}")

    assert answer.status_code == 200, answer.json
    figure = answer.json
    # Office hours: Mon-Thu 07:30-16:00 = 4 x 510 min, Fri 07:30-16:30 = 540 min  = 2580
    # Agreed downtime: the change, Fri 08:00-08:30                                  =   30
    # Agreed service time: 2580 - 30                                                = 2550
    # Outages (the Minor complaint is none):
    #   a: Mon 09:00-11:00                                                          =  120
    #   b: Mon 10:00-12:00, of which 11:00-12:00 is not a's                         =   60
    #   c: Thu 15:00-16:00 = 60, Fri 07:30-08:00 = 30, 08:30-09:00 = 30             =  120
    #   d: Fri 16:00-16:30, open; the weekend is outside the service hours          =   30
    #                                                                       outage  =  330
    # Breaks: a+b, c, d = 3. Availability (2550 - 330) / 2550 = 87.0588.. % -> 87.058
    # MTBF 2220 / 3 = 740 min = 12.333 h; MTRS 330 / 3 = 110 min = 1.833 h
    assert figure == {
        "service": "SRIKANDI",
        "from": "2026-11-23T00:00:00+07:00",
        "to": "2026-11-30T00:00:00+07:00",
        "measured_until": "2026-11-30T00:00:00+07:00",
        "time_zone": "Asia/Jakarta",
        "support_hours": "kalender",
        "vital_business_functions": "",
        "target": 98.0,
        "achieved": 87.058,
        "met": False,
        "service_minutes": 2580.0,
        "agreed_minutes": 2550.0,
        "downtime_minutes": 30.0,
        "outage_minutes": 330.0,
        "breaks": 3,
        "mtbf_hours": 12.333,
        "mtrs_hours": 1.833,
        "outages": [
            outage(a, "2026-11-23T09:00:00+07:00", "2026-11-23T11:00:00+07:00", 120),
            outage(b, "2026-11-23T10:00:00+07:00", "2026-11-23T12:00:00+07:00", 60),
            outage(c, "2026-11-26T15:00:00+07:00", "2026-11-27T09:00:00+07:00", 120),
            outage(d, "2026-11-27T16:00:00+07:00", "2026-11-30T00:00:00+07:00", 30, True),
        ],
        "agreed_downtime": [
            {
                "instance_id": change,
                "reference": figure["agreed_downtime"][0]["reference"],
                "from": "2026-11-27T08:00:00+07:00",
                "to": "2026-11-27T08:30:00+07:00",
                "minutes": 30.0,
            }
        ],
    }
    assert figure["agreed_downtime"][0]["reference"].startswith("PRB-2026-")

    # Everyone reads the same figures; only those who may see a case are told which it is.
    for outsider in ("pengguna", "penyedia.bkpsdm"):
        seen = auth.get(outsider, f"/api/v1/services/SRIKANDI/availability?{WEEK}").json
        assert {k: v for k, v in seen.items() if k not in ("outages", "agreed_downtime")} == {
            k: v for k, v in figure.items() if k not in ("outages", "agreed_downtime")
        }
        assert [(o["instance_id"], o["reference"], o["minutes"]) for o in seen["outages"]] == [
            (None, None, 120.0),
            (None, None, 60.0),
            (None, None, 120.0),
            (None, None, 30.0),
        ]

    # The PD's services side by side: SRIKANDI as above, a service without outages whole.
    pd = auth.get("pj.layanan", f"/api/v1/agencies/DISKOMINFO/availability?{WEEK}").json
    by_code = {s["service"]: s for s in pd["services"]}
    assert list(by_code) == sorted(by_code)
    assert by_code["SRIKANDI"] == figure
    email = by_code["EMAIL"]  # Kritis, 24x7, 99.5 %
    assert (email["agreed_minutes"], email["achieved"], email["met"]) == (10080.0, 100.0, True)
    assert (email["mtbf_hours"], email["mtrs_hours"]) == (None, None)

    # A period reaching past now is measured up to now, not forecast: on Monday morning
    # d is still open, and all of Monday's service hours so far are down.
    later = "from=2026-11-30T00:00:00%2B07:00&to=2026-12-07T00:00:00%2B07:00"
    monday = auth.get("penyedia", f"/api/v1/services/SRIKANDI/availability?{later}").json
    assert monday["measured_until"] == "2026-11-30T09:00:00+07:00"
    assert (monday["agreed_minutes"], monday["outage_minutes"]) == (90.0, 90.0)
    assert (monday["achieved"], monday["met"]) == (0.0, False)
    assert monday["outages"][0]["open"] is True


def outage(
    complaint: dict[str, Any], start: str, end: str, minutes: int, still_open: bool = False
) -> dict[str, Any]:
    return {
        "instance_id": complaint["id"],
        "reference": complaint["reference"],
        "from": start,
        "to": end,
        "minutes": float(minutes),
        "open": still_open,
    }


def test_a_24x7_service_counts_the_weekend(auth: Auth, clock: FixedClock) -> None:
    # SIAK: Publik, Kritis, 24x7, target 99.5 %. Down from Saturday 10:00, still open.
    desk = Desk(auth, clock)
    desk.report(wib(28, 10), layanan="SIAK")
    clock.set(wib(30, 9))
    figure = auth.get("petugas.siak", f"/api/v1/services/SIAK/availability?{WEEK}").json
    # 7 x 1440 = 10080 min; Saturday 10:00 to Monday 00:00 = 38 h = 2280 min
    # (10080 - 2280) / 10080 = 77.3809.. % -> 77.38
    assert figure["support_hours"] == "24x7"
    assert (figure["agreed_minutes"], figure["outage_minutes"]) == (10080.0, 2280.0)
    assert (figure["achieved"], figure["met"], figure["breaks"]) == (77.38, False, 1)
    assert figure["mtrs_hours"] == 38.0


def test_a_service_without_a_target_has_no_verdict(auth: Auth) -> None:
    changed = auth.client.put(
        "/api/v1/services/PPID",
        json={**auth.get("admin", "/api/v1/services/PPID").json, "availability_target": None},
        headers=auth.headers("admin"),
    )
    assert changed.status_code == 200, changed.json
    figure = auth.get("pengguna", f"/api/v1/services/PPID/availability?{WEEK}").json
    assert (figure["target"], figure["achieved"], figure["met"]) == (None, 100.0, None)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=kemarin&to=2026-11-30T00:00:00%2B07:00", "from"),
        ("from=2026-11-23T00:00:00&to=2026-11-30T00:00:00%2B07:00", "from"),
        ("from=2026-11-23T00:00:00%2B07:00", "to"),
        ("from=2026-11-30T00:00:00%2B07:00&to=2026-11-23T00:00:00%2B07:00", "to"),
        ("from=2026-11-30T00:00:00%2B07:00&to=2026-11-30T00:00:00%2B07:00", "to"),
        ("from=2025-11-23T00:00:00%2B07:00&to=2026-11-25T00:00:00%2B07:00", "to"),
        ("from=1900-01-01T00:00:00%2B07:00&to=1900-02-01T00:00:00%2B07:00", "from"),
    ],
)
def test_a_bad_period_is_refused_naming_the_field(auth: Auth, query: str, field: str) -> None:
    for url in ("/api/v1/services/SRIKANDI", "/api/v1/agencies/DISKOMINFO"):
        answer = auth.get("pengguna", f"{url}/availability?{query}")
        assert answer.status_code == 422, answer.json
        assert field in answer.json["errors"], answer.json
        assert answer.json["message"]


def test_unknown_services_and_agencies_are_404_and_strangers_401(auth: Auth) -> None:
    for url in ("/api/v1/services/TIDAK-ADA", "/api/v1/agencies/TIDAK-ADA"):
        answer = auth.get("pengguna", f"{url}/availability?{WEEK}")
        assert answer.status_code == 404
        assert "TIDAK-ADA" in answer.json["message"]
    assert auth.client.get(f"/api/v1/services/SRIKANDI/availability?{WEEK}").status_code == 401


def test_a_year_is_the_longest_period(auth: Auth) -> None:
    year = "from=2025-11-22T00:00:00%2B07:00&to=2026-11-23T00:00:00%2B07:00"  # 366 days
    answer = auth.get("pengguna", f"/api/v1/services/SRIKANDI/availability?{year}")
    assert answer.status_code == 200, answer.json
    assert (answer.json["achieved"], answer.json["met"]) == (100.0, True)
    # Office hours less the year's weekends, holidays and cuti bersama
    assert 1800 * 60 < answer.json["agreed_minutes"] < 2100 * 60
