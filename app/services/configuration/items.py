"""Register, change, retire, list and read configuration items (Kepbup Polewali Mandar
685/2021, II.3 c.1-c.3 registration and updating, d.1 status through an item's life).

Staff read the CMDB; the keepers of an item's PD change it (`edits_configuration`). No two
items share a name (regardless of case) or, within a type, the type's identifying
attributes (II.3 b.1): either is refused with 409 naming the field and the item that has
it. Every change is one row of the item's history with its reason (`history`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.clock import Clock
from app.errors import Conflict, FormInvalid, InvalidInput, NotFound, NotPermitted
from app.models import (
    Agency,
    ConfigurationItem,
    ConfigurationItemHistory,
    ConfigurationItemLabel,
    ConfigurationItemType,
    ConfigurationLicence,
    Instance,
    ItemStatus,
    Service,
    User,
)
from app.services.accounts.permissions import (
    EDIT_CONFIGURATION,
    STAFF,
    allows,
    require,
    require_configuration_editor,
)
from app.services.configuration import history
from app.services.configuration.checks import identity
from app.services.configuration.entries import check_entry
from app.services.configuration.types import ItemTypeService

REASON_MAX = 2000
#: What a read loads with an item: everything its answer shows but relations and history.
LOADED = (
    selectinload(ConfigurationItem.type),
    selectinload(ConfigurationItem.agency),
    selectinload(ConfigurationItem.labels),
    selectinload(ConfigurationItem.administrators),
    selectinload(ConfigurationItem.services),
    selectinload(ConfigurationItem.licences),
)
INVALID = "Data komponen konfigurasi tidak valid / invalid configuration item"
#: What makes two licence records of an item the same record.
LICENCE_KEY = ("holder", "seats", "expires_on", "reference")


@dataclass(frozen=True)
class ItemFilter:
    """What a list asks for; codes and names are matched exactly, `q` as a part of the
    name or the location, regardless of case."""

    type: str | None = None
    agency: str | None = None
    status: str | None = None
    label: str | None = None
    service: str | None = None
    q: str | None = None


@dataclass
class ItemPage:
    """One page of items, by name."""

    items: list[ConfigurationItem]
    total: int


#: How a list may be sorted: the column each key sorts by (the name then breaks ties).
SORTS: dict[str, Any] = {
    "name": ConfigurationItem.name_key,
    # correlated to the item only: a list filtered by type or PD joins those tables too
    "type": select(ConfigurationItemType.code)
    .where(ConfigurationItemType.id == ConfigurationItem.type_id)
    .correlate(ConfigurationItem)
    .scalar_subquery(),
    "agency": select(Agency.code)
    .where(Agency.id == ConfigurationItem.agency_id)
    .correlate(ConfigurationItem)
    .scalar_subquery(),
    "status": ConfigurationItem.status,
    "updated": ConfigurationItem.updated_at,
}


def _order(sort: str) -> list[Any]:
    """ORDER BY terms for a sort key of `SORTS`, "-" before it for descending."""
    key = sort.removeprefix("-")
    if key not in SORTS:
        raise InvalidInput(
            f"Urutan tidak dikenal / unknown sort: {sort[:40]}",
            {"sort": [f"salah satu dari / one of: {', '.join(SORTS)}"]},
        )
    column = SORTS[key]
    first = column.desc() if sort.startswith("-") else column.asc()
    if key == "name":
        return [first, ConfigurationItem.id]
    return [first, ConfigurationItem.name_key, ConfigurationItem.id]


def name_key(name: str) -> str:
    """The form of a name two items may not share."""
    return " ".join(name.split()).casefold()


class ItemService:
    """The CMDB's items, acting as `actor` (None: the system)."""

    def __init__(
        self, session: Session, clock: Clock, actor: User | None = None, authorised: bool = False
    ) -> None:
        """`authorised`: the caller vouches that `actor` may make the changes it asks
        for (an approved change closing, issue 14 item 4: the procedure's approval is
        the authority), so the keeper checks are skipped; the history still names `actor`.
        """
        self.session = session
        self.clock = clock
        self.actor = actor
        self.authorised = authorised
        self.types = ItemTypeService(session, clock, actor)

    # -- reading -------------------------------------------------------------------------

    def page(
        self, filters: ItemFilter, page: int = 1, per_page: int = 20, sort: str = "name"
    ) -> ItemPage:
        """A page of the items `filters` asks for, by name or as `sort` says.

        Args:
            filters: what to list.
            page: the page's number, from 1.
            per_page: items per page.
            sort: a key of `SORTS`, descending with a leading "-"; the name breaks ties.

        Raises:
            NotPermitted: the actor is no staff.
            InvalidInput: an unknown sort.
        """
        require(self.session, self.actor, STAFF)
        order = _order(sort)
        query = self.query(filters)
        if query is None:
            return ItemPage([], 0)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        items = self.session.scalars(
            query.options(*LOADED).order_by(*order).offset((page - 1) * per_page).limit(per_page)
        ).all()
        return ItemPage(list(items), total)

    def query(self, filters: ItemFilter) -> Select[tuple[ConfigurationItem]] | None:
        """The items `filters` selects, unordered; None when a filter can match nothing
        (control characters, which PostgreSQL also refuses in a text parameter). The
        caller has checked the reader (`page`)."""
        given = [v for v in vars(filters).values() if v is not None]
        if not all(isinstance(v, str) and v.isprintable() for v in given):
            return None
        query = select(ConfigurationItem)
        if filters.type:
            query = query.join(ConfigurationItem.type).where(
                ConfigurationItemType.code == filters.type
            )
        if filters.agency:
            query = query.join(ConfigurationItem.agency).where(Agency.code == filters.agency)
        if filters.status:
            query = query.where(ConfigurationItem.status == filters.status)
        if filters.label:
            query = query.where(
                ConfigurationItem.labels.any(ConfigurationItemLabel.label == filters.label)
            )
        if filters.service:
            query = query.where(ConfigurationItem.services.any(Service.code == filters.service))
        if filters.q and filters.q.strip():
            words = filters.q.strip()
            query = query.where(
                or_(
                    ConfigurationItem.name_key.contains(name_key(words), autoescape=True),
                    func.lower(ConfigurationItem.location).contains(words.lower(), autoescape=True),
                )
            )
        return query

    def get(self, item_id: int) -> ConfigurationItem:
        """One item.

        Raises:
            NotPermitted: the actor is no staff.
            NotFound: no item has this id.
        """
        require(self.session, self.actor, STAFF)
        return self._item(item_id)

    def history(self, item_id: int) -> list[ConfigurationItemHistory]:
        """The item's history, oldest first (after `get`, which checks the reader)."""
        return history.of_item(self.session, item_id)

    def _item(self, item_id: int, lock: bool = False) -> ConfigurationItem:
        item = self.session.get(ConfigurationItem, item_id, options=LOADED, with_for_update=lock)
        if item is None:
            raise NotFound(
                f"Komponen konfigurasi {item_id} tidak ada / no configuration item {item_id}"
            )
        return item

    # -- writing -------------------------------------------------------------------------

    def create(self, raw: dict[str, Any], reason: str = "") -> ConfigurationItem:
        """Register an item from `raw` (see `check_entry`, plus `type`: a type's code);
        `reason`, when given, is kept in the first row of its history.

        Raises:
            NotPermitted: the actor keeps no items of the PD or the services named.
            FormInvalid: a field is wrong; `errors` names each (`attributes.<name>`).
            Conflict: another item has the name or the type's identifying attributes.
        """
        if not allows(self.session, self.actor, EDIT_CONFIGURATION):
            raise NotPermitted(EDIT_CONFIGURATION.refusal)
        code = raw.get("type")
        item_type = self.types.by_code(code) if isinstance(code, str) else None
        if item_type is None:
            raise FormInvalid(INVALID, {"type": [f"jenis '{code}' tidak ada / unknown type"]})
        clean, errors = check_entry(self.session, raw, item_type)
        if errors:
            raise FormInvalid(INVALID, errors)
        self._require_editor(clean["agency"].id, clean["services"])
        item = self.build(item_type, clean)
        self._refuse_duplicates(item)
        self.session.add(item)
        self.flush()
        self.record_created(item, reason)
        return item

    def build(self, item_type: ConfigurationItemType, clean: dict[str, Any]) -> ConfigurationItem:
        """A new item of `item_type` from fields `check_entry` cleaned, not yet added.

        The steps of `create` the importer shares: it checks a whole file first (fields,
        keepers, duplicates in the file and in the CMDB), then builds every item, flushes
        once and records each one's creation.
        """
        now = self.clock.now()
        item = ConfigurationItem(type=item_type, created_at=now, updated_at=now)
        self._apply(item, clean)
        return item

    def record_created(self, item: ConfigurationItem, reason: str = "") -> None:
        """Write the first row of a flushed new item's history: every field it was given."""
        created = {
            key: change
            for key, change in history.changes({}, history.snapshot(item)).items()
            if change["after"] not in ("", [], None)
        }
        history.write(
            self.session, item, history.CREATED, item.created_at, self.actor, created, reason
        )

    def update(
        self,
        item_id: int,
        raw: dict[str, Any],
        reason: Any,
        source_instance_id: Any = None,
    ) -> ConfigurationItem:
        """Change the fields `raw` gives (attributes merged: a null removes one); a change
        that changes nothing writes no history.

        Args:
            item_id: the item.
            raw: the fields to change (`check_entry`); `type` cannot change.
            reason: why (required), kept in the history.
            source_instance_id: the case (a change, a release) the change comes from.

        Raises:
            NotFound: no such item.
            NotPermitted: the actor may not change it, or not into the PD or services given.
            FormInvalid: a field is wrong; `errors` names each.
            Conflict: another item has the new name or identifying attributes.
        """
        item = self._item(item_id, lock=True)
        self._require_editor(item.agency_id, item.services)
        errors: dict[str, list[str]] = {}
        why = self._reason(reason, errors)
        source = self._source(source_instance_id, errors)
        clean, entry_errors = check_entry(self.session, raw, item.type, current=item)
        errors.update(entry_errors)
        if errors:
            raise FormInvalid(INVALID, errors)
        agency = clean.get("agency") or item.agency
        self._require_editor(agency.id, clean.get("services", item.services))
        before = history.snapshot(item)
        self._apply(item, clean)
        self._refuse_duplicates(item)
        changed = history.changes(before, history.snapshot(item))
        if changed:
            item.updated_at = self.clock.now()
            self.flush()
            history.write(
                self.session,
                item,
                history.UPDATED,
                item.updated_at,
                self.actor,
                changed,
                why,
                source,
            )
        return item

    def retire(
        self,
        item_id: int,
        reason: Any,
        retain_until: date | str | None = None,
        source_instance_id: Any = None,
    ) -> ConfigurationItem:
        """Retire an item; its record, relations and history stay (until `retain_until`,
        II.3 c.5, when given).

        Raises:
            NotFound: no such item.
            NotPermitted: the actor may not change it.
            FormInvalid: no reason, a bad date or an unknown case.
            Conflict: the item is already retired.
        """
        item = self._item(item_id, lock=True)
        self._require_editor(item.agency_id, item.services)
        errors: dict[str, list[str]] = {}
        why = self._reason(reason, errors)
        source = self._source(source_instance_id, errors)
        clean, entry_errors = check_entry(
            self.session, {"retain_until": retain_until}, item.type, current=item
        )
        errors.update(entry_errors)
        if errors:
            raise FormInvalid(INVALID, errors)
        if item.status == ItemStatus.RETIRED:
            raise Conflict(
                "Komponen sudah pensiun / the item is already retired",
                {"status": ["sudah pensiun / already retired"]},
            )
        before = history.snapshot(item)
        item.status = ItemStatus.RETIRED
        if clean["retain_until"] is not None:
            item.retain_until = clean["retain_until"]
        item.updated_at = self.clock.now()
        self.flush()
        changed = history.changes(before, history.snapshot(item))
        history.write(
            self.session, item, history.RETIRED, item.updated_at, self.actor, changed, why, source
        )
        return item

    # -- the steps -------------------------------------------------------------------------

    def _require_editor(self, agency_id: int, services: Iterable[Service]) -> None:
        if self.authorised:
            return
        require_configuration_editor(
            self.session, self.actor, agency_id, [service.id for service in services]
        )

    def _reason(self, reason: Any, errors: dict[str, list[str]]) -> str:
        text = reason.strip() if isinstance(reason, str) else ""
        if not text:
            errors["reason"] = ["alasan wajib diisi / a reason is required"]
        elif len(text) > REASON_MAX or not text.isprintable():
            errors["reason"] = [
                f"teks tanpa karakter kendali, maks. {REASON_MAX} / text without control "
                f"characters, at most {REASON_MAX}"
            ]
        return text

    def _source(self, instance_id: Any, errors: dict[str, list[str]]) -> int | None:
        if instance_id is None:
            return None
        found = (
            isinstance(instance_id, int)
            and not isinstance(instance_id, bool)
            and 0 < instance_id < 2**31
            and self.session.get(Instance, instance_id) is not None
        )
        if not found:
            errors["source_instance_id"] = [
                f"kasus {instance_id} tidak ada / no case (process instance) {instance_id}"
            ]
            return None
        return int(instance_id)

    def _apply(self, item: ConfigurationItem, clean: dict[str, Any]) -> None:
        for key in ("name", "status", "location", "retain_until"):
            if key in clean:
                setattr(item, key, clean[key])
        item.name_key = name_key(item.name)
        if "agency" in clean:
            item.agency = clean["agency"]
        # in the order a read gives them (the relationships' order_by), so an answer
        # and the history show the same lists as a later read
        if "labels" in clean:
            kept = {label.label: label for label in item.labels if label.label in clean["labels"]}
            item.labels = [
                kept.get(label) or ConfigurationItemLabel(label=label)
                for label in sorted(clean["labels"])
            ]
        if "administrators" in clean:
            item.administrators = sorted(clean["administrators"], key=lambda u: u.username)
        if "services" in clean:
            item.services = sorted(clean["services"], key=lambda service: service.code)
        if "licences" in clean:
            # a record given again unchanged stays the same row, so what its keepers
            # were told of its expiry (`notified_for`) is kept
            kept = {
                (old.holder, old.seats, old.expires_on, old.reference): old for old in item.licences
            }
            item.licences = [
                kept.pop(tuple(licence[key] for key in LICENCE_KEY), None)
                or ConfigurationLicence(**licence)
                for licence in clean["licences"]
            ]
        if "attributes" in clean:
            item.attributes = dict(clean["attributes"])
        item.identity = identity(item.type, item.attributes)

    def _refuse_duplicates(self, item: ConfigurationItem) -> None:
        errors: dict[str, list[str]] = {}
        others = select(ConfigurationItem).where(ConfigurationItem.id != item.id)
        with self.session.no_autoflush:
            same_name = self.session.scalar(
                others.where(ConfigurationItem.name_key == item.name_key).limit(1)
            )
            same_identity = (
                None
                if item.identity is None
                else self.session.scalar(
                    others.where(
                        ConfigurationItem.type_id == item.type.id,
                        ConfigurationItem.identity == item.identity,
                    ).limit(1)
                )
            )
        if same_name is not None:
            errors["name"] = [
                f"nama sudah dipakai komponen {same_name.id} ({same_name.name}) / the name is "
                f"taken by item {same_name.id}"
            ]
        if same_identity is not None:
            for attribute in item.type.identifying_attributes:
                errors[f"attributes.{attribute}"] = [
                    f"sama dengan komponen {same_identity.id} ({same_identity.name}) / "
                    f"identifies item {same_identity.id} already"
                ]
        if errors:
            raise Conflict("Komponen konfigurasi ganda / duplicate configuration item", errors)

    def flush(self) -> None:
        """Flush; a duplicate another transaction committed meanwhile is a 409 too."""
        try:
            self.session.flush()
        except IntegrityError:
            raise Conflict(
                "Komponen konfigurasi ganda / duplicate configuration item",
                {"name": ["nama atau atribut pengenal sudah dipakai / name or identity taken"]},
            ) from None
