"""Months of past work for the demo kabupaten (issue 15, item 6): `spbe demo --history DAYS`.

On a fresh install every report, the kabupaten dashboard and the maturity page would show
one or two cases. This fills the weekdays of the last `DAYS` days with the work of the
regulation's procedures, carried through the real engine and services as people carry
them (the same `InstanceService.start` and `TaskService.complete` the API calls), on a
fixed clock moved to the moment of each step: so their clocks, deadlines, met and missed
targets, ratings, backlog and links between cases are what those steps at those times make.

What it files, drawn from a seeded random generator (two runs over the same dates give the
same cases):

* service requests and complaints, a few each weekday (`PER_DAY`), in office hours:
  requests classified, approved where their type needs it, fulfilled (late now and then),
  turned down once by the requester now and then, confirmed with a rating; complaints
  classified (a late first response now and then), handled or escalated to
  infrastructure, some marked recurring, which starts a problem (`manajemen-masalah`) as
  their child when they close (the application itself opens one when a service's
  complaints recur);
* about once a month a Kritis service's outage whose complaint activates the DRP: the
  recovery (`pemulihan-layanan`) it starts is assessed, declared a disaster, approved,
  activated with the DRP in force, normalised (not always at the first try, so the RTO is
  missed now and then), evaluated and established (with the configuration verification
  it starts), and the complaint then closed;
* every other week a periodic review of a service's incidents (`manajemen-masalah`),
  finding a problem about half the time;
* changes (`manajemen-perubahan`) every third weekday and from problems whose known error
  needs one: standard ones implemented directly, normal ones assessed and approved
  (occasionally rejected), scheduled after their approval and implemented at their
  schedule, directly or through a release (`rilis-layanan`, its plan turned down or its
  test failed and rolled back now and then), verified and accepted; a change or release
  that asks for it starts a configuration verification (`verifikasi-konfigurasi`);
* each PD's planning document (`perencanaan`) for the current year, adopted (after one
  revision now and then), early in the window;
* each PD's evaluation (`evaluasi`) of the last complete semester, started early in the
  window: its chapters written after the recaps the procedure counts, the report with two
  follow-ups reviewed and adopted, the follow-ups done a few days later.

Every case is carried by one helper (`_carry`) that completes whatever task is open in the
case's tree (the case and the children it starts, `Instance.parent_id`) with data from a
table keyed by the task's BPMN id (`DemoHistory._answers`), as whoever the routing names;
a step whose moment would fall after now is left open: the backlog.

It runs once: an audit event (`HISTORY_EVENT`) records that the history was made, and a
second run adds nothing.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.clock import FixedClock
from app.models import Agency, Event, Instance, InstanceStatus, ProcessModel, Service, Task, User
from app.models.task import TaskState
from app.services.audit.events import audit
from app.services.catalog.options import FormOptions
from app.services.instances.lifecycle import InstanceService
from app.services.tasks.inbox import TaskService

HISTORY_EVENT = "demo_history"
#: The form's source of who may fulfil a request (`permintaan-layanan-klasifikasi`).
EXECUTOR_ROLE = "holders:Administrator Layanan"
REQUEST_MODEL, COMPLAINT_MODEL = "permintaan-layanan", "penanganan-aduan"
PROBLEM_MODEL, CHANGE_MODEL, RELEASE_MODEL = (
    "manajemen-masalah",
    "manajemen-perubahan",
    "rilis-layanan",
)
RECOVERY_MODEL, PLANNING_MODEL, VERIFICATION_MODEL, EVALUATION_MODEL = (
    "pemulihan-layanan",
    "perencanaan",
    "verifikasi-konfigurasi",
    "evaluasi",
)
#: The evaluation's chapters, by the task that writes them.
CHAPTERS = {
    "evaluasi_pelayanan_pengguna": ("permintaan_layanan", "penanganan_gangguan"),
    "evaluasi_pengoperasian": ("pemantauan_pemeliharaan", "pemulihan_layanan", "rilis_layanan"),
}
#: Requests and complaints filed on a weekday: drawn between these bounds.
PER_DAY = (1, 2)
#: The share of those that are complaints.
COMPLAINT_SHARE = 0.4
#: Every how many weekdays a DRP outage, a periodic problem review and a change are filed.
DRP_EVERY, REVIEW_EVERY, CHANGE_EVERY = 20, 10, 3
#: The ways a change goes, in turn: standard and direct, normal through a release,
#: rejected, normal and direct, normal through a release.
CHANGE_WAYS = ("standar", "rilis", "tolak", "langsung", "rilis")
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
#: Who the demo's own staff are for a task, when the routing lets them (else whoever it
#: names: a PD's own provider, a service's own administrator).
USUAL_ACTOR = {
    "klasifikasi_prioritas": DESK,
    "persetujuan_permintaan": OWNER,
    "klasifikasi_aduan": DESK,
    "penanganan_aduan_admin": DESK,
    "penanganan_aduan_infra": INFRA,
}
#: What each Kritis service's changes and releases touch (free text on their forms).
CHANGES = (
    (
        "Pembaruan keamanan server aplikasi {name}",
        "Tambalan keamanan sistem operasi dan server web {code} dipasang.",
        "Menutup kerentanan yang diumumkan BSSN bulan ini.",
    ),
    (
        "Penambahan kapasitas basis data {code}",
        "Ruang penyimpanan basis data {code} ditambah 200 GB.",
        "Ruang penyimpanan basis data tersisa kurang dari 15%.",
    ),
    (
        "Fitur laporan bulanan {name}",
        "Menu laporan bulanan ditambahkan pada {code} untuk operator PD.",
        "Permintaan operator PD agar laporan tidak disusun manual.",
    ),
)

Answer = Callable[["_Case", Instance, int], tuple[timedelta, dict[str, Any]]]


@dataclass
class HistorySummary:
    """What the history added: instances per procedure, and how many stay open."""

    started: Counter[str] = field(default_factory=Counter)
    open: int = 0

    @property
    def requests(self) -> int:
        """Service requests filed."""
        return self.started[REQUEST_MODEL]

    @property
    def complaints(self) -> int:
        """Complaints filed."""
        return self.started[COMPLAINT_MODEL]


@dataclass
class _Case:
    """One case and the children it starts, moving forward on the shared fixed clock.

    `plan` holds what was drawn for it when it was filed (a request late or turned down,
    a complaint escalated, with DRP, recurring, the way its change goes), so each step
    answers consistently with the earlier ones; `done` counts the tasks completed per BPMN
    id, so a task met again (a revision, a second round) is answered as a second time;
    `last` is the moment of the tree's latest step."""

    root: Instance
    last: datetime
    plan: dict[str, Any]
    done: Counter[str] = field(default_factory=Counter)
    #: When the task being answered became ready: the answers time themselves from it.
    at: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.at = self.last


_ONE = timedelta(minutes=1)


def _last_semester(today: date) -> str:
    """The last complete semester before `today`, as the evaluation names it."""
    return f"{today.year}-S1" if today.month > 6 else f"{today.year - 1}-S2"


def _office_time(day: date, rng: random.Random) -> datetime:
    """A moment in office hours (08:00-15:00 WIB) of `day`."""
    return datetime.combine(day, time(8), WIB) + timedelta(minutes=rng.randrange(0, 7 * 60, 5))


def _evening(after: datetime, days: int) -> datetime:
    """20:00 WIB `days` days after `after`'s date: a maintenance window."""
    return datetime.combine(after.astimezone(WIB).date() + timedelta(days=days), time(20), WIB)


def _iso(at: datetime) -> str:
    return at.astimezone(WIB).isoformat(timespec="seconds")


def _minutes(low: int, high: int, rng: random.Random) -> timedelta:
    return timedelta(minutes=rng.randint(low, high))


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
        self.deployed: set[str] = set()
        self.rng = random.Random(0)  # noqa: S311 - demo data, not a secret; reseeded by fill
        self._answers: dict[str, Answer] = {
            # Permintaan Layanan
            "klasifikasi_prioritas": self._classify_request,
            "persetujuan_permintaan": self._approve_request,
            "pemenuhan_permintaan": self._fulfil_request,
            "konfirmasi_pemenuhan": self._confirm_request,
            # Penanganan Aduan
            "klasifikasi_aduan": self._classify_complaint,
            "penanganan_aduan_admin": self._handle_complaint,
            "penanganan_aduan_infra": self._handle_complaint_infra,
            "konfirmasi_aduan": self._confirm_complaint,
            # Pemulihan Layanan
            "asesmen_pusat_data": self._assess,
            "analisa_asesmen": self._analyse,
            "persetujuan_aktivasi": self._approve_drp,
            "aktivasi_drp": self._activate,
            "normalisasi_operasional": self._normalise,
            "evaluasi_drp": self._evaluate_drp,
            "penetapan_drp": self._establish_drp,
            # Manajemen Masalah
            "reviu_gangguan": self._review,
            "buat_tiket_gangguan": self._ticket,
            "klasifikasi_masalah": self._classify_problem,
            "investigasi_akar_masalah": self._investigate,
            "investigasi_teknis": self._investigate_technically,
            "pencatatan_known_error": self._known_error,
            "penanganan_akar_masalah": self._fix_root_cause,
            "pemantauan_solusi_permanen": self._monitor_fix,
            "laporan_penyelesaian": self._report_problem,
            "penerimaan_laporan": self._accept_problem,
            # Manajemen Perubahan
            "kategorisasi_perubahan": self._categorise,
            "kajian_perubahan": self._assess_change,
            "persetujuan_perubahan": self._approve_change,
            "penjadwalan_perubahan": self._schedule_change,
            "implementasi_perubahan": self._implement,
            "verifikasi_perubahan": self._verify_change,
            "penerimaan_perubahan": self._accept_change,
            # Rilis Layanan
            "pengembangan_layanan": self._develop,
            "penyusunan_rencana_rilis": self._plan_release,
            "persetujuan_rencana_rilis": self._approve_release,
            "eksekusi_rilis": self._execute_release,
            "pengujian_rilis": self._test_release,
            "rollback_rilis": self._roll_back,
            "evaluasi_rilis": self._evaluate_release,
            "laporan_hasil_rilis": self._report_release,
            "penerimaan_laporan_rilis": self._accept_release,
            # Verifikasi Komponen Konfigurasi
            "pemeriksaan_komponen": self._check_items,
            "reviu_verifikasi": self._review_check,
            # Perencanaan
            "susun_kebutuhan": self._draft_plan,
            "pastikan_teknologi": self._check_technology,
            "setujui_kebutuhan": self._adopt_plan,
            # Evaluasi
            "evaluasi_pelayanan_pengguna": self._write_service_chapters,
            "evaluasi_pengoperasian": self._write_operation_chapters,
            "penyusunan_laporan": self._write_report,
            "reviu_penanggung_jawab": self._review_report,
            "pengesahan_pimpinan": self._adopt_report,
            "pemantauan_tindak_lanjut": self._follow_up,
        }

    def made(self) -> bool:
        """Whether a history was made already."""
        return self.session.scalar(select(Event.id).where(Event.kind == HISTORY_EVENT)) is not None

    def fill(self, days: int, seed: int = 685) -> HistorySummary:
        """The weekdays of the last `days` days and today up to now filled; nothing when a
        history was made, a demo user is missing or requests and complaints are not
        deployed (another procedure not deployed is left out)."""
        summary = HistorySummary()
        needed = (REQUESTER, DESK, EXECUTOR, OWNER, INFRA)
        deployed = {m.id for m in self.session.scalars(select(ProcessModel))}
        if (
            days <= 0
            or self.made()
            or not {REQUEST_MODEL, COMPLAINT_MODEL} <= deployed
            or any(u not in self.users for u in needed)
        ):
            return summary
        self.deployed = deployed
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
        first_id = self.session.scalar(select(func.max(Instance.id))) or 0
        services = list(self.session.scalars(select(Service).order_by(Service.code)))
        critical = [s for s in services if s.classification == "Kritis"]
        today = self.now.astimezone(WIB).date()
        weekdays = [
            d
            for d in (today - timedelta(days=offset) for offset in range(days, -1, -1))
            if d.weekday() < 5
        ]
        planned = False
        for index, day in enumerate(weekdays):
            if not planned and day.year == today.year:
                self._plans(day, today.year)
                self._evaluations(day, _last_semester(today))
                planned = True
            for _ in range(self.rng.randint(*PER_DAY)):
                service = self.rng.choice(services)
                if self.rng.random() < COMPLAINT_SHARE or not service.request_types:
                    self._complaint(service, _office_time(day, self.rng))
                else:
                    self._request(service, _office_time(day, self.rng))
            if index % DRP_EVERY == 2 and critical:
                self._complaint(self.rng.choice(critical), _office_time(day, self.rng), outage=True)
            if index % REVIEW_EVERY == 1:
                self._review_filed(self.rng.choice(services), _office_time(day, self.rng))
            if index % CHANGE_EVERY == 0:
                way = CHANGE_WAYS[(index // CHANGE_EVERY) % len(CHANGE_WAYS)]
                self._change(
                    self.rng.choice(critical or services), _office_time(day, self.rng), way
                )
        self.clock.set(self.now)
        rows = self.session.execute(
            select(Instance.process_model_id, Instance.status).where(Instance.id > first_id)
        ).all()
        summary.started.update(model for model, _ in rows)
        summary.open = sum(status != InstanceStatus.COMPLETE for _, status in rows)
        audit(self.session, None, HISTORY_EVENT, self.now, {"days": days, "seed": seed})
        return summary

    # -- carrying a case --------------------------------------------------------------

    def _file(
        self,
        model: str,
        data: dict[str, Any],
        who: str,
        at: datetime,
        plan: dict[str, Any],
    ) -> None:
        """Start `model` as `who` at `at` and carry it as far as now allows; nothing when
        that moment is not past, the procedure is not deployed or `who` is no demo user."""
        if at >= self.now or model not in self.deployed or who not in self.users:
            return
        self.clock.set(at)
        self._carry(_Case(self.instances.start(model, data, self.users[who]), at, plan))

    def _tree(self, root: Instance) -> list[int]:
        """The ids of the case and of every instance it started, at any depth."""
        ids, fresh = [root.id], [root.id]
        while fresh:
            fresh = list(
                self.session.scalars(select(Instance.id).where(Instance.parent_id.in_(fresh)))
            )
            ids += fresh
        return ids

    def _carry(self, case: _Case) -> None:
        """Complete the tasks open in the case's tree with the table's answers for their
        BPMN ids, each timed from when it became ready (parallel branches, a parent and
        its child, move on side by side), the earliest first, until none is open or the
        next moment is not yet past. A task the table does not know is left open."""
        while True:
            tasks = self.session.scalars(
                select(Task)
                .where(
                    Task.instance_id.in_(self._tree(case.root)),
                    Task.state.in_((TaskState.READY, TaskState.HELD)),
                    Task.bpmn_id.in_(self._answers),
                )
                .order_by(Task.created_at, Task.id)
            ).all()
            steps = []
            for task in tasks:
                instance = self.session.get_one(Instance, task.instance_id)
                case.at = task.created_at  # the answers time themselves from here
                after, data = self._answers[task.bpmn_id](case, instance, case.done[task.bpmn_id])
                # Never before the tree's last step: the clock only moves forward.
                steps.append((max(task.created_at + after, case.last + _ONE), task, data))
            if not steps:
                return
            at, task, data = min(steps, key=lambda step: step[0])
            if at >= self.now:
                return
            self.clock.set(at)
            candidates = self.tasks.candidates(task)
            usual = case.plan.get("executor") if task.bpmn_id == "pemenuhan_permintaan" else None
            usual = usual or USUAL_ACTOR.get(task.bpmn_id)
            actor = usual if usual in candidates or not candidates else candidates[0]
            self.tasks.complete(task.id, data, self.users[actor])
            case.last = at
            case.done[task.bpmn_id] += 1

    def _provider(self, service: Service) -> str:
        """The username of the Penyedia Layanan of the service's PD in the demo."""
        code = service.agency.code
        return "penyedia" if code == "DISKOMINFO" else f"penyedia.{code.lower()}"

    def _code(self, instance: Instance) -> str:
        return str(instance.data.get("layanan") or "")

    # -- filing ------------------------------------------------------------------------

    def _request(self, service: Service, at: datetime) -> None:
        """A request of one of the service's types."""
        kind = self.rng.choice(service.request_types)
        # The executor must hold the role for the service: the demo's own when it does.
        holders = [
            choice.const
            for choice in FormOptions(self.session, self.clock).choices(
                EXECUTOR_ROLE, service_id=service.id, agency_id=service.agency_id
            )
        ]
        plan = {
            "kind": kind,
            "executor": EXECUTOR if EXECUTOR in holders or not holders else holders[0],
            "late": self.rng.random() < 0.2,
            "refuse": self.rng.random() < 0.1,
        }
        data = {
            "layanan": service.code,
            "jenis_permintaan": kind.code,
            "judul": f"{kind.name} {service.code}",
            "uraian": f"Mohon {kind.name.lower()} untuk layanan {service.name}.",
            "nip_nik": "198501012010011001",
            "instansi": "BKPSDM",
            "telepon": "081234567890",
        }
        self._file(REQUEST_MODEL, data, REQUESTER, at, plan)

    def _complaint(self, service: Service, at: datetime, outage: bool = False) -> None:
        """A complaint filed by the service's PD's provider; an `outage` is a Kritis
        service's data centre failure that activates its DRP."""
        escalated = outage or self.rng.random() < 0.25
        plan = {
            "impact": "Mayor" if outage else self.rng.choice(("Mayor", "Minor", "Minor")),
            "escalated": escalated,
            "drp": outage,
            "recurring": not outage and self.rng.random() < 0.12,
            "change": self.rng.random() < 0.4,
            "way": self.rng.choice(("langsung", "rilis")),
        }
        data = {
            "layanan": service.code,
            "judul": f"{service.name} tidak dapat diakses"
            if outage
            else f"Gangguan {service.name}",
            "metode_pelaporan": "telepon"
            if outage
            else self.rng.choice(("telepon", "email", "web")),
            "kategori": "server" if outage else "aplikasi",
            "gejala": (
                f"{service.name} tidak dapat dibuka dari semua kantor sejak pagi."
                if outage
                else self.rng.choice(SYMPTOMS)
            ),
            "dampak": plan["impact"],
            "nip_nik": "198703152011012002",
            "instansi": service.agency.name,
            "telepon": "081234567891",
        }
        self._file(COMPLAINT_MODEL, data, self._provider(service), at, plan)

    def _review_filed(self, service: Service, at: datetime) -> None:
        """The periodic review of a service's incidents (Perbup Bangka 21/2025, 2.2.1.3)."""
        month = at.astimezone(WIB)
        data = {
            "layanan": service.code,
            "judul": f"Reviu gangguan {service.code} {month:%m/%Y}",
            "uraian": f"Reviu berkala aduan {service.name} dua pekan terakhir.",
            "sumber_identifikasi": "reviu_berkala",
        }
        plan = {
            "found": self.rng.random() < 0.5,
            "change": self.rng.random() < 0.4,
            "way": self.rng.choice(("langsung", "rilis")),
        }
        self._file(PROBLEM_MODEL, data, DESK, at, plan)

    def _change(self, service: Service, at: datetime, way: str) -> None:
        """A change the service's PD asks for, going `way` (`CHANGE_WAYS`)."""
        title, description, reason = self.rng.choice(CHANGES)
        names = {"name": service.name, "code": service.code}
        data = {
            "layanan": service.code,
            "judul": title.format(**names),
            "uraian_perubahan": description.format(**names),
            "alasan_perubahan": reason,
            "sumber_perubahan": "kebutuhan_penyedia",
        }
        self._file(CHANGE_MODEL, data, self._provider(service), at, {"way": way})

    def _plans(self, day: date, year: int) -> None:
        """Each PD's list of service needs for `year`, drafted from `day`."""
        for agency in self.session.scalars(select(Agency).order_by(Agency.code)):
            data = {
                "jenis_dokumen": "daftar_kebutuhan_layanan",
                "periode": str(year),
                "judul": f"Daftar Kebutuhan Layanan {agency.code} {year}",
                "perangkat_daerah": agency.code,
            }
            plan = {"revise": self.rng.random() < 0.3, "agency": agency.code, "year": year}
            self._file(PLANNING_MODEL, data, OWNER, _office_time(day, self.rng), plan)

    def _evaluations(self, day: date, period: str) -> None:
        """Each PD's evaluation of the last complete semester, started on `day`."""
        for agency in self.session.scalars(select(Agency).order_by(Agency.code)):
            data = {"periode": period, "perangkat_daerah": agency.code}
            self._file(EVALUATION_MODEL, data, DESK, _office_time(day, self.rng), {})

    # -- the answers, by task: (time after the previous step, form data) ---------------

    def _classify_request(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data = {
            "klasifikasi": "akses",
            "prioritas": self.rng.choice(("rendah", "sedang", "tinggi")),
            "gangguan": False,
            "pelaksana": case.plan["executor"],
        }
        return _minutes(5, 90, self.rng), data

    def _approve_request(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        return _minutes(20, 240, self.rng), {"disetujui": True}

    def _fulfil_request(
        self, case: _Case, instance: Instance, again: int
    ) -> tuple[timedelta, dict]:
        kind = case.plan["kind"]
        # Mostly within its hours, now and then a day or two late; redone within hours.
        share = self.rng.uniform(1.2, 2.5) if case.plan["late"] else self.rng.uniform(0.1, 0.8)
        spent = (
            _minutes(30, 240, self.rng) if again else timedelta(hours=kind.fulfilment_hours * share)
        )
        return spent, {"hasil_pemenuhan": f"{kind.name} selesai dikerjakan."}

    def _confirm_request(
        self, case: _Case, instance: Instance, again: int
    ) -> tuple[timedelta, dict]:
        if case.plan["refuse"] and not again:
            refused = {
                "konfirmasi": "ditolak",
                "alasan_penolakan": "Hasil belum sesuai permintaan.",
            }
            return _minutes(30, 180, self.rng), refused
        rating = self.rng.choice((1, 2, 3, 3, 4) if case.plan["late"] else (3, 4, 4, 5, 5))
        return _minutes(20, 300, self.rng), {"konfirmasi": "diterima", "kepuasan": rating}

    def _classify_complaint(
        self, case: _Case, instance: Instance, _: int
    ) -> tuple[timedelta, dict]:
        late = self.rng.random() >= 0.8 and not case.plan["drp"]
        after = _minutes(60, 240, self.rng) if late else _minutes(5, 40, self.rng)
        data = {
            "kategori": instance.data["kategori"],
            "dampak": case.plan["impact"],
            "prioritas": instance.data["prioritas"],
            "analisis": (
                "Server basis data tidak merespons; ruang server diperiksa."
                if case.plan["drp"]
                else "Layanan diperiksa; penyebab sedang ditelusuri."
            ),
            "estimasi_selesai": _iso(case.at + after + timedelta(hours=8)),
        }
        return after, data

    def _handle_complaint(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data: dict[str, Any] = {
            "aktivitas_penanganan": "Layanan dijalankan ulang dan konfigurasi diperiksa.",
            "terselesaikan": not case.plan["escalated"],
        }
        if case.plan["escalated"]:
            data["alasan_eskalasi"] = (
                "Kerusakan perangkat keras pusat data."
                if case.plan["drp"]
                else "Perlu penanganan infrastruktur."
            )
        if case.plan["recurring"]:
            data["perlu_analisis_akar_masalah"] = True
            data["pola_insiden"] = "Gangguan serupa dilaporkan berulang tiap pekan pada jam sibuk."
        return _minutes(20, 60, self.rng) if case.plan["drp"] else _minutes(30, 360, self.rng), data

    def _handle_complaint_infra(
        self, case: _Case, instance: Instance, _: int
    ) -> tuple[timedelta, dict]:
        after = _minutes(15, 45, self.rng) if case.plan["drp"] else _minutes(60, 1440, self.rng)
        if case.plan["drp"]:
            data = {
                "analisis_infra": "Penyimpanan dan server basis data rusak.",
                "estimasi_selesai_infra": _iso(case.at + after + timedelta(hours=4)),
                "aktivitas_penanganan_infra": "Kajian aktivasi DRP bersama penanggung jawab.",
                "drp_diaktifkan": True,
                "kajian_drp": "Ruang server utama rusak; tidak dapat dipulihkan dalam RTO.",
            }
        else:
            data = {
                "analisis_infra": "Gangguan pada server aplikasi.",
                "estimasi_selesai_infra": _iso(case.at + after + timedelta(hours=24)),
                "aktivitas_penanganan_infra": "Server aplikasi dipulihkan.",
                "drp_diaktifkan": False,
                "kajian_drp": "Pusat data berfungsi normal; DRP tidak diperlukan.",
            }
        return after, data

    def _confirm_complaint(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data = {
            "konfirmasi": "diterima",
            "cara_konfirmasi": "telepon",
            "kepuasan": self.rng.randint(2, 5),
        }
        return _minutes(15, 240, self.rng), data

    def _assess(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data = {
            "kondisi_fisik_pusat_data": "rusak_berat",
            "uraian_kondisi_fisik": "Ruang server terendam air setinggi 20 cm.",
            "kelayakan_fungsi_pusat_data": "tidak_berfungsi",
            "uraian_kelayakan_fungsi": "Penyimpanan dan server basis data mati.",
        }
        return _minutes(15, 40, self.rng), data

    def _analyse(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data = {
            "analisis_asesmen": "Pusat data utama tidak dapat pulih dalam RTO layanan.",
            "kondisi_bencana": True,
            "jenis_bencana": "bencana_alam",
            "opsi_pemulihan": "pemulihan_segera",
        }
        return _minutes(10, 30, self.rng), data

    def _approve_drp(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        return _minutes(10, 30, self.rng), {"drp_disetujui": True}

    def _activate(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        at = case.at.astimezone(WIB)
        data = {
            "drp_diaktifkan": True,
            "dokumen_drp": f"DRP-{self._code(instance)}-{at.year}",
            "lokasi_pemulihan": "DRC Pusat Data Nasional",
            "langkah_aktivasi": "DNS dialihkan ke DRC; cadangan basis data dipulihkan.",
        }
        return _minutes(20, 50, self.rng), data

    def _normalise(self, case: _Case, instance: Instance, again: int) -> tuple[timedelta, dict]:
        if not again and self.rng.random() < 0.4:
            not_yet = {
                "aktivitas_normalisasi": "Aplikasi berjalan di DRC; sinkronisasi belum selesai.",
                "layanan_pulih": False,
                "kendala_normalisasi": "Replikasi data masih berjalan.",
            }
            return _minutes(40, 90, self.rng), not_yet
        restored = {
            "aktivitas_normalisasi": "Sinkronisasi selesai; pengguna mengakses layanan dari DRC.",
            "layanan_pulih": True,
        }
        return _minutes(40, 120, self.rng), restored

    def _evaluate_drp(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data = {
            "evaluasi_pelaksanaan": "Pengalihan DNS berjalan sesuai rencana.",
            "rekomendasi_perbaikan_drp": "Tambah replikasi data tiap jam.",
            "ringkasan_pemulihan": f"{self._code(instance)} pulih di DRC.",
        }
        return timedelta(days=1) + _minutes(0, 120, self.rng), data

    def _establish_drp(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data = {
            "drp_ditetapkan": True,
            "versi_drp": f"DRP-{self._code(instance)}-{case.at.astimezone(WIB).year} revisi 1",
            "catat_versi_baru": False,
        }
        return _minutes(60, 240, self.rng), data

    def _review(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        found = case.plan.get("found", True)
        day = case.at.astimezone(WIB).date()
        data: dict[str, Any] = {
            "periode_reviu_mulai": (day - timedelta(days=14)).isoformat(),
            "periode_reviu_selesai": day.isoformat(),
            "jumlah_insiden": self.rng.randint(4, 12) if found else self.rng.randint(0, 3),
            "masalah_ditemukan": found,
        }
        if found:
            data["hasil_reviu"] = (
                "Gangguan yang sama berulang pada jam sibuk; penyebab belum diketahui."
            )
        else:
            data["hasil_reviu"] = "Aduan dengan penyebab berbeda dan sudah tertangani."
            data["alasan_tidak_ada_masalah"] = "Tidak ada gangguan yang berulang."
        return _minutes(60, 480, self.rng), data

    def _ticket(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        code = self._code(instance)
        data = {
            "layanan": code,
            "judul": f"Gangguan berulang {code}",
            "nip_nik": "198501012010011001",
            "instansi": "Diskominfo",
            "telepon": "081234567890",
            "metode_pelaporan": "web",
            "kategori": "server",
            "gejala": "Galat 504 berulang pada jam sibuk, beberapa pekan berturut-turut.",
            "dampak": "Mayor",
            "urgensi": 2,
        }
        return _minutes(15, 60, self.rng), data

    def _classify_problem(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        after = _minutes(30, 120, self.rng)
        data = {
            "kategori_masalah": "server",
            "urgensi_masalah": 2,
            "dampak_masalah": "Mayor",
            "prioritas_masalah": "P3",
            "analisis_masalah": "Diduga kumpulan koneksi basis data habis saat beban puncak.",
            "estimasi_penyelesaian": _iso(case.at + after + timedelta(days=7)),
        }
        return after, data

    def _investigate(self, case: _Case, instance: Instance, again: int) -> tuple[timedelta, dict]:
        if not again and self.rng.random() < 0.3:
            escalated = {
                "metode_investigasi": "reproduksi",
                "hasil_investigasi": "Gangguan tidak dapat direproduksi di lingkungan uji.",
                "akar_masalah_ditemukan": False,
                "alasan_eskalasi": "Perlu analisis kinerja server dan basis data produksi.",
            }
            return timedelta(days=1) + _minutes(0, 180, self.rng), escalated
        found = {
            "metode_investigasi": "analisis_log",
            "hasil_investigasi": "Log menunjukkan kumpulan koneksi basis data penuh saat puncak.",
            "akar_masalah_ditemukan": True,
        }
        return timedelta(days=1) + _minutes(0, 180, self.rng), found

    def _investigate_technically(
        self, case: _Case, instance: Instance, _: int
    ) -> tuple[timedelta, dict]:
        data = {"hasil_investigasi_teknis": "Batas koneksi basis data 100; beban puncak 180."}
        return timedelta(days=1) + _minutes(0, 180, self.rng), data

    def _known_error(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        code = self._code(instance)
        data: dict[str, Any] = {
            "known_error": {
                "gejala_known_error": f"{code} gagal dengan galat 504 pada jam sibuk.",
                "akar_masalah": "Batas koneksi basis data terlalu kecil untuk beban puncak.",
                "solusi_sementara": f"Jalankan ulang aplikasi {code} untuk melepas koneksi.",
            },
            "perlu_perubahan": bool(case.plan.get("change")),
        }
        if case.plan.get("change"):
            data |= {
                "solusi_permanen": f"Tambahkan pengelola kumpulan koneksi pada {code}.",
                "judul_perubahan": f"Pengelola kumpulan koneksi {code}",
                "uraian_perubahan": "Memasang pengelola koneksi antara aplikasi dan basis data.",
                "alasan_perubahan": "Menghilangkan akar masalah galat 504 saat beban puncak.",
            }
        else:
            data["solusi_permanen"] = "Naikkan batas koneksi basis data menjadi 300."
        return _minutes(60, 240, self.rng), data

    def _fix_root_cause(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data = {
            "aktivitas_penanganan_akar": "Batas koneksi dinaikkan; basis data dijalankan ulang.",
            "hasil_penanganan_akar": "Batas koneksi 300 aktif.",
        }
        return _minutes(60, 300, self.rng), data

    def _monitor_fix(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data = {
            "perkembangan_solusi": "Dua pekan berturut-turut tanpa aduan galat 504.",
            "solusi_permanen_efektif": True,
        }
        return timedelta(days=14) + _minutes(0, 120, self.rng), data

    def _report_problem(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data = {
            "ringkasan_penyelesaian": "Akar masalah: batas koneksi basis data; solusi diterapkan.",
            "metode_informasi": "email",
        }
        return _minutes(60, 240, self.rng), data

    def _accept_problem(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        return _minutes(60, 480, self.rng), {"laporan_diterima": True}

    def _way(self, case: _Case, instance: Instance) -> str:
        """How this change goes: its own plan when filed as a change, else (a problem's
        change) the way drawn for the problem."""
        return str(case.plan.get("way", "langsung"))

    def _categorise(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        after = _minutes(30, 240, self.rng)
        standard = self._way(case, instance) == "standar"
        data = {
            "judul": instance.data["judul"],
            "uraian_perubahan": instance.data["uraian_perubahan"],
            "kategori_perubahan": "standar" if standard else "normal",
            "alasan_kategori": (
                "Perubahan rutin yang sudah pra-disetujui."
                if standard
                else "Menyentuh server produksi layanan."
            ),
        }
        if not standard:
            data["batas_waktu_persetujuan"] = _iso(case.at + after + timedelta(days=3))
        return after, data

    def _assess_change(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        rejected = self._way(case, instance) == "tolak"
        data = {
            "dampak_pengguna": "Layanan tidak dapat diakses selama pemasangan (malam hari).",
            "dampak_komponen": "Server aplikasi dan basis data layanan.",
            "kebutuhan_sumber_daya_biaya": "Kapasitas yang ada; tanpa biaya tambahan.",
            "waktu_implementasi_jam": 3,
            "manfaat_perubahan": "Layanan lebih andal saat beban puncak.",
            "dampak_tidak_diimplementasikan": "Gangguan saat beban puncak berlanjut.",
            "relasi_perubahan_lain": "Tidak ada",
            "risiko_gangguan_implementasi": "Henti layanan 30 menit; rollback dengan snapshot.",
            "tim_pengkaji": "Tim Aplikasi Diskominfo",
            "rekomendasi_kajian": "tolak" if rejected else "setujui",
        }
        if rejected:
            data["catatan_rekomendasi"] = "Jadwal bentrok dengan batas unggah data; ajukan ulang."
        return timedelta(days=1) + _minutes(0, 240, self.rng), data

    def _approve_change(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        if self._way(case, instance) == "tolak":
            data = {
                "keputusan_perubahan": "tolak",
                "alasan_penolakan": "Bentrok dengan batas unggah data.",
            }
        else:
            data = {
                "keputusan_perubahan": "setuju",
                "catatan_persetujuan": "Laksanakan di luar jam kerja.",
            }
        return _minutes(60, 480, self.rng), data

    def _schedule_change(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        after = _minutes(30, 180, self.rng)
        start = _evening(case.at + after, self.rng.randint(1, 3))
        case.plan["schedule"] = start
        data = {
            "jadwal_mulai": _iso(start),
            "jadwal_selesai": _iso(start + timedelta(hours=3)),
            "rencana_implementasi": "Pasang perubahan, ubah konfigurasi, uji fungsi utama.",
            "perlu_rilis": self._way(case, instance) == "rilis",
            "distribusi_jadwal": ["pengguna_layanan", "penyedia_layanan"],
        }
        return after, data

    def _implement(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        done = case.plan.get("schedule", case.at) + _minutes(60, 150, self.rng)
        data = {
            "langkah_implementasi": "Konfigurasi diubah dan layanan dijalankan ulang.",
            "waktu_selesai_implementasi": _iso(done),
            "hasil_implementasi": "Konfigurasi baru aktif.",
            "perlu_verifikasi": self.rng.random() < 0.5,
        }
        return max(done - case.at, timedelta(minutes=5)), data

    def _verify_change(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data = {
            "hasil_verifikasi": "Uji fungsi utama dan uji beban berhasil tanpa galat.",
            "perubahan_terverifikasi": True,
        }
        return timedelta(hours=13) + _minutes(0, 120, self.rng), data

    def _accept_change(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        after = _minutes(60, 300, self.rng)
        day = (case.at + after).astimezone(WIB).date()
        data = {
            "pengguna_diinformasikan": True,
            "informasi_pengguna": f"Pengumuman di portal layanan, {day:%d-%m-%Y}.",
        }
        return after, data

    def _develop(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data = {
            "sifat_pengembangan": "inovasi",
            "pemicu_pengembangan": "internal",
            "uraian_pengembangan": "Perubahan dikembangkan dan diuji di lingkungan pengembangan.",
            "versi_rilis": f"2.{self.rng.randint(1, 9)}.{self.rng.randint(0, 9)}",
            "hasil_uji_pengembangan": "Uji unit dan integrasi lulus di lingkungan pengembangan.",
        }
        case.plan["version"] = data["versi_rilis"]
        return timedelta(days=self.rng.randint(1, 3)) + _minutes(0, 120, self.rng), data

    def _plan_release(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        after = _minutes(60, 300, self.rng)
        start = _evening(case.at + after, self.rng.randint(2, 4))
        case.plan["release_at"] = start
        code = self._code(instance)
        data = {
            "ruang_lingkup_rilis": f"Perubahan pada {code}; modul lain tidak berubah.",
            "jenis_rilis": "minor",
            "komponen_rilis": [f"{code.lower()}-web", f"{code.lower()}-db"],
            "jadwal_mulai_rilis": _iso(start),
            "jadwal_selesai_rilis": _iso(start + timedelta(hours=2)),
            "perkiraan_henti_layanan": 30,
            "rencana_pengujian": "Uji fungsional dan uji regresi login.",
            "rencana_rollback": "Pulihkan image sebelumnya dan snapshot basis data.",
            "rencana_komunikasi": "Pengumuman di portal dan grup operator H-3 dan H-0.",
        }
        return after, data

    def _approve_release(
        self, case: _Case, instance: Instance, again: int
    ) -> tuple[timedelta, dict]:
        if not again and self.rng.random() < 0.15:
            turned_down = {
                "dokumen_lengkap": False,
                "rilis_disetujui": False,
                "catatan_persetujuan_rilis": "Jadwal bentrok dengan batas unggah; geser sepekan.",
            }
            return _minutes(60, 300, self.rng), turned_down
        return _minutes(60, 300, self.rng), {"dokumen_lengkap": True, "rilis_disetujui": True}

    def _execute_release(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        start = case.plan.get("release_at", case.at) + _minutes(0, 10, self.rng)
        version = case.plan.get("version", "2.0.0")
        data = {
            "waktu_mulai_eksekusi": _iso(start),
            "langkah_eksekusi": f"Image {version} dipasang; migrasi data dijalankan.",
            "perlu_verifikasi": self.rng.random() < 0.3,
        }
        return max(start - case.at, timedelta(minutes=5)) + _minutes(30, 60, self.rng), data

    def _test_release(self, case: _Case, instance: Instance, again: int) -> tuple[timedelta, dict]:
        if not again and self.rng.random() < 0.15:
            failed = {
                "jenis_pengujian": ["fungsional"],
                "hasil_pengujian": "Sebagian transaksi gagal disimpan.",
                "hasil_pemantauan": "Galat 500 pada 12% permintaan.",
                "rilis_berhasil": False,
                "alasan_kegagalan": "Migrasi tabel tidak lengkap.",
            }
            return _minutes(30, 90, self.rng), failed
        passed = {
            "jenis_pengujian": ["fungsional", "regresi"],
            "hasil_pengujian": "Seluruh skenario lulus.",
            "hasil_pemantauan": "Tidak ada galat selama 2 jam pemantauan; waktu muat stabil.",
            "rilis_berhasil": True,
        }
        return _minutes(60, 150, self.rng), passed

    def _roll_back(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data = {
            "aktivitas_rollback": "Image sebelumnya dan snapshot basis data dipulihkan.",
            "rollback_berhasil": True,
            "tindak_lanjut_rollback": "rencana_ulang",
        }
        return _minutes(20, 60, self.rng), data

    def _evaluate_release(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data = {
            "permasalahan_rilis": "Tidak ada.",
            "tindak_lanjut_evaluasi": "Pertahankan uji migrasi di salinan data produksi.",
        }
        return timedelta(hours=13) + _minutes(0, 120, self.rng), data

    def _report_release(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        version = case.plan.get("version", "2.0.0")
        data = {
            "laporan_rilis": f"Rilis {version} berhasil; henti layanan sesuai rencana.",
            "versi_terpasang": version,
            "waktu_selesai_rilis": _iso(case.plan.get("release_at", case.at) + timedelta(hours=2)),
        }
        return _minutes(30, 180, self.rng), data

    def _accept_release(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        after = _minutes(60, 480, self.rng)
        day = (case.at + after).astimezone(WIB).date()
        data = {
            "umpan_balik_penyedia": "Terima kasih.",
            "pengguna_diinformasikan": True,
            "informasi_pengguna": f"Pengumuman di portal layanan, {day:%d-%m-%Y}.",
        }
        return after, data

    def _check_items(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        items = FormOptions(self.session, self.clock).choices(
            "configuration-items",
            self._code(instance) or None,
            service_id=instance.service_id,
            agency_id=instance.agency_id,
        )
        data = {
            "hasil_verifikasi": [
                {"komponen": int(c.const), "keberadaan": "ditemukan"} for c in items
            ],
            "catatan_pemeriksaan": "Seluruh komponen ditemukan sesuai CMDB.",
        }
        return timedelta(days=1) + _minutes(0, 240, self.rng), data

    def _review_check(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data = {
            "disetujui": True,
            "nip_nik": "197905122005011003",
            "instansi": "Dinas Komunikasi dan Informatika",
            "telepon": "081234567892",
        }
        return _minutes(60, 480, self.rng), data

    def _draft_plan(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        agency = case.plan["agency"]
        data = {
            "analisis_kebutuhan": f"Layanan {agency} memerlukan data yang utuh dan akses daring.",
            "hubungan_antar_aktivitas": "Usulan, verifikasi, persetujuan dan penerbitan berurutan.",
            "daftar_kebutuhan_layanan": [
                {
                    "nama_kebutuhan": "Pengajuan layanan daring",
                    "proses_bisnis": "Pelayanan pengguna",
                    "uraian": "Pengguna mengunggah berkas; petugas memeriksa.",
                    "prioritas_kebutuhan": "tinggi",
                }
            ],
            "desain_layanan": "Layanan swalayan dengan verifikasi berjenjang.",
            "teknologi_layanan": "Aplikasi web dan tanda tangan elektronik.",
            "proses_bisnis_layanan": "Pengajuan, verifikasi, persetujuan dan penerbitan daring.",
            "mekanisme_evaluasi": "Survei kepuasan semesteran dan rekap waktu layanan.",
        }
        return timedelta(days=self.rng.randint(1, 3)), data

    def _check_technology(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data = {
            "teknologi_sesuai": True,
            "kesesuaian_teknologi_pemeliharaan": "Aplikasi web di pusat data memenuhi kebutuhan.",
            "mekanisme_pemeliharaan": "Pemeliharaan bulanan dan pembaruan keamanan triwulanan.",
        }
        return timedelta(days=1) + _minutes(0, 240, self.rng), data

    def _adopt_plan(self, case: _Case, instance: Instance, again: int) -> tuple[timedelta, dict]:
        if case.plan["revise"] and not again:
            return timedelta(days=1), {
                "keputusan_persetujuan": "revisi",
                "catatan_persetujuan": "Lengkapi uraian risiko.",
            }
        number = f"800/{self.rng.randint(100, 999)}/{case.plan['agency']}/{case.plan['year']}"
        return timedelta(days=1) + _minutes(0, 240, self.rng), {
            "keputusan_persetujuan": "disetujui",
            "nomor_dokumen": number,
        }

    def _chapters(self, instance: Instance, task: str) -> dict[str, Any]:
        """What staff write in the chapters of `task`, after the recap each opens with."""
        written = {}
        for chapter in CHAPTERS[task]:
            recap = instance.data.get(f"rekap_{chapter}") or {}
            counted, met = recap.get("jumlah_layanan", 0), recap.get("jumlah_mencapai_target", 0)
            text = {
                "rekapitulasi": f"{met} dari {counted} layanan mencapai target semester ini.",
                "tindak_lanjut_penyempurnaan": "Pertahankan pemantauan bulanan.",
            }
            if met < counted:
                text["analisis_hambatan"] = (
                    "Sebagian kasus melampaui target karena petugas dan server cadangan terbatas."
                )
            written[f"bab_{chapter}"] = text
        return written

    def _write_service_chapters(
        self, case: _Case, instance: Instance, _: int
    ) -> tuple[timedelta, dict]:
        data = self._chapters(instance, "evaluasi_pelayanan_pengguna")
        return timedelta(days=1) + _minutes(0, 240, self.rng), data

    def _write_operation_chapters(
        self, case: _Case, instance: Instance, _: int
    ) -> tuple[timedelta, dict]:
        data = self._chapters(instance, "evaluasi_pengoperasian")
        return timedelta(days=1) + _minutes(0, 240, self.rng), data

    def _write_report(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        after = _minutes(120, 360, self.rng)
        due = (case.at + after + timedelta(days=14)).astimezone(WIB).date()
        data = {
            "ringkasan_evaluasi": "Sebagian besar layanan mencapai target; beberapa belum.",
            "evaluasi_sla": {
                "kesesuaian_komitmen": "Waktu respons terpenuhi; sebagian penyelesaian terlambat.",
                "perlu_perubahan_sla": False,
            },
            "ada_tindak_lanjut": True,
            "daftar_tindak_lanjut": [
                {
                    "uraian": "Tambah petugas piket layanan pada jam sibuk.",
                    "bab": "penanganan_gangguan",
                    "penanggung_jawab": "Kepala Bidang Layanan",
                    "target_selesai": due.isoformat(),
                },
                {
                    "uraian": "Siapkan server cadangan di pusat data kedua.",
                    "bab": "pemulihan_layanan",
                    "penanggung_jawab": "Kepala Seksi Infrastruktur",
                    "target_selesai": due.isoformat(),
                },
            ],
        }
        return after, data

    def _review_report(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        return _minutes(60, 480, self.rng), {"keputusan_reviu": "disetujui"}

    def _adopt_report(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        data = {
            "keputusan_pengesahan": "disahkan",
            "arahan_pimpinan": "Selesaikan tindak lanjut sebelum batas waktunya.",
        }
        return _minutes(60, 480, self.rng), data

    def _follow_up(self, case: _Case, instance: Instance, _: int) -> tuple[timedelta, dict]:
        after = timedelta(days=self.rng.randint(3, 5)) + _minutes(0, 240, self.rng)
        done = (case.at + after).astimezone(WIB).date().isoformat()
        items = [
            {
                **item,
                "status_tindak_lanjut": "selesai",
                "tanggal_selesai": done,
                "realisasi": "Selesai dan diperiksa.",
            }
            for item in instance.data.get("daftar_tindak_lanjut") or []
        ]
        return after, {"daftar_tindak_lanjut": items, "tindak_lanjut_selesai": True}
