"""What a case's submitted form does to the CMDB (issue 14, items 2 and 4).

**Links** (item 2; Kepbup Polewali Mandar 685/2021, II.3: complaints, problems, changes and
releases name the items they touch). Every item a submitted form names in a field bound to
`configuration-items` (a multi-select such as `komponen_cmdb`, or the `komponen` of a row
of `pembaruan_komponen`) is linked to the case (`cases.link_items`), at its start or at the
completion of the task: impact analysis, the item's cases and availability read the links.

**Updates** (item 4; II.3 c.3 pemutakhiran, II.4.g.12-13). A form that submits
`pembaruan_komponen`, rows of `{"komponen": id, "status", "atribut": {...}, "catatan"}`,
records the new status or attribute values a change will give its items; each row is
checked against the item as it is now (it exists and is not retired, the attributes merged
into its current ones meet its type's schema), so a mistake is refused (422 naming the
row's field) where it can be corrected. A script of the diagram that sets
`terapkan_pembaruan_komponen = True` marks where they take effect (Manajemen Perubahan:
`mutakhirkan_cmdb`, after the change is accepted; Rilis Layanan: `tutup_rilis_berhasil`,
after a successful release's result is accepted): at the end of the step in which it runs,
in that step's transaction, the case's rows are checked again and applied through the
items service, each item's history naming the person who completed the step, the reason
(the change's reference and title, and the row's note) and the case as its source. If one
cannot be applied (the item was retired meanwhile, its type's schema changed), the step
is refused with a 422 naming the row's field and nothing of it is stored: the change stays
at its accepting task, never closed without its updates.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.clock import Clock
from app.engine.form_options import CONFIGURATION_ITEMS, bound_fields, bound_row_fields
from app.errors import Conflict, FormInvalid, NotFound
from app.models import ConfigurationItem, Instance, ItemStatus, User
from app.services.audit.events import record
from app.services.configuration.case_measurements import record_measurements, submitted_rows
from app.services.configuration.cases import link_items
from app.services.configuration.choices import item_id
from app.services.configuration.entries import check_entry
from app.services.configuration.items import REASON_MAX, ItemService
from app.services.configuration.verification import BASELINE_FLAG, ROWS, Verification
from app.services.continuity.case_plans import record_from_case
from app.services.ports import Instances

#: The rows of item updates a change records, and their fields.
UPDATES = "pembaruan_komponen"
ROW_ITEM, ROW_STATUS, ROW_ATTRIBUTES, ROW_NOTE = "komponen", "status", "atribut", "catatan"
#: Set to True by the diagram's script where the updates take effect.
APPLY_FLAG = "terapkan_pembaruan_komponen"
#: How an item's history names the case whose updates it applies (a change by default).
CASE_KINDS = {"rilis-layanan": "Rilis"}
#: The event a case's history gets when its updates are applied.
APPLIED_EVENT = "configuration_updated"
UPDATES_INVALID = "Pembaruan komponen konfigurasi tidak valid / invalid configuration item updates"
NOT_APPLIED = (
    "Pembaruan komponen konfigurasi tidak dapat diterapkan; langkah ini tidak disimpan / "
    "the configuration item updates cannot be applied; this step was not saved"
)

Errors = dict[str, list[str]]


def named_items(schema: dict[str, Any], data: dict[str, Any]) -> list[int]:
    """The item ids `data` names in the fields `schema` binds to `configuration-items`,
    top level and in the rows of arrays, in the order given."""
    found: list[Any] = []
    for field, source in bound_fields(schema):
        if source == CONFIGURATION_ITEMS:
            value = data.get(field)
            found += value if isinstance(value, list) else [value]
    for array, field, source in bound_row_fields(schema):
        rows = data.get(array)
        if source == CONFIGURATION_ITEMS and isinstance(rows, list):
            found += [row.get(field) for row in rows if isinstance(row, dict)]
    return [i for i in map(item_id, found) if i is not None]


def _rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = data.get(UPDATES)
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


def _at(index: int, key: str) -> str:
    """Where an item service error about `key` lands in the form: the row's field."""
    if key == "attributes" or key.startswith("attributes."):
        return f"{UPDATES}.{index}.{ROW_ATTRIBUTES}{key.removeprefix('attributes')}"
    if key == "status":
        return f"{UPDATES}.{index}.{ROW_STATUS}"
    return f"{UPDATES}.{index}.{ROW_ITEM}"


def _moved(index: int, errors: Any) -> Errors:
    if not isinstance(errors, dict) or not errors:
        return {f"{UPDATES}.{index}.{ROW_ITEM}": ["tidak dapat diterapkan / cannot be applied"]}
    moved: Errors = {}
    for key, messages in errors.items():
        moved.setdefault(_at(index, str(key)), []).extend(messages)
    return moved


class CaseForms:
    """Links a case to the items its forms name and applies a change's item updates."""

    def __init__(self, session: Session, clock: Clock, instances: Instances | None = None) -> None:
        """`instances`: what opens a complaint when a form's measurement crosses a
        threshold (`case_measurements`); without it a form's measurements are refused."""
        self.session = session
        self.clock = clock
        self.instances = instances

    def after_submit(
        self,
        instance: Instance,
        schema: dict[str, Any] | None,
        submitted: dict[str, Any],
        before: dict[str, Any],
        after: dict[str, Any],
        user: User,
    ) -> None:
        """Follow a start or a task's completion into the CMDB, in its transaction.

        Reads no table unless the form names items or updates, or the step applies them.

        Args:
            instance: the case, already written (it has its id).
            schema: the submitted form (None: no form).
            submitted: what the person submitted, as checked against the form.
            before: the case's data before the step ({} for a start).
            after: the case's data after the step, scripts included.
            user: who submitted it.

        Raises:
            FormInvalid: a row of `pembaruan_komponen` that cannot be applied to its item
                as it is now, named `pembaruan_komponen.<row>.<field>`: submitted now, or,
                in the step where the diagram applies them, recorded earlier; a row of
                `pengukuran_kapasitas` the capacity service refuses
                (`pengukuran_kapasitas.<row>.<field>`).
        """
        if schema is not None and _rows(submitted):
            errors = self.check_updates(_rows(submitted))
            if errors:
                raise FormInvalid(UPDATES_INVALID, errors)
        if after.get(APPLY_FLAG) is True and before.get(APPLY_FLAG) is not True:
            self.apply_updates(instance, _rows(after), user)
        if after.get(BASELINE_FLAG) is True and before.get(BASELINE_FLAG) is not True:
            Verification(self.session, self.clock).keep(instance, after, user)
        # ... and the measurements a monitoring form records (capacity, issue 14 item 5).
        measured = submitted_rows(schema, submitted)
        if measured:
            if self.instances is None:
                raise ValueError("CaseForms needs the instance service to record measurements")
            record_measurements(self.session, self.clock, self.instances, measured, user)
        # The same hook records a DRP version a case proposes (continuity, issue 14 item 7).
        record_from_case(self.session, self.clock, instance, before, after, user)
        named = named_items(schema, submitted) if schema is not None else []
        if named:
            link_items(self.session, instance.id, named)

    def before_submit(
        self,
        instance: Instance,
        schema: dict[str, Any] | None,
        submitted: dict[str, Any],
        user: User,
    ) -> dict[str, Any]:
        """What the diagram is given for a task's checked submission: a verification's
        rows (`hasil_verifikasi`) completed with each item's name and whether its
        difference is unauthorised (`verification`); anything else unchanged."""
        if schema is None or ROWS not in (schema.get("properties") or {}):
            return submitted
        return Verification(self.session, self.clock).annotate(instance, submitted, user)

    def check_updates(self, rows: list[dict[str, Any]]) -> Errors:
        """What keeps each row from applying to its item as it is now (empty: nothing)."""
        ids = [item_id(row.get(ROW_ITEM)) for row in rows]
        items = {
            item.id: item
            for item in self.session.scalars(
                select(ConfigurationItem)
                .where(ConfigurationItem.id.in_(sorted({i for i in ids if i is not None})))
                .options(selectinload(ConfigurationItem.type))
            )
        }
        errors: Errors = {}
        seen: set[int] = set()
        for index, (row, wanted) in enumerate(zip(rows, ids, strict=True)):
            where = f"{UPDATES}.{index}.{ROW_ITEM}"
            item = items.get(wanted) if wanted is not None else None
            if item is None:
                errors[where] = [f"komponen {row.get(ROW_ITEM)!r} tidak ada / no such item"]
                continue
            if item.status == ItemStatus.RETIRED:
                errors[where] = [
                    f"komponen {item.id} ({item.name}) sudah pensiun / item {item.id} is retired"
                ]
                continue
            if item.id in seen:
                errors[where] = [
                    f"komponen {item.id} sudah ada di baris lain / item {item.id} is in "
                    "another row already"
                ]
                continue
            seen.add(item.id)
            status, attributes = row.get(ROW_STATUS), row.get(ROW_ATTRIBUTES)
            if status in (None, "") and not attributes:
                errors[where] = [
                    "isi status baru atau nilai atribut / give a new status or attribute values"
                ]
                continue
            raw: dict[str, Any] = {}
            if status not in (None, "", ItemStatus.RETIRED):
                raw["status"] = status
            if attributes:
                raw["attributes"] = attributes
            _clean, found = check_entry(self.session, raw, item.type, current=item)
            for key, messages in found.items():
                errors.setdefault(_at(index, key), []).extend(messages)
        return errors

    def apply_updates(self, instance: Instance, rows: list[dict[str, Any]], user: User) -> None:
        """Apply the case's rows to the CMDB, each change in its item's history with the
        case as its source, as `user` (the procedure's approval authorises it).

        Raises:
            FormInvalid: a row cannot be applied (named as in `after_submit`); nothing of
                the rows is kept.
        """
        if not rows:
            return
        errors = self.check_updates(rows)
        if errors:
            raise FormInvalid(NOT_APPLIED, errors)
        items = ItemService(self.session, self.clock, user, authorised=True)
        data = instance.data or {}
        case = instance.reference or f"#{instance.id}"
        title = " ".join(str(data.get("judul") or "").split())
        applied = []
        with self.session.begin_nested():
            for index, row in enumerate(rows):
                wanted = item_id(row.get(ROW_ITEM))
                assert wanted is not None  # checked above
                note = " ".join(str(row.get(ROW_NOTE) or "").split())
                kind = CASE_KINDS.get(instance.process_model_id, "Perubahan")
                reason = "; ".join(filter(None, [f"{kind} {case}: {title}".strip(), note]))
                reason = "".join(c for c in reason if c.isprintable())[:REASON_MAX]
                status, attributes = row.get(ROW_STATUS), row.get(ROW_ATTRIBUTES)
                raw: dict[str, Any] = {}
                if status not in (None, "", ItemStatus.RETIRED):
                    raw["status"] = status
                if attributes:
                    raw["attributes"] = attributes
                try:
                    if raw:
                        items.update(wanted, raw, reason, instance.id)
                    if status == ItemStatus.RETIRED:
                        items.retire(wanted, reason, source_instance_id=instance.id)
                except (FormInvalid, Conflict, NotFound) as err:
                    raise FormInvalid(NOT_APPLIED, _moved(index, err.errors)) from None
                applied.append(wanted)
        record(
            self.session,
            instance,
            APPLIED_EVENT,
            self.clock.now(),
            user,
            data={"items": applied},
        )
