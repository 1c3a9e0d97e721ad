"""What a service runs on: the items linked to it and, transitively, what they depend on.

Impact analysis walks from an item to what depends on it (`impact`); this walks the other
way, from the items a service runs on (`configuration_item_service`) to every item those
depend on, by the same reading of the relations: the source of a relation depends on its
target, except `hosts`, where the target (the hosted server) depends on the source (the
data centre). Breadth first, each item once, so a cycle of relations ends the walk.

Two readers: the forms' `configuration-items` lists (issue 14, item 2: the items of the
case's service and what they depend on; retired items left out, as impact leaves them)
and availability (issue 14, item 6: the complaints linked to any of them are outages of
the service; retired items kept, since a past outage stays an outage of its period).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import ColumnElement, or_, select, union_all
from sqlalchemy.orm import Session

from app.models import (
    ConfigurationItem,
    ConfigurationItemCase,
    ConfigurationItemService,
    ConfigurationRelation,
    Instance,
    ItemStatus,
    RelationType,
    Service,
)
from app.services.configuration.impact import CHUNK


def _chunks(values: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def depended_on(session: Session, start: Iterable[int], live_only: bool = True) -> set[int]:
    """`start` and every item the items of `start` depend on, transitively.

    Args:
        session: the database session.
        start: item ids to walk from (kept in the answer as given).
        live_only: leave retired items out and do not walk through them.

    Returns:
        The ids reached, `start` included.
    """
    seen = set(start)
    frontier = sorted(seen)
    relation, target = ConfigurationRelation, ConfigurationItem
    while frontier:
        found: set[int] = set()
        for chunk in _chunks(frontier):
            needs = select(relation.target_id).where(
                relation.source_id.in_(chunk), relation.type != RelationType.HOSTS
            )
            hosts = select(relation.source_id).where(
                relation.target_id.in_(chunk), relation.type == RelationType.HOSTS
            )
            if live_only:
                needs = needs.join(target, target.id == relation.target_id).where(
                    target.status != ItemStatus.RETIRED
                )
                hosts = hosts.join(target, target.id == relation.source_id).where(
                    target.status != ItemStatus.RETIRED
                )
            found.update(int(i) for i in session.scalars(union_all(needs, hosts)))
        frontier = sorted(found - seen)
        seen |= found
    return seen


def service_items(session: Session, service_id: int, live_only: bool = True) -> set[int]:
    """The items service `service_id` runs on and, transitively, what they depend on.

    Args:
        session: the database session.
        service_id: the catalog service.
        live_only: leave retired items out (see `depended_on`).
    """
    linked = select(ConfigurationItemService.item_id).where(
        ConfigurationItemService.service_id == service_id
    )
    if live_only:
        linked = linked.join(
            ConfigurationItem, ConfigurationItem.id == ConfigurationItemService.item_id
        ).where(ConfigurationItem.status != ItemStatus.RETIRED)
    return depended_on(session, session.scalars(linked), live_only)


class ServiceAndItemRecords:
    """Availability's `RecordScope` widened by the CMDB: the instances about a service,
    and the cases linked to an item it runs on, directly or through what that depends on
    (retired items included: an outage keeps counting for the period it fell in).

    The walk is made once per service and kept for the scope's life (one request).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._items: dict[int, list[int]] = {}

    def clause(self, service: Service) -> ColumnElement[bool]:
        """Instances whose service is `service`, or linked to one of its items."""
        if service.id not in self._items:
            self._items[service.id] = sorted(
                service_items(self.session, service.id, live_only=False)
            )
        items = self._items[service.id]
        own = Instance.service_id == service.id
        if not items:
            return own
        linked = [
            Instance.id.in_(
                select(ConfigurationItemCase.instance_id).where(
                    ConfigurationItemCase.item_id.in_(chunk)
                )
            )
            for chunk in _chunks(items)
        ]
        return or_(own, *linked)
