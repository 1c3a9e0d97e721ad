"""Analysts' work in progress: saved diagram drafts and edited form files.

A draft is validated like a deploy but runs nothing: new instances keep starting on the
newest deployed version until the draft is deployed (docs/bpmn-conventions.md,
"Menyimpan dan men-deploy"). Edited form files wait in the form library until a model
that names them is saved and deployed, so nothing running ever changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models.user import User


class ModelDraft(Base):
    """One save of a diagram with the form and DMN files it names, frozen as validated.

    `process_model_id` is not a foreign key: a diagram made from the template has no
    model row until its first deploy.
    """

    __tablename__ = "model_draft"
    __table_args__ = (UniqueConstraint("process_model_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_model_id: Mapped[str] = mapped_column(String(100), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    #: The deployed version the analyst edited (None for a new diagram).
    base_version: Mapped[int | None]
    #: File name -> text, exactly the bundle that passed validation.
    files: Mapped[dict[str, Any]] = mapped_column(default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    saved_at: Mapped[datetime]
    #: The version this draft became when deployed.
    deployed_version: Mapped[int | None]

    saved_by: Mapped[User | None] = relationship()


class FormFile(Base):
    """An edited form file (JSON Schema or UI schema), newer than any deployed copy."""

    __tablename__ = "form_file"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    content: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime]

    updated_by: Mapped[User | None] = relationship()
