"""Months of past work for the demo kabupaten (issue 15, item 6): `spbe demo --history DAYS`.

On a fresh install every report, the kabupaten dashboard and the maturity page would show
one or two cases. This fills the weekdays of the last `DAYS` days with service requests and
complaints for the demo services, carried through the real engine and services as people
carry them (the same `InstanceService.start` and `TaskService.complete` the API calls), on
a fixed clock moved to the moment of each step: so their clocks, deadlines, met and
missed targets, ratings and backlog are what those steps at those times make.

The work is drawn from a seeded random generator, so two runs over the same dates give the
same cases. Its shape:

* a few cases a weekday (`PER_DAY`), filed in office hours;
* requests mostly classified, approved where their type needs it, fulfilled within a few
  working hours and confirmed with a rating, some late, a few turned down once by the
  requester;
* complaints classified (a late first response now and then), mostly handled by the
  Administrator Layanan, some escalated to the Administrator Infrastruktur dan Aplikasi;
* cases whose next step would fall after now stay open: the backlog.

It runs once: an audit event (`HISTORY_EVENT`) records that the history was made, and a
second run adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.clock import FixedClock
from app.models import Event, Instance, ProcessModel, Service, User
from app.services.audit.events import audit
from app.services.catalog.options import FormOptions
from app.services.instances.lifecycle import InstanceService
from app.services.tasks.inbox import TaskService

HISTORY_EVENT = "demo_history"
#: The form's source of who may fulfil a request (`permintaan-layanan-klasifikasi`).
EXECUTOR_ROLE = "holders:Administrator Layanan"
REQUEST_MODEL, COMPLAINT_MODEL = "permintaan-layanan", "penanganan-aduan"
#: Cases filed on a weekday: drawn between these bounds.
PER_DAY = (1, 5)
#: The share of cases that are complaints.
COMPLAINT_SHARE = 0.4
WIB = ZoneInfo("Asia/Jakarta")
REQUESTER, DESK, EXECUTOR, OWNER, INFRA = (
    "pengguna",
    "admin.layanan",
    "pelaksana",
    "pj.layanan",
    "admin.infra",
)
SYMPTOMS = (
    "Halaman masuk menampilkan galat 502.",
    "Aplikasi sangat lambat sejak pagi.",
    "Unggah berkas gagal dengan pesan galat.",
    "Laporan tidak dapat dicetak.",
)


@dataclass
class HistorySummary:
    """What the history added."""

    requests: int = 0
    complaints: int = 0
    open: int = 0


class _Case:
    """One case moving forward on the shared fixed clock, step by step."""

    def __init__(self, instance: Instance, at: datetime) -> None:
        self.instance = instance
        self.at = at


def _office_time(day: date, rng: random.Random) -> datetime:
    """A moment in office hours (08:00-15:00 WIB) of `day`."""
    return datetime.combine(day, time(8), WIB) + timedelta(minutes=rng.randrange(0, 7 * 60, 5))


class DemoHistory:
    """Files and carries the past cases; see the module's docstring."""

    def __init__(self, instances: InstanceService) -> None:
        self.session = instances.session
        self.now = instances.clock.now()
        self.clock = FixedClock(self.now)
        self.instances = InstanceService(
            self.session, self.clock, instances.specs, instances.runtime, instances.mail
        )
        self.tasks = TaskService(
            self.session, self.clock, instances.specs, instances.runtime, instances.mail
        )
        self.users = {u.username: u for u in self.session.scalars(select(User))}

    def made(self) -> bool:
        """Whether a history was made already."""
        return self.session.scalar(select(Event.id).where(Event.kind == HISTORY_EVENT)) is not None

    def fill(self, days: int, seed: int = 685) -> HistorySummary:
        """The weekdays of the last `days` days and today up to now filled; nothing when a
        history was made, a demo user is missing or the two procedures are not deployed."""
        summary = HistorySummary()
        needed = (REQUESTER, DESK, EXECUTOR, OWNER, INFRA)
        deployed = all(self.session.get(ProcessModel, m) for m in (REQUEST_MODEL, COMPLAINT_MODEL))
        if days <= 0 or self.made() or not deployed or any(u not in self.users for u in needed):
            return summary
        rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
        services = list(self.session.scalars(select(Service).order_by(Service.code)))
        today = self.now.astimezone(WIB).date()
        for offset in range(days, -1, -1):
            day = today - timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for _ in range(rng.randint(*PER_DAY)):
                service, filed = rng.choice(services), _office_time(day, rng)
                complaint = rng.random() < COMPLAINT_SHARE or not service.request_types
                if filed >= self.now:
                    continue
                if complaint:
                    done = self._complaint(service, filed, rng)
                    summary.complaints += 1
                else:
                    done = self._request(service, filed, rng)
                    summary.requests += 1
                summary.open += int(not done)
        self.clock.set(self.now)
        audit(self.session, None, HISTORY_EVENT, self.now, {"days": days, "seed": seed})
        return summary

    # -- the two procedures ------------------------------------------------------------

    def _start(self, model: str, data: dict[str, Any], who: str, at: datetime) -> _Case:
        self.clock.set(at)
        return _Case(self.instances.start(model, data, self.users[who]), at)

    def _step(self, case: _Case, after: timedelta, who: str, data: dict[str, Any]) -> bool:
        """Complete the case's one open task `after` its previous step, as `who`; False
        (nothing done) when that moment is not yet past."""
        at = case.at + after
        if at >= self.now:
            return False
        self.clock.set(at)
        [task] = self.instances.open_tasks(case.instance)
        # `who` when the routing lets them (the demo's usual holder), else whoever it names
        # (a PD's own provider, a service's own administrator).
        candidates = self.tasks.candidates(task)
        actor = who if who in candidates or not candidates else candidates[0]
        self.tasks.complete(task.id, data, self.users[actor])
        case.at = at
        return True

    def _request(self, service: Service, at: datetime, rng: random.Random) -> bool:
        """A request of one of the service's types; True when it ended."""
        kind = rng.choice(service.request_types)
        case = self._start(
            REQUEST_MODEL,
            {
                "layanan": service.code,
                "jenis_permintaan": kind.code,
                "judul": f"{kind.name} {service.code}",
                "uraian": f"Mohon {kind.name.lower()} untuk layanan {service.name}.",
                "nip_nik": "198501012010011001",
                "instansi": "BKPSDM",
                "telepon": "081234567890",
            },
            REQUESTER,
            at,
        )
        minutes = timedelta(minutes=1)
        # The executor must hold the role for the service: the demo's own when it does.
        holders = [
            choice.const
            for choice in FormOptions(self.session, self.clock).choices(
                EXECUTOR_ROLE, service_id=service.id, agency_id=service.agency_id
            )
        ]
        executor = EXECUTOR if EXECUTOR in holders or not holders else holders[0]
        classify = {
            "klasifikasi": "akses",
            "prioritas": rng.choice(("rendah", "sedang", "tinggi")),
            "gangguan": False,
            "pelaksana": executor,
        }
        if not self._step(case, rng.randint(5, 90) * minutes, DESK, classify):
            return False
        if kind.needs_approval and not self._step(
            case, rng.randint(20, 240) * minutes, OWNER, {"disetujui": True}
        ):
            return False
        # Fulfilment mostly within its hours, now and then a day or two late.
        late = rng.random() < 0.2
        spent = timedelta(
            hours=kind.fulfilment_hours * (rng.uniform(1.2, 2.5) if late else rng.uniform(0.1, 0.8))
        )
        fulfil = {"hasil_pemenuhan": f"{kind.name} selesai dikerjakan."}
        if not self._step(case, spent, executor, fulfil):
            return False
        if rng.random() < 0.1:
            refused = {
                "konfirmasi": "ditolak",
                "alasan_penolakan": "Hasil belum sesuai permintaan.",
            }
            if not self._step(case, rng.randint(30, 180) * minutes, REQUESTER, refused):
                return False
            if not self._step(case, rng.randint(30, 240) * minutes, executor, fulfil):
                return False
        rating = rng.choice((3, 4, 4, 5, 5) if not late else (1, 2, 3, 3, 4))
        accept = {"konfirmasi": "diterima", "kepuasan": rating}
        return self._step(case, rng.randint(20, 300) * minutes, REQUESTER, accept)

    def _complaint(self, service: Service, at: datetime, rng: random.Random) -> bool:
        """A complaint filed by the service's PD's provider; True when it ended."""
        reporter = (
            "penyedia"
            if service.agency.code == "DISKOMINFO"
            else f"penyedia.{service.agency.code.lower()}"
        )
        if reporter not in self.users:
            return False
        impact = rng.choice(("Mayor", "Minor", "Minor"))
        case = self._start(
            COMPLAINT_MODEL,
            {
                "layanan": service.code,
                "judul": f"Gangguan {service.name}",
                "metode_pelaporan": rng.choice(("telepon", "email", "web")),
                "kategori": "aplikasi",
                "gejala": rng.choice(SYMPTOMS),
                "dampak": impact,
                "nip_nik": "198703152011012002",
                "instansi": service.agency.name,
                "telepon": "081234567891",
            },
            reporter,
            at,
        )
        minutes = timedelta(minutes=1)
        response = rng.randint(5, 40) if rng.random() < 0.8 else rng.randint(60, 240)
        classify = {
            "kategori": "aplikasi",
            "dampak": impact,
            "prioritas": case.instance.data["prioritas"],
            "analisis": "Layanan diperiksa; penyebab sedang ditelusuri.",
            "estimasi_selesai": (case.at + timedelta(hours=8)).isoformat(),
        }
        if not self._step(case, response * minutes, DESK, classify):
            return False
        escalated = rng.random() < 0.25
        handled = {
            "aktivitas_penanganan": "Layanan dijalankan ulang dan konfigurasi diperiksa.",
            "terselesaikan": not escalated,
        }
        if escalated:
            handled["alasan_eskalasi"] = "Perlu penanganan infrastruktur."
        if not self._step(case, rng.randint(30, 360) * minutes, DESK, handled):
            return False
        if escalated:
            infra = {
                "analisis_infra": "Gangguan pada server aplikasi.",
                "estimasi_selesai_infra": (case.at + timedelta(hours=24)).isoformat(),
                "aktivitas_penanganan_infra": "Server aplikasi dipulihkan.",
                "drp_diaktifkan": False,
                "kajian_drp": "Pusat data berfungsi normal; DRP tidak diperlukan.",
            }
            if not self._step(case, rng.randint(60, 1440) * minutes, INFRA, infra):
                return False
        accept = {
            "konfirmasi": "diterima",
            "cara_konfirmasi": "telepon",
            "kepuasan": rng.randint(2, 5),
        }
        return self._step(case, rng.randint(15, 240) * minutes, reporter, accept)
