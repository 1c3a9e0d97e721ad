"""A week of requests and complaints driven through the engine for the service-level report
(issue 15, item 2), with the figures worked out by hand. Built once per test module and
restored per test (`Built.restore`), so several tests read the same cases cheaply.

The week of Monday 23 November 2026, times in WIB; office hours Monday-Thursday
07:30-16:00 (SIMPEG and SRIKANDI run on the PD's calendar). The report is read on
Wednesday at 10:00 (`NOW`).

SIMPEG (BKPSDM), "Reset kata sandi", fulfilment within 4 working hours:

| case | filed | confirmed | working hours | fulfilment | rating |
|---|---|---|---|---|---|
| R1 | Mon 09:00 | Mon 11:00 | 2 | met (due Mon 13:00) | 5 |
| R2 | Mon 14:00 | Tue 10:00 | 2 + 2.5 = 4.5 | missed (due Tue 09:30) | 2 |
| R3 | Tue 08:00 | open | - | missed (due Tue 12:00 passed) | - |
| R4 | Wed 08:00 | Wed 09:00 | 1 | met | 4 |

Median 2 h, p90 (nearest rank of 3) 4.5 h, satisfaction 11 / 3 = 3.67 of 3 ratings,
backlog 1 (R3, 26 hours old: "1-7" days).

SRIKANDI (DISKOMINFO), complaints by the provider:

| case | filed | impact, priority | classified (response) | confirmed | hours | rating |
|---|---|---|---|---|---|---|
| C1 | Mon 09:30 | Mayor, P3: 1 h | Mon 10:00 met | Mon 12:30 met (< 48 h) | 3 | 3 |
| C2 | Tue 09:00 | Minor, P5: 2 h | Tue 11:30 missed | open, not yet due | - | - |

Median and p90 3 h, satisfaction 3 of 1, backlog 1 (C2). C1 was an outage of 3 hours
of the 19.5 service hours up to now (Monday and Tuesday 8.5 h each, Wednesday 2.5 h):
availability 16.5 / 19.5 = 84.615 % (floored), against the catalog's 98 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask

from app.clock import FixedClock
from app.services.context import Platform
from app.services.demo import SAMPLE_COMPLAINT
from tests.conftest import Auth, States, reset
from tests.snapshot import Snapshot

WIB = ZoneInfo("Asia/Jakarta")
WEEK = "from=2026-11-23&to=2026-11-29"
REQUEST = {
    "layanan": "SIMPEG",
    "jenis_permintaan": "RESET-SANDI",
    "judul": "Reset sandi SIMPEG",
    "uraian": "Lupa kata sandi SIMPEG.",
    "nip_nik": "198501012010011001",
    "instansi": "BKPSDM",
    "telepon": "081234567890",
}
CLASSIFY = {
    "klasifikasi": "akses",
    "prioritas": "sedang",
    "gangguan": False,
    "pelaksana": "pelaksana",
}


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=WIB)


NOW = wib(25, 10)


@dataclass(frozen=True)
class Built:
    """The database after the week, and the cases' ids by name (R1..R4, C1, C2)."""

    snapshot: Snapshot
    ids: dict[str, int]

    def restore(self, platform: Platform) -> None:
        """Put the week back and the clock at `NOW`."""
        self.snapshot.restore(platform.engine)
        assert isinstance(platform.clock, FixedClock)
        platform.clock.set(NOW)


class Week:
    """Files and moves the cases as the demo users, at the moments of the tables above."""

    def __init__(self, auth: Auth, clock: FixedClock) -> None:
        self.auth = auth
        self.clock = clock
        self.ids: dict[str, int] = {}

    def start(self, name: str, at: datetime, who: str, model: str, data: dict[str, Any]) -> None:
        self.clock.set(at)
        response = self.auth.post(
            who, "/api/v1/process-instances", json={"process_model_id": model, "data": data}
        )
        assert response.status_code == 201, response.json
        self.ids[name] = response.json["id"]

    def step(self, name: str, at: datetime, who: str, data: dict[str, Any]) -> dict[str, Any]:
        """Complete the one task of case `name` in `who`'s inbox."""
        self.clock.set(at)
        items = self.auth.get(who, "/api/v1/tasks?per_page=200").json["items"]
        [task] = [t for t in items if t["process_instance_id"] == self.ids[name]]
        response = self.auth.post(who, f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
        assert response.status_code == 200, response.json
        return response.json["process_instance"]

    def fulfil(self, name: str, at: datetime) -> None:
        self.step(name, at, "pelaksana", {"hasil_pemenuhan": "Sandi direset."})

    def confirm(self, name: str, at: datetime, rating: int) -> None:
        self.step(name, at, "pengguna", {"konfirmasi": "diterima", "kepuasan": rating})

    def classify_complaint(self, name: str, at: datetime) -> None:
        instance = self.auth.get("admin.layanan", f"/api/v1/process-instances/{self.ids[name]}")
        data = instance.json["data"]
        self.step(
            name,
            at,
            "admin.layanan",
            {
                "kategori": "aplikasi",
                "dampak": data["dampak"],
                "prioritas": data["prioritas"],
                "analisis": "Layanan web aplikasi berhenti.",
                "estimasi_selesai": "2026-11-30T12:00:00+07:00",
            },
        )


def build(platform: Platform, states: States, app: Flask) -> Built:
    """Drive the week from the deployed demo and keep the result."""
    reset(platform, states, "deployed")
    assert isinstance(platform.clock, FixedClock)
    week = Week(Auth(app.test_client()), platform.clock)
    complaint = {**SAMPLE_COMPLAINT, "layanan": "SRIKANDI"}
    week.start("R1", wib(23, 9), "pengguna", "permintaan-layanan", REQUEST)
    week.step("R1", wib(23, 9, 10), "admin.layanan", CLASSIFY)
    week.start("C1", wib(23, 9, 30), "penyedia", "penanganan-aduan", complaint)
    week.fulfil("R1", wib(23, 10))
    week.classify_complaint("C1", wib(23, 10))
    week.step(
        "C1",
        wib(23, 10, 30),
        "admin.layanan",
        {"aktivitas_penanganan": "Layanan web dijalankan ulang.", "terselesaikan": True},
    )
    week.confirm("R1", wib(23, 11), 5)
    week.step(
        "C1",
        wib(23, 12, 30),
        "penyedia",
        {"konfirmasi": "diterima", "cara_konfirmasi": "telepon", "kepuasan": 3},
    )
    week.start("R2", wib(23, 14), "pengguna", "permintaan-layanan", REQUEST)
    week.step("R2", wib(23, 14, 30), "admin.layanan", CLASSIFY)
    week.start("R3", wib(24, 8), "pengguna", "permintaan-layanan", REQUEST)
    week.fulfil("R2", wib(24, 9))
    week.start("C2", wib(24, 9), "penyedia", "penanganan-aduan", {**complaint, "dampak": "Minor"})
    week.confirm("R2", wib(24, 10), 2)
    week.classify_complaint("C2", wib(24, 11, 30))
    week.start("R4", wib(25, 8), "pengguna", "permintaan-layanan", REQUEST)
    week.step("R4", wib(25, 8, 20), "admin.layanan", CLASSIFY)
    week.fulfil("R4", wib(25, 8, 40))
    week.confirm("R4", wib(25, 9), 4)
    platform.clock.set(NOW)
    return Built(Snapshot.take(platform.engine), dict(week.ids))
