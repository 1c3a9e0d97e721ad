"""Forms rendered from a JSON Schema and its UI schema, and typed data read back from a post.

The schema is the single source of a form (docs/bpmn-conventions.md, "Forms"): the server
validates with it (`app.engine.forms`), this module draws it and turns the posted strings
back into the JSON types it asks for. Field names are the dotted paths the server's
errors use (`daftar.0.uraian`), so an error finds its field without a table.

What a value cannot be converted to (letters in a number field, an unknown choice) is
passed on as the string the user typed: the server then reports the type or enum error
next to the field and the page shows the user's own input again.

Long lists (services, users) carry a type-to-filter control: forms.js filters in the page,
and without JavaScript its "Saring" button posts the form back (`round_trip`) to be drawn
again with the user's input kept and the list narrowed by `filters`. A list that depends
on another field (the request types of the chosen service, served as `if`/`then`
branches) shows the branch of the parent's current value and carries every branch for
forms.js to follow a change; without JavaScript, "Perbarui pilihan" redraws it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.datastructures import FileStorage, MultiDict

from app.services.process_models.form_order import field_order

#: Local times typed into a date-time field are in this zone unless told otherwise.
DEFAULT_TIMEZONE = "Asia/Jakarta"
#: The submit button that adds a row to an array, and the one that removes a row.
ADD_ROW = "_tambah_baris"
REMOVE_ROW = "_hapus_baris"
#: Suffix of the hidden input that keeps an uploaded file through a round-trip.
KEPT_FILE = ".attachment_id"
#: A select with more options than this gets a type-to-filter control.
FILTER_THRESHOLD = 8
#: Prefix of the filter input's name (`_cari.layanan`), and the submit button that asks
#: the server to draw the form again (its value: the field to filter or to follow).
FILTER_PREFIX = "_cari."
REFRESH = "_saring"
_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


@dataclass
class FieldView:
    """One field as the templates draw it (built from the schema, the data and the errors)."""

    path: str
    name: str
    id: str
    widget: str
    label: str
    hints: list[str] = field(default_factory=list)
    required: bool = False
    condition: str | None = None
    value: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    selected: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    children: list[FieldView] = field(default_factory=list)
    rows: list[FieldView] = field(default_factory=list)
    blank_row: FieldView | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    attachment: dict[str, Any] | None = None
    filterable: bool = False
    filter_text: str = ""
    total: int = 0
    matches: int = 0
    depends_on: str | None = None
    parent_label: str = ""
    parent_value: str = ""


def _ui(ui_schema: dict[str, Any] | None, key: str) -> dict[str, Any]:
    part = (ui_schema or {}).get(key)
    return part if isinstance(part, dict) else {}


def _join(prefix: str, key: str | int) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _dom_id(name: str) -> str:
    return "f-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)


def _is_file(schema: dict[str, Any], ui: dict[str, Any]) -> bool:
    return ui.get("ui:widget") == "file"


def _choice_labels(values: list[Any], ui: dict[str, Any]) -> list[tuple[str, str]]:
    names = ui.get("ui:enumNames")
    labels = names if isinstance(names, list) and len(names) == len(values) else None
    return [
        (_as_text(value), str(labels[i]) if labels else _as_text(value))
        for i, value in enumerate(values)
    ]


def _as_text(value: Any) -> str:
    """A JSON value as an input shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _local_datetime(value: Any, zone: str) -> str:
    """An ISO date-time as a `datetime-local` input wants it, in `zone`."""
    text = _as_text(value)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(zone))
    return moment.strftime(_DATETIME_LOCAL)


def _conditions(schema: dict[str, Any], ui_schema: dict[str, Any] | None) -> dict[str, str]:
    """Sentences such as "Wajib bila Rilis berhasil? = Tidak" for fields an if/then requires.

    Only the form the shipped schemas use is described (an `if` naming one property's
    `const` or `enum`); anything else is left to the server's errors.
    """
    rules = [schema, *[part for part in schema.get("allOf", []) if isinstance(part, dict)]]
    properties = schema.get("properties", {})
    found: dict[str, list[str]] = {}
    for rule in rules:
        test, then = rule.get("if"), rule.get("then")
        if not isinstance(test, dict) or not isinstance(then, dict):
            continue
        for name, check in (test.get("properties") or {}).items():
            if not isinstance(check, dict) or name not in properties:
                continue
            accepted = [check["const"]] if "const" in check else check.get("enum")
            if not isinstance(accepted, list):
                continue
            prop = properties[name]
            ui = _ui(ui_schema, name)
            labels = dict(_choice_labels(_values_of(prop), ui))
            shown = " / ".join(labels.get(_as_text(v), _as_text(v)) for v in accepted)
            title = prop.get("title", name)
            for needed in then.get("required", []):
                found.setdefault(needed, []).append(
                    _("Wajib bila %(field)s = %(value)s", field=title, value=shown)
                )
    return {name: "; ".join(texts) for name, texts in found.items()}


def _one_of(prop: dict[str, Any]) -> list[tuple[str, str]]:
    """The (value, label) pairs of a `oneOf` of `const`s, as a bound field is served
    (app/services/catalog/options.py); empty for any other `oneOf`."""
    entries = prop.get("oneOf")
    if not isinstance(entries, list) or not entries:
        return []
    if not all(isinstance(e, dict) and "const" in e for e in entries):
        return []
    return [(_as_text(e["const"]), str(e.get("title") or _as_text(e["const"]))) for e in entries]


def _dependents(schema: dict[str, Any]) -> dict[str, tuple[str, dict[str, list[list[str]]]]]:
    """Fields whose list depends on another one: {field: (parent, {parent value: options})}.

    Read from the `if`/`then` branches a dependent bound field is served as
    (app/services/catalog/options.py): `if` names one parent property's `const`, `then`
    gives the field's `oneOf` (or `not: {}`, no choices) for that value.
    """
    found: dict[str, tuple[str, dict[str, list[list[str]]]]] = {}
    for rule in schema.get("allOf") or []:
        test = rule.get("if") if isinstance(rule, dict) else None
        then = rule.get("then") if isinstance(rule, dict) else None
        if not isinstance(test, dict) or not isinstance(then, dict):
            continue
        checks = test.get("properties") or {}
        if len(checks) != 1:
            continue
        ((parent, check),) = checks.items()
        if not isinstance(check, dict) or "const" not in check:
            continue
        for name, prop in (then.get("properties") or {}).items():
            if not isinstance(prop, dict) or not (_one_of(prop) or prop.get("not") == {}):
                continue
            branches = found.setdefault(name, (parent, {}))[1]
            branches[_as_text(check["const"])] = [list(pair) for pair in _one_of(prop)]
    return found


def _matches(option: tuple[str, str], text: str) -> bool:
    """Whether a filter text is in an option's code or title, ignoring case."""
    value, label = option
    return text.casefold() in f"{value} {label}".casefold()


def filter_texts(form: Mapping[str, str]) -> dict[str, str]:
    """What the user typed into each filter of a posted form, by field name."""
    return {
        key.removeprefix(FILTER_PREFIX): text.strip()
        for key, text in form.items()
        if key.startswith(FILTER_PREFIX) and text.strip()
    }


def _values_of(prop: dict[str, Any]) -> list[Any]:
    if isinstance(prop.get("enum"), list):
        return list(prop["enum"])
    if _one_of(prop):
        return [e["const"] for e in prop["oneOf"]]
    if prop.get("type") == "boolean":
        return [True, False]
    return []


class _Builder:
    """Walks a schema and makes the `FieldView` tree for one form."""

    def __init__(
        self,
        errors: dict[str, list[str]] | None,
        prefix: str,
        zone: str,
        filters: Mapping[str, str],
    ) -> None:
        self.errors = {key: list(messages) for key, messages in (errors or {}).items()}
        self.used: set[str] = set()
        self.prefix = prefix
        self.zone = zone
        self.filters = filters

    def _errors_for(self, path: str) -> list[str]:
        self.used.add(path)
        return self.errors.get(path, [])

    def object_fields(
        self, schema: dict[str, Any], ui_schema: dict[str, Any] | None, data: Any, path: str
    ) -> list[FieldView]:
        properties = schema.get("properties") or {}
        required = set(schema.get("required") or [])
        conditions = _conditions(schema, ui_schema)
        values = data if isinstance(data, dict) else {}
        views = []
        for name in field_order(properties, ui_schema):
            prop = properties[name]
            if not isinstance(prop, dict):
                continue
            view = self.field(prop, _ui(ui_schema, name), values.get(name), _join(path, name))
            view.required = name in required
            view.condition = conditions.get(name)
            views.append(view)
        self._follow_parents(schema, {view.path: view for view in views}, path)
        return views

    def _follow_parents(
        self, schema: dict[str, Any], views: dict[str, FieldView], path: str
    ) -> None:
        """Draw each dependent field as the list of its parent's current value, carrying
        every branch (`data-branches`) for forms.js to refill the list when it changes."""
        for name, (parent, branches) in _dependents(schema).items():
            view, parent_view = views.get(_join(path, name)), views.get(_join(path, parent))
            if view is None or parent_view is None or view.widget != "text":
                continue
            view.widget = "select"
            view.attrs.pop("maxlength", None)
            view.depends_on = parent_view.name
            view.parent_label = parent_view.label
            view.parent_value = parent_view.value
            view.attrs["data-depends-on"] = parent_view.name
            view.attrs["data-branches"] = json.dumps(branches)
            longest = max((len(options) for options in branches.values()), default=0)
            self._offer(
                view,
                [(value, label) for value, label in branches.get(parent_view.value, [])],
                filterable=longest > FILTER_THRESHOLD,
            )

    def _offer(self, view: FieldView, options: list[tuple[str, str]], *, filterable: bool) -> None:
        """Give a select its options, narrowed by the user's filter text when it has one.

        The chosen value always stays in the list, so filtering never drops an answer;
        when the field is empty and the filter leaves one option, that option is chosen
        (as forms.js does), which saves a round-trip without JavaScript.
        """
        view.options = options
        view.filterable = filterable
        view.total = view.matches = len(options)
        text = self.filters.get(view.name, "") if filterable else ""
        if not text:
            return
        found = [option for option in options if _matches(option, text)]
        if not view.value and len(found) == 1 and not view.errors:
            view.value = found[0][0]
        view.filter_text = text
        view.matches = len(found)
        view.options = [option for option in options if option in found or option[0] == view.value]
        view.attrs["data-all"] = json.dumps(options)

    def field(self, prop: dict[str, Any], ui: dict[str, Any], value: Any, path: str) -> FieldView:
        name = self.prefix + path
        view = FieldView(
            path=path,
            name=name,
            id=_dom_id(name),
            widget="text",
            label=str(ui.get("ui:title") or prop.get("title") or path.rsplit(".", 1)[-1]),
            errors=self._errors_for(path),
        )
        for hint in (prop.get("description"), ui.get("ui:help")):
            if hint:
                view.hints.append(str(hint))
        options = ui.get("ui:options") if isinstance(ui.get("ui:options"), dict) else {}
        if ui.get("ui:placeholder"):
            view.attrs["placeholder"] = str(ui["ui:placeholder"])
        if ui.get("ui:autofocus"):
            view.attrs["autofocus"] = True
        if ui.get("ui:readonly") or prop.get("readOnly"):
            view.attrs["readonly"] = True
        kind = prop.get("type")
        widget = ui.get("ui:widget")
        if _is_file(prop, ui):
            view.widget = "file"
            if options.get("accept"):
                view.attrs["accept"] = str(options["accept"])
            if isinstance(value, dict) and "attachment_id" in value:
                view.attachment = value
        elif kind == "object":
            view.widget = "object"
            view.children = self.object_fields(prop, ui, value, path)
        elif kind == "array":
            self._array(view, prop, ui, value)
        elif isinstance(prop.get("enum"), list) or _one_of(prop):
            choices = (
                _choice_labels(prop["enum"], ui)
                if isinstance(prop.get("enum"), list)
                else _one_of(prop)
            )
            view.value = _as_text(value)
            if widget == "radio":
                view.widget, view.options = "radio", choices
            else:
                view.widget = "select"
                self._offer(view, choices, filterable=len(choices) > FILTER_THRESHOLD)
        elif kind == "boolean":
            view.widget = "radio" if widget == "radio" else "checkbox"
            labels = ui.get("ui:enumNames")
            if not (isinstance(labels, list) and len(labels) == 2):
                labels = [_("Ya"), _("Tidak")]
            view.options = [("true", str(labels[0])), ("false", str(labels[1]))]
            view.value = _as_text(value)
        elif kind in ("integer", "number"):
            view.widget = "number"
            view.value = _as_text(value)
            view.attrs["step"] = "1" if kind == "integer" else "any"
            view.attrs["inputmode"] = "numeric" if kind == "integer" else "decimal"
            for key, attr in (("minimum", "min"), ("maximum", "max")):
                if key in prop:
                    view.attrs[attr] = prop[key]
        else:
            self._text(view, prop, ui, options, value)
        return view

    def _text(
        self,
        view: FieldView,
        prop: dict[str, Any],
        ui: dict[str, Any],
        options: dict[str, Any],
        value: Any,
    ) -> None:
        widget = ui.get("ui:widget")
        fmt = prop.get("format")
        view.value = _as_text(value)
        if widget == "textarea":
            view.widget = "textarea"
            view.attrs["rows"] = int(options.get("rows", 4))
        elif fmt == "date-time" or widget in ("date-time", "datetime"):
            view.widget = "datetime-local"
            view.value = _local_datetime(value, self.zone) if value else ""
        elif fmt == "date" or widget == "date":
            view.widget = "date"
        elif fmt == "email" or widget == "email":
            view.widget = "email"
        if "maxLength" in prop:
            view.attrs["maxlength"] = prop["maxLength"]

    def _array(self, view: FieldView, prop: dict[str, Any], ui: dict[str, Any], value: Any) -> None:
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        item_ui = _ui(ui, "items")
        if isinstance(items.get("enum"), list):
            view.widget = "checkboxes"
            view.options = _choice_labels(items["enum"], item_ui)
            chosen = value if isinstance(value, list) else []
            view.selected = {_as_text(v) for v in chosen}
            return
        view.widget = "array"
        rows = list(value) if isinstance(value, list) else []
        wanted = max(len(rows), int(prop.get("minItems", 0) or 0))
        rows += [None] * (wanted - len(rows))
        view.rows = [
            self._row(items, item_ui, row, _join(view.path, i)) for i, row in enumerate(rows)
        ]
        view.blank_row = self._row(items, item_ui, None, _join(view.path, "__i__"))
        if "maxItems" in prop:
            view.attrs["data-max-items"] = prop["maxItems"]

    def _row(self, items: dict[str, Any], ui: dict[str, Any], value: Any, path: str) -> FieldView:
        row = self.field(items, ui, value, path)
        index = path.rsplit(".", 1)[-1]
        row.label = _("Baris %(number)s", number=int(index) + 1 if index.isdigit() else "__n__")
        return row

    def leftovers(self) -> list[str]:
        """Messages for paths no field showed (the whole form, or a field not drawn)."""
        texts = []
        for key, messages in self.errors.items():
            if key in self.used:
                continue
            for message in messages:
                texts.append(f"{key}: {message}" if key else message)
        return texts


def render_form(
    schema: dict[str, Any],
    ui_schema: dict[str, Any] | None,
    data: dict[str, Any] | None,
    errors: dict[str, list[str]] | None,
    prefix: str = "",
    *,
    timezone: str = DEFAULT_TIMEZONE,
    filters: Mapping[str, str] | None = None,
) -> Markup:
    """The form's fields as HTML (without the <form> element and its buttons).

    Args:
        schema: the JSON Schema (an object schema; its `properties` become fields).
        ui_schema: the UI schema (ui:order, ui:widget, ui:enumNames, ui:help, ...).
        data: values to show (the task's prefill, or what the user posted).
        errors: messages by dotted field path, as `TaskService.complete` raises them.
        prefix: put before every input name and id, so two forms can share a page.
        timezone: the zone local date-times are shown in.
        filters: what the user typed into the filters of long lists, by field name
            (`filter_texts` of the post): those lists come back narrowed.

    Needs an application context (the fields are drawn by templates/forms/fields.html).
    """
    builder = _Builder(errors, prefix, timezone, filters or {})
    fields = builder.object_fields(schema, ui_schema, data or {}, "")
    # The template autoescapes every value it inserts; its output is safe HTML.
    return Markup(  # noqa: S704
        render_template(
            "forms/fields.html",
            fields=fields,
            form_errors=builder.leftovers(),
            add_row=ADD_ROW,
            remove_row=REMOVE_ROW,
            kept_file=KEPT_FILE,
            filter_prefix=FILTER_PREFIX,
            refresh=REFRESH,
        )
    )


class _Reader:
    """Reads one posted form back into typed values, led by the schema."""

    def __init__(self, form: MultiDict[str, str], files: Any, prefix: str, zone: str) -> None:
        self.form = form
        self.files = files
        self.prefix = prefix
        self.zone = zone

    def object(self, schema: dict[str, Any], ui_schema: dict[str, Any] | None, path: str) -> dict:
        result: dict[str, Any] = {}
        for name, prop in (schema.get("properties") or {}).items():
            if not isinstance(prop, dict):
                continue
            value = self.value(prop, _ui(ui_schema, name), _join(path, name))
            if value is not None:
                result[name] = value
        return result

    def value(self, prop: dict[str, Any], ui: dict[str, Any], path: str) -> Any:
        name = self.prefix + path
        kind = prop.get("type")
        if _is_file(prop, ui):
            return self._file(name)
        if kind == "object":
            found = self.object(prop, ui, path)
            return found or None
        if kind == "array":
            return self._array(prop, ui, path)
        values = self.form.getlist(name)
        if not values:
            return None
        raw = values[-1].strip()  # a checkbox posts a hidden "false" before its "true"
        if raw == "":
            return None
        if isinstance(prop.get("enum"), list):
            return _enum_value(raw, prop["enum"])
        if kind == "boolean":
            return {"true": True, "false": False}.get(raw, raw)
        if kind in ("integer", "number"):
            return _number(raw, integer=kind == "integer")
        if prop.get("format") == "date-time" or ui.get("ui:widget") in ("date-time", "datetime"):
            return _iso_datetime(raw, self.zone)
        return values[-1] if ui.get("ui:widget") == "textarea" else raw

    def _file(self, name: str) -> Any:
        upload = self.files.get(name) if self.files is not None else None
        if isinstance(upload, FileStorage) and upload.filename:
            return upload
        kept = self.form.get(name + KEPT_FILE, "").strip()
        return {"attachment_id": int(kept)} if kept.isdigit() else None

    def _array(self, prop: dict[str, Any], ui: dict[str, Any], path: str) -> list[Any] | None:
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        item_ui = _ui(ui, "items")
        name = self.prefix + path
        if isinstance(items.get("enum"), list):
            chosen = [v for v in self.form.getlist(name) if v != ""]
            return [_enum_value(v, items["enum"]) for v in chosen] or None
        indices = sorted(_row_indices(name, self.form, self.files))
        rows = [self.value(items, item_ui, _join(path, i)) for i in indices]
        kept = [row for row in rows if row is not None]
        return kept or None


def _row_indices(name: str, form: MultiDict[str, str], files: Any) -> set[int]:
    """The row numbers posted for the array `name` (rows may have gaps after removals)."""
    start = name + "."
    found = set()
    for key in [*form.keys(), *(files.keys() if files is not None else [])]:
        if key.startswith(start):
            head = key[len(start) :].split(".", 1)[0]
            if head.isdigit():
                found.add(int(head))
    return found


def _enum_value(raw: str, choices: list[Any]) -> Any:
    for choice in choices:
        if _as_text(choice) == raw:
            return choice
    return raw


def _number(raw: str, *, integer: bool) -> Any:
    text = raw.replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw
    try:
        number = float(text)
    except ValueError:
        return raw
    if number != number or number in (float("inf"), float("-inf")):
        return raw
    if number.is_integer() and ("." not in text or integer):
        return int(number)
    return number


def _iso_datetime(raw: str, zone: str) -> str:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.isoformat()


def parse_submission(
    schema: dict[str, Any],
    ui_schema: dict[str, Any] | None,
    form: MultiDict[str, str],
    files: Any,
    prefix: str = "",
    *,
    timezone: str = DEFAULT_TIMEZONE,
) -> dict[str, Any]:
    """Typed data from a posted form: numbers, booleans, arrays, dates as the schema asks.

    Empty inputs are left out (so a missing required field is the server's "wajib diisi"),
    rows of an array with nothing filled in are dropped, and a value that does not convert
    stays the string the user typed (the server reports it; the page shows it again).
    A file field gives the uploaded `FileStorage`, or `{"attachment_id": n}` for a file
    uploaded by an earlier round-trip; the caller stores and checks them
    (`app.services.audit.attachments`).
    """
    return _Reader(form, files, prefix, timezone).object(schema, ui_schema, "")


def field_label(schema: dict[str, Any], ui_schema: dict[str, Any] | None, path: str) -> str:
    """The label a field at dotted `path` shows ("Baris 2" parts for array rows), for
    lists of errors that name fields; the path itself when the schema has no such field."""
    prop: Any = schema
    ui: dict[str, Any] = ui_schema or {}
    labels = []
    for part in path.split(".") if path else []:
        if part.isdigit() and isinstance(prop, dict) and isinstance(prop.get("items"), dict):
            prop, ui = prop["items"], _ui(ui, "items")
            labels.append(_("Baris %(number)s", number=int(part) + 1))
            continue
        properties = prop.get("properties") if isinstance(prop, dict) else None
        if not isinstance(properties, dict) or not isinstance(properties.get(part), dict):
            return path
        prop, ui = properties[part], _ui(ui, part)
        labels.append(str(ui.get("ui:title") or prop.get("title") or part))
    return " › ".join(labels) or path


def round_trip(form: MultiDict[str, str], prefix: str = "") -> tuple[str, str] | None:
    """What a button that only redraws the form asked for, when one sent it: ("add",
    array path), ("remove", row path) or ("refresh", field path: filter a long list, or
    follow the parent of a dependent one). None: the form was submitted."""
    if form.get(ADD_ROW):
        return "add", form[ADD_ROW].removeprefix(prefix)
    if form.get(REMOVE_ROW):
        return "remove", form[REMOVE_ROW].removeprefix(prefix)
    if form.get(REFRESH):
        return "refresh", form[REFRESH].removeprefix(prefix)
    return None


def without_row(form: MultiDict[str, str], row_name: str) -> MultiDict[str, str]:
    """The posted form minus every input of one row (the "remove row" round-trip)."""
    start = row_name + "."
    return MultiDict(
        [(k, v) for k, v in form.items(multi=True) if k != row_name and not k.startswith(start)]
    )


def with_blank_row(data: dict[str, Any], array_path: str) -> dict[str, Any]:
    """`data` with one empty row appended to the array at `array_path` (the "add row" trip)."""
    *parents, last = array_path.split(".")
    target: Any = data
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target.setdefault(key, {})
    rows = target.get(last) if isinstance(target, dict) else None
    if isinstance(target, dict):
        target[last] = [*(rows if isinstance(rows, list) else []), None]
    return data
