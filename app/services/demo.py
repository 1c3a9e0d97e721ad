"""Demo data: a small kabupaten with one user per role (demo mode only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.models import Agency, Instance, ProcessModel, RequestType, Service, User
from app.services.accounts import AccountService
from app.services.context import Platform
from app.services.instances import InstanceService

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

AGENCIES = [
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika"),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
    ("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah"),
]

# code, name, agency, group, classification, request types (code, name, needs approval)
SERVICES = [
    (
        "SIMPEG",
        "Sistem Informasi Manajemen Kepegawaian",
        "BKPSDM",
        "Administrasi Pemerintahan",
        "Esensial",
        [("AKUN-BARU", "Pembuatan akun baru", True), ("RESET-SANDI", "Reset kata sandi", False)],
    ),
    (
        "EMAIL",
        "Surat Elektronik Pemerintah Daerah",
        "DISKOMINFO",
        "Administrasi Pemerintahan",
        "Kritis",
        [("AKUN-BARU", "Pembuatan akun surel", True), ("KUOTA", "Penambahan kuota", False)],
    ),
    (
        "JARINGAN",
        "Jaringan Intra Pemerintah",
        "DISKOMINFO",
        "Administrasi Pemerintahan",
        "Normal",
        [("SAMBUNGAN", "Sambungan jaringan baru", True), ("WIFI", "Akses Wi-Fi", False)],
    ),
    (
        "SIAK",
        "Sistem Informasi Administrasi Kependudukan",
        "DISDUKCAPIL",
        "Publik",
        "Kritis",
        [("AKSES-DATA", "Hak akses data kependudukan", True)],
    ),
    (
        "OSS-PERIZINAN",
        "Perizinan Berusaha Daerah",
        "DPMPTSP",
        "Publik",
        "Esensial",
        [("AKUN-PELAKU", "Akun pelaku usaha", False), ("DATA", "Perbaikan data izin", True)],
    ),
    (
        "PPID",
        "Portal Informasi Publik",
        "DISKOMINFO",
        "Publik",
        "Normal",
        [("KONTEN", "Publikasi konten", False)],
    ),
    (
        "SIPKD",
        "Sistem Informasi Pengelolaan Keuangan Daerah",
        "BPKAD",
        "Administrasi Pemerintahan",
        "Kritis",
        [("AKUN-BARU", "Akun pengguna baru", True), ("LAPORAN", "Laporan khusus", False)],
    ),
]

# username, full name, agency, [(role, scope kind, scope code)]
USERS = [
    ("pengguna", "Siti Pengguna", "BKPSDM", [("Pengguna Layanan", None, None)]),
    ("penyedia", "Budi Penyedia", "DISKOMINFO", [("Penyedia Layanan", "agency", "DISKOMINFO")]),
    (
        "admin.layanan",
        "Rina Administrator Layanan",
        "DISKOMINFO",
        [("Administrator Layanan", None, None)],
    ),
    ("pelaksana", "Joko Pelaksana Layanan", "DISKOMINFO", [("Administrator Layanan", None, None)]),
    (
        "admin.infra",
        "Agus Administrator Infrastruktur",
        "DISKOMINFO",
        [("Administrator Infrastruktur dan Aplikasi", None, None)],
    ),
    (
        "pj.layanan",
        "Dewi Penanggung Jawab Layanan",
        "DISKOMINFO",
        [("Penanggung Jawab Penyedia Layanan", None, None)],
    ),
    (
        "pj.infra",
        "Hendra Penanggung Jawab Infrastruktur",
        "DISKOMINFO",
        [("Penanggung Jawab Infrastruktur dan Aplikasi", None, None)],
    ),
    (
        "pimpinan",
        "Drs. Kepala Dinas",
        "DISKOMINFO",
        [("Pimpinan PD Penyedia Layanan", "agency", "DISKOMINFO")],
    ),
    ("analis", "Yusuf Analis Proses", "DISKOMINFO", [("Analis Proses", None, None)]),
    ("admin", "Admin Sistem", "DISKOMINFO", [("Admin Sistem", None, None)]),
]


@dataclass
class DemoSummary:
    """What `load_demo` added (zero everywhere on a second run)."""

    agencies: int = 0
    services: int = 0
    users: int = 0
    assignments: int = 0


def load_demo(session: Session, clock: Clock) -> DemoSummary:
    """Add the demo kabupaten; existing rows are left as they are (idempotent)."""
    summary = DemoSummary()
    agencies: dict[str, Agency] = {}
    for code, name in AGENCIES:
        agency = session.scalar(select(Agency).where(Agency.code == code))
        if agency is None:
            agency = Agency(code=code, name=name)
            session.add(agency)
            summary.agencies += 1
        agencies[code] = agency
    session.flush()
    for code, name, agency_code, group, classification, types in SERVICES:
        service = session.scalar(select(Service).where(Service.code == code))
        if service is None:
            service = Service(
                code=code,
                name=name,
                agency_id=agencies[agency_code].id,
                group=group,
                classification=classification,
            )
            session.add(service)
            session.flush()
            summary.services += 1
            for type_code, type_name, approval in types:
                session.add(
                    RequestType(
                        service_id=service.id,
                        code=type_code,
                        name=type_name,
                        needs_approval=approval,
                    )
                )
    session.flush()
    accounts = AccountService(session, clock)
    for username, full_name, agency_code, grants in USERS:
        if session.scalar(select(User.id).where(User.username == username)) is None:
            accounts.create_user(
                username, DEMO_PASSWORD, full_name, f"{username}@demo.go.id", agency_code
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
    return summary


def file_sample_request(session: Session, platform: Platform) -> Instance | None:
    """File one service request as the demo requester, so the demo inbox is not empty.

    Only when the service-request procedure is deployed and the requester has filed
    nothing yet (so running `spbe demo` again adds nothing).
    """
    requester = session.scalar(select(User).where(User.username == SAMPLE_REQUESTER))
    if requester is None or session.get(ProcessModel, SAMPLE_MODEL) is None:
        return None
    if session.scalar(select(Instance.id).where(Instance.started_by_id == requester.id)):
        return None
    return InstanceService(session, platform).start(SAMPLE_MODEL, SAMPLE_REQUEST, requester)
