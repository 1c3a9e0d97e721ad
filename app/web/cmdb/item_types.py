"""The editable list of item types (/cmdb/jenis; Kepbup Polewali Mandar 685/2021, II.3
b.1 and b.4; issue 14, item 1).

Staff see each type with its attributes and items; whoever `ItemTypeService.editable`
lets through (the rule the API's `PUT /configuration-item-types/<code>` applies, through
the same `save`) adds and changes types. The attributes' JSON Schema is edited as JSON
text: the page only parses it, naming the line and column of a syntax error, and
`ItemTypeService.save` judges the schema, the identifying attributes and the naming
standard; each refusal is shown beside its field with everything typed kept.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.errors import DomainError
from app.models import ConfigurationItemType
from app.request_scope import platform, session
from app.services.configuration.types import ItemTypeService
from app.web.access import me
from app.web.admin.forms import REFUSED, FormState

bp = Blueprint("types", __name__, url_prefix="/jenis")

TEXTS = ("name", "name_en", "description", "naming_pattern", "naming_example")
FIELDS = ("code", *TEXTS, "identifying_attributes", "attribute_schema", "holds_licences")
_NAMES = re.compile(r"[,;\s]+")


def _types() -> ItemTypeService:
    return ItemTypeService(session(), platform().clock, me())


def _editor() -> ItemTypeService:
    """The types service, for someone it lets change types; anyone else gets 403."""
    types = _types()
    if not types.editable():
        abort(403)
    return types


def _values(item_type: ConfigurationItemType) -> dict[str, Any]:
    """A type as its form shows it: the schema as indented JSON."""
    values: dict[str, Any] = {key: getattr(item_type, key) or "" for key in TEXTS}
    values["code"] = item_type.code
    values["identifying_attributes"] = ", ".join(item_type.identifying_attributes)
    values["attribute_schema"] = json.dumps(
        item_type.attribute_schema, indent=2, ensure_ascii=False
    )
    values["holds_licences"] = "1" if item_type.holds_licences else ""
    return values


def _posted() -> tuple[FormState, dict[str, Any]]:
    """The form as typed and the definition `ItemTypeService.save` takes; JSON that
    does not parse is an error beside the schema, with its line and column."""
    state = FormState.posted(request.form, FIELDS, as_typed=("attribute_schema",))
    raw: dict[str, Any] = {key: state.values[key] for key in TEXTS}
    raw["identifying_attributes"] = [
        name for name in _NAMES.split(state.values["identifying_attributes"]) if name
    ]
    raw["holds_licences"] = bool(state.values["holds_licences"])
    text = state.values["attribute_schema"].strip()
    if text:
        try:
            raw["attribute_schema"] = json.loads(text)
        except json.JSONDecodeError as err:
            state.add(
                "attribute_schema",
                _(
                    "Bukan JSON yang sah: baris %(line)s, kolom %(column)s.",
                    line=err.lineno,
                    column=err.colno,
                ),
            )
        except RecursionError:
            state.add("attribute_schema", _("JSON terlalu dalam bertingkat."))
    return state, raw


def _form(state: FormState, item_type: ConfigurationItemType | None, status: int = 200) -> Any:
    return render_template("cmdb/item_type_form.html", state=state, item_type=item_type), status


def _save(types: ItemTypeService, code: str, state: FormState, raw: dict[str, Any]) -> bool:
    """Save through the service; its refusal goes beside the fields it names."""
    if not state.ok:
        return False
    try:
        saved = types.save(code, raw)
    except DomainError as err:
        state.refuse(err)
        return False
    session().commit()
    flash(_("Jenis %(code)s disimpan.", code=saved.code), "success")
    return True


@bp.get("/")
def index() -> Any:
    """Every type: its code, name, attributes, identifying attributes and items."""
    types = _types()
    return render_template(
        "cmdb/item_types.html",
        types=types.all(),
        counts=types.item_counts(),
        editable=types.editable(),
    )


@bp.route("/baru", methods=["GET", "POST"])
def create() -> Any:
    """Add a type; a code another type has is refused here, as the API's PUT would
    replace that type instead."""
    types = _editor()
    if request.method == "GET":
        return _form(FormState(values={"attribute_schema": '{\n  "type": "object"\n}'}), None)
    state, raw = _posted()
    code = state.values["code"]
    if not code:
        state.add("code", _("Wajib diisi."))
    elif types.by_code(code) is not None:
        state.add("code", _("Kode sudah dipakai jenis lain."))
    if _save(types, code, state, raw):
        return redirect(url_for(".index"))
    return _form(state, None, REFUSED)


@bp.route("/<code>/ubah", methods=["GET", "POST"])
def edit(code: str) -> Any:
    """Change a type; its code stays."""
    types = _editor()
    item_type = types.get(code)
    if request.method == "GET":
        return _form(FormState(values=_values(item_type)), item_type)
    state, raw = _posted()
    state.values["code"] = item_type.code
    if _save(types, item_type.code, state, raw):
        return redirect(url_for(".index"))
    return _form(state, types.get(code), REFUSED)
