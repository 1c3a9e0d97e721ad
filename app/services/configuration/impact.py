"""Impact analysis: what stops working when an item does (issue 14, item 2).

Every item that depends on the item, directly or through others, by the relations in
force (`relations`: the source depends on the target, except `hosts`, where the target
depends on the source); every catalog service that runs on the item or on one of those;
and the open cases touching any of them: those linked to the items (`cases`), and the open
complaints, problems and changes of those services.

The walk is breadth first and visits each item once, so a cycle of relations ends it, and
asks the database once per level. Retired items are not walked: what depends on a retired
item depends on it no more.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session, selectinload

from app.clock import Clock
from app.models import (
    ConfigurationItem,
    ConfigurationItemCase,
    ConfigurationItemService,
    ConfigurationRelation,
    Instance,
    InstanceStatus,
    ItemStatus,
    RelationType,
    Service,
    User,
)
from app.services.configuration.items import ItemService

#: The procedures whose open cases about an impacted service are listed even when they
#: name no item: complaints, problems and changes (the issue's "open complaints, problems
#: and changes"); other procedures' cases are listed when linked to an item.
SERVICE_CASE_PROCEDURES = ("penanganan-aduan", "manajemen-masalah", "manajemen-perubahan")
#: A case still open is one neither complete nor terminated (suspended and failed ones too).
CLOSED = (InstanceStatus.COMPLETE, InstanceStatus.TERMINATED)
#: Ids per IN list, well inside every database's limit on bound parameters.
CHUNK = 500

T = TypeVar("T")


def _chunks(values: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


@dataclass(frozen=True)
class ImpactedItem:
    """An item that depends on the analysed one, `depth` steps away, reached from the
    item `through_id` (one step nearer) by `relation`."""

    item: ConfigurationItem
    depth: int
    through_id: int
    relation: str


@dataclass(frozen=True)
class ImpactedService:
    """A catalog service that runs on the analysed item or an impacted one (`item_ids`)."""

    service: Service
    item_ids: list[int]


@dataclass(frozen=True)
class ImpactedCase:
    """An open case touching an impacted item (`item_ids`) or service (`services`)."""

    instance: Instance
    item_ids: list[int] = field(default_factory=list)
    services: list[str] = field(default_factory=list)


@dataclass
class Impact:
    """What depends on `item`: items by distance then name, services and cases by id."""

    item: ConfigurationItem
    items: list[ImpactedItem]
    services: list[ImpactedService]
    cases: list[ImpactedCase]


class ImpactService:
    """Impact analysis, read by staff."""

    def __init__(self, session: Session, clock: Clock, actor: User | None = None) -> None:
        self.session = session
        self.items = ItemService(session, clock, actor)

    def of(self, item_id: int) -> Impact:
        """Everything that depends on item `item_id`, transitively.

        Raises:
            NotPermitted: the actor is no staff.
            NotFound: no such item.
        """
        item = self.items.get(item_id)
        reached = self._walk(item.id)
        rows = {
            row.id: row
            for chunk in _chunks(list(reached))
            for row in self.session.scalars(
                select(ConfigurationItem)
                .where(ConfigurationItem.id.in_(chunk))
                .options(
                    selectinload(ConfigurationItem.type), selectinload(ConfigurationItem.agency)
                )
            )
        }
        items = sorted(
            (
                ImpactedItem(rows[i], depth, through, relation)
                for i, (depth, through, relation) in reached.items()
            ),
            key=lambda found: (found.depth, found.item.name_key, found.item.id),
        )
        all_ids = [item.id, *reached]
        services = self._services(all_ids)
        return Impact(item, items, services, self._cases(all_ids, services))

    def _walk(self, start: int) -> dict[int, tuple[int, int, str]]:
        """item id -> (depth, through id, relation) for every item depending on `start`."""
        seen = {start}
        reached: dict[int, tuple[int, int, str]] = {}
        frontier, depth = [start], 0
        while frontier:
            depth += 1
            found = []
            for dependent, through, relation in self._dependents(frontier):
                if dependent not in seen:
                    seen.add(dependent)
                    reached[dependent] = (depth, through, relation)
                    found.append(dependent)
            frontier = found
        return reached

    def _dependents(self, ids: list[int]) -> list[tuple[int, int, str]]:
        """(dependent, depended-on, relation) for each relation making a live item depend
        on one of `ids`, in a stable order."""
        relation, dependent = ConfigurationRelation, ConfigurationItem
        rows: list[Any] = []
        for chunk in _chunks(ids):
            on_target = (
                select(relation.source_id, relation.target_id, relation.type)
                .join(dependent, dependent.id == relation.source_id)
                .where(
                    relation.target_id.in_(chunk),
                    relation.type != RelationType.HOSTS,
                    dependent.status != ItemStatus.RETIRED,
                )
            )
            hosted = (
                select(relation.target_id, relation.source_id, relation.type)
                .join(dependent, dependent.id == relation.target_id)
                .where(
                    relation.source_id.in_(chunk),
                    relation.type == RelationType.HOSTS,
                    dependent.status != ItemStatus.RETIRED,
                )
            )
            rows += self.session.execute(union_all(on_target, hosted)).all()
        return sorted((int(a), int(b), str(kind)) for a, b, kind in rows)

    def _services(self, item_ids: list[int]) -> list[ImpactedService]:
        runs_on: dict[int, list[int]] = {}
        services: dict[int, Service] = {}
        for chunk in _chunks(item_ids):
            for linked_item, service in self.session.execute(
                select(ConfigurationItemService.item_id, Service)
                .join(Service, Service.id == ConfigurationItemService.service_id)
                .where(ConfigurationItemService.item_id.in_(chunk))
                .options(selectinload(Service.agency))
            ).all():
                services[service.id] = service
                runs_on.setdefault(service.id, []).append(linked_item)
        return [
            ImpactedService(services[i], sorted(runs_on[i]))
            for i in sorted(services, key=lambda i: services[i].code)
        ]

    def _cases(self, item_ids: list[int], services: list[ImpactedService]) -> list[ImpactedCase]:
        touching: dict[int, ImpactedCase] = {}
        for chunk in _chunks(item_ids):
            for linked_item, instance in self.session.execute(
                select(ConfigurationItemCase.item_id, Instance)
                .join(Instance, Instance.id == ConfigurationItemCase.instance_id)
                .where(
                    ConfigurationItemCase.item_id.in_(chunk),
                    Instance.status.not_in(CLOSED),
                )
                .options(selectinload(Instance.service))
            ).all():
                touching.setdefault(instance.id, ImpactedCase(instance)).item_ids.append(
                    linked_item
                )
        codes = {impacted.service.id: impacted.service.code for impacted in services}
        for chunk in _chunks(list(codes)):
            for instance in self.session.scalars(
                select(Instance)
                .where(
                    Instance.service_id.in_(chunk),
                    Instance.process_model_id.in_(SERVICE_CASE_PROCEDURES),
                    Instance.status.not_in(CLOSED),
                )
                .options(selectinload(Instance.service))
            ):
                assert instance.service_id is not None
                touching.setdefault(instance.id, ImpactedCase(instance)).services.append(
                    codes[instance.service_id]
                )
        for case in touching.values():
            case.item_ids.sort()
        return [touching[i] for i in sorted(touching)]
