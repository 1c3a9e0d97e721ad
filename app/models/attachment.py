"""Files uploaded with a form: the row says what and whose; the bytes live on disk."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models.user import User


class Attachment(Base):
    """One uploaded file (docs/bpmn-conventions.md, "Forms": file fields).

    Task data holds only a reference to it (`attachment_id`, `name`, `size`,
    `content_type`). `instance_id` is empty for a file uploaded with a start form until
    the instance exists; `stored_name` is the file's name under the attachment
    directory, chosen by the app and never by the uploader.
    """

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_at: Mapped[datetime]

    uploaded_by: Mapped[User] = relationship()
