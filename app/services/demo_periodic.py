"""The demo's periodic procedures (issue 14, items 3, 6, 7 and 8): the schedules of the DRP
tests and the configuration verifications, and one monthly monitoring report carried to
its availability report, so the schedules page, the inboxes and the computed availability
show something on first run.

Schedules: each Kritis demo service has its DRP tested yearly (`uji-drp`, owned by its
PD's provider, the first ones spread over the coming months so they do not all fall on
one day) and its configuration verified quarterly (`verifikasi-konfigurasi`, owned by the
infrastructure administrator, first on the next quarter's first day). Both start at 08:00
in the PD's zone, always after the load, so a worker started with the demo fires nothing
at once. They are set by the demo's Admin Sistem through `ScheduleService`, which checks
each against the diagram's timer start event and start form as the admin page does.

The monitoring case: BKPSDM's provider starts SIMPEG's report for the month of the demo's
past outage (`configuration.demo.file_past_outage`); the provider and the infrastructure
administrator complete the monitoring and analysis steps, and the case waits at the
availability report, whose target and achieved availability the diagram's script
`hitung_ketersediaan` has computed from that outage (`ketersediaan_layanan`). `spbe demo`
files it last, after the optional history (`demo_history`), since those figures count
every outage of the month as it stands when the report is reached.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Instance, ProcessModel, Schedule, Service, User
from app.services.configuration.demo import PAST_OUTAGE_MODEL, PAST_OUTAGE_REPORTER
from app.services.instances.lifecycle import InstanceService
from app.services.instances.schedules import ScheduleService
from app.services.tasks.inbox import TaskService

ADMIN = "admin"
DRP_TEST_MODEL = "uji-drp"
VERIFICATION_MODEL = "verifikasi-konfigurasi"
STARTS_AT = time(8, 0)
#: Kritis service, the owner of its yearly DRP test, months from the load to its first.
DRP_TESTS = (
    ("EMAIL", "penyedia", 2),
    ("SIPKD", "penyedia.bpkad", 3),
    ("SIAK", "penyedia.disdukcapil", 4),
    ("PAJAK-DAERAH", "penyedia.bpkad", 5),
)
VERIFIER = "admin.infra"
VERIFIED = ("EMAIL", "SIPKD", "SIAK", "PAJAK-DAERAH")

MONITORING_MODEL = "pemantauan-pemeliharaan"
MONITORED = "SIMPEG"
MONITOR = "penyedia.bkpsdm"
INFRASTRUCTURE = "admin.infra"
#: The report's task, where the demo case waits.
REPORT_TASK = "laporan_ketersediaan"
#: When a schedule first starts, from the load's day in its PD's zone.
First = Callable[[date, ZoneInfo], datetime]


def _first_of_month(today: date, zone: ZoneInfo, months_ahead: int) -> datetime:
    """08:00 on the first day of the month `months_ahead` after `today`'s."""
    index = today.year * 12 + today.month - 1 + months_ahead
    return datetime.combine(date(index // 12, index % 12 + 1, 1), STARTS_AT, zone)


def _next_quarter(today: date, zone: ZoneInfo) -> datetime:
    """08:00 on the first day of the quarter after `today`'s."""
    return _first_of_month(today, zone, 3 - (today.month - 1) % 3)


def load_demo_schedules(instances: InstanceService) -> int:
    """Add the demo's DRP-test and verification schedules that are missing; how many.

    A schedule is missing when none of its procedure names its service; nothing is added
    when the procedure is not deployed or the admin, the owner or the service is missing.
    """
    session = instances.session
    admin = session.scalar(select(User).where(User.username == ADMIN))
    if admin is None:
        return 0
    schedules = ScheduleService(session, instances.clock, instances.specs, admin)
    wanted: list[tuple[str, str, str, First, dict[str, Any]]] = [
        (
            DRP_TEST_MODEL,
            code,
            owner,
            partial(_first_of_month, months_ahead=months),
            {"judul": f"Uji DRP tahunan {code}"},
        )
        for code, owner, months in DRP_TESTS
    ] + [
        (VERIFICATION_MODEL, code, VERIFIER, _next_quarter, {"alasan_verifikasi": "berkala"})
        for code in VERIFIED
    ]
    added = 0
    for model, code, owner, first, extra in wanted:
        service = session.scalar(select(Service).where(Service.code == code))
        if (
            service is None
            or session.get(ProcessModel, model) is None
            or session.scalar(select(User.id).where(User.username == owner)) is None
            or _scheduled(session, model, code)
        ):
            continue
        zone = ZoneInfo(service.agency.timezone)
        today = instances.clock.now().astimezone(zone).date()
        schedules.create(
            model, None, first(today, zone), owner, service.agency.code, {"layanan": code, **extra}
        )
        added += 1
    return added


def _scheduled(session: Session, model: str, code: str) -> bool:
    """Whether a schedule of `model` names the service `code` already."""
    return any(
        data.get("layanan") == code
        for data in session.scalars(
            select(Schedule.start_data).where(Schedule.process_model_id == model)
        )
    )


def file_demo_monitoring(instances: InstanceService) -> Instance | None:
    """Start SIMPEG's monitoring report for the past outage's month and carry it to the
    availability report, unless one is there already, the procedure is not deployed, or
    the people or the outage are missing.

    Returns:
        The case, waiting at `REPORT_TASK`, or None when nothing was started.
    """
    session = instances.session
    monitor = session.scalar(select(User).where(User.username == MONITOR))
    infrastructure = session.scalar(select(User).where(User.username == INFRASTRUCTURE))
    service = session.scalar(select(Service).where(Service.code == MONITORED))
    outage = session.scalar(
        select(Instance)
        .join(User, User.id == Instance.started_by_id)
        .where(
            Instance.process_model_id == PAST_OUTAGE_MODEL,
            User.username == PAST_OUTAGE_REPORTER,
            Instance.resolved_at.is_not(None),
        )
        .order_by(Instance.id)
        .limit(1)
    )
    if (
        monitor is None
        or infrastructure is None
        or service is None
        or outage is None
        or outage.resolved_at is None
        or session.get(ProcessModel, MONITORING_MODEL) is None
        or session.scalar(
            select(Instance.id).where(
                Instance.process_model_id == MONITORING_MODEL, Instance.service_id == service.id
            )
        )
    ):
        return None
    month = outage.started_at.astimezone(ZoneInfo(service.agency.timezone))
    minutes = round((outage.resolved_at - outage.started_at).total_seconds() / 60)
    case = instances.start(
        MONITORING_MODEL, {"layanan": MONITORED, "periode": f"{month:%Y-%m}"}, monitor
    )
    tasks = TaskService(
        session, instances.clock, instances.specs, instances.runtime, instances.mail
    )
    for step, person, data in _steps(outage.reference or f"#{outage.id}", minutes):
        [task] = [t for t in instances.open_tasks(case) if t.bpmn_id == step]
        tasks.complete(task.id, data, monitor if person == MONITOR else infrastructure)
    return case


def _steps(outage: str, minutes: int) -> list[tuple[str, str, dict[str, Any]]]:
    """The monitoring and analysis steps of SIMPEG's month: who and what, in order; the
    downtime typed by the infrastructure administrator is the outage's."""
    return [
        (
            "pemantauan_layanan",
            MONITOR,
            {
                "alat_pemantauan": "Zabbix dan laporan service desk",
                "keberlanjutan_infrastruktur": (
                    f"Basis data SIMPEG berhenti satu pagi (aduan {outage}) dan pulih hari "
                    "itu juga; selebihnya server aplikasi dan basis data berjalan normal."
                ),
                "proses_bisnis": "Usulan mutasi dan kenaikan pangkat diproses tanpa tunggakan.",
                "keamanan_informasi": "Tidak ada peringatan keamanan.",
                "anomali_layanan": False,
            },
        ),
        (
            "pemantauan_infrastruktur",
            INFRASTRUCTURE,
            {
                "utilisasi_cpu_persen": 41.5,
                "utilisasi_ram_persen": 63,
                "utilisasi_penyimpanan_persen": 72,
                "utilisasi_bandwidth_persen": 28,
                "ambang_batas_persen": 80,
                "komponen_melewati_ambang": [],
                "waktu_henti_menit": minutes,
                "anomali_infrastruktur": False,
            },
        ),
        (
            "analisis_pemantauan_layanan",
            MONITOR,
            {
                "analisis_hasil_pemantauan_layanan": (
                    f"Satu gangguan Mayor ({outage}); di luar itu layanan stabil."
                ),
                "rekomendasi_layanan": "Umumkan pemeliharaan basis data sehari sebelumnya.",
            },
        ),
        (
            "analisis_pemantauan",
            INFRASTRUCTURE,
            {
                "analisis_hasil_pemantauan": (
                    "Penyimpanan mesin basis data bersama naik sekitar 10 GB sehari; "
                    "utilisasi lain di bawah ambang."
                ),
                "rekomendasi_tuning": "Tambah penyimpanan sebelum ambang peringatan tercapai.",
            },
        ),
    ]
