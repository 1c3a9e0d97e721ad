"""Process models and their immutable deployed versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models.user import User


class ProcessModel(Base):
    """A procedure, named by its BPMN file's stem (e.g. `permintaan-layanan`)."""

    __tablename__ = "process_model"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]

    versions: Mapped[list[ProcessModelVersion]] = relationship(
        back_populates="model", order_by="ProcessModelVersion.version"
    )


class ProcessModelVersion(Base):
    """One deployment: never changed once stored; running instances stay on it."""

    __tablename__ = "process_model_version"
    __table_args__ = (UniqueConstraint("process_model_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_model_id: Mapped[str] = mapped_column(ForeignKey("process_model.id"))
    version: Mapped[int]
    process_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    deployed_at: Mapped[datetime]
    warnings: Mapped[list[Any]] = mapped_column(default=list)

    model: Mapped[ProcessModel] = relationship(back_populates="versions")
    deployed_by: Mapped[User | None] = relationship()
    files: Mapped[list[ProcessFile]] = relationship(
        back_populates="version", order_by="ProcessFile.name"
    )


class ProcessFile(Base):
    """A file of a deployed version: the BPMN, a DMN, or a form (JSON Schema / UI schema)."""

    __tablename__ = "process_file"
    __table_args__ = (UniqueConstraint("version_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_model_version.id"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # bpmn | dmn | form
    content: Mapped[str] = mapped_column(Text)

    version: Mapped[ProcessModelVersion] = relationship(back_populates="files")
