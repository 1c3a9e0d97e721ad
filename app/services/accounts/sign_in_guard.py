"""Sign-in throttling: refused attempts counted per account and per address.

Both sign-ins (the page and `POST /api/v1/auth/login`) go through `SignInGuard.sign_in`,
so one count covers them. After `ACCOUNT_LIMIT` failures for one name within `WINDOW`,
that name is refused with `SignInLocked` (429) until enough of those failures leave the
window, even with the right password; one address gets the higher `ADDRESS_LIMIT`, so a
guesser spraying many names is stopped too without one office behind a shared address
locking itself out.

The failures are rows of `SignInFailure` in the application database, not a limiter's
own store: every web and worker process shares them with no second server, they follow
the injectable clock (tests move past the window without sleeping), and only failures
count, not every request. Flask-Limiter counts requests in memory, Redis, Memcached or
MongoDB by the wall clock, so its only shared default would need a server the embedded
set-up does not have. Each failure is also an audit event (`sign_in_failed`), and the
failure that reaches a limit a `sign_in_locked` one.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.errors import DomainError
from app.models import SignInFailure, User
from app.services.accounts.users import AccountService
from app.services.audit.events import audit

#: Failures one account may have within the window before it is locked.
ACCOUNT_LIMIT = 10
#: Failures one address may have within the window, over every name it tried.
ADDRESS_LIMIT = 50
WINDOW = timedelta(minutes=15)
#: What is stored of an address (an IPv6 address with a zone fits).
ADDRESS_LENGTH = 64


class SignInLocked(DomainError):
    """Too many failed sign-ins for the account or the address: 429 until `retry_after`
    seconds have passed. It lives beside the guard, the only thing that raises it."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SignInGuard:
    """Check credentials unless the account or the address is locked, counting failures."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    def sign_in(
        self, accounts: AccountService, username: str, password: str, address: str | None
    ) -> User | None:
        """The active user with these credentials, or None (a failure, counted).

        The caller commits either way, so that a failure is counted even though the
        request then answers 401. A success clears the account's failures: a user who
        mistyped a few times starts afresh once in.

        Args:
            accounts: checks the password (`AccountService.authenticate`).
            username: the name as typed.
            password: the password as typed.
            address: the client's address (`None` when the server does not know it).

        Returns:
            The user, or None when the name or the password is wrong.

        Raises:
            SignInLocked: the account or the address is locked; the password is not checked.
        """
        address = (address or "unknown")[:ADDRESS_LENGTH]
        now = self.clock.now()
        self._refuse_if_locked(username, address, now)
        user = accounts.authenticate(username, password)
        if user is None:
            self._fail(username, address, now)
        else:
            self.session.execute(delete(SignInFailure).where(SignInFailure.username == username))
        return user

    @staticmethod
    def _counted(username: str, address: str) -> tuple[tuple[str, ColumnElement[bool], int], ...]:
        """What is counted, each with its limit: the account's failures and the address's."""
        return (
            ("account", SignInFailure.username == username, ACCOUNT_LIMIT),
            ("address", SignInFailure.address == address, ADDRESS_LIMIT),
        )

    def _refuse_if_locked(self, username: str, address: str, now: datetime) -> None:
        for _scope, matches, limit in self._counted(username, address):
            if (wait := self._lock_left(matches, limit, now)) is not None:
                minutes = math.ceil(wait / 60)
                raise SignInLocked(
                    f"Terlalu banyak percobaan masuk yang gagal; coba lagi dalam {minutes} "
                    f"menit / too many failed sign-ins; try again in {minutes} minutes",
                    retry_after=wait,
                )

    def _lock_left(self, matches: ColumnElement[bool], limit: int, now: datetime) -> int | None:
        """Whole seconds until the failures matching `matches` fall below `limit`, or None
        when they are below it already: the lock lifts when the `limit`-th newest failure
        leaves the window."""
        oldest_counted = self.session.scalar(
            select(SignInFailure.at)
            .where(matches, SignInFailure.at > now - WINDOW)
            .order_by(SignInFailure.at.desc(), SignInFailure.id.desc())
            .offset(limit - 1)
            .limit(1)
        )
        if oldest_counted is None:
            return None
        return max(1, math.ceil((oldest_counted + WINDOW - now).total_seconds()))

    def _fail(self, username: str, address: str, now: datetime) -> None:
        """Count a failure, prune those out of the window, and audit it; a failure that
        reaches a limit also audits the lock, once, naming what is locked and for how many
        seconds."""
        self.session.execute(delete(SignInFailure).where(SignInFailure.at <= now - WINDOW))
        self.session.add(SignInFailure(username=username, address=address, at=now))
        self.session.flush()
        facts = {"username": username, "address": address}
        audit(self.session, None, "sign_in_failed", now, facts)
        for scope, matches, limit in self._counted(username, address):
            if self._count(matches, now) == limit:
                lock = {"locked": scope, "retry_after": self._lock_left(matches, limit, now)}
                audit(self.session, None, "sign_in_locked", now, {**facts, **lock})

    def _count(self, matches: ColumnElement[bool], now: datetime) -> int:
        return (
            self.session.scalar(
                select(func.count())
                .select_from(SignInFailure)
                .where(matches, SignInFailure.at > now - WINDOW)
            )
            or 0
        )
