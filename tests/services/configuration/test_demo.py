"""The demo kabupaten's CMDB (issue 14, item 8), as `spbe demo` leaves a deployed database
(the `cmdb` state)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.models import (
    ConfigurationItem,
    ConfigurationItemType,
    ConfigurationRelation,
    Instance,
    Service,
)
from app.services.configuration.cases import linked_items
from app.services.configuration.demo import (
    EXPIRING_IN_DAYS,
    ITEMS,
    PAST_OUTAGE_ITEM,
    PAST_OUTAGE_REPORTER,
    PAST_OUTAGE_TIMES,
    RELATIONS,
    SAMPLE_COMPLAINT_ITEM,
    WIB,
    file_past_outage,
    load_demo_configuration,
)
from app.services.configuration.impact import ImpactService
from app.services.configuration.items import ItemFilter, ItemService
from app.services.context import Platform
from app.services.deadlines.availability import AvailabilityService

pytestmark = pytest.mark.usefixtures("cmdb")


def by_name(session: Session, name: str) -> ConfigurationItem:
    return session.scalars(select(ConfigurationItem).where(ConfigurationItem.name == name)).one()


def test_every_item_and_relation_is_there_and_a_second_load_adds_nothing(
    session: Session, clock: FixedClock
) -> None:
    assert session.scalar(select(func.count()).select_from(ConfigurationItem)) == len(ITEMS)
    assert session.scalar(select(func.count()).select_from(ConfigurationRelation)) == len(RELATIONS)
    assert load_demo_configuration(session, clock) == 0
    session.flush()
    assert session.scalar(select(func.count()).select_from(ConfigurationRelation)) == len(RELATIONS)


def test_every_type_has_items_and_every_demo_service_runs_on_one(
    items: ItemService, session: Session
) -> None:
    kinds = set(session.scalars(select(ConfigurationItemType.code)))
    for kind in kinds:
        assert items.page(ItemFilter(type=kind)).total > 0, kind
    for code in session.scalars(select(Service.code)):
        assert items.page(ItemFilter(service=code)).total > 0, code


def test_the_hypervisor_licence_runs_out_three_weeks_after_the_load(
    session: Session, clock: FixedClock
) -> None:
    licence = by_name(session, "LIC-VMWARE-VSPHERE")
    [record] = licence.licences
    assert record.expires_on == clock.now().date() + timedelta(days=EXPIRING_IN_DAYS)


def test_the_shared_database_machine_carries_four_services(
    impact: ImpactService, session: Session
) -> None:
    found = impact.of(by_name(session, "VM-DB-01").id)
    assert [s.service.code for s in found.services] == [
        "ANTREAN",
        "E-KINERJA",
        "OSS-PERIZINAN",
        "SIMPEG",
        "SRIKANDI",
    ]
    assert {i.item.name for i in found.items if i.depth == 1} == {
        "DB-EKINERJA",
        "DB-LAYANAN",
        "DB-SIMPEG",
        "DB-SRIKANDI",
    }


def test_the_sample_complaint_names_the_srikandi_application_and_is_in_its_impact(
    impact: ImpactService, session: Session
) -> None:
    complaint = session.scalars(
        select(Instance).where(
            Instance.process_model_id == "penanganan-aduan", Instance.status != "complete"
        )
    ).one()
    app = by_name(session, SAMPLE_COMPLAINT_ITEM)
    assert linked_items(session, complaint.id) == [app.id]
    [case] = impact.of(by_name(session, "DB-SRIKANDI").id).cases
    assert case.instance.id == complaint.id
    assert case.item_ids == [app.id]
    assert case.services == ["SRIKANDI"]


def test_a_past_outage_of_simpeg_s_database_counts_against_both_services_on_it(
    session: Session, clock: FixedClock, platform: Platform
) -> None:
    outage = session.scalars(
        select(Instance).where(
            Instance.process_model_id == "penanganan-aduan", Instance.status == "complete"
        )
    ).one()
    assert outage.started_by.username == PAST_OUTAGE_REPORTER
    assert linked_items(session, outage.id) == [by_name(session, PAST_OUTAGE_ITEM).id]
    reported = outage.started_at.astimezone(WIB)
    assert reported.weekday() < 5
    assert (reported.hour, reported.minute) == PAST_OUTAGE_TIMES[0]
    assert outage.resolved_at is not None
    assert outage.resolved_at.astimezone(WIB).time() == time(*PAST_OUTAGE_TIMES[-1])
    week = (reported - timedelta(days=3), reported + timedelta(days=3))
    measured = AvailabilityService(session, clock, platform.instances(session))
    for code in ("SIMPEG", "E-KINERJA"):  # E-KINERJA through its application's data
        figures = measured.for_service(code, None, *week).figures
        assert [share.key for share in figures.outages] == [outage.id], code
        assert figures.outage_time == timedelta(minutes=175), code
    assert measured.for_service("SRIKANDI", None, *week).figures.outages == ()
    assert file_past_outage(platform.instances(session)) is None  # once
