"""Register, change and retire an item (/cmdb/baru, /cmdb/<id>/ubah, /cmdb/<id>/pensiun).

The form is built from the item's type: one field per attribute of its JSON Schema (a
choice for an enumeration, a number, a date, a check box or text), licence rows for the
types that hold licences. The page turns typed text into the values the service takes;
`ItemService` judges them, as it does for the API, and its refusal is shown beside the
fields it names (`attributes.<name>`, `licences.<n>.<field>`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.errors import DomainError
from app.models import ConfigurationItem, ConfigurationItemType, ItemStatus
from app.request_scope import platform, session
from app.services.accounts.permissions import EDIT_CONFIGURATION
from app.services.catalog.agencies import AgencyService
from app.services.catalog.services import CatalogService
from app.services.configuration.entries import SETTABLE_STATUSES
from app.services.configuration.items import ItemService
from app.services.configuration.overview import OverviewService
from app.services.configuration.types import ItemTypeService
from app.web.access import granted, me
from app.web.admin.forms import REFUSED, FormState
from app.web.cmdb.labels import status_badge

bp = Blueprint("forms", __name__)

FIELDS = ("name", "agency", "status", "location", "labels", "administrators", "retain_until")
LICENCE_FIELDS = ("holder", "seats", "expires_on", "reference")
BLANK_LICENCE_ROWS = 2
_LICENCE_KEY = re.compile(r"^licences\.(\d+)\.(\w+)$")
_LIST = re.compile(r"[,;\s]+")
_LABELS = re.compile(r"\s*[,;]\s*")


@dataclass(frozen=True)
class AttributeField:
    """One attribute as the form shows it: `kind` is select (`choices` as value and
    label), integer, number, date, url, checkbox or text."""

    name: str
    title: str
    kind: str
    choices: list[tuple[str, str]]
    required: bool


def attribute_fields(item_type: ConfigurationItemType) -> list[AttributeField]:
    """The form fields of a type's attributes, in its schema's order."""
    schema = item_type.attribute_schema
    required = set(schema.get("required", []))
    found = []
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("type")
        if "enum" in prop:
            shown = "select"
        elif kind in ("integer", "number"):
            shown = kind
        elif kind == "boolean":
            shown = "checkbox"
        elif prop.get("format") == "date":
            shown = "date"
        elif prop.get("format") == "uri":
            shown = "url"
        else:
            shown = "text"
        found.append(
            AttributeField(
                name,
                str(prop.get("title") or name),
                shown,
                [(str(choice), str(choice)) for choice in prop.get("enum", [])],
                name in required,
            )
        )
    return found


def _item_values(item: ConfigurationItem) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": item.name,
        "agency": item.agency.code,
        "status": item.status,
        "location": item.location,
        "labels": ", ".join(label.label for label in item.labels),
        "administrators": ", ".join(user.username for user in item.administrators),
        "retain_until": item.retain_until.isoformat() if item.retain_until else "",
        "services": [service.code for service in item.services],
    }
    for key, value in (item.attributes or {}).items():
        values[f"attributes.{key}"] = "1" if value is True else "" if value is False else value
    for index, licence in enumerate(item.licences):
        values[f"licences.{index}.holder"] = licence.holder
        values[f"licences.{index}.seats"] = str(licence.seats)
        values[f"licences.{index}.expires_on"] = (
            licence.expires_on.isoformat() if licence.expires_on else ""
        )
        values[f"licences.{index}.reference"] = licence.reference
    return values


def _number(state: FormState, key: str, text: str, whole: bool) -> Any:
    pattern = r"[+-]?\d{1,15}" if whole else r"[+-]?(\d{1,15}([.,]\d+)?|[.,]\d+)"
    if not re.fullmatch(pattern, text):
        state.add(key, _("Harus bilangan bulat.") if whole else _("Harus angka."))
        return None
    if whole:
        return int(text)
    number = float(text.replace(",", "."))
    return int(number) if number.is_integer() and not re.search(r"[.,]", text) else number


def _posted(item_type: ConfigurationItemType, new: bool) -> tuple[FormState, dict[str, Any]]:
    """The form as typed and the raw fields `ItemService` takes.

    Attributes left empty are removed from an item (a null in the merge), left out of a
    new one; licence rows left empty are dropped.
    """
    form = request.form
    fields = attribute_fields(item_type)
    names = [*FIELDS, "reason", *(f"attributes.{f.name}" for f in fields)]
    state = FormState.posted(form, names)
    state.values["services"] = form.getlist("services")
    raw: dict[str, Any] = {
        key: state.values[key] for key in ("name", "agency", "status", "location")
    }
    raw["labels"] = [label for label in _LABELS.split(state.values["labels"]) if label]
    raw["administrators"] = [n for n in _LIST.split(state.values["administrators"]) if n]
    raw["services"] = state.values["services"]
    raw["retain_until"] = state.values["retain_until"] or None
    attributes: dict[str, Any] = {}
    for field in fields:
        key = f"attributes.{field.name}"
        text = state.values[key]
        if field.kind == "checkbox":
            attributes[field.name] = bool(text)
        elif not text:
            if not new:
                attributes[field.name] = None
        elif field.kind in ("integer", "number"):
            value = _number(state, key, text, field.kind == "integer")
            if value is not None:
                attributes[field.name] = value
        else:
            attributes[field.name] = text
    raw["attributes"] = attributes
    if item_type.holds_licences:
        raw["licences"] = _licences(state)
    return state, raw


def _licences(state: FormState) -> list[dict[str, Any]]:
    rows: dict[int, dict[str, str]] = {}
    for key, value in request.form.items():
        match = _LICENCE_KEY.match(key)
        if match and match.group(2) in LICENCE_FIELDS:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value.strip()
    licences = []
    for row in (rows[index] for index in sorted(rows)):
        if not any(row.values()):
            continue
        index = len(licences)
        for name in LICENCE_FIELDS:
            state.values[f"licences.{index}.{name}"] = row.get(name, "")
        seats_text = row.get("seats", "")
        seats: Any = seats_text
        if re.fullmatch(r"\d{1,10}", seats_text):
            seats = int(seats_text)
        licences.append(
            {
                "holder": row.get("holder", ""),
                "seats": seats,
                "expires_on": row.get("expires_on") or None,
                "reference": row.get("reference", ""),
            }
        )
    return licences


def _licence_rows(state: FormState) -> int:
    filled = {int(m.group(1)) for key in state.values if (m := _LICENCE_KEY.match(key))}
    return (max(filled) + 1 if filled else 0) + BLANK_LICENCE_ROWS


def _render(
    template: str,
    state: FormState,
    item_type: ConfigurationItemType,
    item: ConfigurationItem | None = None,
    status: int = 200,
) -> Any:
    clock = platform().clock
    return (
        render_template(
            template,
            state=state,
            item_type=item_type,
            item=item,
            attributes=attribute_fields(item_type),
            licence_rows=_licence_rows(state) if item_type.holds_licences else 0,
            agencies=[
                (a.code, f"{a.code} — {a.name}") for a in AgencyService(session(), clock).all()
            ],
            services=CatalogService(session(), clock).all(),
            statuses=[(s.value, status_badge(s)[0]) for s in SETTABLE_STATUSES],
        ),
        status,
    )


def _items() -> ItemService:
    return ItemService(session(), platform().clock, me())


@bp.route("/baru", methods=["GET", "POST"])
def create() -> Any:
    """Choose a type, then register an item of it (for keepers; the service checks the
    PD and services chosen)."""
    if not granted(EDIT_CONFIGURATION):
        abort(403)
    types = ItemTypeService(session(), platform().clock, me())
    code = request.args.get("jenis", "")
    if not code:
        return render_template("cmdb/types.html", types=types.all())
    item_type = types.get(code)
    if request.method == "GET":
        return _render("cmdb/form.html", FormState(values={"status": "active"}), item_type)
    state, raw = _posted(item_type, new=True)
    if state.ok:
        try:
            item = _items().create({**raw, "type": item_type.code})
        except DomainError as err:
            state.refuse(err)
        else:
            session().commit()
            flash(_("Komponen %(name)s dicatat.", name=item.name), "success")
            return redirect(url_for("cmdb.item.show", item_id=item.id))
    return _render("cmdb/form.html", state, item_type, status=REFUSED)


@bp.route("/<int:item_id>/ubah", methods=["GET", "POST"])
def edit(item_id: int) -> Any:
    """Change an item, with a reason kept in its history."""
    items = _items()
    item = items.get(item_id)
    if not OverviewService(session(), platform().clock, me()).editable(item):
        abort(403)
    if request.method == "GET":
        return _render("cmdb/form.html", FormState(values=_item_values(item)), item.type, item)
    state, raw = _posted(item.type, new=False)
    if item.status == ItemStatus.RETIRED and raw["status"] == ItemStatus.RETIRED:
        raw.pop("status")  # a retired item keeps its status unless brought back
    if not state.values["reason"]:
        state.add("reason", _("Wajib diisi."))
    if state.ok:
        try:
            items.update(item_id, raw, state.values["reason"])
        except DomainError as err:
            state.refuse(err)
        else:
            session().commit()
            flash(_("Perubahan dicatat."), "success")
            return redirect(url_for("cmdb.item.show", item_id=item_id))
    return _render("cmdb/form.html", state, item.type, items.get(item_id), REFUSED)


@bp.route("/<int:item_id>/pensiun", methods=["GET", "POST"])
def retire(item_id: int) -> Any:
    """Retire an item with a reason, kept until a date when given."""
    items = _items()
    item = items.get(item_id)
    if not OverviewService(session(), platform().clock, me()).editable(item):
        abort(403)
    if request.method == "GET":
        return render_template("cmdb/retire.html", item=item, state=FormState())
    state = FormState.posted(request.form, ("reason", "retain_until"))
    if not state.values["reason"]:
        state.add("reason", _("Wajib diisi."))
    if state.ok:
        try:
            items.retire(item_id, state.values["reason"], state.values["retain_until"] or None)
        except DomainError as err:
            state.refuse(err)
        else:
            session().commit()
            flash(_("Komponen %(name)s dipensiunkan.", name=item.name), "success")
            return redirect(url_for("cmdb.item.show", item_id=item_id))
    return render_template("cmdb/retire.html", item=items.get(item_id), state=state), REFUSED
