"""Organisation: agencies (Perangkat Daerah), services (Layanan SPBE) and roles."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base

#: The lane that means "the user who started the instance", not a role.
REQUESTER_LANE = "Pemohon"


class RoleName(StrEnum):
    """The roles of the regulation (Bangka Tabel 1, Polewali II.1-2), by their stored name.

    The values are the `role` table's rows (migrations 0001 and 0016) and the names lanes
    use, so a member compares equal to the string in the database and in a diagram.
    """

    #: Files requests and complaints, confirms fulfilment, rates satisfaction.
    SERVICE_USER = "Pengguna Layanan"
    #: Staff of the provider PD: escalation tickets, monitoring, approvals.
    SERVICE_PROVIDER = "Penyedia Layanan"
    #: The service desk: classifies, prioritises, handles; escalation level 1.
    SERVICE_ADMINISTRATOR = "Administrator Layanan"
    #: The technical team: handles what level 1 cannot.
    INFRASTRUCTURE_ADMINISTRATOR = "Administrator Infrastruktur dan Aplikasi"
    #: The service owner: approves; escalation level 2.
    SERVICE_OWNER = "Penanggung Jawab Penyedia Layanan"
    #: The head of infrastructure and applications; escalation level 2.
    INFRASTRUCTURE_OWNER = "Penanggung Jawab Infrastruktur dan Aplikasi"
    #: The head of the provider PD; escalation level 3.
    PROVIDER_HEAD = "Pimpinan PD Penyedia Layanan"
    #: Reviews the service desk's efficiency and effectiveness (Polewali II.1.a.1 huruf a).
    SERVICE_DESK_COORDINATOR = "Koordinator Service Desk"
    #: Reviews incident management's efficiency and effectiveness (Polewali II.1.a.1 huruf b).
    INCIDENT_COORDINATOR = "Koordinator Manajemen Gangguan"
    #: Reviews the efficiency and effectiveness of problem control (Polewali II.2.1.a).
    PROBLEM_COORDINATOR = "Koordinator Manajemen Masalah"
    #: Edits and deploys BPMN diagrams and forms.
    PROCESS_ANALYST = "Analis Proses"
    #: Users, role assignments, agencies, reference tables.
    SYSTEM_ADMINISTRATOR = "Admin Sistem"


class Role(Base):
    """A role from the regulation (Bangka Tabel 1); lanes name roles by `name`."""

    __tablename__ = "role"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    description: Mapped[str] = mapped_column(Text, default="")


class Agency(Base):
    """A Perangkat Daerah (PD): the provider of services and the scope of most roles."""

    __tablename__ = "agency"
    __table_args__ = (
        CheckConstraint(
            "escalation_warning_percent BETWEEN 1 AND 99", name="escalation_warning_percent"
        ),
        CheckConstraint("recurring_complaints BETWEEN 2 AND 100", name="recurring_complaints"),
        CheckConstraint("recurrence_window_days BETWEEN 1 AND 366", name="recurrence_window_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Jakarta")
    #: Which SLA scheme the PD adopted: "prioritas" (Tabel 2-4) or "urgensi" (Tabel 11-14)
    sla_scheme: Mapped[str] = mapped_column(String(20), default="prioritas")
    #: How far into a target (percent) SLA escalation warns before the deadline passes
    escalation_warning_percent: Mapped[int] = mapped_column(default=75, server_default="75")
    #: How many complaints about one service within `recurrence_window_days` open a problem
    #: (a product addition: the regulation asks only for a periodic review, Bangka Tabel 7)
    recurring_complaints: Mapped[int] = mapped_column(default=3, server_default="3")
    #: The days back that `recurring_complaints` counts
    recurrence_window_days: Mapped[int] = mapped_column(default=30, server_default="30")

    services: Mapped[list[Service]] = relationship(back_populates="agency")


class Service(Base):
    """A Layanan SPBE in the catalog (Perbup Bangka 21/2025, 2.1.1.2).

    An instance's scope is its service and that service's PD. Its administrators are
    not columns: they are the holders of the service-scoped roles.
    """

    __tablename__ = "service"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    group: Mapped[str] = mapped_column(String(40))  # "Administrasi Pemerintahan" | "Publik"
    classification: Mapped[str] = mapped_column(String(20))  # Kritis | Esensial | Normal
    description: Mapped[str] = mapped_column(Text, default="")
    access_method: Mapped[str] = mapped_column(Text, default="")  # cara akses
    availability_target: Mapped[float | None] = mapped_column(Float)  # target, percent
    help_contact: Mapped[str] = mapped_column(String(200), default="")  # kontak bantuan
    support_hours: Mapped[str] = mapped_column(String(20), default="kalender")  # 24x7|kalender
    #: the response and resolution figures the service agreed itself, by priority or
    #: urgency (`app.sla.service_targets`); None or a missing level: the reference tables
    targets: Mapped[dict[str, Any] | None]
    availability: Mapped[str] = mapped_column(Text, default="")  # ketersediaan
    #: fungsi kerja vital (Kepbup Polewali Mandar 685/2021, III.4.a.1): what must keep working
    vital_business_functions: Mapped[str] = mapped_column(Text, default="", server_default="")
    rpo_minutes: Mapped[int | None]
    rto_minutes: Mapped[int | None]
    drp_reference: Mapped[str | None] = mapped_column(String(200))

    agency: Mapped[Agency] = relationship(back_populates="services")
    request_types: Mapped[list[RequestType]] = relationship(
        back_populates="service", order_by="RequestType.code"
    )


class RequestType(Base):
    """A kind of request users may file for a service, and whether it needs approval."""

    __tablename__ = "request_type"
    __table_args__ = (UniqueConstraint("service_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    needs_approval: Mapped[bool] = mapped_column(default=False)
    fulfilment_hours: Mapped[int | None]  # target pemenuhan

    service: Mapped[Service] = relationship(back_populates="request_types")
