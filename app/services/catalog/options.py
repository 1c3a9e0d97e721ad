"""Form fields bound to live data, resolved for one user and one instance.

A property marked `"x-options": SOURCE` (app/engine/form_options.py) is served with its
valid values as standard JSON Schema, `oneOf` of `{"const", "title"}`, so a generic client
that reads only the served schema can fill the form validly; a field whose list depends on
another (the request types of the chosen service) is served as `if`/`then` branches, one
per parent value, or directly as `oneOf` when the parent is already known. A bound array
(a multi-select) carries the list on its `items`, and a bound property of an array's rows
is served and checked row by row. Submissions are checked against the same lists
(`check`), so a value the list never offered is refused naming its field.

`configuration-items` (app/services/configuration/choices.py) is scoped by the case: the
service the form or the instance names (`layanan`), else the instance's PD.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.clock import Clock
from app.engine.form_options import (
    AGENCIES,
    CONFIGURATION_ITEMS,
    CONTINUITY_SERVICES,
    OPTIONS_KEYWORD,
    PARENT_FIELDS,
    REQUEST_TYPES,
    SERVICES,
    bound_fields,
    bound_row_fields,
    holders_role,
    source_problem,
)
from app.engine.routing import role_holders, roster_of
from app.errors import InvalidInput
from app.models import Agency, ContinuityPlan, Role, Service
from app.services.catalog.codes import catalog_codes
from app.services.configuration.choices import ItemChoices

#: What an empty list says, in the served schema and to a person.
NO_CHOICES = "tidak ada pilihan / no choices"
#: The field naming a case's service, which scopes `configuration-items`.
SERVICE_FIELD = "layanan"


@dataclass(frozen=True)
class Choice:
    """One valid value of a bound field and how people read it."""

    const: str | int
    title: str

    def as_schema(self) -> dict[str, str | int]:
        """The `oneOf` entry: `{"const", "title"}`."""
        return {"const": self.const, "title": self.title}


class FormOptions:
    """Resolve and check the bound fields of forms, in the caller's transaction."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    def choices(
        self,
        source: str,
        parent: str | None = None,
        service_id: int | None = None,
        agency_id: int | None = None,
    ) -> list[Choice]:
        """The valid values of `source` now.

        Args:
            source: `services`, `request-types`, `agencies`, `holders:<role>` or
                `configuration-items`.
            parent: the value of the field a dependent source depends on (a service code
                for `request-types`); without it a dependent source has no choices. For
                `configuration-items`, the service code the form names, if any.
            service_id: the instance's service, for `holders:` (who may take the task)
                and `configuration-items`.
            agency_id: the instance's PD, for `holders:` and `configuration-items`.
        """
        if source == CONFIGURATION_ITEMS:
            return [
                Choice(const, title)
                for const, title in ItemChoices(self.session).offered(parent, service_id, agency_id)
            ]
        if source == SERVICES:
            return [
                Choice(s.code, f"{s.name} ({s.code})")
                for s in self.session.scalars(select(Service).order_by(Service.name))
            ]
        if source == CONTINUITY_SERVICES:
            # Kepbup Polewali Mandar 685/2021, III.3; Perbup Bangka 21/2025, 2.1.2.1: a
            # Kritis service must have a DRP, another may have one.
            planned = select(ContinuityPlan.service_id)
            return [
                Choice(s.code, f"{s.name} ({s.code})")
                for s in self.session.scalars(
                    select(Service)
                    .where(or_(Service.classification == "Kritis", Service.id.in_(planned)))
                    .order_by(Service.name)
                )
            ]
        if source == AGENCIES:
            return [
                Choice(a.code, a.name)
                for a in self.session.scalars(select(Agency).order_by(Agency.name))
            ]
        if source == REQUEST_TYPES:
            service = self._service(parent)
            kinds = sorted(service.request_types, key=lambda k: k.name) if service else []
            return [
                Choice(k.code, f"{k.name} (perlu persetujuan / needs approval)")
                if k.needs_approval
                else Choice(k.code, k.name)
                for k in kinds
            ]
        role = holders_role(source)
        if role is None:
            return []
        names = role_holders(self.session, role, service_id, agency_id, self.clock.now())
        roster = roster_of(self.session)
        active = [(name, roster.ids[name]) for name in names if name in roster.ids]
        return [
            Choice(name, f"{roster.full_names[user_id]} ({name})")
            for name, user_id in active
            if roster.active(user_id)
        ]

    def require_source(self, source: str, for_task: bool) -> None:
        """Refuse a source nobody knows, and `holders:` outside a task (who holds a role
        is told only to those who act on a task of that scope).

        Raises:
            InvalidInput: naming `source`, or `task_id` for holders without a task.
        """
        roles = set(self.session.scalars(select(Role.name)))
        why = source_problem(source, roles)
        if why is not None:
            raise InvalidInput("Sumber tidak dikenal / unknown source", {"source": [why]})
        if holders_role(source) is not None and not for_task:
            raise InvalidInput(
                "Pemegang peran hanya untuk tugas / holders need a task",
                {"task_id": ["wajib untuk holders: / required for holders:"]},
            )
        if source == CONFIGURATION_ITEMS and not for_task:
            # The CMDB is read by staff: its items are told to those who act on a task.
            raise InvalidInput(
                "Komponen konfigurasi hanya untuk tugas / configuration items need a task",
                {"task_id": ["wajib untuk configuration-items / required for it"]},
            )

    def serve(
        self,
        schema: dict[str, Any],
        data: dict[str, Any],
        service_id: int | None = None,
        agency_id: int | None = None,
    ) -> dict[str, Any]:
        """A copy of `schema` with every bound field's valid values as `oneOf`.

        Args:
            schema: the form as deployed.
            data: what is known already (the instance's data, a prefilled start form):
                a dependent field whose parent is known gets that parent's list.
            service_id: the instance's service (for `holders:`).
            agency_id: the instance's PD (for `holders:`).
        """
        bound = dict(bound_fields(schema))
        rows = list(bound_row_fields(schema))
        if not bound and not rows:
            return schema
        served = copy.deepcopy(schema)
        properties = served["properties"]
        for array, field, source in rows:
            row = properties[array]["items"]["properties"]
            found = self.choices(source, _scope(source, data), service_id, agency_id)
            row[field] = _with_choices(row[field], found)
        for field, source in bound.items():
            parent = PARENT_FIELDS.get(source)
            if parent is not None and data.get(parent) in (None, ""):
                properties[field] = _without(properties[field], OPTIONS_KEYWORD)
                served.setdefault("allOf", []).extend(
                    _branches(field, source, parent, self._parents(parent, bound), self)
                    if parent in properties
                    else []
                )
                continue
            found = self.choices(
                source,
                str(data[parent]) if parent is not None else _scope(source, data),
                service_id,
                agency_id,
            )
            properties[field] = _with_choices(properties[field], found)
        return served

    def check(
        self,
        schema: dict[str, Any],
        data: dict[str, Any],
        service_id: int | None = None,
        agency_id: int | None = None,
        known: dict[str, Any] | None = None,
    ) -> dict[str, list[str]]:
        """Field errors for bound values the lists do not offer now (empty: all valid).

        Empty values are left to the form's own `required`. `known` is the instance's
        data, where a dependent field's parent is found when the form does not carry it.
        """
        errors: dict[str, list[str]] = {}
        context = {**(known or {}), **data}
        for field, source in bound_fields(schema):
            value = data.get(field)
            if value in (None, "", []):
                continue
            if source == CONFIGURATION_ITEMS:
                values = value if isinstance(value, list) else [value]
                wrong = ItemChoices(self.session).problems(
                    values, _scope(source, context), service_id, agency_id
                )
                if wrong:
                    errors[field] = wrong
                continue
            parent = PARENT_FIELDS.get(source)
            parent_value = context.get(parent) if parent is not None else None
            offered = self._offers(
                source,
                str(value),
                str(parent_value) if parent_value is not None else None,
                service_id,
                agency_id,
            )
            if not offered:
                errors[field] = [
                    f"'{value}' bukan pilihan yang sah / is not one of the valid choices"
                ]
        for array, field, source in bound_row_fields(schema):
            rows = data.get(array)
            for index, row in enumerate(rows if isinstance(rows, list) else []):
                value = row.get(field) if isinstance(row, dict) else None
                if value in (None, ""):
                    continue
                key = f"{array}.{index}.{field}"
                if source == CONFIGURATION_ITEMS:
                    wrong = ItemChoices(self.session).problems(
                        [value], _scope(source, context), service_id, agency_id
                    )
                    if wrong:
                        errors[key] = wrong
                elif not self._offers(source, str(value), None, service_id, agency_id):
                    errors[key] = [
                        f"'{value}' bukan pilihan yang sah / is not one of the valid choices"
                    ]
        return errors

    def _offers(
        self,
        source: str,
        value: str,
        parent: str | None,
        service_id: int | None,
        agency_id: int | None,
    ) -> bool:
        """Whether `choices` would list `value`: the catalog's codes come from the
        per-process copy (catalog/codes.py), as starts and completions check every call."""
        codes = catalog_codes(self.session)
        if source == SERVICES:
            return value in codes.services
        if source == AGENCIES:
            return value in codes.agencies
        if source == REQUEST_TYPES:
            return parent is not None and (parent, value) in codes.request_types
        return value in {c.const for c in self.choices(source, None, service_id, agency_id)}

    def _service(self, code: str | None) -> Service | None:
        if not code:
            return None
        return self.session.scalar(
            select(Service).where(Service.code == code).options(selectinload(Service.request_types))
        )

    def _parents(self, parent: str, bound: dict[str, str]) -> list[str]:
        """The values the parent field may take (its own bound list)."""
        source = bound.get(parent, SERVICES)
        return [c.const for c in self.choices(source)]


def _scope(source: str, data: dict[str, Any]) -> str | None:
    """The service code that scopes `configuration-items`: the form's or the case's
    `layanan`; None for other sources (their parent comes from `PARENT_FIELDS`)."""
    code = data.get(SERVICE_FIELD) if source == CONFIGURATION_ITEMS else None
    return code if isinstance(code, str) and code else None


def _without(prop: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in prop.items() if k != key}


def _with_choices(prop: dict[str, Any], found: list[Choice]) -> dict[str, Any]:
    """The property with its `oneOf`; an empty list accepts nothing and says so. For an
    array (a multi-select) the list goes on its `items`: an empty array stays valid."""
    shown = _without(prop, OPTIONS_KEYWORD)
    if prop.get("type") == "array" and isinstance(prop.get("items"), dict):
        items = dict(prop["items"])
        if found:
            items["oneOf"] = [c.as_schema() for c in found]
        else:
            items["not"] = {}
            shown["description"] = " ".join(filter(None, [prop.get("description"), NO_CHOICES]))
        shown["items"] = items
        return shown
    if found:
        shown["oneOf"] = [c.as_schema() for c in found]
    else:
        shown["not"] = {}
        shown["description"] = " ".join(filter(None, [prop.get("description"), NO_CHOICES]))
    return shown


def _branches(
    field: str, source: str, parent: str, parents: list[str], options: FormOptions
) -> list[dict[str, Any]]:
    """One `if`/`then` per parent value: when the parent is it, the field's `oneOf`."""
    branches = []
    for value in parents:
        found = options.choices(source, value)
        then: dict[str, Any] = {"oneOf": [c.as_schema() for c in found]} if found else {"not": {}}
        branches.append(
            {
                "if": {"properties": {parent: {"const": value}}, "required": [parent]},
                "then": {"properties": {field: then}},
            }
        )
    return branches
