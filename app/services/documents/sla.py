"""A service's SLA document, generated from its records and kept version by version
(Kepbup Polewali Mandar 685/2021, III.1.b; the "Contoh isi Dokumen SLA" of Perbup Bangka
21/2025, Tabel 11-14; issue 15, items 1 and 7).

The document says what the provider promises for one service: who provides it, when it is
supported, its availability target, the response and resolution targets by priority (or
by urgency, for a PD on the example's scheme), each request type's fulfilment target, who
handles each escalation level and whom to contact. Every figure is read from the records
the SLA clocks read, so the document cannot promise what the clocks do not apply.

Reading the document generates it only when those data changed: the data are hashed
(canonical JSON, SHA-256) and a new version is stored only when the hash differs from the
newest version's. A version keeps its PDF and its data, so an old one reads as issued.
Whoever holds a role may read them (`READ_SERVICE_DOCUMENTS`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.clock import Clock
from app.errors import NotFound
from app.models import Agency, RoleAssignment, RoleName, Service, SlaDocument, User
from app.services.accounts.permissions import READ_SERVICE_DOCUMENTS, require
from app.services.deadlines.calendars import scope_calendar
from app.services.deadlines.reference_tables import PRIORITY_TABLE, ReferenceService
from app.services.deadlines.service_targets import (
    URGENCY_SCHEME,
    ServiceLevels,
    service_level_targets,
)
from app.services.documents.formatting import (
    indonesian_datetime,
    indonesian_number,
    indonesian_percent,
)
from app.services.documents.letterhead import letterhead_of
from app.services.documents.pdf import Document, Paragraph, Section, Table, render_pdf
from app.sla.matrix import priority
from app.sla.stopwatch import Target

TITLE = "Perjanjian Tingkat Layanan (Service Level Agreement)"
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
#: The roles a reader may contact about the service, in escalation order (Tabel 14), held
#: for the service itself or for its PD.
CONTACT_ROLES = (
    RoleName.SERVICE_ADMINISTRATOR,
    RoleName.INFRASTRUCTURE_ADMINISTRATOR,
    RoleName.SERVICE_OWNER,
    RoleName.INFRASTRUCTURE_OWNER,
    RoleName.PROVIDER_HEAD,
)


# --- the service's targets: read in this one place ---------------------------------------


def _targets_in_force(
    session: Session, tables: ReferenceService, service: Service
) -> ServiceLevels:
    """The targets the SLA clocks apply to `service`, level by level: the one read of
    targets in this module, through the one function the clocks read them by."""
    return service_level_targets(session, tables, service)


# --- the data a version is generated from ------------------------------------------------


def _minutes(target: Target) -> int | None:
    return None if target.duration is None else int(target.duration.total_seconds() // 60)


def _target_data(target: Target) -> dict[str, Any]:
    return {
        "minutes": _minutes(target),
        "next_working_day": target.end_of_next_working_day,
        "basis": target.basis,
    }


def _office_hours(session: Session, clock: Clock, service: Service) -> list[list[str]]:
    """Each open day of the service's working calendar with its hours ("07.30-16.00")."""
    calendar = scope_calendar(session, service.id, service.agency_id, clock.now())
    return [
        [day, ", ".join(f"{a:%H.%M}-{b:%H.%M}" for a, b in intervals)]
        for day, intervals in zip(DAYS, calendar.office_hours, strict=True)
        if intervals
    ]


def _contacts(session: Session, service: Service) -> list[dict[str, str]]:
    """The active people holding a contact role for the service or for its PD."""
    rows = session.execute(
        select(RoleAssignment.role, User.full_name, User.username)
        .join(User, User.id == RoleAssignment.user_id)
        .where(
            User.active.is_(True),
            RoleAssignment.role.in_(CONTACT_ROLES),
            or_(
                RoleAssignment.service_id == service.id,
                (RoleAssignment.agency_id == service.agency_id)
                & RoleAssignment.service_id.is_(None),
            ),
        )
    )
    order = {role.value: index for index, role in enumerate(CONTACT_ROLES)}
    people = {(role, full_name or username) for role, full_name, username in rows}
    return [
        {"role": role, "name": name}
        for role, name in sorted(people, key=lambda p: (order[p[0]], p[1]))
    ]


def sla_data(session: Session, clock: Clock, service: Service) -> dict[str, Any]:
    """Everything the SLA document of `service` says, as plain JSON-ready values.

    Two readings give equal data exactly when the document would say the same, so their
    hash decides whether a new version is due: nothing here depends on the day it is read.
    """
    tables = ReferenceService(session, clock)
    targets = _targets_in_force(session, tables, service)
    scheme = tables.table("skema-urgensi")
    data: dict[str, Any] = {
        "service": {
            "code": service.code,
            "name": service.name,
            "group": service.group,
            "classification": service.classification,
            "description": service.description,
            "access_method": service.access_method,
            "vital_business_functions": service.vital_business_functions,
            "rpo_minutes": service.rpo_minutes,
            "rto_minutes": service.rto_minutes,
            "drp_reference": service.drp_reference,
        },
        "agency": {"code": service.agency.code, "name": service.agency.name},
        "time_zone": service.agency.timezone,
        "support_hours": service.support_hours,
        "office_hours": []
        if service.support_hours == "24x7"
        else _office_hours(session, clock, service),
        "availability_target": service.availability_target,
        "scheme": targets.scheme,
        "levels": [
            {
                "level": row.level,
                "response": _target_data(row.response),
                "resolution": _target_data(row.resolution),
            }
            for row in targets.levels
        ],
        "response_rules": list(targets.response_rules),
        "fulfilment": [
            {"code": f.code, "name": f.name, "target": _target_data(f.target)}
            for f in targets.fulfilment
        ],
        "escalation": [{"level": e.level, "roles": list(e.roles)} for e in scheme.escalation],
        "help_contact": service.help_contact,
        "contacts": _contacts(session, service),
    }
    if targets.scheme != URGENCY_SCHEME:
        matrix = tables.table(PRIORITY_TABLE)
        data["priorities"] = {
            impact: priority(impact, service.group, service.classification, matrix).value
            for impact in ("Mayor", "Minor")
        }
    return data


def data_hash(data: dict[str, Any]) -> str:
    """SHA-256 of `data` as canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- the document -------------------------------------------------------------------------


def _duration(minutes: int | None) -> str:
    if minutes is None:
        return "-"
    if minutes < 120 and minutes % 60:
        return f"{indonesian_number(minutes)} menit"
    return f"{indonesian_number(minutes / 60)} jam"


def _target_text(target: dict[str, Any]) -> str:
    if target["next_working_day"]:
        return "hari kerja berikutnya"
    if target["minutes"] is None:
        return "tidak diatur"
    return _duration(target["minutes"])


def _identity(data: dict[str, Any]) -> Section:
    service = data["service"]
    rows = [
        ("Nama layanan", service["name"]),
        ("Kode layanan", service["code"]),
        ("Perangkat Daerah penyedia", data["agency"]["name"]),
        ("Kelompok layanan", f"Layanan {service['group']}"),
        ("Klasifikasi", service["classification"]),
        ("Deskripsi", service["description"] or "-"),
        ("Cara akses", service["access_method"] or "-"),
    ]
    if service["vital_business_functions"]:
        rows.append(("Fungsi kerja vital", service["vital_business_functions"]))
    return Section("Identitas layanan", (Table(tuple(rows), widths=(0.32, 0.68)),))


def _hours_and_availability(data: dict[str, Any]) -> Section:
    if data["support_hours"] == "24x7":
        hours = "24 jam sehari, 7 hari seminggu (24x7)."
    else:
        days = "; ".join(f"{day} {hours}" for day, hours in data["office_hours"])
        hours = (
            f"Jam kerja Perangkat Daerah ({days}), di luar hari libur nasional, cuti "
            "bersama dan hari libur daerah. Waktu target dihitung dalam jam kerja."
        )
    target = data["availability_target"]
    rows = [
        ("Waktu layanan bantuan", hours),
        ("Target ketersediaan", indonesian_percent(target) if target is not None else "-"),
    ]
    service = data["service"]
    if service["rto_minutes"] is not None:
        rows.append(("RTO (waktu pemulihan)", _duration(service["rto_minutes"])))
    if service["rpo_minutes"] is not None:
        rows.append(("RPO (titik pemulihan data)", _duration(service["rpo_minutes"])))
    if service["drp_reference"]:
        rows.append(("Dokumen DRP", service["drp_reference"]))
    return Section("Waktu layanan dan ketersediaan", (Table(tuple(rows), widths=(0.32, 0.68)),))


def _complaints(data: dict[str, Any]) -> Section:
    blocks: list[Paragraph | Table] = []
    if data["scheme"] == URGENCY_SCHEME:
        blocks.append(
            Paragraph(
                "Setiap kendala diklasifikasikan menurut tingkat urgensinya (Tabel 11); "
                "kecepatan respon mengikuti ketentuan berikut (Tabel 12):\n"
                + "\n".join(f"- {rule}" for rule in data["response_rules"])
            )
        )
    else:
        blocks.append(
            Paragraph(
                "Prioritas aduan ditetapkan dari dampak, kelompok dan klasifikasi layanan "
                f"(Tabel 3): untuk layanan ini dampak Mayor menjadi "
                f"{data['priorities']['Mayor']} dan dampak Minor menjadi "
                f"{data['priorities']['Minor']}. Target respons dihitung sejak aduan "
                "dilaporkan hingga respons pertama; target penyelesaian hingga pelapor "
                "mengonfirmasi penyelesaian."
            )
        )
    blocks.append(
        Table(
            tuple(
                (
                    row["level"],
                    _target_text(row["response"]),
                    _target_text(row["resolution"]),
                    f"{row['response']['basis']}; {row['resolution']['basis']}",
                )
                for row in data["levels"]
            ),
            header=("Tingkat", "Target respons", "Target penyelesaian", "Dasar"),
            widths=(0.14, 0.2, 0.22, 0.44),
        )
    )
    return Section("Target respons dan penyelesaian aduan", tuple(blocks))


def _requests(data: dict[str, Any]) -> Section:
    if not data["fulfilment"]:
        return Section(
            "Target pemenuhan permintaan",
            (Paragraph("Layanan ini belum memiliki jenis permintaan di katalog."),),
        )
    rows = tuple((f["code"], f["name"], _target_text(f["target"])) for f in data["fulfilment"])
    return Section(
        "Target pemenuhan permintaan",
        (
            Table(
                rows,
                header=("Kode", "Jenis permintaan", "Target pemenuhan"),
                widths=(0.22, 0.5, 0.28),
            ),
        ),
    )


def _support(data: dict[str, Any]) -> Section:
    levels = tuple(
        (f"Eskalasi level {e['level']}", " dibantu ".join(e["roles"])) for e in data["escalation"]
    )
    blocks: list[Paragraph | Table] = [
        Paragraph(
            "Kendala ditangani Administrator Layanan; yang tidak dapat diselesaikan "
            "dieskalasikan sebagai berikut (Tabel 14):"
        ),
        Table(levels, widths=(0.32, 0.68)),
    ]
    contacts: list[tuple[str, str]] = [("Kontak bantuan", data["help_contact"] or "-")]
    contacts += [(person["role"], person["name"]) for person in data["contacts"]]
    blocks.append(Table(tuple(contacts), header=("Peran", "Nama / kontak"), widths=(0.45, 0.55)))
    return Section("Dukungan layanan dan kontak", tuple(blocks))


def _document(row: SlaDocument, agency: Agency) -> Document:
    """The document of one version, laid out from its data."""
    data, service = row.data, row.data["service"]
    zone = ZoneInfo(data["time_zone"])
    issued = indonesian_datetime(row.generated_at, data["time_zone"])
    return Document(
        title=TITLE,
        letterhead=letterhead_of(agency),
        issued_on=row.generated_at.astimezone(zone).date(),
        subtitle=f"{service['name']} ({service['code']}) · versi {row.version}",
        footer=f"SLA {service['code']} versi {row.version} · diterbitkan {issued}",
        author=data["agency"]["name"],
        sections=(
            _identity(data),
            _hours_and_availability(data),
            _complaints(data),
            _requests(data),
            _support(data),
        ),
    )


# --- versions -----------------------------------------------------------------------------


class SlaDocumentService:
    """The SLA documents of the catalog's services, newest generated on reading."""

    def __init__(self, session: Session, clock: Clock, actor: User | None) -> None:
        self.session = session
        self.clock = clock
        self.actor = actor

    def _service(self, code: str) -> Service:
        require(self.session, self.actor, READ_SERVICE_DOCUMENTS)
        service = self.session.scalar(select(Service).where(Service.code == code))
        if service is None:
            raise NotFound(f"Layanan '{code}' tidak ada / no service '{code}'")
        return service

    def _newest(self, service: Service) -> SlaDocument | None:
        return self.session.scalar(
            select(SlaDocument)
            .where(SlaDocument.service_id == service.id)
            .order_by(SlaDocument.version.desc())
            .limit(1)
        )

    def current(self, code: str) -> SlaDocument:
        """The newest version of the service's SLA document, generated first when the
        service's data differ from those of the newest version (or there is none).

        The caller commits. Two readers generating the same version at once: the second
        one's insert fails on the unique version, and it returns the first one's.

        Raises:
            NotPermitted: the actor holds no role.
            NotFound: no such service.
        """
        service = self._service(code)
        data = sla_data(self.session, self.clock, service)
        digest = data_hash(data)
        newest = self._newest(service)
        if newest is not None and newest.data_hash == digest:
            return newest
        row = SlaDocument(
            service_id=service.id,
            version=(newest.version if newest else 0) + 1,
            generated_at=self.clock.now(),
            generated_by_id=self.actor.id if self.actor else None,
            data_hash=digest,
            data=data,
        )
        row.content = render_pdf(_document(row, service.agency))
        row.size = len(row.content)
        try:
            with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            return self._newest(service) or row
        return row

    def version(self, code: str, number: int) -> SlaDocument:
        """One stored version of the service's SLA document.

        Raises:
            NotPermitted: the actor holds no role.
            NotFound: no such service, or no such version.
        """
        service = self._service(code)
        row = self.session.scalar(
            select(SlaDocument).where(
                SlaDocument.service_id == service.id, SlaDocument.version == number
            )
        )
        if row is None:
            raise NotFound(f"Dokumen SLA versi {number} tidak ada / no such SLA version")
        return row

    def read(self, code: str, number: int | None) -> tuple[SlaDocument, str]:
        """Version `number` (None: `current`, generating it if due) and its file name: what
        the API and the catalog page serve alike.

        Raises:
            NotFound: no such service, or no such version.
        """
        row = self.current(code) if number is None else self.version(code, number)
        return row, f"SLA-{code}-versi-{row.version}.pdf"

    def versions(self, code: str, page: int, per_page: int) -> tuple[list[SlaDocument], int]:
        """The stored versions, newest first, one page of them, and their count (listing
        generates nothing: `current` does).

        Raises:
            NotPermitted: the actor holds no role.
            NotFound: no such service.
        """
        service = self._service(code)
        where = SlaDocument.service_id == service.id
        total = self.session.scalar(select(func.count()).select_from(SlaDocument).where(where))
        rows = self.session.scalars(
            select(SlaDocument)
            .where(where)
            .order_by(SlaDocument.version.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        return list(rows), int(total or 0)
