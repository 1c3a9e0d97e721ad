"""Availability through the CMDB (issue 14, items 2 and 6): a Mayor complaint linked to an
item a service runs on, directly or through what that depends on, is an outage of the
service, whichever service the complaint was filed about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.models import ConfigurationItem
from app.services.configuration.cases import link_items
from app.services.configuration.dependencies import ServiceAndItemRecords
from app.services.configuration.items import ItemService
from app.services.configuration.relations import RelationService
from app.services.context import Platform
from app.services.deadlines.availability import OWN_RECORDS, AvailabilityService, RecordScope
from app.sla.availability import Availability
from tests.services.configuration.cmdb_data import make
from tests.services.tracking_data import complaint

pytestmark = pytest.mark.usefixtures("deployed")

#: Monday 23 November 2026, 00:00-24:00 WIB; the complaints come at 09:00 WIB.
DAY = (datetime(2026, 11, 22, 17, tzinfo=UTC), datetime(2026, 11, 23, 17, tzinfo=UTC))
MIN = timedelta(minutes=1)


@dataclass
class Estate:
    """SRIKANDI's application depends on a database on a server a data centre hosts; a
    retired VM once ran SRIKANDI; SIMPEG's application runs on a server of its own."""

    app: ConfigurationItem
    db: ConfigurationItem
    server: ConfigurationItem
    dc: ConfigurationItem
    old_vm: ConfigurationItem
    simpeg_app: ConfigurationItem
    simpeg_server: ConfigurationItem


@pytest.fixture
def estate(items: ItemService, relations: RelationService, session: Session) -> Estate:
    estate = Estate(
        app=make(
            items,
            "application",
            name="APP-UJI-SRIKANDI",
            attributes={"url": "https://srikandi-uji.example.go.id"},
            services=["SRIKANDI"],
        ),
        db=make(items, "database", name="DB-UJI-BERSAMA"),
        server=make(items, "server", name="SRV-UJI-01"),
        dc=make(items, "data_centre", name="DC-UJI"),
        old_vm=make(
            items,
            "virtual_machine",
            name="VM-UJI-LAMA",
            attributes={"hostname": "uji-lama"},
            services=["SRIKANDI"],
        ),
        simpeg_app=make(
            items,
            "application",
            name="APP-UJI-SIMPEG",
            agency="BKPSDM",
            attributes={"url": "https://simpeg-uji.example.go.id"},
            services=["SIMPEG"],
        ),
        simpeg_server=make(
            items, "server", name="SRV-UJI-SIMPEG", attributes={"serial_number": "SN-9"}
        ),
    )
    for source, kind, target in [
        (estate.app, "depends_on", estate.db),
        (estate.db, "runs_on", estate.server),
        (estate.dc, "hosts", estate.server),
        (estate.simpeg_app, "runs_on", estate.simpeg_server),
    ]:
        relations.add(source.id, kind, target.id)
    items.retire(estate.old_vm.id, "diganti")
    session.commit()
    return estate


def _simpeg_complaint_on(
    platform: Platform, session: Session, item: ConfigurationItem, **changes: str
) -> int:
    """A complaint about SIMPEG (not SRIKANDI) whose record names `item`."""
    case = complaint(platform, layanan="SIMPEG", **changes)
    link_items(session, case, [item.id])
    session.commit()
    return case


def _figures(
    platform: Platform, session: Session, scope: RecordScope | None = None
) -> Availability:
    service = AvailabilityService(session, platform.clock, platform.instances(session), scope)
    return service.for_service("SRIKANDI", None, *DAY).figures


@pytest.mark.parametrize("through", ["db", "server", "dc", "old_vm"])
def test_a_mayor_complaint_on_an_item_the_service_depends_on_is_its_outage(
    platform: Platform, session: Session, clock: FixedClock, estate: Estate, through: str
) -> None:
    """Linked to the database SRIKANDI's application depends on, to the server under it,
    to the data centre hosting that, or to a VM that ran SRIKANDI before it was retired:
    the complaint about SIMPEG is down time of SRIKANDI too."""
    case = _simpeg_complaint_on(platform, session, getattr(estate, through))
    clock.advance(timedelta(hours=2))  # 11:00 WIB, still open

    figures = _figures(platform, session)

    [outage] = figures.outages
    assert outage.key == case
    assert outage.open
    # SRIKANDI keeps office hours, measured up to now: Monday 07:30-11:00 = 210 minutes
    # of agreed service time; down 09:00-11:00 = 120; (210 - 120) / 210 = 42.857..% -> 42.857
    assert figures.agreed_time == 210 * MIN
    assert figures.outage_time == 120 * MIN
    assert figures.achieved == Decimal("42.857")


def test_a_complaint_on_an_item_the_service_does_not_depend_on_is_none(
    platform: Platform, session: Session, clock: FixedClock, estate: Estate
) -> None:
    _simpeg_complaint_on(platform, session, estate.simpeg_server)
    _simpeg_complaint_on(platform, session, estate.simpeg_app)
    _simpeg_complaint_on(platform, session, estate.db, dampak="Minor")
    complaint(platform, layanan="SIMPEG")  # names no item at all
    clock.advance(timedelta(hours=1))
    assert _figures(platform, session).outages == ()


def test_the_services_own_records_still_count_and_only_once(
    platform: Platform, session: Session, clock: FixedClock, estate: Estate
) -> None:
    own = complaint(platform)  # about SRIKANDI
    link_items(session, own, [estate.app.id, estate.db.id])
    session.commit()
    clock.advance(timedelta(hours=1))
    [outage] = _figures(platform, session).outages
    assert outage.key == own
    assert outage.counted == 60 * MIN


def test_the_default_scope_is_the_cmdbs_and_the_own_records_one_stays(
    platform: Platform, session: Session, clock: FixedClock, estate: Estate
) -> None:
    _simpeg_complaint_on(platform, session, estate.db)
    clock.advance(timedelta(hours=1))
    service = AvailabilityService(session, platform.clock, platform.instances(session))
    assert isinstance(service.scope, ServiceAndItemRecords)
    assert _figures(platform, session, OWN_RECORDS).outages == ()
