"""The SLA reference tables (Perbup Bangka 21/2025, Tabel 2, 3, 4, 11-14): view and edit.

The table's own rules judge an edit (`ReferenceService.update`, as PUT
/api/v1/reference-tables/{name}); this page only lays the rows out as a form, one input
per value an administrator may change. The columns that say which cell a row is (impact,
group, classification, priority of Tabel 4, urgency level...) are shown, not edited:
every table stays whole. Edits apply to complaints and requests filed afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import DomainError
from app.request_scope import platform, session
from app.services.deadlines.reference_tables import ReferenceService, TableView
from app.sla.matrix import Priority
from app.web.access import me
from app.web.admin.audit import trail
from app.web.admin.forms import REFUSED, FormState

bp = Blueprint("reference", __name__, url_prefix="/tabel-acuan")


@dataclass(frozen=True)
class Column:
    """One column of a table as the form shows it.

    `kind` says how the posted text becomes the row's value: "key" (shown, never
    edited), "number" (whole number; empty is None), "flag" (a checkbox), "numbers"
    (whole numbers separated by commas), "text" (empty is None when `optional`),
    "priority" (P1..P6).
    """

    key: str
    label: LazyString
    kind: str
    optional: bool = False


_PRIORITY = Column("priority", _l("Prioritas"), "key")
_GROUP = Column("group", _l("Kelompok layanan"), "key")
_CLASSIFICATION = Column("classification", _l("Klasifikasi"), "key")
#: Table -> part of its rows ("rows" for a plain list) -> columns.
LAYOUTS: dict[str, dict[str, tuple[Column, ...]]] = {
    "matriks-prioritas": {
        "rows": (
            Column("impact", _l("Dampak"), "key"),
            _GROUP,
            _CLASSIFICATION,
            Column("priority", _l("Prioritas"), "priority"),
        )
    },
    "target-respons": {
        "rows": (_PRIORITY, Column("minutes", _l("Target respons (menit)"), "number"))
    },
    "target-penyelesaian": {
        "rows": (
            _GROUP,
            _CLASSIFICATION,
            Column("hours", _l("Target penyelesaian (jam)"), "number", optional=True),
        )
    },
    "skema-urgensi": {
        "levels": (
            Column("urgency", _l("Urgensi"), "key"),
            Column("description", _l("Uraian"), "text"),
            Column("resolution_hours", _l("Target penyelesaian (jam)"), "number"),
        ),
        "response_rules": (
            Column("condition", _l("Kondisi"), "key"),
            Column("urgencies", _l("Urgensi (pisah koma)"), "numbers"),
            Column("hours", _l("Batas respons (jam)"), "number", optional=True),
            Column("next_working_day", _l("Hari kerja berikutnya"), "flag"),
            Column("description", _l("Uraian"), "text"),
        ),
        "escalation": (
            Column("level", _l("Tingkat"), "key"),
            Column("lead", _l("Penanggung jawab"), "text"),
            Column("assisted_by", _l("Dibantu oleh"), "text", optional=True),
        ),
    },
}
PART_TITLES = {
    "levels": _l("Tingkat urgensi dan target penyelesaian (Tabel 11, 13)"),
    "response_rules": _l("Aturan waktu respons (Tabel 12)"),
    "escalation": _l("Tingkat eskalasi (Tabel 14)"),
}
SOURCE_LABELS = {
    "regulation": _l("peraturan"),
    "administrator": _l("administrator"),
    "not set by the regulation": _l("belum diatur peraturan"),
}
_NUMBER = re.compile(r"-?\d{1,9}")
_ROW = re.compile(r"^baris (\d+)")


def _service() -> ReferenceService:
    return ReferenceService(session(), platform().clock, me())


def _parts(rows: Any) -> dict[str, list[dict[str, Any]]]:
    """A table's rows by part: the urgency scheme has three, the others one ("rows")."""
    return rows if isinstance(rows, dict) else {"rows": rows}


def _number(text: str) -> Any:
    """A whole number, None for nothing, else the text (the table refuses it by name)."""
    if not text:
        return None
    return int(text) if _NUMBER.fullmatch(text) else text


def _value(column: Column, text: str) -> Any:
    if column.kind == "number":
        return _number(text)
    if column.kind == "flag":
        return text == "1"
    if column.kind == "numbers":
        return [_number(part.strip()) for part in text.split(",") if part.strip()]
    if column.kind == "text" and column.optional and not text:
        return None
    return text


def _shown(column: Column, value: Any) -> str:
    """A stored value as the form shows it."""
    if column.kind == "flag":
        return "1" if value else ""
    if column.kind == "numbers":
        return ", ".join(str(item) for item in value or [])
    return "" if value is None else str(value)


def _state(view: TableView) -> FormState:
    state = FormState()
    for part, rows in _parts(view.rows).items():
        for index, row in enumerate(rows):
            for column in LAYOUTS[view.name][part]:
                state.values[f"{part}.{index}.{column.key}"] = _shown(column, row.get(column.key))
    return state


def _submitted(view: TableView, state: FormState) -> Any:
    """The table's rows with the posted values in place of the editable ones."""
    parts: dict[str, list[dict[str, Any]]] = {}
    for part, rows in _parts(view.rows).items():
        parts[part] = []
        for index, row in enumerate(rows):
            new = dict(row)
            for column in LAYOUTS[view.name][part]:
                if column.kind == "key":
                    continue
                name = f"{part}.{index}.{column.key}"
                text = request.form.get(name, "").strip()
                state.values[name] = text
                new[column.key] = _value(column, text)
            if "source" in new and new.get("hours") != row.get("hours"):
                del new["source"]  # a changed target is the administrator's, not the rule's
            parts[part].append(new)
    return parts if isinstance(view.rows, dict) else parts["rows"]


def _place(view: TableView, state: FormState, err: DomainError) -> None:
    """Put each problem beside the row it names (single-list tables), the rest on top."""
    state.refuse(DomainError(err.message))  # the summary on top, the problems below
    problems = err.errors.get("rows", []) if isinstance(err.errors, dict) else []
    if isinstance(view.rows, dict):
        state.messages.extend(problems)
        return
    first = next(c.key for c in LAYOUTS[view.name]["rows"] if c.kind != "key")
    for problem in problems:
        match = _ROW.match(problem)
        if match and 0 < int(match.group(1)) <= len(view.rows):
            state.add(f"rows.{int(match.group(1)) - 1}.{first}", problem)
        else:
            state.messages.append(problem)


def _render(view: TableView, state: FormState, status: int = 200) -> Any:
    return (
        render_template(
            "admin/reference_table.html",
            view=view,
            state=state,
            parts=_parts(view.rows),
            layout=LAYOUTS[view.name],
            part_titles=PART_TITLES,
            sources=SOURCE_LABELS,
            priorities=[(p.value, p.value) for p in Priority],
            history=trail("reference_table", view.name),
        ),
        status,
    )


@bp.get("/")
def index() -> Any:
    """Every table, with whether its values are the regulation's or an administrator's."""
    return render_template("admin/reference.html", views=_service().views(), sources=SOURCE_LABELS)


@bp.get("/<name>")
def show(name: str) -> Any:
    """One table as a form."""
    view = _service().view(name)
    return _render(view, _state(view))


@bp.post("/<name>")
def update(name: str) -> Any:
    """Replace the table's rows; a table that would not be whole is refused, unchanged."""
    service = _service()
    view = service.view(name)
    state = FormState()
    rows = _submitted(view, state)
    try:
        service.update(name, rows)
    except DomainError as err:
        _place(view, state, err)
        return _render(service.view(name), state, REFUSED)
    session().commit()
    flash(_("Tabel disimpan. Berlaku untuk aduan dan permintaan baru."), "success")
    return redirect(url_for(".show", name=name))


@bp.post("/<name>/reset")
def reset(name: str) -> Any:
    """Return the table to the regulation's values."""
    _service().reset(name)
    session().commit()
    flash(_("Tabel dikembalikan ke nilai peraturan."), "success")
    return redirect(url_for(".show", name=name))
