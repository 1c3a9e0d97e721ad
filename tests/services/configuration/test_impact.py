"""ImpactService: what depends on an item, transitively, the services on it and the open
cases touching them; a cycle of relations ends the walk."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from app.models import (
    ConfigurationItem,
    ConfigurationRelation,
    Instance,
    InstanceStatus,
)
from app.services.configuration.cases import link_items, linked_items
from app.services.configuration.impact import CHUNK, Impact, ImpactService
from app.services.configuration.items import ItemService
from app.services.configuration.relations import RelationService
from app.services.context import Platform
from tests.services.configuration.cmdb_data import make
from tests.services.tracking_data import complaint, service_request

pytestmark = pytest.mark.usefixtures("demo")


@dataclass
class Estate:
    """A data centre hosting a server; a VM runs on it and a database depends on it; an
    application runs on the VM, depends on the database and uses a licence; the server
    connects through a link; a retired application ran on the VM."""

    dc: ConfigurationItem
    server: ConfigurationItem
    vm: ConfigurationItem
    db: ConfigurationItem
    app: ConfigurationItem
    link: ConfigurationItem
    licence: ConfigurationItem
    old_app: ConfigurationItem


@pytest.fixture
def estate(items: ItemService, relations: RelationService, session: Session) -> Estate:
    estate = Estate(
        dc=make(items, "data_centre"),
        server=make(items, "server"),
        vm=make(items, "virtual_machine", services=["SRIKANDI"]),
        db=make(items, "database"),
        app=make(items, "application", services=["SIMPEG"]),
        link=make(items, "link"),
        licence=make(items, "licence"),
        old_app=make(items, "application", name="APP-LAMA", attributes={}),
    )
    for source, kind, target in [
        (estate.dc, "hosts", estate.server),
        (estate.vm, "runs_on", estate.server),
        (estate.db, "depends_on", estate.server),
        (estate.app, "runs_on", estate.vm),
        (estate.app, "depends_on", estate.db),
        (estate.app, "uses_licence", estate.licence),
        (estate.server, "connects_to", estate.link),
        (estate.old_app, "runs_on", estate.vm),
    ]:
        relations.add(source.id, kind, target.id)
    items.retire(estate.old_app.id, "diganti APP-SIMPEG")
    session.commit()
    return estate


def depths(found: Impact) -> dict[str, int]:
    return {impacted.item.name: impacted.depth for impacted in found.items}


class TestItems:
    def test_everything_on_a_server_depends_on_it_transitively(
        self, impact: ImpactService, estate: Estate
    ) -> None:
        found = impact.of(estate.server.id)
        assert depths(found) == {"VM-SIMPEG-01": 1, "DB-SIMPEG": 1, "APP-SIMPEG": 2}
        assert [i.item.name for i in found.items] == ["DB-SIMPEG", "VM-SIMPEG-01", "APP-SIMPEG"]
        [app] = [i for i in found.items if i.item.id == estate.app.id]
        assert (app.through_id, app.relation) in {
            (estate.db.id, "depends_on"),
            (estate.vm.id, "runs_on"),
        }

    def test_what_a_data_centre_hosts_depends_on_it(
        self, impact: ImpactService, estate: Estate
    ) -> None:
        found = impact.of(estate.dc.id)
        assert depths(found) == {
            "SRV-DC1-01": 1,
            "DB-SIMPEG": 2,
            "VM-SIMPEG-01": 2,
            "APP-SIMPEG": 3,
        }
        assert found.items[0].relation == "hosts"
        assert found.items[0].through_id == estate.dc.id

    @pytest.mark.parametrize(
        ("start", "names"),
        [
            ("link", {"SRV-DC1-01", "DB-SIMPEG", "VM-SIMPEG-01", "APP-SIMPEG"}),
            ("licence", {"APP-SIMPEG"}),
            ("app", set()),
            ("old_app", set()),
        ],
    )
    def test_each_relation_type_reads_its_way(
        self, impact: ImpactService, estate: Estate, start: str, names: set[str]
    ) -> None:
        assert set(depths(impact.of(getattr(estate, start).id))) == names

    def test_a_retired_item_is_not_impacted(self, impact: ImpactService, estate: Estate) -> None:
        assert "APP-LAMA" not in depths(impact.of(estate.vm.id))


class TestCycles:
    def test_a_cycle_ends_the_walk_without_the_item_itself(
        self, items: ItemService, relations: RelationService, impact: ImpactService
    ) -> None:
        a, b, c = (make(items, "server", name=f"SRV-{n}", attributes={}) for n in "ABC")
        relations.add(a.id, "depends_on", b.id)
        relations.add(b.id, "depends_on", c.id)
        relations.add(c.id, "depends_on", a.id)
        assert depths(impact.of(a.id)) == {"SRV-C": 1, "SRV-B": 2}
        assert depths(impact.of(b.id)) == {"SRV-A": 1, "SRV-C": 2}

    def test_a_two_way_cycle_through_hosts_ends_too(
        self, items: ItemService, relations: RelationService, impact: ImpactService
    ) -> None:
        dc = make(items, "data_centre")
        server = make(items, "server")
        relations.add(dc.id, "hosts", server.id)
        relations.add(dc.id, "depends_on", server.id)  # the DC's own monitoring, say
        assert depths(impact.of(dc.id)) == {"SRV-DC1-01": 1}
        assert depths(impact.of(server.id)) == {"DC-DISKOMINFO": 1}

    def test_a_wide_and_deep_graph_with_cycles_is_walked_once(
        self, items: ItemService, impact: ImpactService, session: Session
    ) -> None:
        """More dependents than one IN list takes, each in a cycle back to the root."""
        root = make(items, "server", attributes={})
        wide = [
            ConfigurationItem(
                type=root.type,
                name=f"VM-{n}",
                name_key=f"vm-{n}",
                agency_id=root.agency_id,
                created_at=root.created_at,
                updated_at=root.updated_at,
            )
            for n in range(CHUNK * 2 + 100)
        ]
        session.add_all(wide)
        session.flush()
        links = [(vm, root) for vm in wide] + [(root, vm) for vm in wide[:50]]
        links += [(wide[n + 1], wide[n]) for n in range(len(wide) - 1)]  # a chain as well
        session.add_all(
            ConfigurationRelation(
                source_id=source.id,
                target_id=target.id,
                type="depends_on",
                created_at=root.created_at,
            )
            for source, target in links
        )
        session.flush()
        found = impact.of(root.id)
        assert len(found.items) == len(wide)
        assert {i.depth for i in found.items} == {1}


class TestServices:
    def test_services_on_the_item_or_its_dependents(
        self, impact: ImpactService, estate: Estate
    ) -> None:
        found = impact.of(estate.server.id)
        assert [(s.service.code, s.item_ids) for s in found.services] == [
            ("SIMPEG", [estate.app.id]),
            ("SRIKANDI", [estate.vm.id]),
        ]
        assert [s.service.code for s in impact.of(estate.app.id).services] == ["SIMPEG"]


@pytest.mark.usefixtures("deployed")
class TestCases:
    def test_open_cases_linked_to_impacted_items_or_about_impacted_services(
        self, impact: ImpactService, estate: Estate, platform: Platform, session: Session
    ) -> None:
        about_srikandi = complaint(platform)  # a complaint about SRIKANDI, linking no item
        request = service_request(platform)  # SIMPEG: a request, listed only when linked
        closed = complaint(platform)
        link_items(session, request, [estate.app.id, estate.app.id])
        link_items(session, closed, [estate.vm.id])
        session.get_one(Instance, closed).status = InstanceStatus.TERMINATED
        session.flush()
        assert linked_items(session, request) == [estate.app.id]
        found = impact.of(estate.server.id)
        assert [(c.instance.id, c.item_ids, c.services) for c in found.cases] == [
            (about_srikandi, [], ["SRIKANDI"]),
            (request, [estate.app.id], []),
        ]
        assert [c.instance.id for c in impact.of(estate.licence.id).cases] == [request]
        assert impact.of(estate.link.id).cases == found.cases

    def test_a_case_linked_to_the_item_itself_is_listed(
        self, impact: ImpactService, estate: Estate, platform: Platform, session: Session
    ) -> None:
        request = service_request(platform)
        link_items(session, request, [estate.dc.id])
        assert [c.item_ids for c in impact.of(estate.dc.id).cases] == [[estate.dc.id]]
