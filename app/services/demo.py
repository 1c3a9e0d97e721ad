"""Demo data: a small kabupaten with one user per role (demo mode only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.models import (
    Agency,
    ConfigurationItem,
    Instance,
    ProcessModel,
    RoleName,
    Service,
    User,
)
from app.services.accounts.passwords import Passwords
from app.services.accounts.users import AccountService
from app.services.catalog.services import CatalogService
from app.services.configuration.cases import link_items
from app.services.configuration.demo import (
    SAMPLE_COMPLAINT_ITEM,
    file_past_outage,
    load_demo_configuration,
)
from app.services.configuration.demo_capacity import load_demo_capacity
from app.services.configuration.items import name_key
from app.services.demo_continuity import load_demo_continuity
from app.services.demo_periodic import load_demo_schedules
from app.services.instances.lifecycle import InstanceService

DEMO_PASSWORD = "demo12345"  # noqa: S105 - documented demo credential, demo mode only

#: What the demo requester files: a request for a new SIMPEG account (needs approval).
SAMPLE_REQUEST: dict[str, Any] = {
    "layanan": "SIMPEG",
    "jenis_permintaan": "AKUN-BARU",
    "judul": "Akun SIMPEG untuk staf baru",
    "uraian": "Mohon dibuatkan akun SIMPEG untuk staf baru di bidang mutasi.",
    "nip_nik": "198501012010011001",
    "instansi": "BKPSDM",
    "telepon": "081234567890",
}
SAMPLE_MODEL = "permintaan-layanan"
SAMPLE_REQUESTER = "pengguna"
#: What the demo service provider reports: SRIKANDI down for everyone (P3, 1 h response).
SAMPLE_COMPLAINT: dict[str, Any] = {
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
SAMPLE_COMPLAINT_MODEL = "penanganan-aduan"
SAMPLE_REPORTER = "penyedia"

AGENCIES = [
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika"),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
    ("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah"),
]

ADM, PUB = "Administrasi Pemerintahan", "Publik"


def _service(
    code: str,
    name: str,
    agency: str,
    group: str,
    classification: str,
    types: list[tuple[str, str, bool, int]],
    **extra: object,
) -> dict[str, object]:
    """One catalog entry; Kritis services get the RPO, RTO and DRP they must have."""
    entry: dict[str, object] = {
        "code": code,
        "name": name,
        "agency": agency,
        "group": group,
        "classification": classification,
        "help_contact": "servicedesk@diskominfo.demo.go.id / 0717-000000",
        "support_hours": "24x7" if classification == "Kritis" else "kalender",
        "availability_target": {"Kritis": 99.5, "Esensial": 98.0, "Normal": 95.0}[classification],
        "request_types": [
            {"code": c, "name": n, "needs_approval": a, "fulfilment_hours": h}
            for c, n, a, h in types
        ],
        **extra,
    }
    if classification == "Kritis":
        entry.update(rpo_minutes=15, rto_minutes=240, drp_reference=f"DRP-{code}-2026")
    return entry


#: Two services for every group x classification (Perbup Bangka 21/2025, 2.1.1.2).
SERVICES = [
    _service(
        "EMAIL",
        "Surat Elektronik Pemerintah Daerah",
        "DISKOMINFO",
        ADM,
        "Kritis",
        [("AKUN-BARU", "Pembuatan akun surel", True, 24), ("KUOTA", "Penambahan kuota", False, 8)],
    ),
    _service(
        "SIPKD",
        "Sistem Informasi Pengelolaan Keuangan Daerah",
        "BPKAD",
        ADM,
        "Kritis",
        [("AKUN-BARU", "Akun pengguna baru", True, 24), ("LAPORAN", "Laporan khusus", False, 40)],
    ),
    _service(
        "SIMPEG",
        "Sistem Informasi Manajemen Kepegawaian",
        "BKPSDM",
        ADM,
        "Esensial",
        [
            ("AKUN-BARU", "Pembuatan akun baru", True, 16),
            ("RESET-SANDI", "Reset kata sandi", False, 4),
        ],
    ),
    _service(
        "SRIKANDI",
        "Sistem Informasi Kearsipan Dinamis",
        "DISKOMINFO",
        ADM,
        "Esensial",
        [("AKUN-BARU", "Akun pengguna baru", True, 16)],
    ),
    _service(
        "JARINGAN",
        "Jaringan Intra Pemerintah",
        "DISKOMINFO",
        ADM,
        "Normal",
        [("SAMBUNGAN", "Sambungan jaringan baru", True, 40), ("WIFI", "Akses Wi-Fi", False, 8)],
    ),
    _service(
        "E-KINERJA",
        "Penilaian Kinerja Pegawai",
        "BKPSDM",
        ADM,
        "Normal",
        [("RESET-SANDI", "Reset kata sandi", False, 4)],
    ),
    _service(
        "SIAK",
        "Sistem Informasi Administrasi Kependudukan",
        "DISDUKCAPIL",
        PUB,
        "Kritis",
        [("AKSES-DATA", "Hak akses data kependudukan", True, 40)],
    ),
    _service(
        "PAJAK-DAERAH",
        "Pembayaran Pajak Daerah Daring",
        "BPKAD",
        PUB,
        "Kritis",
        [("AKUN-WP", "Akun wajib pajak", False, 8)],
    ),
    _service(
        "OSS-PERIZINAN",
        "Perizinan Berusaha Daerah",
        "DPMPTSP",
        PUB,
        "Esensial",
        [("AKUN-PELAKU", "Akun pelaku usaha", False, 8), ("DATA", "Perbaikan data izin", True, 24)],
    ),
    _service(
        "ANTREAN",
        "Antrean Daring Pelayanan Kependudukan",
        "DISDUKCAPIL",
        PUB,
        "Esensial",
        [("JADWAL", "Perubahan jadwal layanan", False, 8)],
    ),
    _service(
        "PPID",
        "Portal Informasi Publik",
        "DISKOMINFO",
        PUB,
        "Normal",
        [("KONTEN", "Publikasi konten", False, 16)],
    ),
    _service(
        "WEBSITE",
        "Situs Resmi Pemerintah Kabupaten",
        "DISKOMINFO",
        PUB,
        "Normal",
        [("KONTEN", "Perubahan konten", False, 16)],
    ),
]

DemoUser = tuple[str, str, str, list[tuple[RoleName, str | None, str | None]]]


def _pd_staff(code: str, title: str) -> list[DemoUser]:
    """A PD's own Penyedia Layanan and Pimpinan PD: `penyedia.<pd>`, `pimpinan.<pd>`."""
    return [
        (
            f"penyedia.{code.lower()}",
            f"Penyedia Layanan {title}",
            code,
            [(RoleName.SERVICE_PROVIDER, "agency", code)],
        ),
        (
            f"pimpinan.{code.lower()}",
            f"Kepala {title}",
            code,
            [(RoleName.PROVIDER_HEAD, "agency", code)],
        ),
    ]


# username, full name, agency, [(role, scope kind, scope code)]
USERS: list[DemoUser] = [
    ("pengguna", "Siti Pengguna", "BKPSDM", [(RoleName.SERVICE_USER, None, None)]),
    (
        "penyedia",
        "Budi Penyedia",
        "DISKOMINFO",
        [(RoleName.SERVICE_PROVIDER, "agency", "DISKOMINFO")],
    ),
    (
        "admin.layanan",
        "Rina Administrator Layanan",
        "DISKOMINFO",
        [(RoleName.SERVICE_ADMINISTRATOR, None, None)],
    ),
    (
        "pelaksana",
        "Joko Pelaksana Layanan",
        "DISKOMINFO",
        [(RoleName.SERVICE_ADMINISTRATOR, None, None)],
    ),
    (
        "admin.infra",
        "Agus Administrator Infrastruktur",
        "DISKOMINFO",
        [(RoleName.INFRASTRUCTURE_ADMINISTRATOR, None, None)],
    ),
    (
        "pj.layanan",
        "Dewi Penanggung Jawab Layanan",
        "DISKOMINFO",
        [(RoleName.SERVICE_OWNER, None, None)],
    ),
    (
        "pj.infra",
        "Hendra Penanggung Jawab Infrastruktur",
        "DISKOMINFO",
        [(RoleName.INFRASTRUCTURE_OWNER, None, None)],
    ),
    (
        "pimpinan",
        "Drs. Kepala Dinas",
        "DISKOMINFO",
        [(RoleName.PROVIDER_HEAD, "agency", "DISKOMINFO")],
    ),
    # Every other PD staffs its own provider and head, so each procedure can be carried to
    # its end for each demo PD (the lanes Penyedia Layanan and Pimpinan PD are per PD).
    *_pd_staff("BKPSDM", "BKPSDM"),
    *_pd_staff("DISDUKCAPIL", "Disdukcapil"),
    *_pd_staff("DPMPTSP", "DPMPTSP"),
    *_pd_staff("BPKAD", "BPKAD"),
    (
        "petugas.siak",
        "Nur Petugas SIAK",
        "DISDUKCAPIL",
        [(RoleName.SERVICE_ADMINISTRATOR, "service", "SIAK")],
    ),
    (
        "petugas.oss",
        "Fajar Petugas Perizinan",
        "DPMPTSP",
        [(RoleName.SERVICE_ADMINISTRATOR, "service", "OSS-PERIZINAN")],
    ),
    (
        "teknis.sipkd",
        "Wahyu Teknisi SIPKD",
        "BPKAD",
        [(RoleName.INFRASTRUCTURE_ADMINISTRATOR, "service", "SIPKD")],
    ),
    # Polewali's three coordinators (Kepbup Polewali Mandar 685/2021, II.1.a.1 huruf a-b,
    # II.2.1.a), appointed by the Kepala Dinas and reviewing their process kabupaten-wide.
    (
        "koord.servicedesk",
        "Maya Koordinator Service Desk",
        "DISKOMINFO",
        [(RoleName.SERVICE_DESK_COORDINATOR, None, None)],
    ),
    (
        "koord.gangguan",
        "Rudi Koordinator Manajemen Gangguan",
        "DISKOMINFO",
        [(RoleName.INCIDENT_COORDINATOR, None, None)],
    ),
    (
        "koord.masalah",
        "Lina Koordinator Manajemen Masalah",
        "DISKOMINFO",
        [(RoleName.PROBLEM_COORDINATOR, None, None)],
    ),
    ("analis", "Yusuf Analis Proses", "DISKOMINFO", [(RoleName.PROCESS_ANALYST, None, None)]),
    ("admin", "Admin Sistem", "DISKOMINFO", [(RoleName.SYSTEM_ADMINISTRATOR, None, None)]),
]


@dataclass
class DemoSummary:
    """What `load_demo` added (zero everywhere on a second run)."""

    agencies: int = 0
    services: int = 0
    users: int = 0
    assignments: int = 0
    configuration_items: int = 0


def load_demo(
    session: Session, clock: Clock, passwords: Passwords, configuration: bool = True
) -> DemoSummary:
    """Add the demo kabupaten; existing rows are left as they are (idempotent).

    Every demo user has the same password, so it is hashed once (`passwords` sets the cost).
    `configuration` adds the demo CMDB (`app.services.configuration.demo`); the tests'
    common starting state leaves it out, so the many tests that need only the kabupaten
    restore fewer rows.
    """
    summary = DemoSummary()
    known = set(session.scalars(select(Agency.code)))
    for code, name in AGENCIES:
        if code not in known:
            session.add(Agency(code=code, name=name))
            summary.agencies += 1
    session.flush()
    existing = set(session.scalars(select(Service.code)))
    catalog = CatalogService(session, clock)
    for entry in SERVICES:
        if entry["code"] not in existing:
            catalog.save(entry)
            summary.services += 1
    session.flush()
    accounts = AccountService(session, clock, passwords=passwords)
    demo_hash = passwords.hash(DEMO_PASSWORD)
    for username, full_name, agency_code, grants in USERS:
        if session.scalar(select(User.id).where(User.username == username)) is None:
            accounts.create_user(
                username,
                DEMO_PASSWORD,
                full_name,
                f"{username}@demo.go.id",
                agency_code,
                password_hash=demo_hash,
            )
            summary.users += 1
        for role, kind, scope in grants:
            _, created = accounts.grant(
                username,
                role,
                service_code=scope if kind == "service" else None,
                agency_code=scope if kind == "agency" else None,
            )
            summary.assignments += int(created)
    if configuration:
        summary.configuration_items = load_demo_configuration(session, clock)
    return summary


def _file_once(
    instances: InstanceService, model: str, username: str, data: dict[str, Any]
) -> Instance | None:
    """Start `model` as `username` unless it is not deployed or they already filed one."""
    session = instances.session
    user = session.scalar(select(User).where(User.username == username))
    if user is None or session.get(ProcessModel, model) is None:
        return None
    filed = select(Instance.id).where(
        Instance.started_by_id == user.id, Instance.process_model_id == model
    )
    if session.scalar(filed):
        return None
    return instances.start(model, data, user)


def file_samples(instances: InstanceService) -> dict[str, Instance]:
    """File one service request and one complaint, so the demo inboxes, clocks and
    escalations are not empty; the complaint names the SRIKANDI application when the
    demo CMDB holds it, so the item's page and its impact list an open case; and a past
    outage, resolved (`file_past_outage`), so availability has one to explain; and a month
    of capacity measurements on two machines (`load_demo_capacity`); the Kritis services'
    DRP versions and two trainings (`load_demo_continuity`), their yearly DRP tests and
    quarterly verifications scheduled (`load_demo_schedules`). The monitoring report
    (`demo_periodic.file_demo_monitoring`) is filed last, after any history, as it
    computes its availability from every outage of its month.

    Only for procedures that are deployed, and only once per filer, so running
    `spbe demo` again adds nothing. Returns the instances filed now, by kind.
    """
    filed = {
        "request": _file_once(instances, SAMPLE_MODEL, SAMPLE_REQUESTER, SAMPLE_REQUEST),
        "complaint": _file_once(
            instances, SAMPLE_COMPLAINT_MODEL, SAMPLE_REPORTER, SAMPLE_COMPLAINT
        ),
    }
    complaint = filed["complaint"]
    session = instances.session
    item_id = session.scalar(
        select(ConfigurationItem.id).where(
            ConfigurationItem.name_key == name_key(SAMPLE_COMPLAINT_ITEM)
        )
    )
    if complaint is not None and item_id is not None:
        link_items(session, complaint.id, [item_id])
    filed["outage"] = file_past_outage(instances)
    load_demo_capacity(instances)
    load_demo_continuity(session, instances.clock)
    load_demo_schedules(instances)
    return {kind: instance for kind, instance in filed.items() if instance is not None}
