"""the CMDB: configuration items, their types, relations, licences and history

Kepbup Polewali Mandar 685/2021, II.3 asks for configuration management: items defined
without duplicates, related, named by a standard and labelled (b.1, b.2, b.4, b.5),
registered with their attributes, licences and retention (c.1, c.4, c.5), and their status
kept with its history (d). Until now complaints, problems and changes named components as
free text (issue 14, item 1).

The item types are an editable list, seeded here with the kinds the issue names; each
carries the JSON Schema of its attributes, the attributes that identify an item, and a
naming standard (a prefix per type) that an administrator may change. New tables only, so
the previous release of the code runs unchanged on the upgraded schema.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 17:00:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def _text(max_length: int = 200, **extra: object) -> dict[str, object]:
    return {"type": "string", "maxLength": max_length, **extra}


_SIZE = {
    "cpu_cores": {"type": "integer", "minimum": 1, "maximum": 100000, "title": "CPU (inti)"},
    "ram_gb": {"type": "number", "minimum": 0, "maximum": 1000000, "title": "RAM (GB)"},
    "storage_gb": {
        "type": "number",
        "minimum": 0,
        "maximum": 1000000000,
        "title": "Penyimpanan (GB)",
    },
}


def _schema(properties: dict[str, object]) -> dict[str, object]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }


def _pattern(prefix: str) -> str:
    """The seeded naming standard: the type's prefix, then upper-case words joined by '-'."""
    return f"^{prefix}-[A-Z0-9]+(-[A-Z0-9]+)*$"


# code, name, name_en, prefix, example, identifying attributes, holds licences, properties
TYPES = [
    (
        "application",
        "Aplikasi",
        "Application",
        "APP",
        "APP-SIMPEG",
        ["url"],
        False,
        {
            "url": _text(500, format="uri", title="Alamat (URL)"),
            "version": _text(50, title="Versi"),
            "vendor": _text(title="Pengembang / vendor"),
            "platform": _text(100, title="Platform (web, seluler, desktop)"),
        },
    ),
    (
        "server",
        "Server fisik",
        "Physical server",
        "SRV",
        "SRV-DC1-01",
        ["serial_number"],
        False,
        {
            "hostname": _text(253, title="Nama host"),
            "ip_address": _text(45, title="Alamat IP"),
            "serial_number": _text(100, title="Nomor seri"),
            "manufacturer": _text(title="Pabrikan"),
            "model": _text(title="Model"),
            "operating_system": _text(title="Sistem operasi"),
            **_SIZE,
        },
    ),
    (
        "virtual_machine",
        "Mesin virtual",
        "Virtual machine",
        "VM",
        "VM-SIMPEG-APP01",
        ["hostname"],
        False,
        {
            "hostname": _text(253, title="Nama host"),
            "ip_address": _text(45, title="Alamat IP"),
            "operating_system": _text(title="Sistem operasi"),
            **_SIZE,
        },
    ),
    (
        "database",
        "Basis data",
        "Database",
        "DB",
        "DB-SIMPEG",
        ["host", "port", "database_name"],
        False,
        {
            "engine": _text(100, title="Perangkat lunak (PostgreSQL, MySQL...)"),
            "version": _text(50, title="Versi"),
            "host": _text(253, title="Host"),
            "port": {"type": "integer", "minimum": 1, "maximum": 65535, "title": "Port"},
            "database_name": _text(100, title="Nama basis data"),
        },
    ),
    (
        "network_device",
        "Perangkat jaringan",
        "Network device",
        "NET",
        "NET-CORE-SW01",
        ["serial_number"],
        False,
        {
            "kind": {
                "type": "string",
                "enum": ["router", "switch", "firewall", "access_point", "other"],
                "title": "Jenis perangkat",
            },
            "manufacturer": _text(title="Pabrikan"),
            "model": _text(title="Model"),
            "serial_number": _text(100, title="Nomor seri"),
            "ip_address": _text(45, title="Alamat IP"),
        },
    ),
    (
        "link",
        "Jaringan dan bandwidth",
        "Link and bandwidth",
        "LNK",
        "LNK-ISP1-DISKOMINFO",
        ["provider", "circuit_id"],
        False,
        {
            "provider": _text(title="Penyedia jasa"),
            "circuit_id": _text(100, title="Nomor sirkuit / pelanggan"),
            "bandwidth_mbps": {
                "type": "number",
                "minimum": 0,
                "maximum": 10000000,
                "title": "Bandwidth (Mbps)",
            },
            "kind": {
                "type": "string",
                "enum": ["internet", "intranet", "vpn", "other"],
                "title": "Jenis jaringan",
            },
        },
    ),
    (
        "data_centre",
        "Pusat data",
        "Data centre",
        "DC",
        "DC-DISKOMINFO",
        [],
        False,
        {
            "address": _text(500, title="Alamat"),
            "tier": _text(20, title="Tier"),
            "kind": {
                "type": "string",
                "enum": ["own", "colocation", "cloud"],
                "title": "Milik sendiri, kolokasi atau cloud",
            },
        },
    ),
    (
        "licence",
        "Lisensi",
        "Licence",
        "LIC",
        "LIC-MSOFFICE-2026",
        ["vendor", "agreement_number"],
        True,
        {
            "product": _text(title="Produk"),
            "vendor": _text(title="Vendor"),
            "agreement_number": _text(100, title="Nomor perjanjian"),
            "licence_kind": _text(100, title="Jenis lisensi (langganan, perpetual...)"),
        },
    ),
    (
        "document",
        "Dokumen",
        "Document",
        "DOC",
        "DOC-DRP-SIMPEG",
        ["number"],
        False,
        {
            "number": _text(100, title="Nomor dokumen"),
            "version": _text(50, title="Versi"),
            "issued_on": {"type": "string", "format": "date", "title": "Tanggal terbit"},
            "url": _text(500, format="uri", title="Tautan"),
        },
    ),
]


def _seed() -> None:
    table = sa.table(
        "configuration_item_type",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("name_en", sa.String),
        sa.column("description", sa.Text),
        sa.column("attribute_schema", sa.JSON),
        sa.column("identifying_attributes", sa.JSON),
        sa.column("naming_pattern", sa.String),
        sa.column("naming_example", sa.String),
        sa.column("holds_licences", sa.Boolean),
    )
    op.bulk_insert(
        table,
        [
            {
                "code": code,
                "name": name,
                "name_en": name_en,
                "description": "",
                "attribute_schema": _schema(properties),
                "identifying_attributes": identifying,
                "naming_pattern": _pattern(prefix),
                "naming_example": example,
                "holds_licences": licences,
            }
            for code, name, name_en, prefix, example, identifying, licences, properties in TYPES
        ],
    )


def upgrade() -> None:
    op.create_table(
        "configuration_item_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("attribute_schema", sa.JSON(), nullable=False),
        sa.Column("identifying_attributes", sa.JSON(), nullable=False),
        sa.Column("naming_pattern", sa.String(length=200), nullable=True),
        sa.Column("naming_example", sa.String(length=200), nullable=False),
        sa.Column("holds_licences", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configuration_item_type")),
        sa.UniqueConstraint("code", name=op.f("uq_configuration_item_type_code")),
    )
    op.create_table(
        "configuration_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("identity", sa.String(length=64), nullable=True),
        sa.Column("retain_until", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'active', 'maintenance', 'retired')",
            name=op.f("ck_configuration_item_status"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_configuration_item_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["type_id"],
            ["configuration_item_type.id"],
            name=op.f("fk_configuration_item_type_id_configuration_item_type"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configuration_item")),
        sa.UniqueConstraint("name_key", name=op.f("uq_configuration_item_name_key")),
        sa.UniqueConstraint("type_id", "identity", name="uq_configuration_item_identity"),
    )
    op.create_index("ix_configuration_item_agency_id", "configuration_item", ["agency_id"])
    op.create_index(
        "ix_configuration_item_type_status", "configuration_item", ["type_id", "status"]
    )

    op.create_table(
        "configuration_item_administrator",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["configuration_item.id"],
            name=op.f("fk_configuration_item_administrator_item_id_configuration_item"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_configuration_item_administrator_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint(
            "item_id", "user_id", name=op.f("pk_configuration_item_administrator")
        ),
    )
    op.create_index(
        "ix_configuration_item_administrator_user_id",
        "configuration_item_administrator",
        ["user_id"],
    )

    op.create_table(
        "configuration_item_label",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["configuration_item.id"],
            name=op.f("fk_configuration_item_label_item_id_configuration_item"),
        ),
        sa.PrimaryKeyConstraint("item_id", "label", name=op.f("pk_configuration_item_label")),
    )
    op.create_index("ix_configuration_item_label_label", "configuration_item_label", ["label"])

    op.create_table(
        "configuration_item_service",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["configuration_item.id"],
            name=op.f("fk_configuration_item_service_item_id_configuration_item"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_configuration_item_service_service_id_service"),
        ),
        sa.PrimaryKeyConstraint(
            "item_id", "service_id", name=op.f("pk_configuration_item_service")
        ),
    )
    op.create_index(
        "ix_configuration_item_service_service_id", "configuration_item_service", ["service_id"]
    )

    op.create_table(
        "configuration_licence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.CheckConstraint("seats >= 0", name=op.f("ck_configuration_licence_seats")),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["configuration_item.id"],
            name=op.f("fk_configuration_licence_item_id_configuration_item"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configuration_licence")),
    )
    op.create_index("ix_configuration_licence_expires_on", "configuration_licence", ["expires_on"])
    op.create_index("ix_configuration_licence_item_id", "configuration_licence", ["item_id"])

    op.create_table(
        "configuration_relation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "type IN ('runs_on', 'depends_on', 'connects_to', 'hosts', 'uses_licence')",
            name=op.f("ck_configuration_relation_type"),
        ),
        sa.CheckConstraint(
            "source_id <> target_id", name=op.f("ck_configuration_relation_not_itself")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_configuration_relation_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["configuration_item.id"],
            name=op.f("fk_configuration_relation_source_id_configuration_item"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["configuration_item.id"],
            name=op.f("fk_configuration_relation_target_id_configuration_item"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configuration_relation")),
        sa.UniqueConstraint("source_id", "target_id", "type", name="uq_configuration_relation"),
    )
    op.create_index(
        "ix_configuration_relation_target", "configuration_relation", ["target_id", "type"]
    )

    op.create_table(
        "configuration_relation_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("relation_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["configuration_item.id"],
            name=op.f("fk_configuration_relation_history_source_id_configuration_item"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["configuration_item.id"],
            name=op.f("fk_configuration_relation_history_target_id_configuration_item"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_configuration_relation_history_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configuration_relation_history")),
    )
    op.create_index(
        "ix_configuration_relation_history_source",
        "configuration_relation_history",
        ["source_id", "id"],
    )
    op.create_index(
        "ix_configuration_relation_history_target",
        "configuration_relation_history",
        ["target_id", "id"],
    )

    op.create_table(
        "configuration_item_case",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instance.id"],
            name=op.f("fk_configuration_item_case_instance_id_process_instance"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["configuration_item.id"],
            name=op.f("fk_configuration_item_case_item_id_configuration_item"),
        ),
        sa.PrimaryKeyConstraint("instance_id", "item_id", name=op.f("pk_configuration_item_case")),
    )
    op.create_index("ix_configuration_item_case_item_id", "configuration_item_case", ["item_id"])

    op.create_table(
        "configuration_item_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("source_instance_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["configuration_item.id"],
            name=op.f("fk_configuration_item_history_item_id_configuration_item"),
        ),
        sa.ForeignKeyConstraint(
            ["source_instance_id"],
            ["process_instance.id"],
            name=op.f("fk_configuration_item_history_source_instance_id_process_instance"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_configuration_item_history_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configuration_item_history")),
    )
    op.create_index(
        "ix_configuration_item_history_item", "configuration_item_history", ["item_id", "id"]
    )
    _seed()


def downgrade() -> None:
    op.drop_table("configuration_item_history")
    op.drop_table("configuration_item_case")
    op.drop_table("configuration_relation_history")
    op.drop_table("configuration_relation")
    op.drop_table("configuration_licence")
    op.drop_table("configuration_item_service")
    op.drop_table("configuration_item_label")
    op.drop_table("configuration_item_administrator")
    op.drop_table("configuration_item")
    op.drop_table("configuration_item_type")
