"""Users, passwords and role assignments, every change written to the audit trail.

Changes are made by an actor (a signed-in Admin Sistem through the API, or nobody when
the CLI or the demo loader acts as the system) and each one is an `Event` without an
instance: who, what, when, and the values that changed.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.errors import Conflict, InvalidInput, NotFound
from app.models import (
    Agency,
    Instance,
    Role,
    RoleAssignment,
    RoleName,
    Service,
    Task,
    TaskState,
    User,
)
from app.models.change_stamp import RowCache, detached
from app.services.accounts.passwords import Passwords
from app.services.accounts.permissions import ADMINISTER, held_roles, require
from app.services.audit.events import audit, record

MIN_PASSWORD_LENGTH = 8
LAST_ADMINISTRATOR = (
    "Admin Sistem terakhir yang aktif tidak dapat dicabut atau dinonaktifkan; berikan peran "
    "itu kepada pengguna lain dahulu / the last active Admin Sistem cannot be revoked or "
    "deactivated; grant the role to someone else first"
)


def _exactly(user: User, role: str, service_id: int | None, agency_id: int | None) -> Any:
    """The user's assignments of `role` at exactly this scope."""
    return select(RoleAssignment).where(
        RoleAssignment.user_id == user.id,
        RoleAssignment.role == role,
        RoleAssignment.service_id.is_not_distinct_from(service_id),
        RoleAssignment.agency_id.is_not_distinct_from(agency_id),
    )


def _detached_user(session: Session, user_id: int) -> User | None:
    row = session.execute(select(*User.__table__.columns).where(User.id == user_id)).first()
    return None if row is None else detached(User, row._mapping)


_SIGNED_IN: RowCache[User] = RowCache(size=1024)


def signed_in_user(session: Session, user_id: int) -> User | None:
    """The user a token or a page session names, as a row of `session` (None: no such
    user), merged from this process's copy while the change stamp holds.

    Every request asks this first; any edit of the account (name, password, tokens
    revoked, deactivation) replaces the stamp (migration 0025), so a revoked token or a
    deactivated user is refused on the next request in every process.
    """
    return _SIGNED_IN.merged(session, user_id, lambda: _detached_user(session, user_id))


class AccountService:
    """Create users, check passwords, grant and revoke roles for a scope."""

    def __init__(
        self,
        session: Session,
        clock: Clock,
        actor: User | None = None,
        passwords: Passwords | None = None,
    ) -> None:
        """`passwords` hashes new passwords at the configured cost (`Platform.passwords`);
        without it, at the default cost."""
        self.session = session
        self.clock = clock
        self.actor = actor
        self.passwords = passwords or Passwords()

    def _audit(self, kind: str, data: dict[str, Any]) -> None:
        audit(self.session, self.actor, kind, self.clock.now(), data)

    def require_admin(self) -> None:
        """Only Admin Sistem changes users, roles and agencies (the CLI acts as system).

        The check is `permissions.require(..., ADMINISTER)`; other services call that
        directly rather than building an `AccountService` for it.

        Raises:
            NotPermitted: the actor does not hold Admin Sistem.
        """
        require(self.session, self.actor, ADMINISTER)

    def visible_user(self, username: str) -> User:
        """The user called `username` as the actor may see them: anyone for Admin Sistem,
        otherwise only themselves.

        Raises:
            NotPermitted: someone else's account, and the actor is not Admin Sistem.
            NotFound: nobody has this name.
        """
        if self.actor is None or username != self.actor.username:
            self.require_admin()
        return self.by_username(username)

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user with these credentials, or None (same cost either way)."""
        user = self.session.scalar(select(User).where(User.username == username))
        if not self.passwords.verify(user.password_hash if user else None, password):
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
        *,
        password_hash: str | None = None,
    ) -> User:
        """Create an active user. `password_hash`, when given, is a hash `passwords` made
        of `password` already (the demo loader hashes its one password once).

        Raises:
            InvalidInput: the name is empty or the password too short.
            Conflict: the name is taken.
        """
        username = username.strip()
        if not username or len(username) > 80:
            raise InvalidInput("Nama pengguna wajib (maks. 80) / username required (max 80)")
        self._check_password(password)
        if self.session.scalar(select(User.id).where(User.username == username)):
            raise Conflict(f"Nama pengguna '{username}' sudah dipakai / username taken")
        agency_id = self._agency(agency_code).id if agency_code else None
        user = User(
            username=username,
            full_name=full_name or username,
            email=email,
            password_hash=password_hash or self.passwords.hash(password),
            agency_id=agency_id,
            created_at=self.clock.now(),
        )
        self.session.add(user)
        self.session.flush()
        self._audit(
            "user_created",
            {"username": username, "agency": agency_code, "full_name": user.full_name},
        )
        return user

    def update_user(
        self,
        username: str,
        *,
        full_name: str | None = None,
        email: str | None = None,
        agency_code: str | None = None,
        password: str | None = None,
        active: bool | None = None,
    ) -> User:
        """Change a user's details; `active=False` deactivates (history is kept).

        Deactivating hands the user's claimed tasks back to the pool, each with an event
        on its instance, so no work waits on someone who has left. A new password or a
        deactivation revokes the user's API tokens (`revoke_tokens`).

        Raises:
            NotFound: no such user, or an unknown PD.
            InvalidInput: the new password is too short.
            Conflict: deactivating the last active Admin Sistem (`errors` names `active`);
                nothing is changed.
        """
        user = self.by_username(username)
        if active is False and user.active and RoleName.SYSTEM_ADMINISTRATOR in self.roles_of(user):
            self._keep_an_administrator("active", without_user=user.id)
        changed: dict[str, Any] = {}
        if full_name is not None and full_name != user.full_name:
            user.full_name = changed["full_name"] = full_name
        if email is not None and email != user.email:
            user.email = changed["email"] = email
        if agency_code is not None:
            agency_id = self._agency(agency_code).id
            if agency_id != user.agency_id:
                user.agency_id = agency_id
                changed["agency"] = agency_code
        if password is not None:
            self._check_password(password)
            user.password_hash = self.passwords.hash(password)
            # An audit marker; the password itself is never recorded.
            changed["password"] = "diubah / changed"  # noqa: S105
        if active is not None and active != user.active:
            user.active = changed["active"] = active
        if "password" in changed or changed.get("active") is False:
            self.revoke_tokens(user)
        if changed:
            self._audit("user_updated", {"username": username, "changed": changed})
        if changed.get("active") is False:
            released = self._release_claims(user)
            self._audit("user_deactivated", {"username": username, "released_tasks": released})
        self.session.flush()
        return user

    def revoke_tokens(self, user: User) -> None:
        """Make every API token issued to `user` so far invalid: the token carries the
        user's `token_version` and is refused once it differs (`app.api.deps`). Called for
        a password change, a deactivation and `POST /api/v1/auth/logout`."""
        user.token_version += 1
        self.session.flush()

    def _keep_an_administrator(
        self, field: str, *, without_user: int | None = None, without: Collection[int] = ()
    ) -> None:
        """Refuse a change that would leave no active Admin Sistem, who alone can grant the
        role again (the `spbe` command aside).

        Every Admin Sistem assignment is locked first (PostgreSQL), so two administrators
        removing each other at the same moment cannot both pass.

        Args:
            field: the field the refusal names (`active`, `role`).
            without_user: a user being deactivated.
            without: assignments being revoked.

        Raises:
            Conflict: no active holder would remain.
        """
        held = RoleAssignment.role == RoleName.SYSTEM_ADMINISTRATOR
        self.session.scalars(select(RoleAssignment.id).where(held).with_for_update()).all()
        remaining = (
            select(RoleAssignment.id)
            .join(User, User.id == RoleAssignment.user_id)
            .where(held, User.active, RoleAssignment.id.not_in(list(without)))
        )
        if without_user is not None:
            remaining = remaining.where(User.id != without_user)
        if self.session.scalar(remaining.limit(1)) is None:
            raise Conflict(LAST_ADMINISTRATOR, errors={field: [LAST_ADMINISTRATOR]})

    def _before_revoking(self, assignments: Collection[RoleAssignment]) -> None:
        """Raise Conflict when the assignments hold the last active Admin Sistem."""
        if any(a.role == RoleName.SYSTEM_ADMINISTRATOR and a.user.active for a in assignments):
            self._keep_an_administrator("role", without=[a.id for a in assignments])

    def _release_claims(self, user: User) -> list[str]:
        released = []
        for task in self.session.scalars(
            select(Task).where(
                Task.claimed_by_id == user.id, Task.state.in_((TaskState.READY, TaskState.HELD))
            )
        ):
            task.claimed_by_id = None
            released.append(task.id)
            record(
                self.session,
                self.session.get(Instance, task.instance_id),
                "task_unclaimed",
                self.clock.now(),
                self.actor,
                task.id,
                {"reason": "user_deactivated", "user": user.username},
            )
        return released

    def _check_password(self, password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise InvalidInput(
                f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter / "
                f"password needs at least {MIN_PASSWORD_LENGTH} characters"
            )

    def _agency(self, code: str) -> Agency:
        agency = self.session.scalar(select(Agency).where(Agency.code == code))
        if agency is None:
            raise NotFound(f"PD '{code}' tidak ada / no agency '{code}'")
        return agency

    def scope_ids(
        self, service_code: str | None, agency_code: str | None
    ) -> tuple[int | None, int | None]:
        """The (service id, agency id) a scope given by codes names; neither is everywhere."""
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
        service_id, agency_id = self.scope_ids(service_code, agency_code)
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
        self._audit("role_granted", self._assignment_facts(assignment, username))
        return assignment, True

    def _assignment_facts(self, assignment: RoleAssignment, username: str) -> dict[str, Any]:
        service = (
            self.session.get(Service, assignment.service_id) if assignment.service_id else None
        )
        agency = self.session.get(Agency, assignment.agency_id) if assignment.agency_id else None
        return {
            "assignment": assignment.id,
            "username": username,
            "role": assignment.role,
            "service": service.code if service else None,
            "agency": agency.code if agency else None,
        }

    def revoke_assignment(self, assignment_id: int) -> None:
        """Remove one assignment by id.

        Raises:
            NotFound: no such assignment.
            Conflict: it is the last active Admin Sistem's (`errors` names `role`).
        """
        assignment = self.session.get(RoleAssignment, assignment_id)
        if assignment is None:
            raise NotFound(f"Penugasan {assignment_id} tidak ada / no assignment {assignment_id}")
        self._before_revoking([assignment])
        self._audit("role_revoked", self._assignment_facts(assignment, assignment.user.username))
        self.session.delete(assignment)
        self.session.flush()

    def assignments(
        self, username: str | None = None, role: str | None = None
    ) -> list[RoleAssignment]:
        """Role assignments, optionally of one user or one role."""
        query = select(RoleAssignment).join(User, User.id == RoleAssignment.user_id)
        if username:
            query = query.where(User.username == username)
        if role:
            query = query.where(RoleAssignment.role == role)
        return list(
            self.session.scalars(
                query.order_by(User.username, RoleAssignment.role, RoleAssignment.id)
            )
        )

    def users(self) -> list[User]:
        """Every user, active or not, by name."""
        return list(self.session.scalars(select(User).order_by(User.username)))

    def revoke(
        self,
        username: str,
        role: str,
        service_code: str | None = None,
        agency_code: str | None = None,
    ) -> int:
        """Revoke `role` for exactly this scope; returns how many assignments went.

        Raises:
            NotFound: no such user, service or PD.
            Conflict: they are the last active Admin Sistem's (`errors` names `role`).
        """
        user = self.by_username(username)
        service_id, agency_id = self.scope_ids(service_code, agency_code)
        assignments = self.session.scalars(_exactly(user, role, service_id, agency_id)).all()
        self._before_revoking(assignments)
        for assignment in assignments:
            self._audit("role_revoked", self._assignment_facts(assignment, username))
            self.session.delete(assignment)
        self.session.flush()
        return len(assignments)

    def roles_of(self, user: User) -> list[str]:
        """Distinct role names the user holds at any scope, sorted."""
        return sorted(held_roles(self.session, user))
