"""Notifications: a user's in-app list, and e-mail copies the worker sends with retry.

A request only ever writes rows. Talking to an SMTP server is slow and fails in ways the
user cannot fix, so it happens in `spbe tick` / `spbe worker` through `deliver_pending`,
never while someone waits for an answer.
"""

from __future__ import annotations

import builtins
import logging
import smtplib
import ssl
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import unquote, urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.clock import Clock
from app.config import DEFAULT_MAIL_FROM, Settings
from app.engine.routing import roster_of
from app.errors import NotFound
from app.models import Instance, Notification, Task, User
from app.models.notification import EmailStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
"""After this many failed sends an e-mail is given up as `failed`."""

LEASE = timedelta(minutes=10)
"""How long a claimed e-mail is hidden from other workers while one of them sends it.

Longer than any SMTP timeout, so it only matters when a worker dies mid-send: the
e-mail then becomes due again instead of staying claimed for ever.
"""

_DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failures: 1, 2, 4, 8, 16 minutes.

    Doubling gives a briefly unreachable server time to come back without hammering it.
    """
    return timedelta(minutes=2 ** max(attempts - 1, 0))


@dataclass(frozen=True)
class MailConfig:
    """What notifying needs to know about e-mail: whether it is on, and the sender.

    Attributes:
        enabled: queue e-mail copies (SMTP_URL is set). When off, rows are `off`.
        mail_from: the From header of every e-mail.
    """

    enabled: bool = False
    mail_from: str = DEFAULT_MAIL_FROM

    @classmethod
    def from_settings(cls, settings: Settings) -> MailConfig:
        """E-mail is on exactly when SMTP_URL is configured."""
        return cls(enabled=settings.smtp_url is not None, mail_from=settings.mail_from)


class MailDeliveryFailed(Exception):
    """A sender could not hand an e-mail to the server.

    `permanent` is set when retrying cannot help (the server refused the recipient or
    the message with a 5xx answer), so the queue gives up at once.
    """

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class MailSender(Protocol):
    """Anything that delivers one message; tests and a future API-based mailer plug in."""

    def send(self, message: EmailMessage) -> None:
        """Deliver `message` or raise `MailDeliveryFailed`."""
        ...


class SmtpSender:
    """Send through an SMTP server named by a URL, one connection per message.

    URL forms: `smtp://host:port` (plain), `smtp+starttls://user:pass@host:port`
    (upgrade with STARTTLS), `smtps://user:pass@host:port` (TLS from the start). User and
    password are percent-decoded, so `@` or `:` in a password are written `%40`, `%3A`.

    Raises:
        ValueError: the URL has another scheme or no host (at construction, so a typo
            in SMTP_URL shows up on the first pass instead of as endless retries).
    """

    def __init__(self, smtp_url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(smtp_url)
        if parts.scheme not in _DEFAULT_PORTS:
            raise ValueError(
                f"SMTP_URL harus smtp://, smtp+starttls:// atau smtps:// / "
                f"unsupported SMTP_URL scheme '{parts.scheme}'"
            )
        if not parts.hostname:
            raise ValueError("SMTP_URL tanpa host / SMTP_URL has no host")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or _DEFAULT_PORTS[parts.scheme]
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def __repr__(self) -> str:
        """Never show the password (it ends up in logs)."""
        return f"SmtpSender({self.scheme}://{self.host}:{self.port})"

    def send(self, message: EmailMessage) -> None:
        """Connect, optionally upgrade to TLS and log in, send, disconnect.

        Raises:
            MailDeliveryFailed: the server is unreachable, or refused us or the message.
        """
        try:
            with self._connect() as smtp:
                if self.scheme == "smtp+starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if self.username is not None:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as err:
            raise MailDeliveryFailed(f"recipient refused: {err.recipients}", True) from err
        except smtplib.SMTPResponseException as err:
            detail = err.smtp_error.decode(errors="replace")
            raise MailDeliveryFailed(f"{err.smtp_code} {detail}", err.smtp_code >= 500) from err
        except (smtplib.SMTPException, OSError) as err:
            raise MailDeliveryFailed(f"{type(err).__name__}: {err}") from err

    def _connect(self) -> smtplib.SMTP:
        if self.scheme == "smtps":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)


@dataclass
class NotificationPage:
    """One page of a user's notifications, newest first."""

    items: list[Notification]
    total: int


@dataclass(frozen=True)
class _Outgoing:
    """A claimed e-mail, copied out of the session so sending needs no open transaction."""

    id: int
    to: str
    name: str
    title: str
    body: str
    link: str | None


class NotificationService:
    """Create, list and mark notifications; drain the e-mail queue.

    The class has a `list` method, so inside it the builtin is spelled `builtins.list`.
    Every method but `deliver_pending` works inside the caller's transaction, like the
    other services. `deliver_pending` commits itself, several times: a claim, then one
    outcome per message, so no row lock is held while an SMTP server is slow.
    """

    def __init__(self, session: Session, clock: Clock, mail: MailConfig | Settings) -> None:
        self.session = session
        self.clock = clock
        self.mail = mail if isinstance(mail, MailConfig) else MailConfig.from_settings(mail)

    # -- creating ------------------------------------------------------------------------

    def notify(
        self,
        recipients: Iterable[User | str],
        kind: str,
        title: str,
        body: str,
        link: str | None = None,
        instance: Instance | None = None,
    ) -> builtins.list[Notification]:
        """Tell each active recipient once, in the app and (when on) by e-mail later.

        Recipients are users or usernames; unknown names, inactive users and repeats are
        skipped rather than refused, because the engine's routing may name people who
        left since the model was drawn, and that must not fail the caller's transaction.

        Returns:
            The new rows, pending in the session: they have ids once it flushes.
        """
        return self._create(
            recipients, kind, title, body, link, instance.id if instance is not None else None
        )

    def _create(
        self,
        recipients: Iterable[User | str],
        kind: str,
        title: str,
        body: str,
        link: str | None,
        instance_id: int | None,
    ) -> builtins.list[Notification]:
        now = self.clock.now()
        created: builtins.list[Notification] = []
        for user_id, email in self._active_users(recipients):
            wants_mail = self.mail.enabled and bool(email)
            notification = Notification(
                user_id=user_id,
                kind=kind,
                title=title[:200],
                body=body,
                link=link,
                instance_id=instance_id,
                created_at=now,
                email_status=EmailStatus.PENDING if wants_mail else EmailStatus.OFF,
                email_attempts=0,
                email_next_attempt_at=now if wants_mail else None,
            )
            self.session.add(notification)
            created.append(notification)
        # Not flushed here: a step's notifications (the requester's news, the new task's
        # candidates) are then written in one statement with the step's other rows.
        return created

    def _active_users(
        self, recipients: Iterable[User | str]
    ) -> builtins.list[tuple[int, str | None]]:
        """(id, e-mail) of each active recipient once; names are looked up in the roster."""
        roster = roster_of(self.session)
        users: dict[int, str | None] = {}
        for recipient in recipients:
            if isinstance(recipient, str):
                user_id = roster.ids.get(recipient)
                if user_id is not None and roster.active(user_id):
                    users.setdefault(user_id, roster.emails.get(user_id))
            elif recipient.active:
                users.setdefault(recipient.id, recipient.email)
        return builtins.list(users.items())

    # -- reading and marking -------------------------------------------------------------

    def unread(self, user: User) -> builtins.list[Notification]:
        """The user's unread notifications, newest first."""
        return builtins.list(
            self.session.scalars(
                select(Notification)
                .where(Notification.user_id == user.id, Notification.read_at.is_(None))
                .order_by(Notification.id.desc())
            )
        )

    def unread_count(self, user: User) -> int:
        """How many notifications the user has not read (the badge on the bell)."""
        return (
            self.session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.user_id == user.id, Notification.read_at.is_(None))
            )
            or 0
        )

    def list(
        self, user: User, page: int = 1, per_page: int = 20, unread_only: bool = False
    ) -> NotificationPage:
        """One page of the user's notifications, newest first (ids grow with time)."""
        query = select(Notification).where(Notification.user_id == user.id)
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        items = self.session.scalars(
            query.order_by(Notification.id.desc()).offset((page - 1) * per_page).limit(per_page)
        ).all()
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        return NotificationPage(builtins.list(items), total)

    def mark_read(self, user: User, notification_id: int) -> Notification:
        """Mark one of the user's notifications read; reading twice keeps the first time.

        Raises:
            NotFound: no such notification, or it is someone else's. Both answer the
                same so that ids do not reveal what other people are told.
        """
        notification = self.session.get(Notification, notification_id)
        if notification is None or notification.user_id != user.id:
            raise NotFound("Notifikasi tidak ditemukan / notification not found")
        if notification.read_at is None:
            notification.read_at = self.clock.now()
        return notification

    def mark_all_read(self, user: User) -> int:
        """Mark every unread notification of the user read; returns how many changed."""
        result = self.session.execute(
            update(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .values(read_at=self.clock.now()),
            execution_options={"synchronize_session": "fetch"},
        )
        return int(getattr(result, "rowcount", 0) or 0)

    # -- the e-mail queue ----------------------------------------------------------------

    def deliver_pending(self, sender: MailSender, limit: int = 100) -> tuple[int, int]:
        """Send up to `limit` due e-mails; returns (sent, failed this pass).

        "Failed" counts every unsuccessful try, whether it will be retried or not. Call
        it with a session that has no transaction open: it commits.

        Each e-mail is first claimed by pushing its next attempt one `LEASE` ahead, in
        one UPDATE over a `FOR UPDATE SKIP LOCKED` subquery. On PostgreSQL concurrent
        workers therefore skip each other's rows instead of waiting; SQLite takes its
        single write lock for the UPDATE, which serialises the claims. Either way an
        e-mail is claimed by one worker only, and the SMTP conversation happens after
        the claim is committed, holding no lock.
        """
        sent = failed = 0
        for outgoing in self._claim(limit):
            try:
                sender.send(self._message(outgoing))
            except MailDeliveryFailed as err:
                failed += 1
                self._record_failure(outgoing.id, str(err), err.permanent)
            else:
                sent += 1
                self._record_sent(outgoing.id)
        return sent, failed

    def _claim(self, limit: int) -> builtins.list[_Outgoing]:
        now = self.clock.now()
        due = (
            select(Notification.id)
            .where(
                Notification.email_status == EmailStatus.PENDING,
                Notification.email_next_attempt_at <= now,
            )
            .order_by(Notification.email_next_attempt_at, Notification.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        try:
            ids = builtins.list(
                self.session.scalars(
                    update(Notification)
                    .where(Notification.id.in_(due))
                    .values(email_next_attempt_at=now + LEASE)
                    .returning(Notification.id),
                    execution_options={"synchronize_session": False},
                )
            )
            if not ids:
                self.session.commit()
                return []
            rows = self.session.execute(
                select(Notification, User)
                .join(User, User.id == Notification.user_id)
                .where(Notification.id.in_(ids))
                .order_by(Notification.id)
                .execution_options(populate_existing=True)  # the UPDATE bypassed the session
            ).all()
            claimed = [
                _Outgoing(n.id, u.email or "", u.full_name or u.username, n.title, n.body, n.link)
                for n, u in rows
            ]
            self.session.commit()
        except OperationalError as err:
            self.session.rollback()
            if "locked" not in str(err.orig).lower():
                raise
            log.info("mail queue busy with another worker; skipping this pass")
            return []
        return claimed

    def _message(self, outgoing: _Outgoing) -> EmailMessage:
        if not outgoing.to:
            raise MailDeliveryFailed("penerima tanpa alamat e-mail / no address", True)
        message = EmailMessage()
        message["Subject"] = outgoing.title
        message["From"] = self.mail.mail_from
        message["To"] = outgoing.to
        lines = [f"Yth. {outgoing.name},", "", outgoing.body, ""]
        if outgoing.link:
            lines += [f"Tautan: {outgoing.link}", ""]
        lines += [
            "--",
            "Pesan ini dikirim otomatis oleh Sistem Manajemen Layanan SPBE.",
            "Mohon tidak membalas e-mail ini.",
        ]
        message.set_content("\n".join(lines))
        return message

    def _record_sent(self, notification_id: int) -> None:
        notification = self.session.get_one(Notification, notification_id)
        notification.email_status = EmailStatus.SENT
        notification.email_sent_at = self.clock.now()
        notification.email_next_attempt_at = None
        notification.email_attempts += 1
        self.session.commit()

    def _record_failure(self, notification_id: int, error: str, permanent: bool) -> None:
        notification = self.session.get_one(Notification, notification_id)
        notification.email_attempts += 1
        notification.email_last_error = error[:2000]
        if permanent or notification.email_attempts >= MAX_ATTEMPTS:
            notification.email_status = EmailStatus.FAILED
            notification.email_next_attempt_at = None
            log.warning("e-mail %s given up: %s", notification_id, error)
        else:
            notification.email_next_attempt_at = self.clock.now() + backoff(
                notification.email_attempts
            )
            log.info(
                "e-mail %s failed (attempt %s): %s",
                notification_id,
                notification.email_attempts,
                error,
            )
        self.session.commit()


def notify_task_candidates(
    session: Session, clock: Clock, mail_enabled: bool, task: Task, usernames: Sequence[str]
) -> list[Notification]:
    """Tell the people a new user task was routed to that it waits for them.

    Meant to be called by the instance service right after the engine creates a task
    row, inside the same transaction, so a rolled-back step leaves no stray notices.

    Args:
        session: the caller's session; nothing is committed here.
        clock: the platform clock (`created_at`, and when the e-mail is first due).
        mail_enabled: whether SMTP is configured (`settings.smtp_url is not None`).
        task: the new task row (must have an id and `instance_id`).
        usernames: the task's candidates; unknown or inactive names are skipped.

    Returns:
        The new notifications, one per active candidate.
    """
    service = NotificationService(session, clock, MailConfig(enabled=mail_enabled))
    return service._create(
        usernames,
        "task_assigned",
        f"Tugas baru: {task.title}",
        f'Tugas "{task.title}" pada permohonan #{task.instance_id} menunggu tindakan Anda.',
        f"/api/v1/tasks/{task.id}",
        task.instance_id,
    )


def deliver_mail(
    sessions: Callable[[], Session], clock: Clock, settings: Settings, limit: int = 100
) -> tuple[int, int] | None:
    """One pass of the e-mail queue for `spbe tick` and `spbe worker`.

    Returns:
        (sent, failed), or None when SMTP_URL is not set and e-mail is off.

    Raises:
        ValueError: SMTP_URL is malformed.
    """
    if settings.smtp_url is None:
        return None
    sender = SmtpSender(settings.smtp_url)
    with sessions() as session:
        service = NotificationService(session, clock, settings)
        return service.deliver_pending(sender, limit)
