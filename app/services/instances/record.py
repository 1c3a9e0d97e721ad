"""The case record: what earlier steps submitted, as people read it (issue 12, item 1).

A clerk deciding a step reads what the reporter wrote and what colleagues decided before:
one section per completed step (the start form, then each task), with who and when, and
each field under the title its form gives it, its value shown as the form shows it (the
label of a choice, a date in the reader's language and the case's time zone, the rows of
a table, an attachment by name). Only fields the step's form declares are shown; what
scripts and the app add lives in the instance data for analysts. Personal data is masked
for readers who may not see it (`personal_data.Disclosure`), exactly as in the raw data.
A case linked to configuration items (issue 14, item 2) ends with a section listing them
(`configuration.cases.items_of_case`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.engine.form_options import (
    CONFIGURATION_ITEMS,
    OPTIONS_KEYWORD,
    PARENT_FIELDS,
    holders_role,
)
from app.engine.specs import ParsedModel
from app.models import Agency, Event, Instance, User
from app.services.catalog.options import FormOptions
from app.services.configuration.cases import items_of_case
from app.services.configuration.choices import ItemChoices
from app.services.instances.personal_data import MASK, PERSONAL_FIELDS
from app.services.process_models.form_order import field_order

#: The step name of the start form's section.
START = "mulai"
#: The step name of the closing section listing the case's configuration items.
ITEMS_STEP = "komponen_konfigurasi"
_ITEMS_SECTION = {
    "id": ("Komponen konfigurasi (CMDB)", ("Komponen", "Jenis", "Status")),
    "en": ("Configuration items (CMDB)", ("Item", "Type", "Status")),
}
_YES_NO = {"id": ("Ya", "Tidak"), "en": ("Yes", "No")}


@dataclass(frozen=True)
class RecordField:
    """One submitted field as its form shows it.

    Attributes:
        name: the data key.
        title: the form's title for it (the key when the form gives none).
        kind: how to draw it: text, long_text, choice, boolean, date, datetime, number,
            table or attachment.
        value: the stored value (masked where the reader may not see it).
        shown: the value in words; for a table `{"columns": [...], "rows": [[...]]}`.
        attachment_id: the file a field of kind attachment refers to.
    """

    name: str
    title: str
    kind: str
    value: Any
    shown: Any
    attachment_id: int | None = None


@dataclass(frozen=True)
class RecordSection:
    """What one completed step submitted: the start form or a task's form."""

    step: str
    title: str
    by: str | None
    by_name: str | None
    at: datetime
    fields: list[RecordField] = field(default_factory=list)
    #: The history entry the step left (its place in the timeline).
    event_id: int | None = None


class CaseRecord:
    """Builds the record of instances for one reader's language and one case's zone."""

    def __init__(self, session: Session, clock: Clock, language: str) -> None:
        self.session = session
        self.options = FormOptions(session, clock)
        self.language = language if language in _YES_NO else "id"
        self._labels: dict[tuple[str, str | None], dict[str, str]] = {}
        self._items: dict[int, str] = {}

    def sections(
        self,
        instance: Instance,
        model: ParsedModel,
        events: Iterable[Event],
        revealed: bool,
    ) -> list[RecordSection]:
        """The sections of the instance's completed steps, oldest first.

        Args:
            instance: the case.
            model: the parsed model of the instance's own version (its forms).
            events: the instance's history.
            revealed: whether the reader may see the requester's personal data.
        """
        agency = self.session.get(Agency, instance.agency_id) if instance.agency_id else None
        zone = ZoneInfo(agency.timezone if agency else "Asia/Jakarta")
        context = {**(instance.data or {})}
        sections = []
        for event in events:
            if event.kind == "instance_started" and model.start_form is not None:
                ref, step, title = model.start_form, START, None
                submitted = event.data or {}
            elif event.kind == "task_completed":
                step = str((event.data or {}).get("task"))
                info = model.user_tasks.get(step)
                if info is None:
                    continue
                ref, title, submitted = info.form, info.title, event.data.get("data") or {}
            else:
                continue
            schema = model.form_schema(ref) or {}
            fields = self._fields(
                schema, model.ui_schema(ref) or {}, submitted, context, instance, zone, revealed
            )
            who = event.user
            sections.append(
                RecordSection(
                    step=step,
                    title=title or schema.get("title") or model.name,
                    by=who.username if who else None,
                    by_name=who.full_name if who else None,
                    at=event.at,
                    fields=fields,
                    event_id=event.id,
                )
            )
        items = self._items_section(instance)
        if items is not None:
            sections.append(items)
        return sections

    def _items_section(self, instance: Instance) -> RecordSection | None:
        """The items the case is linked to (issue 14, item 2), by name, with their type
        and status now, as of the case's last change; None when it names none."""
        items = items_of_case(self.session, instance.id)
        if not items:
            return None
        title, columns = _ITEMS_SECTION[self.language]
        english = self.language == "en"
        rows = [
            [
                item.name,
                item.type.name_en if english and item.type.name_en else item.type.name,
                item.status,
            ]
            for item in items
        ]
        table = {"columns": list(columns), "rows": rows}
        ids = [item.id for item in items]
        return RecordSection(
            step=ITEMS_STEP,
            title=title,
            by=None,
            by_name=None,
            at=instance.updated_at,
            fields=[RecordField(ITEMS_STEP, title, "table", ids, table)],
        )

    # -- one form's fields -----------------------------------------------------------

    def _fields(
        self,
        schema: Mapping[str, Any],
        ui: Mapping[str, Any],
        data: Mapping[str, Any],
        context: Mapping[str, Any],
        instance: Instance,
        zone: ZoneInfo,
        revealed: bool,
        prefix: str = "",
    ) -> list[RecordField]:
        properties = schema.get("properties") or {}
        found = []
        for name in field_order(dict(properties), dict(ui)):
            prop, options = properties[name], ui.get(name) or {}
            value = data.get(name)
            if value in (None, "", [], {}) or options.get("ui:widget") == "hidden":
                continue
            title = f"{prefix}{prop.get('title') or name}"
            if name in PERSONAL_FIELDS and not revealed:
                found.append(RecordField(name, title, "text", MASK, MASK))
                continue
            if isinstance(value, dict) and "attachment_id" in value:
                shown = str(value.get("name") or value["attachment_id"])
                attachment = value["attachment_id"]
                found.append(RecordField(name, title, "attachment", value, shown, attachment))
            elif isinstance(value, dict) and prop.get("type") == "object":
                found += self._fields(
                    prop, options, value, context, instance, zone, revealed, f"{title} › "
                )
            elif isinstance(value, list) and (prop.get("items") or {}).get("type") == "object":
                items, items_ui = prop["items"], options.get("items") or {}
                table = self._table(items, items_ui, value, instance, zone)
                found.append(RecordField(name, title, "table", value, table))
            else:
                kind, shown = self._scalar(
                    prop, options, value, {**context, **data}, instance, zone
                )
                found.append(RecordField(name, title, kind, value, shown))
        return found

    def _table(
        self,
        items: Mapping[str, Any],
        ui: Mapping[str, Any],
        rows: list[Any],
        instance: Instance,
        zone: ZoneInfo,
    ) -> dict[str, Any]:
        properties = items.get("properties") or {}
        order = field_order(dict(properties), dict(ui))
        cells = []
        for row in rows:
            row = row if isinstance(row, dict) else {}
            cells.append(
                [
                    ""
                    if row.get(name) in (None, "")
                    else self._scalar(
                        properties[name], ui.get(name) or {}, row[name], row, instance, zone
                    )[1]
                    for name in order
                ]
            )
        columns = [properties[name].get("title") or name for name in order]
        return {"columns": columns, "rows": cells}

    def _scalar(
        self,
        prop: Mapping[str, Any],
        ui: Mapping[str, Any],
        value: Any,
        data: Mapping[str, Any],
        instance: Instance | None,
        zone: ZoneInfo,
    ) -> tuple[str, str]:
        if isinstance(value, list):
            item = prop.get("items") or {}
            if OPTIONS_KEYWORD in prop:  # a multi-select: each value from the bound list
                item = {**item, OPTIONS_KEYWORD: prop[OPTIONS_KEYWORD]}
            return "choice", ", ".join(
                self._scalar(item, ui, v, data, instance, zone)[1] for v in value
            )
        if isinstance(value, bool):
            yes, no = _YES_NO[self.language]
            return "boolean", self._label(prop, ui, value) or (yes if value else no)
        label = self._label(prop, ui, value) or self._bound(prop, value, data, instance)
        if label is not None:
            return "choice", label
        if isinstance(value, int | float):
            return "number", format_decimal(value, locale=self.language)
        text = str(value)
        moment = _moment(text, prop.get("format"))
        if isinstance(moment, datetime):
            return "datetime", format_datetime(moment, "medium", tzinfo=zone, locale=self.language)
        if isinstance(moment, date):
            return "date", format_date(moment, "long", locale=self.language)
        long_text = ui.get("ui:widget") == "textarea" or "\n" in text
        return ("long_text" if long_text else "text"), text

    @staticmethod
    def _label(prop: Mapping[str, Any], ui: Mapping[str, Any], value: Any) -> str | None:
        """The form's own label of a choice: `ui:enumNames` beside `enum` (or a boolean's
        true and false), or a `oneOf` entry's title."""
        # a boolean's labels are given for true, then false (as forms draw its radios)
        enum = prop.get("enum") or ([True, False] if prop.get("type") == "boolean" else None)
        names = ui.get("ui:enumNames")
        if isinstance(enum, list) and isinstance(names, list) and value in enum:
            index = enum.index(value)
            if index < len(names):
                return str(names[index])
        for entry in prop.get("oneOf") or []:
            if isinstance(entry, dict) and entry.get("const") == value and entry.get("title"):
                return str(entry["title"])
        return None

    def _bound(
        self,
        prop: Mapping[str, Any],
        value: Any,
        data: Mapping[str, Any],
        instance: Instance | None,
    ) -> str | None:
        """The name of a catalog entry or person a bound field (`x-options`) holds."""
        source = prop.get(OPTIONS_KEYWORD)
        if not isinstance(source, str) or instance is None:
            return None
        if holders_role(source) is not None:
            user = self.session.scalar(select(User).where(User.username == str(value)))
            return f"{user.full_name} ({user.username})" if user else None
        if source == CONFIGURATION_ITEMS:
            # named whatever its status now: a retired item was a choice when submitted
            if not isinstance(value, int) or isinstance(value, bool):
                return None
            if value not in self._items:
                self._items.update(ItemChoices(self.session).titles([value]))
            return self._items.get(value)
        parent_field = PARENT_FIELDS.get(source)
        parent = str(data.get(parent_field)) if parent_field and data.get(parent_field) else None
        key = (source, parent)
        if key not in self._labels:
            self._labels[key] = {
                str(c.const): c.title
                for c in self.options.choices(
                    source, parent, instance.service_id, instance.agency_id
                )
            }
        return self._labels[key].get(str(value))


def _moment(text: str, form: Any) -> date | datetime | None:
    """A date or date-time field's value, when it parses as one."""
    try:
        if form == "date":
            return date.fromisoformat(text)
        if form == "date-time":
            moment = datetime.fromisoformat(text)
            return moment if moment.tzinfo else None
    except ValueError:
        return None
    return None
