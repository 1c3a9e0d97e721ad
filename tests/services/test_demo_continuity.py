"""The demo's DRP versions and trainings (issue 14, items 7 and 8), as `spbe demo` leaves a
deployed database (the `cmdb` state): every Kritis service has a DRP in force whose
objectives are the catalog's, and the trainings name the version they were held on."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.models import Service, User
from app.services.continuity.plans import ContinuityService
from app.services.demo_continuity import PLANS, TRAININGS, ZONE, load_demo_continuity

pytestmark = pytest.mark.usefixtures("cmdb")


@pytest.fixture
def continuity(session: Session, clock: FixedClock) -> ContinuityService:
    staff = session.scalars(select(User).where(User.username == "admin.layanan")).one()
    return ContinuityService(session, clock, staff)


def test_every_kritis_service_has_a_drp_in_force_that_sets_the_catalogs_objectives(
    session: Session, clock: FixedClock, continuity: ContinuityService
) -> None:
    kritis = session.scalars(select(Service).where(Service.classification == "Kritis")).all()
    assert {s.code for s in kritis} == {p.service for p in PLANS}
    for service in kritis:
        versions = continuity.versions(service.code)
        assert [v.version for v in versions] == list(range(len(versions), 0, -1))
        current = versions[0]
        assert (service.rpo_minutes, service.rto_minutes) == (
            current.rpo_minutes,
            current.rto_minutes,
        )
        assert service.drp_reference == f"DRP {service.code} v{current.version}"
        assert current.contacts, service.code
        assert current.recovery_strategy
        assert current.backup_strategy
        assert current.document_reference.startswith(f"DRP-{service.code}-")
        dated = [v.created_at.astimezone(ZONE) for v in reversed(versions)]
        assert dated == sorted(dated)
        assert all(d.weekday() < 5 and d < clock.now() for d in dated), service.code


def test_emails_second_version_came_from_its_test_and_shortened_the_rto(
    continuity: ContinuityService,
) -> None:
    second, first = continuity.versions("EMAIL")
    assert second.rto_minutes < first.rto_minutes
    assert second.rpo_minutes < first.rpo_minutes
    assert "uji DRP" in second.note


def test_the_trainings_are_past_weekdays_naming_the_version_in_force(
    clock: FixedClock, continuity: ContinuityService
) -> None:
    for demo in TRAININGS:
        [training], total = continuity.trainings(demo.service, 1, 10)
        assert total == 1
        assert training.plan_version == continuity.versions(demo.service)[0].version
        assert training.held_on < clock.now().date()
        assert training.held_on.weekday() < 5
        assert training.participants == demo.training["participants"]


def test_a_second_load_adds_nothing(
    session: Session, clock: FixedClock, continuity: ContinuityService
) -> None:
    before = {p.service: len(continuity.versions(p.service)) for p in PLANS}
    assert load_demo_continuity(session, clock) == 0
    session.flush()
    assert {p.service: len(continuity.versions(p.service)) for p in PLANS} == before
    assert continuity.trainings("SIAK", 1, 10)[1] == 1
