"""The demo's continuity records (issue 14, items 7 and 8): a DRP for each Kritis demo
service and two trainings held on them, so the DRP pages, the catalog's RPO and RTO and
the DRP test's start show something on first run.

Each version is recorded by the service's PD provider (a continuity keeper) through
`ContinuityService`, as a person does on the DRP page, on the day it was set: the clock is
moved back for it, so the versions read as the months of a year. EMAIL has two, the second
after its first test (replication every half hour, a shorter RTO); the others one. The
trainings are recorded after the versions, so they name the version in force. A service
with a DRP already, or a training already, is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock, FixedClock
from app.models import ContinuityPlan, ContinuityTraining, Service, User
from app.services.continuity.plans import ContinuityService
from app.services.deadlines.calendars import DEFAULT_TIME_ZONE

ZONE = ZoneInfo(DEFAULT_TIME_ZONE)
#: When in the (local) working day a version or a training is recorded.
RECORDED_AT = time(14, 0)

_DISKOMINFO = [
    {"name": "Budi Penyedia", "role": "Penyedia Layanan", "telephone": "0812-4410-0101"},
    {
        "name": "Agus Administrator Infrastruktur",
        "role": "Administrator Infrastruktur dan Aplikasi",
        "telephone": "0812-4410-0102",
    },
    {
        "name": "Hendra Penanggung Jawab Infrastruktur",
        "role": "Penanggung Jawab Infrastruktur dan Aplikasi",
        "telephone": "0812-4410-0103",
    },
]
_BPKAD = [
    {"name": "Penyedia Layanan BPKAD", "role": "Penyedia Layanan", "telephone": "0812-4410-0201"},
    {
        "name": "Wahyu Teknisi SIPKD",
        "role": "Administrator Infrastruktur dan Aplikasi",
        "telephone": "0812-4410-0202",
    },
    _DISKOMINFO[1],
]
_DISDUKCAPIL = [
    {
        "name": "Penyedia Layanan Disdukcapil",
        "role": "Penyedia Layanan",
        "telephone": "0812-4410-0301",
    },
    {"name": "Nur Petugas SIAK", "role": "Administrator Layanan", "telephone": "0812-4410-0302"},
    _DISKOMINFO[1],
]


@dataclass(frozen=True)
class DemoPlan:
    """One DRP version: the service, who records it, how many days before the load."""

    service: str
    keeper: str
    days_ago: int
    plan: dict[str, Any]


PLANS = (
    DemoPlan(
        "EMAIL",
        "penyedia",
        320,
        {
            "rpo_minutes": 60,
            "rto_minutes": 480,
            "recovery_option": "intermediate",
            "recovery_strategy": (
                "Server surel cadangan di situs pemulihan (colocation) dinyalakan bila pusat "
                "data Diskominfo tidak dapat dipakai; rekaman MX dan DNS dialihkan ke sana."
            ),
            "backup_strategy": (
                "Cadangan penuh kotak surat tiap malam pukul 01.00 WIB; salinan mingguan "
                "dikirim ke situs pemulihan melalui VPN."
            ),
            "contacts": _DISKOMINFO,
            "document_reference": "DRP-EMAIL-2026 versi 1.0",
            "note": "Penetapan awal DRP layanan surel.",
        },
    ),
    DemoPlan(
        "SIPKD",
        "penyedia.bpkad",
        300,
        {
            "rpo_minutes": 15,
            "rto_minutes": 240,
            "recovery_option": "fast",
            "recovery_strategy": (
                "Basis data SIPKD direplikasi ke server siaga di situs pemulihan; aplikasi "
                "dipulihkan dari citra mesin virtual terakhir dan diarahkan ke replika."
            ),
            "backup_strategy": (
                "Pengiriman log basis data terus-menerus (paling lambat 15 menit); cadangan "
                "penuh harian; salinan bulanan di media luring yang disimpan di BPKAD."
            ),
            "contacts": _BPKAD,
            "document_reference": "DRP-SIPKD-2026 versi 1.0",
            "note": "Penetapan awal DRP SIPKD.",
        },
    ),
    DemoPlan(
        "EMAIL",
        "penyedia",
        230,
        {
            "rpo_minutes": 30,
            "rto_minutes": 240,
            "recovery_option": "fast",
            "recovery_strategy": (
                "Kotak surat direplikasi ke server siaga di situs pemulihan; bila pusat data "
                "Diskominfo tidak dapat dipakai, server siaga diaktifkan dan rekaman MX serta "
                "DNS dialihkan (TTL 5 menit)."
            ),
            "backup_strategy": (
                "Replikasi kotak surat ke situs pemulihan tiap 30 menit; cadangan penuh tiap "
                "malam pukul 01.00 WIB, disimpan 30 hari."
            ),
            "contacts": _DISKOMINFO,
            "document_reference": "DRP-EMAIL-2026 versi 1.1",
            "note": (
                "Hasil uji DRP: pemulihan dari cadangan malam butuh 7 jam; replikasi tiap "
                "30 menit dipasang dan RTO dipersingkat menjadi 4 jam."
            ),
        },
    ),
    DemoPlan(
        "SIAK",
        "penyedia.disdukcapil",
        200,
        {
            "rpo_minutes": 15,
            "rto_minutes": 120,
            "recovery_option": "fast",
            "recovery_strategy": (
                "Server SIAK daerah dipulihkan ke mesin siaga di situs pemulihan; selama "
                "pemulihan perekaman dilayani dengan formulir manual dan dientri ulang "
                "setelah sinkronisasi dengan pusat data Ditjen Dukcapil pulih."
            ),
            "backup_strategy": (
                "Cadangan inkremental basis data tiap 15 menit ke situs pemulihan; cadangan "
                "penuh harian; berkas formulir manual disimpan di loket pelayanan."
            ),
            "contacts": _DISDUKCAPIL,
            "document_reference": "DRP-SIAK-2026 versi 1.0",
            "note": "Penetapan awal DRP SIAK.",
        },
    ),
    DemoPlan(
        "PAJAK-DAERAH",
        "penyedia.bpkad",
        150,
        {
            "rpo_minutes": 5,
            "rto_minutes": 60,
            "recovery_option": "immediate",
            "recovery_strategy": (
                "Dua server aplikasi aktif-aktif, di pusat data Diskominfo dan di situs "
                "pemulihan, di belakang penyeimbang beban: bila satu lokasi mati, lokasi "
                "lain melayani seluruh pembayaran."
            ),
            "backup_strategy": (
                "Replikasi sinkron transaksi pembayaran antarlokasi; rekonsiliasi harian "
                "dengan bank persepsi; cadangan penuh harian disimpan 90 hari."
            ),
            "contacts": _BPKAD,
            "document_reference": "DRP-PAJAK-DAERAH-2026 versi 1.0",
            "note": "Penetapan awal DRP pajak daerah daring.",
        },
    ),
)


@dataclass(frozen=True)
class DemoTraining:
    """A training on a service's DRP, held `days_ago` days (or the weekday before)."""

    service: str
    keeper: str
    days_ago: int
    training: dict[str, Any]


TRAININGS = (
    DemoTraining(
        "EMAIL",
        "penyedia",
        45,
        {
            "title": "Simulasi pengalihan layanan surel ke situs pemulihan",
            "participants": 12,
            "notes": "Peserta: tim infrastruktur Diskominfo dan petugas service desk.",
        },
    ),
    DemoTraining(
        "SIAK",
        "penyedia.disdukcapil",
        20,
        {
            "title": "Pelatihan pelayanan kependudukan manual saat SIAK tidak tersedia",
            "participants": 18,
            "notes": "Petugas loket Disdukcapil; formulir manual dan entri ulang diperagakan.",
        },
    ),
)


def _weekday(day: date) -> date:
    """`day`, or the Friday before when it falls on a weekend."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _on(day: date) -> FixedClock:
    return FixedClock(datetime.combine(day, RECORDED_AT, ZONE))


def load_demo_continuity(session: Session, clock: Clock) -> int:
    """Record the demo DRP versions and trainings that are missing; how many versions.

    A service is skipped when it, or its keeper, is missing or it has a DRP version
    already (from an earlier load or a person); its trainings when it has one already.
    """
    today = clock.now().astimezone(ZONE).date()
    codes = {p.service for p in PLANS} | {t.service for t in TRAININGS}
    services = set(session.scalars(select(Service.code).where(Service.code.in_(codes))))
    planned = set(
        session.scalars(
            select(Service.code).join(ContinuityPlan, ContinuityPlan.service_id == Service.id)
        )
    )
    trained = set(
        session.scalars(
            select(Service.code).join(
                ContinuityTraining, ContinuityTraining.service_id == Service.id
            )
        )
    )
    keepers = {
        u.username: u
        for u in session.scalars(
            select(User).where(
                User.username.in_({p.keeper for p in PLANS} | {t.keeper for t in TRAININGS})
            )
        )
    }
    recorded = 0
    for plan in PLANS:
        keeper = keepers.get(plan.keeper)
        if plan.service not in services or plan.service in planned or keeper is None:
            continue
        day = _weekday(today - timedelta(days=plan.days_ago))
        ContinuityService(session, _on(day), keeper).record(plan.service, plan.plan)
        recorded += 1
    for training in TRAININGS:
        keeper = keepers.get(training.keeper)
        if training.service not in services or training.service in trained or keeper is None:
            continue
        day = _weekday(today - timedelta(days=training.days_ago))
        ContinuityService(session, _on(day), keeper).add_training(
            training.service, {**training.training, "held_on": day.isoformat()}
        )
    return recorded
