"""Configuration baselines: take a named snapshot of items, read it, compare it.

Kepbup Polewali Mandar 685/2021, II.3 b.3 asks that the configuration's baseline be set,
and II.3 e that the recorded configuration be verified against what is found; a baseline
keeps each item's recorded fields (`history.snapshot`, the same fields its history
records) with its type and the relations it is the source of, so that two baselines, or
a baseline and now, compare item by item (issue 14, item 3). Baselines are never changed:
a new verification takes a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.clock import Clock
from app.errors import Conflict, FormInvalid, NotFound
from app.models import (
    Agency,
    ConfigurationBaseline,
    ConfigurationItem,
    ConfigurationRelation,
    Instance,
    ItemStatus,
    User,
)
from app.services.accounts.permissions import (
    ADMINISTER,
    STAFF,
    require,
    require_configuration_editor,
)
from app.services.configuration import history
from app.services.configuration.items import LOADED

INVALID = "Data baseline tidak valid / invalid baseline"
#: How an item stands between two snapshots.
ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "same"


@dataclass(frozen=True)
class Difference:
    """One item between the earlier snapshot and the later one."""

    item_id: int
    name: str
    change: str
    fields: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Comparison:
    """A baseline against another (`later`) or against now (`later` None)."""

    earlier: ConfigurationBaseline
    later: ConfigurationBaseline | None
    items: list[Difference]

    def count(self, change: str) -> int:
        """How many items stand so."""
        return sum(1 for item in self.items if item.change == change)


def compare_snapshots(earlier: dict[str, Any], later: dict[str, Any]) -> list[Difference]:
    """Item by item, by id: added, removed, changed (each field before/after) or the same."""
    found = []
    for key in sorted(set(earlier) | set(later), key=int):
        before, after = earlier.get(key), later.get(key)
        name = str((after or before or {}).get("name", key))
        if before is None:
            found.append(Difference(int(key), name, ADDED, history.changes({}, after or {})))
        elif after is None:
            found.append(Difference(int(key), name, REMOVED, history.changes(before, {})))
        else:
            fields = history.changes(before, after)
            found.append(Difference(int(key), name, CHANGED if fields else SAME, fields))
    return found


class BaselineService:
    """Baselines, read by staff, taken by the keepers of a PD's items (a kabupaten-wide
    one by Admin Sistem), or by a procedure whose step is the authority (`authorised`:
    the verification's review; the baseline still names the actor)."""

    def __init__(
        self,
        session: Session,
        clock: Clock,
        actor: User | None = None,
        authorised: bool = False,
    ) -> None:
        self.session = session
        self.clock = clock
        self.actor = actor
        self.authorised = authorised

    def snapshot(self, items: list[ConfigurationItem]) -> dict[str, Any]:
        """Each item's recorded fields, type and the relations it is the source of."""
        relations: dict[int, list[str]] = {item.id: [] for item in items}
        if items:
            for relation in self.session.scalars(
                select(ConfigurationRelation).where(
                    ConfigurationRelation.source_id.in_(list(relations))
                )
            ):
                relations[relation.source_id].append(f"{relation.type}:{relation.target_id}")
        return {
            str(item.id): {
                **history.snapshot(item),
                "type": item.type.code,
                "relations": sorted(relations[item.id]),
            }
            for item in items
        }

    def take(self, raw: dict[str, Any]) -> ConfigurationBaseline:
        """Take a baseline `{"name", "description"?, "agency"?, "items"?: [ids],
        "source_instance_id"?}`: the items named, else every item of the PD (or of the
        kabupaten) that is not retired.

        Raises:
            NotPermitted: not a keeper of the PD's items (Admin Sistem for the kabupaten).
            FormInvalid: naming the field (name, agency, items.N, source_instance_id).
            Conflict: a baseline has the name already.
        """
        errors: dict[str, list[str]] = {}
        name = raw.get("name")
        if not isinstance(name, str) or not 0 < len(name.strip()) <= 150:
            errors["name"] = ["1-150 karakter / 1-150 characters"]
        description = raw.get("description", "")
        if not isinstance(description, str) or len(description) > 5000:
            errors["description"] = ["paling banyak 5000 karakter / at most 5000 characters"]
        agency = None
        if raw.get("agency") is not None:
            agency = self.session.scalar(select(Agency).where(Agency.code == str(raw["agency"])))
            if agency is None:
                errors["agency"] = ["PD tidak ada / no such agency (use its code)"]
        source = raw.get("source_instance_id")
        if source is not None and (
            not isinstance(source, int)
            or isinstance(source, bool)
            or not 0 < source < 2**31
            or self.session.get(Instance, source) is None
        ):
            errors["source_instance_id"] = ["instans tidak ada / no such instance"]
        items = self._items(raw.get("items"), agency, errors)
        if errors:
            raise FormInvalid(INVALID, errors)
        if self.authorised:
            # The procedure's step is the authority (the verification's review).
            pass
        elif agency is not None:
            require_configuration_editor(self.session, self.actor, agency.id)
        else:
            require(self.session, self.actor, ADMINISTER)
        baseline = ConfigurationBaseline(
            name=str(name).strip(),
            description=description,
            agency_id=agency.id if agency else None,
            created_at=self.clock.now(),
            created_by_id=self.actor.id if self.actor else None,
            source_instance_id=source,
            items=self.snapshot(items),
        )
        try:
            with self.session.begin_nested():
                self.session.add(baseline)
        except IntegrityError:
            raise Conflict(
                "Nama baseline sudah dipakai / a baseline has that name", {"name": ["dipakai"]}
            ) from None
        return baseline

    def _items(
        self, ids: Any, agency: Agency | None, errors: dict[str, list[str]]
    ) -> list[ConfigurationItem]:
        query = select(ConfigurationItem).options(*LOADED).order_by(ConfigurationItem.id)
        if ids is None:
            query = query.where(ConfigurationItem.status != ItemStatus.RETIRED)
            if agency is not None:
                query = query.where(ConfigurationItem.agency_id == agency.id)
            return list(self.session.scalars(query))
        if not isinstance(ids, list) or not 0 < len(ids) <= 10000:
            errors["items"] = ["daftar id komponen / a list of item ids (1-10000)"]
            return []
        wanted = [
            i for i in ids if isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31
        ]
        found = {
            item.id: item
            for item in self.session.scalars(query.where(ConfigurationItem.id.in_(wanted)))
        }
        for index, item_id in enumerate(ids):
            if item_id not in found:
                errors[f"items.{index}"] = ["komponen tidak ada / no such item"]
            elif agency is not None and found[item_id].agency_id != agency.id:
                errors[f"items.{index}"] = ["komponen PD lain / another agency's item"]
        return list(found.values())

    def page(self, page: int, per_page: int) -> tuple[list[ConfigurationBaseline], int]:
        """Baselines, newest first, one page of them, and how many there are."""
        require(self.session, self.actor, STAFF)
        total = self.session.scalar(select(func.count()).select_from(ConfigurationBaseline))
        rows = self.session.scalars(
            select(ConfigurationBaseline)
            .order_by(ConfigurationBaseline.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        return list(rows), int(total or 0)

    def get(self, baseline_id: int) -> ConfigurationBaseline:
        """One baseline.

        Raises:
            NotPermitted: the actor is no staff.
            NotFound: no such baseline.
        """
        require(self.session, self.actor, STAFF)
        baseline = self.session.get(ConfigurationBaseline, baseline_id)
        if baseline is None:
            raise NotFound("Baseline tidak ada / no such baseline")
        return baseline

    def compare(self, baseline_id: int, later_id: int | None) -> Comparison:
        """The baseline against a later one, or against now: its items as they are now,
        and the items added since to its PD (to the kabupaten, for a baseline of none).

        Raises:
            NotPermitted: the actor is no staff.
            NotFound: either baseline does not exist.
        """
        earlier = self.get(baseline_id)
        if later_id is not None:
            later = self.get(later_id)
            return Comparison(earlier, later, compare_snapshots(earlier.items, later.items))
        query = select(ConfigurationItem).options(*LOADED)
        ids = [int(key) for key in earlier.items]
        if earlier.agency_id is not None:
            query = query.where(
                (ConfigurationItem.agency_id == earlier.agency_id) | ConfigurationItem.id.in_(ids)
            )
        now = self.snapshot(list(self.session.scalars(query)))
        # Items retired since are gone from now's configuration; never-recorded ones
        # retired before the baseline stay out of it.
        now = {
            key: fields
            for key, fields in now.items()
            if key in earlier.items or fields["status"] != ItemStatus.RETIRED
        }
        return Comparison(earlier, None, compare_snapshots(earlier.items, now))
