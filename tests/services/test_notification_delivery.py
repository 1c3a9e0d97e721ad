"""Notifications: the in-app list, and e-mail delivered to a real local SMTP server."""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner, Result
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.cli import main
from app.clock import FixedClock
from app.errors import NotFound
from app.models import Notification, Task, User
from app.models.notification import EmailStatus
from app.services.context import Platform
from app.services.demo import SAMPLE_COMPLAINT, SAMPLE_COMPLAINT_MODEL, SAMPLE_REPORTER
from app.services.notifications.messages import (
    LEASE,
    MAX_ATTEMPTS,
    MailConfig,
    MailDeliveryFailed,
    NotificationService,
    SmtpSender,
    backoff,
    notify_task_candidates,
)
from tests.api.test_permintaan_layanan_flow import REQUEST
from tests.conftest import T0

MAIL_ON = MailConfig(enabled=True, mail_from="SPBE Kabupaten <spbe@demo.go.id>")


class Collector:
    """An aiosmtpd handler that keeps what arrives and refuses chosen recipients."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse: set[str] = set()
        self._lock = threading.Lock()

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 Mailbox tidak ada"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A running local SMTP server and what it received."""

    def __init__(self, collector: Collector, port: int) -> None:
        self.collector = collector
        self.url = f"smtp://127.0.0.1:{port}"

    @property
    def messages(self) -> list[tuple[list[str], EmailMessage]]:
        return self.collector.messages


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(collector, port)
    finally:
        controller.stop()


@pytest.fixture
def closed_port_url() -> str:
    """An SMTP URL where nothing listens: connecting is refused at once."""
    return f"smtp://127.0.0.1:{free_port()}"


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def notify(
    platform: Platform, usernames: list[str], mail: MailConfig = MAIL_ON, **kw: Any
) -> list[int]:
    with platform.sessions() as session:
        with session.begin():
            created = NotificationService(session, platform.clock, mail).notify(
                usernames,
                kw.get("kind", "escalation"),
                kw.get("title", "Eskalasi tingkat 1: permohonan #7"),
                kw.get("body", "Batas waktu respons permohonan #7 terlewati."),
                link=kw.get("link", "/api/v1/process-instances/7"),
            )
        return [n.id for n in created]  # written by the commit


def deliver(platform: Platform, url: str, limit: int = 100) -> tuple[int, int]:
    with platform.sessions() as session:
        return NotificationService(session, platform.clock, MAIL_ON).deliver_pending(
            SmtpSender(url, timeout=5), limit
        )


def load(platform: Platform, notification_id: int) -> Notification:
    with platform.sessions() as session:
        return session.get_one(Notification, notification_id)


@pytest.mark.usefixtures("demo")
class TestNotify:
    def test_one_per_active_user_with_mail_pending_when_smtp_is_on(
        self, platform: Platform
    ) -> None:
        with platform.sessions() as session, session.begin():
            session.execute(update(User).where(User.username == "pimpinan").values(email=None))
            session.execute(update(User).where(User.username == "analis").values(active=False))
            created = NotificationService(session, platform.clock, MAIL_ON).notify(
                ["pj.layanan", "pimpinan", "analis", "tidak.ada", user(session, "pj.layanan")],
                "sla_warning",
                "Peringatan SLA",
                "75 % waktu respons telah berlalu.",
            )
            session.flush()
            got = {n.user.username: n for n in created}
        assert set(got) == {"pj.layanan", "pimpinan"}  # inactive, unknown and repeat skipped
        assert got["pj.layanan"].email_status == EmailStatus.PENDING
        assert got["pj.layanan"].email_next_attempt_at == T0
        assert got["pimpinan"].email_status == EmailStatus.OFF  # no address
        assert got["pimpinan"].created_at == T0

    def test_mail_off_by_default_in_settings(self, platform: Platform) -> None:
        assert platform.settings.smtp_url is None
        with platform.sessions() as session, session.begin():
            [created] = NotificationService(session, platform.clock, platform.settings).notify(
                ["pj.layanan"], "escalation", "Eskalasi", "Isi"
            )
            assert created.email_status == EmailStatus.OFF
            assert created.email_next_attempt_at is None

    def test_task_candidates_are_told_with_a_link_to_the_task(
        self, platform: Platform, deployed: None
    ) -> None:
        with platform.sessions() as session, session.begin():
            requester = user(session, "pengguna")
            instance = platform.instances(session).start("permintaan-layanan", REQUEST, requester)
            task = session.scalars(select(Task).where(Task.instance_id == instance.id)).one()
            created = notify_task_candidates(
                session, platform.clock, True, task, ["admin.layanan", "pelaksana"]
            )
            session.flush()
            assert {n.user.username for n in created} == {"admin.layanan", "pelaksana"}
            for notification in created:
                assert notification.kind == "task_assigned"
                assert notification.link == f"/api/v1/tasks/{task.id}"
                assert notification.instance_id == instance.id
                assert task.title in notification.title
                assert notification.email_status == EmailStatus.PENDING


@pytest.mark.usefixtures("demo")
class TestReading:
    def test_list_unread_and_marking(self, platform: Platform) -> None:
        first, second = notify(platform, ["pj.layanan"]) + notify(platform, ["pj.layanan"])
        notify(platform, ["pimpinan"])
        with platform.sessions() as session, session.begin():
            service = NotificationService(session, platform.clock, MAIL_ON)
            reader = user(session, "pj.layanan")
            page = service.list(reader)
            assert [n.id for n in page.items] == [second, first]
            assert page.total == 2
            assert [n.id for n in service.list(reader, page=2, per_page=1).items] == [first]
            assert service.mark_read(reader, first).read_at == T0
            assert [n.id for n in service.unread(reader)] == [second]
            assert service.list(reader, unread_only=True).total == 1
            assert service.unread_count(reader) == 1
        platform.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
        with platform.sessions() as session, session.begin():
            service = NotificationService(session, platform.clock, MAIL_ON)
            reader = user(session, "pj.layanan")
            assert service.mark_read(reader, first).read_at == T0  # the first reading stays
            assert service.mark_all_read(reader) == 1
            assert service.unread(reader) == []
            assert service.mark_all_read(reader) == 0
            assert service.unread_count(user(session, "pimpinan")) == 1

    def test_someone_elses_notification_is_not_found(self, platform: Platform) -> None:
        [theirs] = notify(platform, ["pimpinan"])
        with platform.sessions() as session:
            service = NotificationService(session, platform.clock, MAIL_ON)
            with pytest.raises(NotFound):
                service.mark_read(user(session, "pj.layanan"), theirs)
            with pytest.raises(NotFound):
                service.mark_read(user(session, "pj.layanan"), theirs + 1000)
        assert load(platform, theirs).read_at is None


@pytest.mark.usefixtures("demo")
class TestDelivery:
    def test_pending_mail_arrives_with_subject_body_and_link(
        self, platform: Platform, smtp_server: SmtpServer
    ) -> None:
        [sent_id] = notify(platform, ["pj.layanan"])
        [off_id] = notify(platform, ["pj.layanan"], mail=MailConfig(enabled=False))
        assert deliver(platform, smtp_server.url) == (1, 0)
        [(recipients, message)] = smtp_server.messages
        assert recipients == ["pj.layanan@demo.go.id"]
        assert message["To"] == "pj.layanan@demo.go.id"
        assert message["From"] == "SPBE Kabupaten <spbe@demo.go.id>"
        assert message["Subject"] == "Eskalasi tingkat 1: permohonan #7"
        text = message.get_content()
        assert "Batas waktu respons permohonan #7 terlewati." in text
        assert "/api/v1/process-instances/7" in text
        assert text.startswith("Yth. ")
        row = load(platform, sent_id)
        assert row.email_status == EmailStatus.SENT
        assert row.email_sent_at == T0
        assert row.email_attempts == 1
        assert load(platform, off_id).email_status == EmailStatus.OFF
        assert deliver(platform, smtp_server.url) == (0, 0)  # nothing sent twice
        assert len(smtp_server.messages) == 1

    def test_limit_bounds_one_pass(self, platform: Platform, smtp_server: SmtpServer) -> None:
        notify(platform, ["pj.layanan", "pimpinan", "admin.layanan"])
        assert deliver(platform, smtp_server.url, limit=2) == (2, 0)
        assert deliver(platform, smtp_server.url, limit=2) == (1, 0)
        assert len(smtp_server.messages) == 3

    def test_unreachable_server_backs_off_then_gives_up_after_five_attempts(
        self, platform: Platform, clock: FixedClock, closed_port_url: str
    ) -> None:
        [mail_id] = notify(platform, ["pj.layanan"])
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert deliver(platform, closed_port_url) == (0, 1)
            row = load(platform, mail_id)
            assert row.email_attempts == attempt
            assert row.email_last_error
            assert "ConnectionRefusedError" in row.email_last_error
            if attempt == MAX_ATTEMPTS:
                break
            assert row.email_status == EmailStatus.PENDING
            assert row.email_next_attempt_at == clock.now() + backoff(attempt)
            clock.advance(backoff(attempt) - timedelta(seconds=1))
            assert deliver(platform, closed_port_url) == (0, 0)  # not due yet
            clock.advance(timedelta(seconds=1))
        assert [backoff(n).total_seconds() / 60 for n in range(1, 6)] == [1, 2, 4, 8, 16]
        assert row.email_status == EmailStatus.FAILED
        assert row.email_next_attempt_at is None
        clock.advance(timedelta(days=1))
        assert deliver(platform, closed_port_url) == (0, 0)

    def test_a_retry_succeeds_once_the_server_is_back(
        self, platform: Platform, clock: FixedClock, smtp_server: SmtpServer, closed_port_url: str
    ) -> None:
        [mail_id] = notify(platform, ["pj.layanan"])
        assert deliver(platform, closed_port_url) == (0, 1)
        clock.advance(backoff(1))
        assert deliver(platform, smtp_server.url) == (1, 0)
        row = load(platform, mail_id)
        assert (row.email_status, row.email_attempts) == (EmailStatus.SENT, 2)
        assert len(smtp_server.messages) == 1

    def test_refused_recipient_fails_at_once(
        self, platform: Platform, smtp_server: SmtpServer
    ) -> None:
        smtp_server.collector.refuse.add("pj.layanan@demo.go.id")
        [mail_id] = notify(platform, ["pj.layanan"])
        assert deliver(platform, smtp_server.url) == (0, 1)
        row = load(platform, mail_id)
        assert (row.email_status, row.email_attempts) == (EmailStatus.FAILED, 1)
        assert row.email_last_error
        assert "refused" in row.email_last_error

    def test_a_worker_that_died_mid_send_leaves_the_mail_due_after_the_lease(
        self, platform: Platform, clock: FixedClock, smtp_server: SmtpServer
    ) -> None:
        [mail_id] = notify(platform, ["pj.layanan"])

        class Dies:
            def send(self, message: EmailMessage) -> None:
                raise KeyboardInterrupt  # not a delivery failure: the process ends here

        with platform.sessions() as session, pytest.raises(KeyboardInterrupt):
            NotificationService(session, clock, MAIL_ON).deliver_pending(Dies())
        assert load(platform, mail_id).email_next_attempt_at == T0 + LEASE
        assert deliver(platform, smtp_server.url) == (0, 0)  # claimed, hidden from others
        clock.advance(LEASE)
        assert deliver(platform, smtp_server.url) == (1, 0)

    def test_two_workers_at_once_send_each_mail_exactly_once(
        self, platform: Platform, smtp_server: SmtpServer
    ) -> None:
        usernames = ["pj.layanan", "pimpinan", "admin.layanan", "admin.infra", "pj.infra"]
        ids = [i for _ in range(4) for i in notify(platform, usernames)]
        barrier = threading.Barrier(2)
        results: list[tuple[int, int] | BaseException] = []

        def work() -> None:
            try:
                barrier.wait(timeout=10)
                results.append(deliver(platform, smtp_server.url, limit=5))
                results.append(deliver(platform, smtp_server.url, limit=100))
            except BaseException as err:  # noqa: BLE001 - reported by the assertion below
                results.append(err)

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert all(isinstance(r, tuple) for r in results), results
        assert sum(r[0] for r in results if isinstance(r, tuple)) == len(ids)
        assert len(smtp_server.messages) == len(ids)
        with platform.sessions() as session:
            rows = session.scalars(select(Notification).where(Notification.id.in_(ids))).all()
            assert {r.email_status for r in rows} == {EmailStatus.SENT}
            assert {r.email_attempts for r in rows} == {1}


def spbe(platform: Platform, *args: str, smtp_url: str | None) -> Result:
    """Run the `spbe` command in-process against the test database."""
    env = {"DATABASE_URL": platform.settings.database_url, "SMTP_URL": smtp_url or ""}
    return CliRunner().invoke(main, list(args), env=env)


@pytest.mark.usefixtures("demo")
class TestCli:
    def test_tick_delivers_pending_mail(self, platform: Platform, smtp_server: SmtpServer) -> None:
        [mail_id] = notify(platform, ["pimpinan"])
        at = (T0 + timedelta(minutes=1)).isoformat()
        result = spbe(platform, "tick", "--at", at, smtp_url=smtp_server.url)
        assert result.exit_code == 0, result.output
        assert "e-mail: 1 sent, 0 failed" in result.output
        [(recipients, message)] = smtp_server.messages
        assert recipients == ["pimpinan@demo.go.id"]
        assert message["Subject"] == "Eskalasi tingkat 1: permohonan #7"
        assert "/api/v1/process-instances/7" in message.get_content()
        assert load(platform, mail_id).email_status == EmailStatus.SENT

    def test_tick_survives_an_unreachable_server(
        self, platform: Platform, closed_port_url: str
    ) -> None:
        [mail_id] = notify(platform, ["pimpinan"])
        at = (T0 + timedelta(minutes=1)).isoformat()
        result = spbe(platform, "tick", "--at", at, smtp_url=closed_port_url)
        assert result.exit_code == 0, result.output
        assert "e-mail: 0 sent, 1 failed" in result.output
        assert load(platform, mail_id).email_attempts == 1

    def test_tick_without_smtp_sends_nothing(self, platform: Platform) -> None:
        notify(platform, ["pimpinan"])
        result = spbe(platform, "tick", smtp_url=None)
        assert result.exit_code == 0, result.output
        assert "e-mail" not in result.output

    def test_tick_with_a_malformed_smtp_url_says_so(self, platform: Platform) -> None:
        result = spbe(platform, "tick", smtp_url="http://mail.example")
        assert result.exit_code == 1
        assert "SMTP_URL" in result.output
        assert "Traceback" not in result.output


class TestSmtpSender:
    @pytest.mark.parametrize(
        ("url", "scheme", "host", "port", "username", "password"),
        [
            ("smtp://mail.local", "smtp", "mail.local", 25, None, None),
            ("smtp://127.0.0.1:2525", "smtp", "127.0.0.1", 2525, None, None),
            (
                "smtp+starttls://spbe%40kab.go.id:r%3Ahs@mail.kab.go.id",
                "smtp+starttls",
                "mail.kab.go.id",
                587,
                "spbe@kab.go.id",
                "r:hs",
            ),
            (
                "smtps://u:rahasia@mail.kab.go.id:4650",
                "smtps",
                "mail.kab.go.id",
                4650,
                "u",
                "rahasia",
            ),
        ],
    )
    def test_url_forms(
        self,
        url: str,
        scheme: str,
        host: str,
        port: int,
        username: str | None,
        password: str | None,
    ) -> None:
        sender = SmtpSender(url)
        assert (sender.scheme, sender.host, sender.port) == (scheme, host, port)
        assert (sender.username, sender.password) == (username, password)
        assert password is None or password not in repr(sender)

    @pytest.mark.parametrize("url", ["http://mail.local", "smtp://", "mail.local:25"])
    def test_bad_urls_are_refused(self, url: str) -> None:
        with pytest.raises(ValueError, match="SMTP_URL"):
            SmtpSender(url)

    def test_unreachable_server_is_a_delivery_failure(self, closed_port_url: str) -> None:
        message = EmailMessage()
        message["To"] = "a@b.c"
        message["From"] = "d@e.f"
        with pytest.raises(MailDeliveryFailed) as caught:
            SmtpSender(closed_port_url, timeout=5).send(message)
        assert not caught.value.permanent


@pytest.mark.usefixtures("deployed")
def test_an_escalation_fired_by_tick_is_mailed_to_the_levels_holders(
    platform: Platform, smtp_server: SmtpServer
) -> None:
    with platform.sessions() as session, session.begin():
        instance = platform.instances(session).start(
            SAMPLE_COMPLAINT_MODEL, SAMPLE_COMPLAINT, user(session, SAMPLE_REPORTER)
        )
        instance_id = instance.id
    # P3: the response is due in 1 hour, the warning point at 45 minutes.
    at = (T0 + timedelta(minutes=46)).isoformat()
    result = spbe(platform, "tick", "--at", at, smtp_url=smtp_server.url)
    assert result.exit_code == 0, result.output
    assert "e-mail: 3 sent, 0 failed" in result.output
    received = {recipients[0]: message for recipients, message in smtp_server.messages}
    assert sorted(received) == [
        "admin.infra@demo.go.id",
        "admin.layanan@demo.go.id",
        "pelaksana@demo.go.id",
    ]
    message = received["admin.layanan@demo.go.id"]
    assert message["Subject"] == f"Eskalasi level 1: #{instance_id} (respons)"
    assert f"/api/v1/process-instances/{instance_id}" in message.get_content()
