"""OverviewService: an item's page as data (the graph, licences' time left, who may change
it, names and cases), over the demo CMDB."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.models import ConfigurationItem
from app.services.configuration import overview as overview_module
from app.services.configuration.demo import EXPIRING_IN_DAYS
from app.services.configuration.overview import OverviewService
from tests.services.configuration.conftest import user

pytestmark = pytest.mark.usefixtures("cmdb")


def named(session: Session, name: str) -> ConfigurationItem:
    return session.scalars(select(ConfigurationItem).where(ConfigurationItem.name == name)).one()


@pytest.fixture
def overview(session: Session, clock: FixedClock) -> OverviewService:
    return OverviewService(session, clock, user(session, "pj.layanan"))


def test_the_graph_holds_the_neighbours_the_dependents_and_their_services(
    overview: OverviewService, session: Session
) -> None:
    view = overview.of(named(session, "DB-SIMPEG").id)
    nodes = {node["label"]: node for node in view.graph.nodes}
    assert set(nodes) == {
        "DB-SIMPEG",
        "VM-DB-01",
        "APP-SIMPEG",
        "APP-EKINERJA",
        "SIMPEG",
        "E-KINERJA",
    }
    assert nodes["DB-SIMPEG"]["focus"] is True
    assert nodes["SIMPEG"]["kind"] == "service"
    edges = {
        (nodes_by_id[edge["source"]], edge["relation"], nodes_by_id[edge["target"]])
        for nodes_by_id in [{node["id"]: node["label"] for node in view.graph.nodes}]
        for edge in view.graph.edges
    }
    assert edges == {
        ("DB-SIMPEG", "runs_on", "VM-DB-01"),
        ("APP-SIMPEG", "depends_on", "DB-SIMPEG"),
        ("APP-EKINERJA", "depends_on", "APP-SIMPEG"),  # between two drawn items
        ("SIMPEG", "service", "APP-SIMPEG"),
        ("E-KINERJA", "service", "APP-EKINERJA"),
    }
    assert view.graph.cut is False


def test_a_large_graph_is_cut_nearest_first(
    overview: OverviewService, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(overview_module, "GRAPH_MAX_NODES", 3)
    view = overview.of(named(session, "VM-DB-01").id)
    assert [node["label"] for node in view.graph.nodes][:1] == ["VM-DB-01"]
    assert len(view.graph.nodes) == 3
    assert view.graph.cut is True
    assert len(view.impact.items) == 9  # the tables still list everything


def test_licences_show_their_time_left(overview: OverviewService, session: Session) -> None:
    [standing] = overview.of(named(session, "LIC-VMWARE-VSPHERE").id).licences
    assert standing.days_left == EXPIRING_IN_DAYS
    assert standing.expiring
    assert not standing.expired


def test_who_may_change_the_item(
    overview: OverviewService, session: Session, clock: FixedClock
) -> None:
    app = named(session, "APP-SIPKD").id
    assert overview.of(app).editable is False
    keeper = OverviewService(session, clock, user(session, "teknis.sipkd"))
    assert keeper.of(app).editable is True
    assert keeper.of(named(session, "DB-LAYANAN").id).editable is False


def test_names_cases_and_finding_by_name(overview: OverviewService, session: Session) -> None:
    app = named(session, "APP-SRIKANDI")
    view = overview.of(app.id)
    assert view.cases_total == 1
    assert view.cases[0].process_model_id == "penanganan-aduan"
    assert view.names[app.id] == "APP-SRIKANDI"
    assert view.names[named(session, "VM-SRIKANDI-APP01").id] == "VM-SRIKANDI-APP01"
    assert overview.find(" app-srikandi ") == app.id
    assert overview.find("APP-\x00") is None
    assert "APP-SRIKANDI" not in overview.names(exclude=app.id)
