"""Who may do what (`app.services.accounts.permissions`), against the demo's users and the
migration's roles, and the services that ask it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.errors import DeploymentInvalid, NotPermitted
from app.models import Agency, Role, RoleName, Service, User
from app.services.accounts.delegations import DelegationService
from app.services.accounts.permissions import (
    ADMINISTER,
    DEPLOY_MODELS,
    EDIT_MODELS,
    STAFF,
    VIEW_DASHBOARDS,
    Permission,
    allows,
    held_roles,
    holds,
    holds_at,
    require,
    supervises,
)
from app.services.accounts.users import AccountService
from app.services.catalog.agencies import AgencyService
from app.services.context import Platform
from app.services.process_models.deploy import NO_FILES, DeployService
from app.services.process_models.form_library import FormLibrary, FormPair
from app.sla.urgency import DEFAULT_URGENCY_SCHEME
from tests.conftest import FORMS


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def service_id(session: Session, code: str) -> int:
    return session.scalars(select(Service.id).where(Service.code == code)).one()


def agency_id(session: Session, code: str) -> int:
    return session.scalars(select(Agency.id).where(Agency.code == code)).one()


class TestRoleName:
    def test_the_members_are_exactly_the_stored_roles(self, session: Session):
        stored = set(session.scalars(select(Role.name)))
        assert stored == {role.value for role in RoleName}

    def test_a_member_is_the_stored_string(self):
        assert RoleName.PROCESS_ANALYST == "Analis Proses"
        assert f"{RoleName.SYSTEM_ADMINISTRATOR}" == "Admin Sistem"

    def test_the_names_kept_elsewhere_are_members(self):
        """Role names still written out where `RoleName` cannot reach (the SLA tables are
        plain values) must stay real roles."""
        escalation = {role for level in DEFAULT_URGENCY_SCHEME.escalation for role in level.roles}
        assert escalation <= set(RoleName)


@pytest.mark.usefixtures("demo")
class TestHeldRoles:
    def test_the_roles_of_every_scope(self, session: Session):
        assert held_roles(session, user(session, "petugas.siak")) == {"Administrator Layanan"}
        assert held_roles(session, user(session, "pimpinan")) == {"Pimpinan PD Penyedia Layanan"}

    def test_nobody_without_assignments_holds_nothing(self, session: Session, clock: FixedClock):
        newcomer = AccountService(session, clock).create_user("baru", "rahasia123")
        assert held_roles(session, newcomer) == frozenset()

    def test_a_delegation_lends_tasks_not_roles(self, session: Session, clock: FixedClock):
        DelegationService(session, clock).create(
            kind="Plh",
            delegate="penyedia",
            principal="pj.layanan",
            role=RoleName.SERVICE_OWNER,
            starts_at=clock.now() - timedelta(hours=1),
            ends_at=clock.now() + timedelta(days=1),
            decree_reference="800/1/2026",
        )
        assert held_roles(session, user(session, "penyedia")) == {"Penyedia Layanan"}


@pytest.mark.usefixtures("demo")
class TestHolds:
    def test_any_of_the_roles_at_any_scope(self, session: Session):
        officer = user(session, "petugas.siak")  # holds it for one service only
        assert holds(session, officer, RoleName.SERVICE_ADMINISTRATOR)
        assert holds(session, officer, RoleName.PROCESS_ANALYST, RoleName.SERVICE_ADMINISTRATOR)
        assert not holds(session, officer, RoleName.PROCESS_ANALYST)
        assert not holds(session, officer)

    def test_at_exactly_one_scope(self, session: Session):
        siak = service_id(session, "SIAK")
        officer = user(session, "petugas.siak")
        assert holds_at(session, officer, RoleName.SERVICE_ADMINISTRATOR, siak, None)
        assert not holds_at(session, officer, RoleName.SERVICE_ADMINISTRATOR, None, None)
        desk = user(session, "admin.layanan")  # holds it everywhere
        assert holds_at(session, desk, RoleName.SERVICE_ADMINISTRATOR, None, None)
        assert not holds_at(session, desk, RoleName.SERVICE_ADMINISTRATOR, siak, None)
        head = user(session, "pimpinan")
        diskominfo = agency_id(session, "DISKOMINFO")
        assert holds_at(session, head, RoleName.PROVIDER_HEAD, None, diskominfo)
        assert not holds_at(session, head, RoleName.PROVIDER_HEAD, None, None)


@pytest.mark.usefixtures("demo")
class TestRequire:
    @pytest.mark.parametrize(
        ("permission", "username", "allowed"),
        [
            (ADMINISTER, "admin", True),
            (ADMINISTER, "analis", False),
            (ADMINISTER, "pimpinan", False),
            (EDIT_MODELS, "analis", True),
            (EDIT_MODELS, "admin", True),
            (EDIT_MODELS, "admin.layanan", False),
            (DEPLOY_MODELS, "analis", True),
            (DEPLOY_MODELS, "pengguna", False),
            (STAFF, "pengguna", False),
            (STAFF, "penyedia", True),
            (STAFF, "petugas.siak", True),
            (STAFF, "analis", True),
            (VIEW_DASHBOARDS, "pimpinan", True),
            (VIEW_DASHBOARDS, "pj.infra", True),
            (VIEW_DASHBOARDS, "admin", True),
            (VIEW_DASHBOARDS, "admin.layanan", False),
            (VIEW_DASHBOARDS, "pengguna", False),
        ],
    )
    def test_permission_follows_the_roles_held(
        self, session: Session, permission: Permission, username: str, allowed: bool
    ):
        someone = user(session, username)
        assert allows(session, someone, permission) is allowed
        assert permission.granted_to(held_roles(session, someone)) is allowed
        if allowed:
            require(session, someone, permission)
        else:
            with pytest.raises(NotPermitted) as refused:
                require(session, someone, permission)
            assert refused.value.message == permission.refusal
            assert refused.value.status == 403

    def test_the_refusals_keep_their_words(self):
        assert ADMINISTER.refusal == "Hanya Admin Sistem / Admin Sistem only"
        assert EDIT_MODELS.refusal == (
            "Hanya Analis Proses yang dapat menyimpan model / Analis Proses only"
        )
        assert DEPLOY_MODELS.refusal == (
            "Hanya Analis Proses yang dapat men-deploy / Analis Proses only"
        )
        assert STAFF.refusal == "Hanya petugas / staff only"

    def test_the_system_may_do_everything(self, session: Session):
        for permission in (ADMINISTER, EDIT_MODELS, DEPLOY_MODELS, STAFF, VIEW_DASHBOARDS):
            assert allows(session, None, permission)
            require(session, None, permission)

    def test_a_grant_and_a_revoke_take_effect_at_once(self, session: Session, clock: FixedClock):
        accounts = AccountService(session, clock)
        requester = user(session, "pengguna")
        with pytest.raises(NotPermitted):
            require(session, requester, EDIT_MODELS)
        accounts.grant("pengguna", RoleName.PROCESS_ANALYST)
        require(session, requester, EDIT_MODELS)
        accounts.revoke("pengguna", RoleName.PROCESS_ANALYST)
        with pytest.raises(NotPermitted):
            require(session, requester, EDIT_MODELS)

    def test_a_scoped_grant_still_carries_the_permission(self, session: Session, clock: FixedClock):
        AccountService(session, clock).grant(
            "pengguna", RoleName.PROCESS_ANALYST, service_code="SIAK"
        )
        assert allows(session, user(session, "pengguna"), EDIT_MODELS)


class TestGrantedTo:
    def test_one_role_of_the_set_is_enough(self):
        assert EDIT_MODELS.granted_to({"Pengguna Layanan", "Analis Proses"})
        assert not EDIT_MODELS.granted_to({"Pengguna Layanan"})
        assert not STAFF.granted_to(set())

    def test_staff_is_every_role_but_the_requesters(self):
        assert set(RoleName) - STAFF.roles == {RoleName.SERVICE_USER}


@pytest.mark.usefixtures("demo")
class TestTheServicesAsk:
    def test_an_upload_is_refused_before_its_files_are_looked_at(
        self, session: Session, platform: Platform
    ):
        deploy = DeployService(session, platform.clock, platform.specs)
        with pytest.raises(NotPermitted) as refused:
            deploy.deploy_upload({}, user(session, "pengguna"))
        assert refused.value.message == DEPLOY_MODELS.refusal
        with pytest.raises(DeploymentInvalid) as invalid:
            deploy.deploy_upload({}, user(session, "analis"))
        assert [p.message for p in invalid.value.problems] == [NO_FILES]

    def test_own_delegations_for_everyone_all_of_them_for_admin(
        self, session: Session, clock: FixedClock
    ):
        mine = DelegationService(session, clock, user(session, "penyedia"))
        assert mine.all("penyedia") == []
        with pytest.raises(NotPermitted):
            mine.all()
        with pytest.raises(NotPermitted):
            mine.all("pj.layanan")
        assert DelegationService(session, clock, user(session, "admin")).all() == []

    def test_a_user_sees_their_own_account_and_admin_every_account(
        self, session: Session, clock: FixedClock
    ):
        requester = AccountService(session, clock, user(session, "pengguna"))
        assert requester.visible_user("pengguna").username == "pengguna"
        with pytest.raises(NotPermitted):
            requester.visible_user("admin")
        admin = AccountService(session, clock, user(session, "admin"))
        assert admin.visible_user("pengguna").username == "pengguna"

    def test_only_admin_sistem_changes_agencies(self, session: Session, clock: FixedClock):
        with pytest.raises(NotPermitted):
            AgencyService(session, clock, user(session, "pimpinan")).create("DINKES", "Dinkes")
        with pytest.raises(NotPermitted):
            AgencyService(session, clock, user(session, "pimpinan")).update("BKPSDM", "B")
        created = AgencyService(session, clock, user(session, "admin")).create("DINKES", "Dinkes")
        assert created.code == "DINKES"

    def test_only_model_editors_write_forms(self, session: Session, clock: FixedClock):
        library = FormLibrary(session, clock, FORMS)
        desk = user(session, "admin.layanan")
        with pytest.raises(NotPermitted) as refused:
            library.create("formulir-baru", desk)
        assert refused.value.message == EDIT_MODELS.refusal
        with pytest.raises(NotPermitted):
            library.save(FormPair("formulir-baru"), "{}", None, desk)
        assert library.create("formulir-baru", user(session, "analis")).stem == "formulir-baru"


@pytest.mark.usefixtures("demo")
class TestSupervises:
    @staticmethod
    def _scope(session: Session, agency: str) -> tuple[None, int]:
        return None, session.scalars(select(Agency.id).where(Agency.code == agency)).one()

    def test_a_supervisor_everywhere_and_admin_sistem_supervise_any_scope(self, session: Session):
        scope = self._scope(session, "BKPSDM")
        assert supervises(session, user(session, "pj.layanan"), *scope)
        assert supervises(session, user(session, "admin"), *scope)

    def test_a_pd_head_supervises_only_their_pd(self, session: Session):
        """Also for an instance without a service (a PD's evaluation): comparing the
        grant's empty service with the instance's once let any PD head in."""
        head = user(session, "pimpinan")
        assert supervises(session, head, *self._scope(session, "DISKOMINFO"))
        assert not supervises(session, head, *self._scope(session, "BKPSDM"))
        assert not supervises(session, head, None, None)

    def test_other_roles_do_not_supervise(self, session: Session):
        scope = self._scope(session, "DISKOMINFO")
        for name in ("pengguna", "admin.layanan", "analis", "pj.infra"):
            assert not supervises(session, user(session, name), *scope), name
