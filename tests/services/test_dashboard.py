"""DashboardService: a PD's figures against instances made through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.errors import NotPermitted
from app.models import User
from app.services.accounts.users import AccountService
from app.services.context import Platform
from app.services.instances.dashboard import DashboardService, PdScope
from tests.services.tracking_data import CLASSIFY_COMPLAINT, complaint, complete, service_request

pytestmark = pytest.mark.usefixtures("deployed")


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def scope(session: Session, platform: Platform, username: str, code: str | None) -> PdScope:
    who = user(session, username)
    service = DashboardService(session, platform.clock.now())
    return service.choose(service.scopes(who), code, who.agency_id)


def test_figures_count_open_work_and_deadlines(
    platform: Platform, session: Session, clock: FixedClock
):
    met = complaint(platform)  # SRIKANDI, DISKOMINFO, P3: respond within 1 working hour
    missed = complaint(platform, dampak="Minor")  # P5: within 2 working hours
    ended = complaint(platform, layanan="WEBSITE")  # a third SRIKANDI one would open a problem
    service_request(platform)  # SIMPEG: BKPSDM, not counted for DISKOMINFO
    clock.advance(timedelta(minutes=20))
    complete(platform, met, "admin.layanan", CLASSIFY_COMPLAINT)
    platform.instances(session).terminate(ended, user(session, "pj.layanan"))
    session.commit()
    clock.advance(timedelta(hours=3))  # the P5 response deadline passed unanswered

    figures = DashboardService(session, clock.now()).read(
        scope(session, platform, "pimpinan", None)
    )
    assert figures.scope.agency.code == "DISKOMINFO"
    assert figures.by_procedure == [("penanganan-aduan", 2)]
    assert figures.open_total == 2
    assert figures.by_priority == [("P3", 1), ("P5", 1)]
    assert (figures.response.met, figures.response.missed) == (1, 1)
    assert (figures.resolution.met, figures.resolution.missed) == (0, 0)
    assert [i.id for i in figures.oldest] == [met, missed]


def test_deadlines_older_than_thirty_days_are_left_out(
    platform: Platform, session: Session, clock: FixedClock
):
    complaint(platform)
    clock.advance(timedelta(days=40))
    figures = DashboardService(session, clock.now()).read(
        scope(session, platform, "pimpinan", None)
    )
    assert figures.open_total == 1
    # Both deadlines (1 and 48 working hours after the report) passed before the window.
    assert (figures.response.met, figures.response.missed) == (0, 0)
    assert (figures.resolution.met, figures.resolution.missed) == (0, 0)


def test_a_pd_grant_sees_that_pd_only(platform: Platform, session: Session):
    service = DashboardService(session, platform.clock.now())
    assert [s.agency.code for s in service.scopes(user(session, "pimpinan"))] == ["DISKOMINFO"]
    with pytest.raises(NotPermitted):
        scope(session, platform, "pimpinan", "BKPSDM")


def test_a_grant_everywhere_sees_every_pd_and_defaults_to_the_users_own(
    platform: Platform, session: Session
):
    service = DashboardService(session, platform.clock.now())
    assert len(service.scopes(user(session, "pj.layanan"))) == 5
    assert scope(session, platform, "pj.layanan", None).agency.code == "DISKOMINFO"
    assert scope(session, platform, "pj.layanan", "BKPSDM").agency.code == "BKPSDM"


def test_a_service_grant_sees_its_services_figures_only(
    platform: Platform, session: Session, clock: FixedClock
):
    AccountService(session, clock).grant(
        "petugas.siak", "Penanggung Jawab Penyedia Layanan", service_code="SIAK"
    )
    session.commit()
    complaint(platform, layanan="SIAK")
    complaint(platform, layanan="ANTREAN")  # the same PD, another service
    chosen = scope(session, platform, "petugas.siak", None)
    assert chosen.agency.code == "DISDUKCAPIL"
    assert chosen.service_ids is not None
    assert len(chosen.service_ids) == 1
    figures = DashboardService(session, clock.now()).read(chosen)
    assert figures.open_total == 1


def test_staff_without_a_supervising_role_see_no_pd(platform: Platform, session: Session):
    with pytest.raises(NotPermitted):
        scope(session, platform, "admin.layanan", None)
