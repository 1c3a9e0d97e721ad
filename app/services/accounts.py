"""Users, passwords and role assignments."""

from __future__ import annotations

from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.errors import Conflict, InvalidInput, NotFound
from app.models import Agency, Role, RoleAssignment, Service, User

_HASHER = PasswordHasher()
# Verifying against this when the user does not exist keeps the timing the same, so a
# failed login does not reveal whether the name exists.
_DUMMY_HASH = _HASHER.hash("not-a-real-password")

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    """Argon2id hash of `password`."""
    return _HASHER.hash(password)


def _exactly(user: User, role: str, service_id: int | None, agency_id: int | None) -> Any:
    """The user's assignments of `role` at exactly this scope."""
    return select(RoleAssignment).where(
        RoleAssignment.user_id == user.id,
        RoleAssignment.role == role,
        RoleAssignment.service_id.is_not_distinct_from(service_id),
        RoleAssignment.agency_id.is_not_distinct_from(agency_id),
    )


class AccountService:
    """Create users, check passwords, grant and revoke roles for a scope."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user with these credentials, or None (same cost either way)."""
        user = self.session.scalar(select(User).where(User.username == username))
        stored = user.password_hash if user is not None else _DUMMY_HASH
        try:
            _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None or not user.active:
            return None
        return user

    def by_username(self, username: str) -> User:
        """Raises NotFound when nobody has this name."""
        user = self.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"Pengguna '{username}' tidak ada / no user '{username}'")
        return user

    def create_user(
        self,
        username: str,
        password: str,
        full_name: str = "",
        email: str | None = None,
        agency_code: str | None = None,
    ) -> User:
        """Create an active user.

        Raises:
            InvalidInput: the name is empty or the password too short.
            Conflict: the name is taken.
        """
        username = username.strip()
        if not username or len(username) > 80:
            raise InvalidInput("Nama pengguna wajib (maks. 80) / username required (max 80)")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise InvalidInput(
                f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter / "
                f"password needs at least {MIN_PASSWORD_LENGTH} characters"
            )
        if self.session.scalar(select(User.id).where(User.username == username)):
            raise Conflict(f"Nama pengguna '{username}' sudah dipakai / username taken")
        agency_id = self._agency(agency_code).id if agency_code else None
        user = User(
            username=username,
            full_name=full_name or username,
            email=email,
            password_hash=hash_password(password),
            agency_id=agency_id,
            created_at=self.clock.now(),
        )
        self.session.add(user)
        self.session.flush()
        return user

    def _agency(self, code: str) -> Agency:
        agency = self.session.scalar(select(Agency).where(Agency.code == code))
        if agency is None:
            raise NotFound(f"PD '{code}' tidak ada / no agency '{code}'")
        return agency

    def _scope(
        self, service_code: str | None, agency_code: str | None
    ) -> tuple[int | None, int | None]:
        if service_code and agency_code:
            raise InvalidInput(
                "Pilih layanan atau PD, bukan keduanya / give a service or an agency, not both"
            )
        if service_code:
            service = self.session.scalar(select(Service).where(Service.code == service_code))
            if service is None:
                raise NotFound(f"Layanan '{service_code}' tidak ada / no service '{service_code}'")
            return service.id, None
        if agency_code:
            return None, self._agency(agency_code).id
        return None, None

    def grant(
        self,
        username: str,
        role: str,
        service_code: str | None = None,
        agency_code: str | None = None,
    ) -> tuple[RoleAssignment, bool]:
        """Grant `role` for a scope; returns (assignment, created). Idempotent."""
        user = self.by_username(username)
        if self.session.get(Role, role) is None:
            raise NotFound(f"Peran '{role}' tidak dikenal / unknown role '{role}'")
        service_id, agency_id = self._scope(service_code, agency_code)
        existing = self.session.scalar(_exactly(user, role, service_id, agency_id))
        if existing is not None:
            return existing, False
        assignment = RoleAssignment(
            user_id=user.id,
            role=role,
            service_id=service_id,
            agency_id=agency_id,
            granted_at=self.clock.now(),
        )
        self.session.add(assignment)
        self.session.flush()
        return assignment, True

    def revoke(
        self,
        username: str,
        role: str,
        service_code: str | None = None,
        agency_code: str | None = None,
    ) -> int:
        """Revoke `role` for exactly this scope; returns how many assignments went."""
        user = self.by_username(username)
        service_id, agency_id = self._scope(service_code, agency_code)
        assignments = self.session.scalars(_exactly(user, role, service_id, agency_id)).all()
        for assignment in assignments:
            self.session.delete(assignment)
        self.session.flush()
        return len(assignments)

    def roles_of(self, user: User) -> list[str]:
        """Distinct role names the user holds at any scope."""
        return sorted(
            set(
                self.session.scalars(
                    select(RoleAssignment.role).where(RoleAssignment.user_id == user.id)
                )
            )
        )
