"""The work log: notes staff write on a case and replies exchanged with the requester."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.attachment import Attachment
from app.models.base import Base
from app.models.user import User


class Visibility(StrEnum):
    """Who reads a comment: the staff who may see the instance, or its requester too."""

    INTERNAL = "internal"
    PUBLIC = "public"


class Comment(Base):
    """One entry of an instance's work log (issue 12, item 2). Rows are never changed.

    The body is plain text as typed; pages escape it and only make links clickable, so
    nothing a writer types is ever rendered as HTML.
    """

    __tablename__ = "comment"
    __table_args__ = (
        CheckConstraint("visibility IN ('internal', 'public')", name="visibility"),
        Index("ix_comment_instance", "instance_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    visibility: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]

    author: Mapped[User] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        secondary="comment_attachment", order_by="Attachment.id"
    )


class CommentAttachment(Base):
    """A file the author uploaded and attached to a comment (each file at most once)."""

    __tablename__ = "comment_attachment"

    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), primary_key=True)
    attachment_id: Mapped[int] = mapped_column(
        ForeignKey("attachment.id"), primary_key=True, unique=True
    )
