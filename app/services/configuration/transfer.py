"""Import the CMDB from a CSV or XLSX sheet and export it (issue 14, item 1; Kepbup
Polewali Mandar 685/2021, II.3 c.1-c.2: registering items and their relations).

An import registers new items, all or none: every row is checked as `ItemService.create`
checks one item (its type, the naming standard, the attributes' JSON Schema, the PD,
services and administrators it names, that the importer keeps such items) and against
the others: no two rows, and no row and an item already in the CMDB, share a name or a
type's identifying attributes. Its relations name their targets by name, in the file or
in the CMDB. One wrong cell refuses the file with every problem found, each naming its
row and column, and nothing is stored. The sheet's columns are `spreadsheet`'s; an
export writes the same columns, so what one CMDB exports another imports.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.clock import Clock
from app.errors import InvalidInput, NotPermitted
from app.models import (
    ConfigurationItem,
    ConfigurationItemType,
    ConfigurationRelation,
    ItemStatus,
    RelationType,
    User,
)
from app.services.accounts.permissions import EDIT_CONFIGURATION, allows, edits_configuration
from app.services.configuration import spreadsheet
from app.services.configuration.checks import identity
from app.services.configuration.entries import check_entry
from app.services.configuration.items import LOADED, ItemFilter, ItemService, name_key
from app.services.configuration.relations import ADDED, RelationService
from app.services.spreadsheet import EXPORT_MAX, Table

#: Keys per IN list, well inside every database's limit on bound parameters.
CHUNK = 500
REFUSED = (
    "Impor dibatalkan: {count} kesalahan, tidak ada yang disimpan / import refused: "
    "{count} error(s), nothing stored"
)

T = TypeVar("T")


def _chunks(values: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


@dataclass
class _Planned:
    """A row of a known type, checked by itself, waiting for the checks against the
    others (and registered when no row has a problem)."""

    row: int
    item_type: ConfigurationItemType
    clean: dict[str, Any]
    key: str
    identity: str | None
    relations: list[tuple[str, str]]


@dataclass
class ImportResult:
    """What an import registered: the new items in the file's order, and how many
    relations."""

    items: list[ConfigurationItem] = field(default_factory=list)
    relations: int = 0


class TransferService:
    """Import and export the CMDB, acting as `actor` (None: the system)."""

    def __init__(self, session: Session, clock: Clock, actor: User | None = None) -> None:
        self.session = session
        self.clock = clock
        self.actor = actor
        self.items = ItemService(session, clock, actor)
        self.relations = RelationService(session, clock, actor)
        self._keeps: dict[tuple[int, tuple[int, ...]], bool] = {}

    # -- export ------------------------------------------------------------------------------

    def export(self, filters: ItemFilter, sort: str = "name", language: str = "id") -> Table:
        """The items `filters` selects, in the order `sort` gives, as a sheet `import_file`
        reads back; at most `EXPORT_MAX` rows (the table says when it was cut, in
        `language`). Every type's attribute columns are written, or the filtered type's.

        Raises:
            NotPermitted: the actor is no staff.
            InvalidInput: an unknown sort.
        """
        page = self.items.page(filters, 1, EXPORT_MAX + 1, sort)
        items = page.items[:EXPORT_MAX]
        outgoing = self._outgoing([item.id for item in items])
        types = (
            [item.type for item in items]
            if filters.type
            else list(self.session.scalars(select(ConfigurationItemType)))
        )
        ordered = sorted({t.id: t for t in types}.values(), key=lambda t: t.code)
        attributes = spreadsheet.attribute_names(ordered, items)
        table = Table.of_list("Komponen Konfigurasi", [], language, len(page.items), EXPORT_MAX)
        table.headers = spreadsheet.headers(attributes)
        table.rows = [
            spreadsheet.cells(item, outgoing.get(item.id, []), attributes) for item in items
        ]
        return table

    def _outgoing(self, ids: list[int]) -> dict[int, list[tuple[str, str]]]:
        """item id -> its relations as (type, target name), oldest first."""
        found: dict[int, list[tuple[str, str]]] = {}
        for chunk in _chunks(ids):
            rows = self.session.execute(
                select(
                    ConfigurationRelation.source_id,
                    ConfigurationRelation.type,
                    ConfigurationItem.name,
                )
                .join(ConfigurationItem, ConfigurationItem.id == ConfigurationRelation.target_id)
                .where(ConfigurationRelation.source_id.in_(chunk))
                .order_by(ConfigurationRelation.id)
            )
            for source_id, kind, target in rows:
                found.setdefault(source_id, []).append((kind, target))
        return found

    # -- import ------------------------------------------------------------------------------

    def import_file(self, content: bytes, filename: str) -> ImportResult:
        """Register the items of a CSV or XLSX sheet and their relations, all or none.

        Raises:
            NotPermitted: the actor keeps no configuration items at all.
            InvalidInput: the file is unreadable or has wrong columns, or a row is wrong;
                `errors` lists {row, column, field, message} for every problem found,
                by row.
        """
        if not allows(self.session, self.actor, EDIT_CONFIGURATION):
            raise NotPermitted(EDIT_CONFIGURATION.refusal)
        sheet = spreadsheet.read_sheet(content, filename)
        types = {t.code: t for t in self.session.scalars(select(ConfigurationItemType))}
        problems: list[dict[str, Any]] = []
        planned: list[_Planned] = []
        for row in sheet.rows:
            plan, found = self._check_row(row, types)
            problems += found
            if plan is not None:
                planned.append(plan)
        named = [plan for plan in planned if plan.key]
        if not sheet.rows:
            raise InvalidInput(
                "Berkas tidak berisi komponen / the file holds no items",
                [spreadsheet.problem(2, "", "baris kosong / no rows")],
            )
        problems += self._duplicates(named)
        names = {name_key(spreadsheet.text(row.cells.get("nama", ""))) for row in sheet.rows}
        targets, found = self._targets(named, names)
        problems += found
        if problems:
            problems.sort(key=lambda p: p["row"])
            raise InvalidInput(REFUSED.format(count=len(problems)), problems)
        return self._register(planned, targets, filename)

    def _check_row(
        self, row: spreadsheet.Row, types: dict[str, ConfigurationItemType]
    ) -> tuple[_Planned | None, list[dict[str, Any]]]:
        """A row checked by itself: its plan (None for an unknown type) and its problems."""
        code = spreadsheet.text(row.cells.get("jenis", "")).strip()
        item_type = types.get(code)
        if item_type is None:
            message = f"jenis '{code[:40]}' tidak ada / unknown type"
            if not code:
                message = "wajib diisi / required"
            return None, [spreadsheet.problem(row.number, "jenis", message, "type")]
        read = spreadsheet.entry(row, item_type)
        clean, errors = check_entry(self.session, read.raw, item_type)
        found = [
            spreadsheet.problem(row.number, header, message)
            for header, messages in read.problems.items()
            for message in messages
        ]
        found += [
            spreadsheet.problem(row.number, spreadsheet.column(name), message, name)
            for name, messages in errors.items()
            for message in messages
        ]
        agency = clean.get("agency")
        if agency is not None and not errors.get("services") and not self._keeps_items(clean):
            found.append(
                spreadsheet.problem(
                    row.number,
                    "pd",
                    f"Anda tidak mengelola komponen PD {agency.code} atau layanannya / you "
                    f"keep no configuration items of {agency.code} or these services",
                    "agency",
                )
            )
        relations = {(kind, name_key(target)): (kind, target) for kind, target in read.relations}
        attributes = clean.get("attributes")
        plan = _Planned(
            row.number,
            item_type,
            clean,
            name_key(clean["name"]),
            identity(item_type, attributes) if isinstance(attributes, dict) else None,
            list(relations.values()),
        )
        return plan, found

    def _keeps_items(self, clean: dict[str, Any]) -> bool:
        key = (clean["agency"].id, tuple(sorted(s.id for s in clean["services"])))
        if key not in self._keeps:
            self._keeps[key] = edits_configuration(self.session, self.actor, key[0], key[1])
        return self._keeps[key]

    def _duplicates(self, planned: list[_Planned]) -> list[dict[str, Any]]:
        """Rows sharing a name or identifying attributes with an earlier row or an item."""
        found: list[dict[str, Any]] = []
        names: dict[str, int] = {}
        identities: dict[tuple[int, str], int] = {}
        for plan in planned:
            if plan.key in names:
                found.append(
                    spreadsheet.problem(
                        plan.row,
                        "nama",
                        f"nama ganda di berkas, sama dengan baris {names[plan.key]} / the name "
                        f"is in the file twice: row {names[plan.key]}",
                        "name",
                    )
                )
            names.setdefault(plan.key, plan.row)
            if plan.identity is not None:
                same = identities.setdefault((plan.item_type.id, plan.identity), plan.row)
                if same != plan.row:
                    found += self._identity_problems(
                        plan,
                        f"sama dengan baris {same} di berkas / identifies the item of row "
                        f"{same} in the file",
                    )
        for chunk in _chunks(list(names)):
            for item_id, name, key in self.session.execute(
                select(
                    ConfigurationItem.id, ConfigurationItem.name, ConfigurationItem.name_key
                ).where(ConfigurationItem.name_key.in_(chunk))
            ):
                found.append(
                    spreadsheet.problem(
                        names[key],
                        "nama",
                        f"nama sudah dipakai komponen {item_id} ({name}) / the name is taken "
                        f"by item {item_id}",
                        "name",
                    )
                )
        rows = {plan.row: plan for plan in planned}
        digests = sorted({digest for _, digest in identities})
        for chunk in _chunks(digests):
            for item_id, name, type_id, digest in self.session.execute(
                select(
                    ConfigurationItem.id,
                    ConfigurationItem.name,
                    ConfigurationItem.type_id,
                    ConfigurationItem.identity,
                ).where(ConfigurationItem.identity.in_(chunk))
            ):
                row = identities.get((type_id, digest))
                if row is not None:
                    found += self._identity_problems(
                        rows[row],
                        f"sama dengan komponen {item_id} ({name}) / identifies item {item_id} "
                        "already",
                    )
        return found

    @staticmethod
    def _identity_problems(plan: _Planned, message: str) -> list[dict[str, Any]]:
        return [
            spreadsheet.problem(
                plan.row,
                spreadsheet.ATTRIBUTE_PREFIX + attribute,
                message,
                f"attributes.{attribute}",
            )
            for attribute in plan.item_type.identifying_attributes
        ]

    def _targets(
        self, planned: list[_Planned], named: set[str]
    ) -> tuple[dict[str, ConfigurationItem], list[dict[str, Any]]]:
        """The CMDB's items the relations name, by name key, and what is wrong with the
        relations: an unknown type or target, the item itself, a retired target, a
        `uses_licence` target that holds no licences. A target on a row of the file
        of an unknown type (`named`: all the file's names) is that row's problem."""
        in_file = {plan.key: plan for plan in planned}
        wanted = sorted(
            {name_key(target) for plan in planned for _, target in plan.relations} - set(in_file)
        )
        existing: dict[str, ConfigurationItem] = {}
        for chunk in _chunks(wanted):
            for item in self.session.scalars(
                select(ConfigurationItem)
                .where(ConfigurationItem.name_key.in_(chunk))
                .options(selectinload(ConfigurationItem.type))
            ):
                existing[item.name_key] = item
        found: list[dict[str, Any]] = []
        kinds = {kind.value for kind in RelationType}
        for plan in planned:
            for kind, target in plan.relations:
                key = name_key(target)
                message = None
                other = in_file.get(key)
                target_type = other.item_type if other else None
                if kind not in kinds:
                    message = (
                        f"jenis relasi '{kind[:40]}' tidak ada / unknown relation type; salah "
                        f"satu dari / one of: {', '.join(sorted(kinds))}"
                    )
                elif key == plan.key:
                    message = (
                        "komponen tidak berelasi dengan dirinya / an item does not relate to itself"
                    )
                elif other is None and key in named and key not in existing:
                    continue
                elif other is None and key not in existing:
                    message = (
                        f"komponen '{target[:80]}' tidak ada di berkas atau CMDB / no such item "
                        "in the file or the CMDB"
                    )
                elif other is None and existing[key].status == ItemStatus.RETIRED:
                    message = (
                        f"{existing[key].name} sudah pensiun / {existing[key].name} is retired"
                    )
                else:
                    target_type = target_type or existing[key].type
                licence = kind == RelationType.USES_LICENCE
                if message is None and licence and not (target_type and target_type.holds_licences):
                    message = (
                        "uses_licence menunjuk komponen lisensi / uses_licence names a licence item"
                    )
                if message is not None:
                    found.append(spreadsheet.problem(plan.row, "relasi", message, "relations"))
        return existing, found

    def _register(
        self, planned: list[_Planned], targets: dict[str, ConfigurationItem], filename: str
    ) -> ImportResult:
        reason = f"Diimpor dari berkas {filename[:200]}"
        items = [self.items.build(plan.item_type, plan.clean) for plan in planned]
        self.session.add_all(items)
        self.items.flush()
        for item in items:
            self.items.record_created(item, reason)
        by_key = {item.name_key: item for item in items} | targets
        now = self.clock.now()
        relations = [
            ConfigurationRelation(
                source=item,
                target=by_key[name_key(target)],
                type=kind,
                created_at=now,
                created_by=self.actor,
            )
            for plan, item in zip(planned, items, strict=True)
            for kind, target in plan.relations
        ]
        self.session.add_all(relations)
        self.session.flush()
        for relation in relations:
            self.relations.record(relation, ADDED, reason)
        self.session.flush()
        loaded = {
            item.id: item
            for chunk in _chunks([item.id for item in items])
            for item in self.session.scalars(
                select(ConfigurationItem).where(ConfigurationItem.id.in_(chunk)).options(*LOADED)
            )
        }
        return ImportResult([loaded[item.id] for item in items], len(relations))
