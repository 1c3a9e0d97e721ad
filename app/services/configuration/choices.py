"""The configuration items a case's form may name (issue 14, item 2).

A form field bound with `"x-options": "configuration-items"` (a multi-select of item ids,
or one id) offers the items in force (planned, active or in maintenance; a retired item
is no choice) within the case's reach: for a case about a service, the items linked to
that service and, transitively, what they depend on (`dependencies.service_items`); for a
case about a PD only, all the PD's items; with neither known (a start form served before
its service is chosen), every item. The same reach checks what is submitted, so an unknown
or retired item, or one outside the reach, is refused naming its field.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import ConfigurationItem, ItemStatus, Service
from app.services.configuration.dependencies import service_items

#: How a status other than active is shown beside an item's name.
_STATUS_WORDS = {
    ItemStatus.PLANNED: "direncanakan / planned",
    ItemStatus.MAINTENANCE: "pemeliharaan / maintenance",
    ItemStatus.RETIRED: "pensiun / retired",
}


def item_id(value: Any) -> int | None:
    """`value` as an item id, None when it cannot be one (bool, text, out of range)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        return None
    return value


def item_title(item: ConfigurationItem) -> str:
    """How a choice reads: "SRV-DC1-01 (Server)", with the status unless active."""
    kind = item.type.name
    status = _STATUS_WORDS.get(ItemStatus(item.status))
    return f"{item.name} ({kind}; {status})" if status else f"{item.name} ({kind})"


class ItemChoices:
    """Which items a case's form offers, and what is wrong with those submitted."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def reach(
        self, service_code: str | None, service_id: int | None, agency_id: int | None
    ) -> set[int] | None:
        """The ids of the live items in the case's reach; None: every live item.

        Args:
            service_code: the service the form names (`layanan`), which wins: a form may
                correct the case's service.
            service_id: the case's service.
            agency_id: the case's PD, for a case about no service.
        """
        if service_code:
            found = self.session.scalar(select(Service.id).where(Service.code == service_code))
            service_id = found if found is not None else service_id
        if service_id is not None:
            return service_items(self.session, service_id)
        if agency_id is not None:
            return set(
                self.session.scalars(
                    select(ConfigurationItem.id).where(
                        ConfigurationItem.agency_id == agency_id,
                        ConfigurationItem.status != ItemStatus.RETIRED,
                    )
                )
            )
        return None

    def offered(
        self, service_code: str | None, service_id: int | None, agency_id: int | None
    ) -> list[tuple[int, str]]:
        """(id, title) of the items a form offers, by name."""
        reach = self.reach(service_code, service_id, agency_id)
        query = select(ConfigurationItem).where(ConfigurationItem.status != ItemStatus.RETIRED)
        if reach is not None:
            if not reach:
                return []
            query = query.where(ConfigurationItem.id.in_(sorted(reach)))
        items = self.session.scalars(
            query.options(selectinload(ConfigurationItem.type)).order_by(
                ConfigurationItem.name_key, ConfigurationItem.id
            )
        )
        return [(item.id, item_title(item)) for item in items]

    def problems(
        self,
        values: Iterable[Any],
        service_code: str | None,
        service_id: int | None,
        agency_id: int | None,
    ) -> list[str]:
        """A sentence for each submitted value that is no valid choice (empty: all are):
        not an item id, no such item, a retired item, or one outside the case's reach."""
        values = list(values)
        ids = sorted({i for i in map(item_id, values) if i is not None})
        rows = {
            row.id: row
            for row in self.session.scalars(
                select(ConfigurationItem).where(ConfigurationItem.id.in_(ids))
            )
        }
        reach: set[int] | None = None
        if any(row.status != ItemStatus.RETIRED for row in rows.values()):
            reach = self.reach(service_code, service_id, agency_id)
        found = []
        for value in values:
            row = rows.get(item_id(value) or 0)
            if row is None:
                found.append(f"komponen {value!r} tidak ada / no configuration item {value!r}")
            elif row.status == ItemStatus.RETIRED:
                found.append(
                    f"komponen {row.id} ({row.name}) sudah pensiun / item {row.id} is retired"
                )
            elif reach is not None and row.id not in reach:
                found.append(
                    f"komponen {row.id} ({row.name}) bukan komponen layanan atau PD kasus ini / "
                    f"item {row.id} is not among the items of this case's service or PD"
                )
        return found

    def titles(self, ids: Iterable[int]) -> dict[int, str]:
        """The title of each item (retired ones too), for showing what a case named."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        return {
            item.id: item_title(item)
            for item in self.session.scalars(
                select(ConfigurationItem)
                .where(ConfigurationItem.id.in_(wanted))
                .options(selectinload(ConfigurationItem.type))
            )
        }
