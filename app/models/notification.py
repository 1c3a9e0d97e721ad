"""What a user is told: the in-app list, and the e-mail queue the worker drains."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models.user import User


class EmailStatus:
    """Where a notification's e-mail copy stands.

    `off` means no e-mail is wanted (SMTP not configured, or the user has no address);
    `pending` rows form the worker's queue, ordered by `email_next_attempt_at`.
    """

    OFF = "off"
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Notification(Base):
    """One message to one user, shown in the app and optionally sent by e-mail.

    The e-mail columns live on the same row instead of a separate outbox so that the
    in-app copy and its delivery can never disagree; the worker, not the request that
    created the row, talks to the SMTP server.
    """

    __tablename__ = "notification"
    __table_args__ = (
        CheckConstraint(
            "email_status IN ('off', 'pending', 'sent', 'failed')", name="email_status"
        ),
        Index("ix_notification_user_unread", "user_id", "read_at", "id"),
        Index("ix_notification_mail_queue", "email_status", "email_next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(
        String(40)
    )  # task_assigned, task_unroutable, escalation, sla_warning
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    email_status: Mapped[str] = mapped_column(
        String(10), default=EmailStatus.OFF, server_default=EmailStatus.OFF
    )
    email_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    email_next_attempt_at: Mapped[datetime | None]
    email_last_error: Mapped[str | None] = mapped_column(Text)
    email_sent_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
