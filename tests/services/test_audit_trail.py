"""The audit trail of one object, as the admin pages show it under the object."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.errors import NotFound, NotPermitted
from app.models import User
from app.services.accounts.users import AccountService
from app.services.audit.trail import AuditTrail
from app.services.catalog.agencies import AgencyService

pytestmark = pytest.mark.usefixtures("demo")


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


class TestAuditTrail:
    def test_changes_of_one_object_newest_first_with_their_actor(
        self, session: Session, clock: FixedClock
    ):
        admin = user(session, "admin")
        agencies = AgencyService(session, clock, admin)
        agencies.create("DINKES", "Dinas Kesehatan")
        agencies.create("DINSOS", "Dinas Sosial")
        clock.advance(timedelta(minutes=5))
        agencies.update("DINKES", name="Dinas Kesehatan Kabupaten")
        entries = AuditTrail(session, clock, admin).of("agency", "DINKES")
        assert [e.kind for e in entries] == ["agency_updated", "agency_created"]
        assert entries[0].actor == "admin"
        assert entries[0].data["changed"] == {"name": "Dinas Kesehatan Kabupaten"}
        assert entries[0].at > entries[1].at

    def test_a_users_trail_holds_their_roles_and_the_system_as_actor(
        self, session: Session, clock: FixedClock
    ):
        AccountService(session, clock).grant("pengguna", "Analis Proses")
        admin = user(session, "admin")
        entries = AuditTrail(session, clock, admin).of("user", "pengguna")
        granted = [e for e in entries if e.kind == "role_granted"]
        assert granted[0].actor is None
        assert granted[0].data["role"] == "Analis Proses"
        assert all(e.data["username"] == "pengguna" for e in entries)

    def test_limit_keeps_the_newest(self, session: Session, clock: FixedClock):
        admin = user(session, "admin")
        agencies = AgencyService(session, clock, admin)
        agencies.create("DINKES", "Dinas Kesehatan")
        for percent in (60, 70, 80):
            clock.advance(timedelta(minutes=1))
            agencies.update("DINKES", escalation_warning_percent=percent)
        entries = AuditTrail(session, clock, admin).of("agency", "DINKES", limit=2)
        assert [e.data["changed"]["escalation_warning_percent"] for e in entries] == [80, 70]

    def test_only_admin_sistem_reads_it(self, session: Session, clock: FixedClock):
        with pytest.raises(NotPermitted):
            AuditTrail(session, clock, user(session, "pengguna")).of("agency", "DINKES")

    def test_an_unknown_kind_of_object_is_not_found(self, session: Session, clock: FixedClock):
        with pytest.raises(NotFound):
            AuditTrail(session, clock, user(session, "admin")).of("planet", "Mars")
