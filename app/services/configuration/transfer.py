"""Import the CMDB from a CSV or XLSX sheet and export it (issue 14, item 1; Kepbup
Polewali Mandar 685/2021, II.3 c.1-c.2: registering items and their relations, c.3:
updating them).

A row whose `nama` names an item already in the CMDB updates that item; any other row
registers a new one. Items are matched by name (regardless of case and spacing, as
duplicates are judged) and not by id: no two items share a name whatever their type,
and an id means nothing in another CMDB, so what one CMDB exports another imports. The
row's `jenis` must be the item's type (a type never changes). A row is the item as it
should be: each column the file has sets its field, an empty cell clearing it, and a
column the file lacks leaves it alone (`spreadsheet.change`); a `relasi` column makes
the item's outgoing relations exactly those it lists. The change goes through
`ItemService.update`, the API's own call (naming standard, duplicates, the attributes'
JSON Schema, keepers, history), relations through `RelationService.add` and `remove`;
the history names the import as the reason, and a row that changes nothing writes no
history, so an export imported again unchanged changes nothing.

A new row is checked as `ItemService.create` checks one item (its type, the naming
standard, the attributes' JSON Schema, the PD, services and administrators it names,
that the importer keeps such items) and against the others: no two rows name the same
item, and no new row shares a type's identifying attributes with another row or an item.
Relations name their targets by name, in the file or in the CMDB. All or nothing: one
wrong cell refuses the file with every problem found, each naming its row and column,
and nothing is stored. The sheet's columns are `spreadsheet`'s; an export writes the
same columns.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.clock import Clock
from app.errors import DomainError, InvalidInput, NotPermitted
from app.models import (
    ConfigurationItem,
    ConfigurationItemType,
    ConfigurationRelation,
    ItemStatus,
    RelationType,
    User,
)
from app.services.accounts.permissions import EDIT_CONFIGURATION, allows, edits_configuration
from app.services.configuration import history, spreadsheet
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
    """A row checked by itself, waiting for the checks against the others: a new item
    of a known type (`clean` from `check_entry`), or the `change` of an existing `item`
    for `ItemService.update`. `relations` is None when a row changes an item and the
    file has no `relasi` column (its relations are left alone)."""

    row: int
    item_type: ConfigurationItemType
    clean: dict[str, Any]
    key: str
    identity: str | None
    relations: list[tuple[str, str]] | None
    item: ConfigurationItem | None = None
    change: dict[str, Any] = field(default_factory=dict)
    changed: bool = False


@dataclass
class ImportResult:
    """What an import did: the new items and the existing items it changed (a field or
    a relation), each in the file's order, and how many relations it added and removed."""

    items: list[ConfigurationItem] = field(default_factory=list)
    updated: list[ConfigurationItem] = field(default_factory=list)
    relations: int = 0
    relations_removed: int = 0


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
        """Register the new items of a CSV or XLSX sheet and update the existing ones it
        names (by name; see the module), with their relations, all or none.

        Raises:
            NotPermitted: the actor keeps no configuration items at all.
            InvalidInput: the file is unreadable or has wrong columns, or a row is wrong;
                `errors` lists {row, column, field, message} for every problem found,
                by row.
        """
        if not allows(self.session, self.actor, EDIT_CONFIGURATION):
            raise NotPermitted(EDIT_CONFIGURATION.refusal)
        sheet = spreadsheet.read_sheet(content, filename)
        if not sheet.rows:
            raise InvalidInput(
                "Berkas tidak berisi komponen / the file holds no items",
                [spreadsheet.problem(2, "", "baris kosong / no rows")],
            )
        types = {t.code: t for t in self.session.scalars(select(ConfigurationItemType))}
        existing = self._existing(sheet.rows)
        problems: list[dict[str, Any]] = []
        planned: list[_Planned] = []
        for row in sheet.rows:
            item = existing.get(name_key(spreadsheet.text(row.cells.get("nama", ""))))
            if item is None:
                plan, found = self._check_row(row, types)
            else:
                plan, found = self._check_change(row, item, sheet.headers)
            problems += found
            if plan is not None:
                planned.append(plan)
        named = [plan for plan in planned if plan.key]
        printable = "".join(c for c in filename if c.isprintable())
        reason = f"Diimpor dari berkas {printable[:200]}"
        with self.session.begin_nested():  # a refusal leaves no change behind
            problems += self._update(named, reason)
            problems += self._duplicates(named)
            names = {name_key(spreadsheet.text(row.cells.get("nama", ""))) for row in sheet.rows}
            current = self._current(named)
            targets, found = self._targets(named, names, current)
            problems += found
            if problems:
                problems.sort(key=lambda p: p["row"])
                raise InvalidInput(REFUSED.format(count=len(problems)), problems)
            return self._register(planned, targets, current, reason)

    def _existing(self, rows: list[spreadsheet.Row]) -> dict[str, ConfigurationItem]:
        """The CMDB's items the rows name, by name key."""
        keys = sorted({name_key(spreadsheet.text(row.cells.get("nama", ""))) for row in rows})
        return {
            item.name_key: item
            for chunk in _chunks(keys)
            for item in self.session.scalars(
                select(ConfigurationItem)
                .where(ConfigurationItem.name_key.in_(chunk))
                .options(*LOADED)
            )
        }

    def _check_row(
        self, row: spreadsheet.Row, types: dict[str, ConfigurationItemType]
    ) -> tuple[_Planned | None, list[dict[str, Any]]]:
        """A new item's row checked by itself: its plan (None for an unknown type) and
        its problems."""
        code = spreadsheet.text(row.cells.get("jenis", "")).strip()
        item_type = types.get(code)
        if item_type is None:
            message = f"jenis '{code[:40]}' tidak ada / unknown type"
            if not code:
                message = "wajib diisi / required"
            return None, [spreadsheet.problem(row.number, "jenis", message, "type")]
        read = spreadsheet.entry(row, item_type)
        clean, errors = check_entry(self.session, read.raw, item_type)
        found = self._unread(row.number, read)
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
        attributes = clean.get("attributes")
        plan = _Planned(
            row.number,
            item_type,
            clean,
            name_key(clean["name"]),
            identity(item_type, attributes) if isinstance(attributes, dict) else None,
            self._relations(read),
        )
        return plan, found

    def _check_change(
        self, row: spreadsheet.Row, item: ConfigurationItem, headers: list[str]
    ) -> tuple[_Planned, list[dict[str, Any]]]:
        """A row naming an existing item, read as its change; the fields themselves are
        judged by `ItemService.update` (`_update`)."""
        found = []
        code = spreadsheet.text(row.cells.get("jenis", "")).strip()
        if code != item.type.code:
            found.append(
                spreadsheet.problem(
                    row.number,
                    "jenis",
                    f"{item.name} berjenis {item.type.code}; jenis tidak dapat diubah / "
                    f"{item.name} is of type {item.type.code}; a type cannot change",
                    "type",
                )
            )
        read = spreadsheet.change(row, item.type, headers)
        if item.status == ItemStatus.RETIRED and read.raw.get("status") == ItemStatus.RETIRED:
            del read.raw["status"]  # it stays retired; another status brings it back
        found += self._unread(row.number, read)
        relations = self._relations(read) if "relasi" in headers else None
        plan = _Planned(row.number, item.type, {}, item.name_key, None, relations, item, read.raw)
        return plan, found

    @staticmethod
    def _unread(row: int, read: spreadsheet.Entry) -> list[dict[str, Any]]:
        return [
            spreadsheet.problem(row, header, message)
            for header, messages in read.problems.items()
            for message in messages
        ]

    @staticmethod
    def _relations(read: spreadsheet.Entry) -> list[tuple[str, str]]:
        """A row's relations, each (type, target) once whatever the target's case."""
        unique = {(kind, name_key(target)): (kind, target) for kind, target in read.relations}
        return list(unique.values())

    def _keeps_items(self, clean: dict[str, Any]) -> bool:
        key = (clean["agency"].id, tuple(sorted(s.id for s in clean["services"])))
        if key not in self._keeps:
            self._keeps[key] = edits_configuration(self.session, self.actor, key[0], key[1])
        return self._keeps[key]

    def _update(self, planned: list[_Planned], reason: str) -> list[dict[str, Any]]:
        """Change the existing items the rows name, each through `ItemService.update`
        in a savepoint of its own, so a refused row leaves its item as it was and the
        next rows are still judged; returns the refusals as row problems."""
        found: list[dict[str, Any]] = []
        for plan in planned:
            if plan.item is None:
                continue
            before = history.snapshot(plan.item)
            try:
                with self.session.begin_nested():
                    item = self.items.update(plan.item.id, plan.change, reason)
            except DomainError as err:
                found += self._refusal(plan.row, err)
            else:
                plan.changed = bool(history.changes(before, history.snapshot(item)))
        return found

    @staticmethod
    def _refusal(row: int, err: DomainError) -> list[dict[str, Any]]:
        """`ItemService.update`'s refusal of a row, by the columns its fields name."""
        if not isinstance(err.errors, dict) or not err.errors:
            column_name = "pd" if isinstance(err, NotPermitted) else "nama"
            return [spreadsheet.problem(row, column_name, err.message)]
        return [
            spreadsheet.problem(row, spreadsheet.column(name), str(message), name)
            for name, messages in err.errors.items()
            for message in (messages if isinstance(messages, list) else [messages])
        ]

    def _duplicates(self, planned: list[_Planned]) -> list[dict[str, Any]]:
        """Rows naming an item an earlier row names, and new rows sharing identifying
        attributes with an earlier new row or an item (as the rows before left it)."""
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

    def _current(self, planned: list[_Planned]) -> dict[int, dict[tuple[str, str], int]]:
        """The outgoing relations of the items whose rows set them: item id -> (type,
        target's name key) -> relation id."""
        ids = [plan.item.id for plan in planned if plan.item and plan.relations is not None]
        found: dict[int, dict[tuple[str, str], int]] = {}
        for chunk in _chunks(ids):
            rows = self.session.execute(
                select(
                    ConfigurationRelation.id,
                    ConfigurationRelation.source_id,
                    ConfigurationRelation.type,
                    ConfigurationItem.name_key,
                )
                .join(ConfigurationItem, ConfigurationItem.id == ConfigurationRelation.target_id)
                .where(ConfigurationRelation.source_id.in_(chunk))
            )
            for relation_id, source_id, kind, target in rows:
                found.setdefault(source_id, {})[(kind, target)] = relation_id
        return found

    def _targets(
        self,
        planned: list[_Planned],
        named: set[str],
        current: dict[int, dict[tuple[str, str], int]],
    ) -> tuple[dict[str, ConfigurationItem], list[dict[str, Any]]]:
        """The CMDB's items the relations name, by name key, and what is wrong with the
        relations a row adds: an unknown type or target, the item itself, a retired end,
        a `uses_licence` target that holds no licences. A target on a row of the file of
        an unknown type (`named`: all the file's names) is that row's problem; a relation
        an item has already (`current`) is kept as it is."""
        in_file = {plan.key: plan for plan in planned if plan.item is None}
        wanted = sorted(
            {name_key(target) for plan in planned for _, target in plan.relations or []}
            - set(in_file)
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
            kept = current.get(plan.item.id, {}) if plan.item is not None else {}
            for kind, target in plan.relations or []:
                key = name_key(target)
                if (kind, key) in kept:
                    continue
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
                elif plan.item is not None and plan.item.status == ItemStatus.RETIRED:
                    message = f"{plan.item.name} sudah pensiun / {plan.item.name} is retired"
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
        self,
        planned: list[_Planned],
        targets: dict[str, ConfigurationItem],
        current: dict[int, dict[tuple[str, str], int]],
        reason: str,
    ) -> ImportResult:
        """Store the new items and every row's relations; the rows' changes to existing
        items are made already (`_update`)."""
        new = [plan for plan in planned if plan.item is None]
        items = [self.items.build(plan.item_type, plan.clean) for plan in new]
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
            for plan, item in zip(new, items, strict=True)
            for kind, target in plan.relations or []
        ]
        self.session.add_all(relations)
        self.session.flush()
        for relation in relations:
            self.relations.record(relation, ADDED, reason)
        self.session.flush()
        added, removed, related = self._relate(planned, by_key, current, reason)
        loaded = {
            item.id: item
            for chunk in _chunks([item.id for item in items])
            for item in self.session.scalars(
                select(ConfigurationItem).where(ConfigurationItem.id.in_(chunk)).options(*LOADED)
            )
        }
        updated = [
            plan.item
            for plan in planned
            if plan.item is not None and (plan.changed or plan.item.id in related)
        ]
        return ImportResult(
            [loaded[item.id] for item in items], updated, len(relations) + added, removed
        )

    def _relate(
        self,
        planned: list[_Planned],
        by_key: dict[str, ConfigurationItem],
        current: dict[int, dict[tuple[str, str], int]],
        reason: str,
    ) -> tuple[int, int, set[int]]:
        """Make each existing item's outgoing relations those its row lists, through the
        API's calls; returns how many were added and removed, and the items changed."""
        added = removed = 0
        related: set[int] = set()
        for plan in planned:
            if plan.item is None or plan.relations is None:
                continue
            kept = current.get(plan.item.id, {})
            wanted = [(kind, name_key(target)) for kind, target in plan.relations]
            for kind, key in wanted:
                if (kind, key) in kept:
                    continue
                self.relations.add(plan.item.id, kind, by_key[key].id, reason)
                added += 1
                related.add(plan.item.id)
            for relation_key, relation_id in kept.items():
                if relation_key not in wanted:
                    self.relations.remove(plan.item.id, relation_id, reason)
                    removed += 1
                    related.add(plan.item.id)
        return added, removed, related
