"""Who may do what: the house's permissions, and the one place a role is checked.

A permission is a set of roles, any one of them held at any scope, and what a refusal
says. Services call `require` before they act; the API and the pages ask the same
functions, or `Permission.granted_to` with the roles a request has read once
(`held_roles`), to hide a link or refuse a page early. Nothing else queries role
assignments to decide a right.

No user (`None`) is the system itself acting: the `spbe` command, the demo loader, the
worker. Every permission allows it, as `AccountService` always has for its actor.

Which tasks a user may act on is routing, not a permission: it follows the lane's role
for the instance's scope and lives in `app.engine.routing` (see `TaskService`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.engine.routing import covers
from app.errors import NotPermitted
from app.models import RoleAssignment, RoleName, Service, User


@dataclass(frozen=True)
class Permission:
    """A right: the roles that carry it (held at any scope) and what a refusal says."""

    roles: frozenset[RoleName]
    refusal: str

    def granted_to(self, held: Collection[str]) -> bool:
        """Whether someone holding the roles `held` has this right.

        Args:
            held: role names, e.g. from `held_roles`.

        Returns:
            True when `held` names one of the permission's roles.
        """
        return not self.roles.isdisjoint(held)


#: Users, roles, agencies, the service catalog, the SLA reference tables, the working
#: calendars, periodic schedules, delegations, and reading the audit trail.
ADMINISTER = Permission(
    frozenset({RoleName.SYSTEM_ADMINISTRATOR}), "Hanya Admin Sistem / Admin Sistem only"
)
#: The roles that edit and deploy process models and forms.
MODEL_EDITORS = frozenset({RoleName.PROCESS_ANALYST, RoleName.SYSTEM_ADMINISTRATOR})
#: Save a diagram as a draft, create a model, deploy a draft, edit form files.
EDIT_MODELS = Permission(
    MODEL_EDITORS, "Hanya Analis Proses yang dapat menyimpan model / Analis Proses only"
)
#: Read an instance's data and history as stored (raw JSON) besides the case record:
#: those who write the diagrams and forms the data comes from, and administrators.
READ_RAW_DATA = Permission(
    MODEL_EDITORS,
    "Hanya Analis Proses dan Admin Sistem / Analis Proses and Admin Sistem only",
)
#: Deploy an uploaded bundle as a model's next version (the API's upload).
DEPLOY_MODELS = Permission(
    MODEL_EDITORS, "Hanya Analis Proses yang dapat men-deploy / Analis Proses only"
)
#: Work with other people's requests: every role but a plain requester's. Staff search
#: the known-error register, follow instances and may start internal procedures.
STAFF = Permission(frozenset(RoleName) - {RoleName.SERVICE_USER}, "Hanya petugas / staff only")
#: The roles that suspend, resume and terminate instances and hand their tasks to
#: someone else, within the scope they hold them for (`supervises`); Admin Sistem anywhere.
SUPERVISORS = frozenset({RoleName.SERVICE_OWNER, RoleName.PROVIDER_HEAD})
SUPERVISE = Permission(SUPERVISORS, "Hanya penyelia / supervisors only")
#: Open a PD's dashboard: supervisors, the three coordinators (Polewali II.1.a.1 huruf a-b,
#: II.2.1.a: they review their process's efficiency, which the dashboard shows) and
#: administrators. Which PDs follows from the scope of each grant
#: (`DashboardService.scopes`).
VIEW_DASHBOARDS = Permission(
    frozenset(
        {
            RoleName.SERVICE_OWNER,
            RoleName.PROVIDER_HEAD,
            RoleName.INFRASTRUCTURE_OWNER,
            RoleName.SERVICE_DESK_COORDINATOR,
            RoleName.INCIDENT_COORDINATOR,
            RoleName.PROBLEM_COORDINATOR,
            RoleName.SYSTEM_ADMINISTRATOR,
        }
    ),
    "Hanya penyelia / supervisors only",
)
#: The roles that keep the CMDB besides Admin Sistem: registering and updating
#: configuration items and their relations is the technical team's work (Kepbup Polewali
#: Mandar 685/2021, II.3 c.1-c.3), so the Administrator and the Penanggung Jawab
#: Infrastruktur dan Aplikasi keep the items of the scope they hold the role for
#: (`edits_configuration`).
CONFIGURATION_KEEPERS = frozenset(
    {RoleName.INFRASTRUCTURE_ADMINISTRATOR, RoleName.INFRASTRUCTURE_OWNER}
)
#: Create, change, retire and relate configuration items: a keeper held everywhere, for the
#: item's PD or for a service that runs on it; Admin Sistem anywhere. Reading is `STAFF`.
EDIT_CONFIGURATION = Permission(
    CONFIGURATION_KEEPERS | {RoleName.SYSTEM_ADMINISTRATOR},
    "Hanya Administrator Infrastruktur dan Aplikasi PD pemilik atau Admin Sistem / only the "
    "owner PD's infrastructure administrators or Admin Sistem",
)


#: Who keeps a service's DRP and its training records (Kepbup Polewali Mandar 685/2021,
#: III.3; Perbup Bangka 21/2025, 2.2.2.2: the provider approves the DRP, its owner and the
#: infrastructure's head answer for it), for the service, its PD or everywhere.
CONTINUITY_KEEPERS = frozenset(
    {RoleName.SERVICE_PROVIDER, RoleName.SERVICE_OWNER, RoleName.INFRASTRUCTURE_OWNER}
)
EDIT_CONTINUITY = Permission(
    CONTINUITY_KEEPERS | {RoleName.SYSTEM_ADMINISTRATOR},
    "Hanya Penyedia Layanan, Penanggung Jawab layanan atau infrastruktur, atau Admin Sistem / "
    "only the service's provider, its owner, the infrastructure's head or Admin Sistem",
)

#: Read a service's documents (its SLA): whoever holds a role, at any scope. The SLA binds
#: the provider to the service's users, so a Pengguna Layanan reads it as staff do; a
#: signed-in account that holds no role yet reads none.
READ_SERVICE_DOCUMENTS = Permission(
    frozenset(RoleName), "Hanya pengguna yang memegang peran / users holding a role only"
)


def held_roles(session: Session, user: User) -> frozenset[str]:
    """The roles `user` is assigned, at any scope.

    Grants lent by a delegation (Plt/Plh) are not among them: they let the delegate act
    on tasks, which routing decides, and carry no permission.

    Args:
        session: the database session.
        user: whose roles.

    Returns:
        The distinct role names.
    """
    return frozenset(
        session.scalars(select(RoleAssignment.role).where(RoleAssignment.user_id == user.id))
    )


def holds(session: Session, user: User, *roles: str) -> bool:
    """Whether `user` is assigned one of `roles`, at any scope.

    Args:
        session: the database session.
        user: who.
        *roles: role names (`RoleName` members).

    Returns:
        True when such an assignment exists.
    """
    return (
        session.scalar(
            select(RoleAssignment.id)
            .where(RoleAssignment.user_id == user.id, RoleAssignment.role.in_(roles))
            .limit(1)
        )
        is not None
    )


def holds_at(
    session: Session, user: User, role: str, service_id: int | None, agency_id: int | None
) -> bool:
    """Whether `user` is assigned `role` at exactly one scope.

    Args:
        session: the database session.
        user: who.
        role: a role name.
        service_id: the service of the scope, or None.
        agency_id: the PD of the scope, or None (both None: everywhere).

    Returns:
        True when an assignment at exactly this level exists; one at a wider or a
        narrower level does not count.
    """
    return (
        session.scalar(
            select(RoleAssignment.id)
            .where(
                RoleAssignment.user_id == user.id,
                RoleAssignment.role == role,
                RoleAssignment.service_id.is_not_distinct_from(service_id),
                RoleAssignment.agency_id.is_not_distinct_from(agency_id),
            )
            .limit(1)
        )
        is not None
    )


def allows(session: Session, user: User | None, permission: Permission) -> bool:
    """Whether `user` has `permission`; the system (`None`) has every permission.

    Args:
        session: the database session.
        user: who acts, or None for the system.
        permission: the right asked for.

    Returns:
        True when the user holds one of the permission's roles, or is the system.
    """
    return user is None or holds(session, user, *permission.roles)


def require(session: Session, user: User | None, permission: Permission) -> None:
    """Refuse unless `user` has `permission`; the system (`None`) always passes.

    Args:
        session: the database session.
        user: who acts, or None for the system.
        permission: the right the action needs.

    Raises:
        NotPermitted: the user holds none of its roles (message: its `refusal`).
    """
    if not allows(session, user, permission):
        raise NotPermitted(permission.refusal)


def supervisors_of(session: Session, service_id: int | None, agency_id: int | None) -> list[str]:
    """Usernames of the active supervisors of an instance of this service and PD (the
    roles of `SUPERVISE` held for a scope covering it), for telling them what needs one.

    Args:
        session: the database session.
        service_id: the instance's service, or None.
        agency_id: the instance's PD, or None.

    Returns:
        The usernames, sorted.
    """
    return sorted(
        set(
            session.scalars(
                select(User.username)
                .join(RoleAssignment, RoleAssignment.user_id == User.id)
                .where(
                    User.active.is_(True),
                    RoleAssignment.role.in_(SUPERVISE.roles),
                    covers(RoleAssignment, service_id, agency_id),
                )
            )
        )
    )


def supervises(session: Session, user: User, service_id: int | None, agency_id: int | None) -> bool:
    """Whether `user` may supervise an instance of this service and PD: Admin Sistem, or a
    supervisor role held everywhere, for the service or for the PD.

    Args:
        session: the database session.
        user: who.
        service_id: the instance's service, or None.
        agency_id: the instance's PD, or None.

    Returns:
        True when such an assignment exists.
    """
    return (
        session.scalar(
            select(RoleAssignment.id)
            .where(
                RoleAssignment.user_id == user.id,
                or_(
                    RoleAssignment.role == RoleName.SYSTEM_ADMINISTRATOR,
                    and_(
                        RoleAssignment.role.in_(SUPERVISE.roles),
                        covers(RoleAssignment, service_id, agency_id),
                    ),
                ),
            )
            .limit(1)
        )
        is not None
    )


def may_start(session: Session, user: User, start_roles: Collection[str]) -> bool:
    """Whether `user` may start by hand a procedure its diagram lets `start_roles` start
    (`startableBy` on the start event; empty: anyone signed in). A role held at any scope
    counts; Admin Sistem starts anything.

    Args:
        session: the database session.
        user: who.
        start_roles: the model's `ParsedModel.start_roles`.

    Returns:
        True when the user may start it.
    """
    if not start_roles:
        return True
    return holds(session, user, RoleName.SYSTEM_ADMINISTRATOR, *start_roles)


def require_start(session: Session, user: User, start_roles: Collection[str]) -> None:
    """Raise `NotPermitted`, naming who may, unless `may_start`.

    Raises:
        NotPermitted: the user holds none of `start_roles`.
    """
    if not may_start(session, user, start_roles):
        names = ", ".join(start_roles)
        raise NotPermitted(
            f"Prosedur ini hanya dapat dimulai oleh {names} / only {names} may start it"
        )


def holds_in_scope(
    session: Session,
    user: User | None,
    roles: Collection[str],
    agency_id: int,
    service_ids: Collection[int] = (),
) -> bool:
    """Whether `user` is Admin Sistem, or holds one of `roles` everywhere, for PD
    `agency_id` or for one of the services `service_ids`; the system (`None`) does.

    The rule of the records kept per PD and service (configuration items, DRPs): their
    keepers are the PD's, the service's, or the kabupaten's holders of those roles.
    """
    if user is None:
        return True
    scope = or_(
        and_(RoleAssignment.service_id.is_(None), RoleAssignment.agency_id.is_(None)),
        RoleAssignment.agency_id == agency_id,
    )
    if service_ids:
        scope = or_(scope, RoleAssignment.service_id.in_(list(service_ids)))
    return (
        session.scalar(
            select(RoleAssignment.id)
            .where(
                RoleAssignment.user_id == user.id,
                or_(
                    RoleAssignment.role == RoleName.SYSTEM_ADMINISTRATOR,
                    and_(RoleAssignment.role.in_(list(roles)), scope),
                ),
            )
            .limit(1)
        )
        is not None
    )


def edits_configuration(
    session: Session, user: User | None, agency_id: int, service_ids: Collection[int] = ()
) -> bool:
    """Whether `user` may change a configuration item of PD `agency_id` that the services
    `service_ids` run on (`EDIT_CONFIGURATION`): `holds_in_scope` of the
    `CONFIGURATION_KEEPERS`."""
    return holds_in_scope(session, user, CONFIGURATION_KEEPERS, agency_id, service_ids)


def require_configuration_editor(
    session: Session, user: User | None, agency_id: int, service_ids: Collection[int] = ()
) -> None:
    """Refuse unless `edits_configuration`.

    Raises:
        NotPermitted: the user keeps no configuration items of this PD or these services.
    """
    if not edits_configuration(session, user, agency_id, service_ids):
        raise NotPermitted(EDIT_CONFIGURATION.refusal)


def require_continuity_editor(session: Session, user: User | None, service: Service) -> None:
    """Refuse unless `user` keeps the service's DRP (`EDIT_CONTINUITY`, `holds_in_scope`).

    Raises:
        NotPermitted: the user keeps no DRP of this service.
    """
    if not holds_in_scope(session, user, CONTINUITY_KEEPERS, service.agency_id, [service.id]):
        raise NotPermitted(EDIT_CONTINUITY.refusal)
