"""The CMDB: configuration items, their types, relations, licences and history.

Kepbup Polewali Mandar 685/2021, II.3 b-d: items are defined without duplicates, named by
a standard and labelled (b.1, b.4, b.5), registered with their attributes and relations
(b.2, c.1), with licence and retention records (c.4, c.5), and their status is kept
through their life with its history (d.1-d.3). Services of the catalog name the items
they run on; cases (complaints, problems, changes, releases) the items they touch.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base

if TYPE_CHECKING:
    from app.models.instance import Instance
    from app.models.org import Agency, Service
    from app.models.user import User


class ItemStatus(StrEnum):
    """Where an item is in its life (II.3 d.1), by its stored value."""

    PLANNED = "planned"
    ACTIVE = "active"
    MAINTENANCE = "maintenance"
    RETIRED = "retired"


class RelationType(StrEnum):
    """How a source item stands to a target item: `source runs_on target`, and so on."""

    RUNS_ON = "runs_on"
    DEPENDS_ON = "depends_on"
    CONNECTS_TO = "connects_to"
    HOSTS = "hosts"
    USES_LICENCE = "uses_licence"


def _values(enum: type[StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


class ConfigurationItemType(Base):
    """A kind of item (application, server...), an editable list seeded by migration 0024.

    `attribute_schema` is the JSON Schema (draft 2020-12) an item's attributes must meet;
    `identifying_attributes` name the attributes that, all given, identify one item of the
    type (two items may not share them); `naming_pattern` is the naming standard (II.3
    b.4), a regular expression the whole name must match, `naming_example` a name that
    does.
    """

    __tablename__ = "configuration_item_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    attribute_schema: Mapped[dict[str, Any]] = mapped_column(default=dict)
    identifying_attributes: Mapped[list[Any]] = mapped_column(default=list)
    naming_pattern: Mapped[str | None] = mapped_column(String(200))
    naming_example: Mapped[str] = mapped_column(String(200), default="")
    #: Items of the type carry licence records (holder, seats, expiry; II.3 c.4).
    holds_licences: Mapped[bool] = mapped_column(default=False)


class ConfigurationItem(Base):
    """One configuration item (komponen konfigurasi).

    `name_key` is the name case-folded: names are unique without regard to case.
    `identity` digests the type's identifying attributes when all are given, so the
    database itself refuses a second item with the same ones.
    """

    __tablename__ = "configuration_item"
    __table_args__ = (
        CheckConstraint(f"status IN ({_values(ItemStatus)})", name="status"),
        UniqueConstraint("type_id", "identity", name="uq_configuration_item_identity"),
        Index("ix_configuration_item_type_status", "type_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("configuration_item_type.id"))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ItemStatus.ACTIVE)
    location: Mapped[str] = mapped_column(String(200), default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    identity: Mapped[str | None] = mapped_column(String(64))
    #: Until when the record is kept (II.3 c.5), once retired or at all.
    retain_until: Mapped[date | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    type: Mapped[ConfigurationItemType] = relationship()
    agency: Mapped[Agency] = relationship()
    labels: Mapped[list[ConfigurationItemLabel]] = relationship(
        order_by="ConfigurationItemLabel.label", cascade="all, delete-orphan"
    )
    administrators: Mapped[list[User]] = relationship(
        secondary="configuration_item_administrator", order_by="User.username"
    )
    services: Mapped[list[Service]] = relationship(
        secondary="configuration_item_service", order_by="Service.code"
    )
    licences: Mapped[list[ConfigurationLicence]] = relationship(
        order_by="ConfigurationLicence.id", cascade="all, delete-orphan"
    )


class ConfigurationItemLabel(Base):
    """A label given to an item (II.3 b.5)."""

    __tablename__ = "configuration_item_label"

    item_id: Mapped[int] = mapped_column(ForeignKey("configuration_item.id"), primary_key=True)
    label: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class ConfigurationItemAdministrator(Base):
    """A user who looks after an item."""

    __tablename__ = "configuration_item_administrator"

    item_id: Mapped[int] = mapped_column(ForeignKey("configuration_item.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id"), primary_key=True, index=True
    )


class ConfigurationItemService(Base):
    """A catalog service runs on (depends on) an item."""

    __tablename__ = "configuration_item_service"

    item_id: Mapped[int] = mapped_column(ForeignKey("configuration_item.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), primary_key=True, index=True)


class ConfigurationItemCase(Base):
    """A case (complaint, problem, change, release) touches an item.

    Forms will write these rows when they carry items (issue 14, item 2); impact reads them.
    """

    __tablename__ = "configuration_item_case"

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("configuration_item.id"), primary_key=True, index=True
    )

    instance: Mapped[Instance] = relationship()


class ConfigurationLicence(Base):
    """A licence record of a licence item (II.3 c.4): who holds it, how many seats, until
    when (None: perpetual), and the agreement it comes from."""

    __tablename__ = "configuration_licence"
    __table_args__ = (CheckConstraint("seats >= 0", name="seats"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("configuration_item.id"), index=True)
    holder: Mapped[str] = mapped_column(String(200))
    seats: Mapped[int]
    expires_on: Mapped[date | None] = mapped_column(index=True)
    reference: Mapped[str] = mapped_column(String(100), default="")
    #: The expiry its keepers were told of (`licences.notify_expiring`): a renewal, which
    #: moves `expires_on`, is told of again when its own time comes.
    notified_for: Mapped[date | None]


class ConfigurationItemHistory(Base):
    """One change of an item (II.3 d.2-d.3): who, when, why, and each field's value before
    and after (`changes`: {"status": {"before", "after"}, "attributes.ram_gb": ...}),
    optionally from which case (a change or a release). Rows are only ever inserted."""

    __tablename__ = "configuration_item_history"
    __table_args__ = (Index("ix_configuration_item_history_item", "item_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("configuration_item.id"))
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: created | updated | retired
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    source_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))

    user: Mapped[User | None] = relationship()
    source: Mapped[Instance | None] = relationship()


class ConfigurationRelation(Base):
    """A relation in force between two items (II.3 b.2): `source <type> target`."""

    __tablename__ = "configuration_relation"
    __table_args__ = (
        CheckConstraint(f"type IN ({_values(RelationType)})", name="type"),
        CheckConstraint("source_id <> target_id", name="not_itself"),
        UniqueConstraint("source_id", "target_id", "type", name="uq_configuration_relation"),
        Index("ix_configuration_relation_target", "target_id", "type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("configuration_item.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("configuration_item.id"))
    type: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    source: Mapped[ConfigurationItem] = relationship(foreign_keys=[source_id])
    target: Mapped[ConfigurationItem] = relationship(foreign_keys=[target_id])
    created_by: Mapped[User | None] = relationship()


class ConfigurationRelationHistory(Base):
    """A relation added or removed, by whom and when. Rows are only ever inserted."""

    __tablename__ = "configuration_relation_history"
    __table_args__ = (
        Index("ix_configuration_relation_history_source", "source_id", "id"),
        Index("ix_configuration_relation_history_target", "target_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The relation's id while it stood (the row itself goes when removed).
    relation_id: Mapped[int]
    source_id: Mapped[int] = mapped_column(ForeignKey("configuration_item.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("configuration_item.id"))
    type: Mapped[str] = mapped_column(String(20))
    #: added | removed
    action: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()
