"""One item as its page shows it (issue 14, items 1-2): the item, its relations and both
histories, what depends on it (`impact`), the cases naming it (`cases`), its licences'
time left, whether the reader may change it, and the graph of its neighbourhood as plain
nodes and edges for a drawing library. Read by staff; nothing here knows about pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.models import (
    ConfigurationItem,
    ConfigurationItemHistory,
    ConfigurationLicence,
    ConfigurationRelation,
    ConfigurationRelationHistory,
    Instance,
    RelationType,
    User,
)
from app.services.accounts.permissions import edits_configuration
from app.services.configuration.cases import cases_of_item
from app.services.configuration.impact import Impact, ImpactService
from app.services.configuration.items import name_key
from app.services.configuration.licences import NOTICE
from app.services.configuration.relations import RelationService

#: Days before a licence's expiry from which its page warns: the window in which its
#: keepers are told (`licences.NOTICE`; II.3 c.4, notices before expiry).
LICENCE_NOTICE_DAYS = NOTICE.days
#: The most nodes the graph draws; the tables below it list everything.
GRAPH_MAX_NODES = 120
#: How many item names a relation form suggests.
SUGGESTIONS_MAX = 500


@dataclass(frozen=True)
class LicenceStanding:
    """A licence record and how long it has left (None: perpetual; negative: expired)."""

    licence: ConfigurationLicence
    days_left: int | None

    @property
    def expired(self) -> bool:
        """Past its expiry."""
        return self.days_left is not None and self.days_left < 0

    @property
    def expiring(self) -> bool:
        """Within `LICENCE_NOTICE_DAYS` of its expiry, not yet past it."""
        return self.days_left is not None and 0 <= self.days_left <= LICENCE_NOTICE_DAYS


@dataclass
class Graph:
    """Nodes `{"id", "label", "kind", "item_id", "focus", "retired"}` (items `i<id>`,
    services `s<code>`) and edges `{"id", "source", "target", "relation"}` (a service
    runs on an item: relation `service`); `cut` says nodes were left out."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    cut: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The graph as JSON-ready data."""
        return {"nodes": self.nodes, "edges": self.edges, "cut": self.cut}


@dataclass
class ItemOverview:
    """Everything an item's page shows."""

    item: ConfigurationItem
    relations: list[ConfigurationRelation]
    history: list[ConfigurationItemHistory]
    relation_history: list[ConfigurationRelationHistory]
    impact: Impact
    licences: list[LicenceStanding]
    editable: bool
    graph: Graph
    #: item id -> name, for every item the history and the impact name by id
    names: dict[int, str] = field(default_factory=dict)
    #: the cases naming the item, open and closed, newest first (`cases.CASES_SHOWN`)
    cases: list[Instance] = field(default_factory=list)
    cases_total: int = 0


def licence_standing(licence: ConfigurationLicence, today: date) -> LicenceStanding:
    """How long `licence` has left on `today`."""
    if licence.expires_on is None:
        return LicenceStanding(licence, None)
    return LicenceStanding(licence, (licence.expires_on - today).days)


class OverviewService:
    """An item's page, read as `actor`."""

    def __init__(self, session: Session, clock: Clock, actor: User | None = None) -> None:
        self.session = session
        self.clock = clock
        self.actor = actor
        self.relations = RelationService(session, clock, actor)
        self.impacts = ImpactService(session, clock, actor)

    def of(self, item_id: int) -> ItemOverview:
        """The page of item `item_id`.

        Raises:
            NotPermitted: the actor is no staff.
            NotFound: no such item.
        """
        item = self.relations.items.get(item_id)
        relations = self.relations.of_item(item.id)
        impact = self.impacts.of(item.id)
        today = self.clock.now().date()
        relation_history = self.relations.history(item.id)
        cases, cases_total = cases_of_item(self.session, item.id)
        return ItemOverview(
            item=item,
            relations=relations,
            history=self.relations.items.history(item.id),
            relation_history=relation_history,
            impact=impact,
            licences=[licence_standing(licence, today) for licence in item.licences],
            editable=self.editable(item),
            graph=self._graph(item, relations, impact),
            names=self._names(
                {item.id: item.name} | {found.item.id: found.item.name for found in impact.items},
                {end for row in relation_history for end in (row.source_id, row.target_id)},
            ),
            cases=cases,
            cases_total=cases_total,
        )

    def _names(self, known: dict[int, str], wanted: set[int]) -> dict[int, str]:
        """`known` with the names of the items `wanted` it lacks."""
        missing = sorted(wanted - set(known))
        if missing:
            rows = self.session.execute(
                select(ConfigurationItem.id, ConfigurationItem.name).where(
                    ConfigurationItem.id.in_(missing)
                )
            )
            known.update({item_id: name for item_id, name in rows})
        return known

    def _graph(
        self, item: ConfigurationItem, relations: list[ConfigurationRelation], impact: Impact
    ) -> Graph:
        """`graph`, with every relation in force between two items it draws."""
        drawn = graph(item, relations, impact)
        ids = [node["item_id"] for node in drawn.nodes if node["item_id"] is not None]
        among = self.session.execute(
            select(
                ConfigurationRelation.source_id,
                ConfigurationRelation.target_id,
                ConfigurationRelation.type,
            ).where(
                ConfigurationRelation.source_id.in_(ids), ConfigurationRelation.target_id.in_(ids)
            )
        )
        known = {(edge["source"], edge["target"], edge["relation"]) for edge in drawn.edges}
        for source, target, kind in among:
            edge = (f"i{source}", f"i{target}", kind)
            if edge not in known:
                known.add(edge)
                key = "-".join(edge)
                drawn.edges.append(
                    {"id": key, "source": edge[0], "target": edge[1], "relation": kind}
                )
        return drawn

    def editable(self, item: ConfigurationItem) -> bool:
        """Whether the actor may change `item` (and add relations from it)."""
        return edits_configuration(
            self.session, self.actor, item.agency_id, [service.id for service in item.services]
        )

    def find(self, name: str) -> int | None:
        """The id of the item named `name` (regardless of case and spacing), or None."""
        if not name.isprintable():
            return None
        return self.session.scalar(
            select(ConfigurationItem.id).where(ConfigurationItem.name_key == name_key(name))
        )

    def names(self, exclude: int | None = None) -> list[str]:
        """Names of live items, for a relation form's suggestions, by name."""
        query = (
            select(ConfigurationItem.name)
            .where(ConfigurationItem.status != "retired")
            .order_by(ConfigurationItem.name_key)
            .limit(SUGGESTIONS_MAX)
        )
        if exclude is not None:
            query = query.where(ConfigurationItem.id != exclude)
        return list(self.session.scalars(query))


def _node(item: ConfigurationItem, focus: bool = False) -> dict[str, Any]:
    return {
        "id": f"i{item.id}",
        "label": item.name,
        "kind": item.type.code,
        "item_id": item.id,
        "focus": focus,
        "retired": item.status == "retired",
    }


def graph(item: ConfigurationItem, relations: list[ConfigurationRelation], impact: Impact) -> Graph:
    """The item, the items it relates to either way, everything that depends on it with
    the relation that makes it so, and the services running on any of them; at most
    `GRAPH_MAX_NODES` nodes, the nearest first."""
    drawn = Graph()
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[str, dict[str, Any]] = {}

    def add_node(node: dict[str, Any]) -> bool:
        if node["id"] in nodes:
            return True
        if len(nodes) >= GRAPH_MAX_NODES:
            drawn.cut = True
            return False
        nodes[node["id"]] = node
        return True

    def add_edge(source: str, target: str, relation: str) -> None:
        if source in nodes and target in nodes:
            key = f"{source}-{target}-{relation}"
            edges.setdefault(
                key, {"id": key, "source": source, "target": target, "relation": relation}
            )

    add_node(_node(item, focus=True))
    for relation in relations:
        other = relation.target if relation.source_id == item.id else relation.source
        if add_node(_node(other)):
            add_edge(f"i{relation.source_id}", f"i{relation.target_id}", relation.type)
    for found in impact.items:
        if add_node(_node(found.item)):
            dependent, through = f"i{found.item.id}", f"i{found.through_id}"
            if found.relation == RelationType.HOSTS:
                add_edge(through, dependent, found.relation)
            else:
                add_edge(dependent, through, found.relation)
    for service in impact.services:
        node = {
            "id": f"s{service.service.code}",
            "label": service.service.code,
            "kind": "service",
            "item_id": None,
            "focus": False,
            "retired": False,
        }
        if add_node(node):
            for item_id in service.item_ids:
                add_edge(node["id"], f"i{item_id}", "service")
    drawn.nodes = list(nodes.values())
    drawn.edges = list(edges.values())
    return drawn
