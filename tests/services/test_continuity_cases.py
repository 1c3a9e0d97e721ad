"""What procedures read of a service's DRP at their start and what they record in it
(app/services/continuity/case_plans.py; issue 14, item 7). The whole way through the API is
in tests/paths/test_uji_drp.py and tests/paths/test_pemulihan_layanan.py."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.engine.form_options import CONTINUITY_SERVICES
from app.errors import FormInvalid
from app.models import ContinuityPlan, Instance, Service, User
from app.services.catalog.options import FormOptions
from app.services.continuity.case_plans import (
    DRP_OPTIONAL,
    DRP_REQUIRED,
    RECORD_FLAG,
    drp_start_facts,
    record_from_case,
)
from app.services.continuity.plans import ContinuityService

pytestmark = pytest.mark.usefixtures("demo")

PLAN = {
    "rpo_minutes": 30,
    "rto_minutes": 120,
    "recovery_option": "fast",
    "recovery_strategy": "Pindah ke server cadangan di DRC.",
    "backup_strategy": "Cadangan basis data tiap 15 menit.",
    "contacts": [{"name": "Budi", "role": "Penyedia Layanan", "telephone": "0812000111"}],
    "document_reference": "DRP/EMAIL/2026/1",
}
PROPOSAL = {
    "rpo_menit": 15,
    "rto_menit": 90,
    "opsi_pemulihan": "immediate",
    "strategi_pemulihan": "Server siaga panas di DRC.",
    "strategi_backup": "Replikasi berkelanjutan.",
    "kontak": [{"nama": "Budi", "peran": "Penyedia Layanan", "telepon": "0812000111"}],
}


def service(session: Session, code: str) -> Service:
    return session.scalars(select(Service).where(Service.code == code)).one()


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def case(session: Session, code: str) -> Instance:
    """A case about `code` not written to the database: the refusals come before writes."""
    return Instance(process_model_id="uji-drp", service=service(session, code), reference="X")


def test_the_drp_in_force_at_a_start(session: Session, clock: FixedClock) -> None:
    email, simpeg = service(session, "EMAIL"), service(session, "SIMPEG")
    # EMAIL is Kritis without a DRP yet: tested all the same; SIMPEG is neither.
    assert drp_start_facts(session, email, DRP_REQUIRED) == {"drp_berlaku": None}
    assert drp_start_facts(session, simpeg, DRP_OPTIONAL) == {"drp_berlaku": None}
    with pytest.raises(FormInvalid) as refused:
        drp_start_facts(session, simpeg, DRP_REQUIRED)
    assert set(refused.value.errors) == {"layanan"}
    ContinuityService(session, clock, user(session, "penyedia")).record("EMAIL", PLAN)
    facts = drp_start_facts(session, email, DRP_REQUIRED)["drp_berlaku"]
    assert facts["versi"] == 1
    assert (facts["rpo_menit"], facts["rto_menit"], facts["opsi_pemulihan"]) == (30, 120, "fast")
    assert facts["kontak"] == [
        {"nama": "Budi", "peran": "Penyedia Layanan", "telepon": "0812000111"}
    ]
    assert facts["referensi_dokumen"] == "DRP/EMAIL/2026/1"


def test_nothing_is_recorded_without_the_flag_or_when_it_was_set_before(
    session: Session, clock: FixedClock
) -> None:
    infra = user(session, "admin.infra")
    after = {RECORD_FLAG: True, "drp_baru": PROPOSAL}
    instance = case(session, "EMAIL")
    assert record_from_case(session, clock, instance, {}, {"drp_baru": PROPOSAL}, infra) is None
    assert record_from_case(session, clock, instance, after, after, infra) is None
    assert session.scalars(select(ContinuityPlan)).all() == []


@pytest.mark.parametrize(
    ("after", "field"),
    [
        ({}, "drp_baru"),
        ({"drp_baru": {**PROPOSAL, "rto_menit": 0}}, "drp_baru.rto_menit"),
        ({"drp_baru": {**PROPOSAL, "opsi_pemulihan": "sulap"}}, "drp_baru.opsi_pemulihan"),
        ({"drp_baru": {**PROPOSAL, "kontak": [{"nama": "Budi"}]}}, "drp_baru.kontak.0.telepon"),
    ],
)
def test_a_proposal_the_drp_refuses_refuses_the_step_naming_its_field(
    session: Session, clock: FixedClock, after: dict, field: str
) -> None:
    with pytest.raises(FormInvalid) as refused:
        record_from_case(
            session,
            clock,
            case(session, "EMAIL"),
            {},
            {RECORD_FLAG: True, **after},
            user(session, "admin.infra"),
        )
    assert field in refused.value.errors
    assert session.scalars(select(ContinuityPlan)).all() == []


def test_a_drp_test_offers_the_kritis_services_and_those_with_a_drp(
    session: Session, clock: FixedClock
) -> None:
    options = FormOptions(session, clock)
    offered = {choice.const for choice in options.choices(CONTINUITY_SERVICES)}
    kritis = set(session.scalars(select(Service.code).where(Service.classification == "Kritis")))
    assert offered == kritis
    assert "SIMPEG" not in offered  # Esensial
    ContinuityService(session, clock, user(session, "admin")).record("SIMPEG", PLAN)
    offered = {choice.const for choice in options.choices(CONTINUITY_SERVICES)}
    assert offered == kritis | {"SIMPEG"}
    schema = {"properties": {"layanan": {"type": "string", "x-options": CONTINUITY_SERVICES}}}
    assert options.check(schema, {"layanan": "SIMPEG"}) == {}
    assert set(options.check(schema, {"layanan": "E-KINERJA"})) == {"layanan"}
