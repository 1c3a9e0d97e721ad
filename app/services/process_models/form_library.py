"""The form files analysts pick and edit: one place that says what a form file contains.

A form file's current text is, in this order: the analysts' edit (`FormFile`), else the
copy in the newest deployed version that carries it, else the shipped file in `forms/`.
Edits never touch a deployed version: a model takes an edited form only when it is saved
and deployed again (docs/bpmn-conventions.md, "Menyimpan dan men-deploy").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.engine.forms import schema_problems
from app.engine.specs import FORM_PROPERTY, UI_FORM_PROPERTY
from app.engine.xmlsafe import XmlRejected, parse_xml
from app.errors import InvalidInput, NotFound
from app.models import FormFile, ProcessFile, ProcessModelVersion, User
from app.services.accounts.permissions import EDIT_MODELS, require
from app.services.audit.events import audit

SCHEMA_SUFFIX = ".schema.json"
UI_SUFFIX = ".uischema.json"
#: A form's stem, e.g. `permintaan-layanan-konfirmasi` (docs/bpmn-conventions.md, section 1).
STEM = re.compile(r"^[a-z0-9][a-z0-9-]{0,150}$")
MAX_FORM_CHARS = 512 * 1024


@dataclass(frozen=True)
class FormProblem:
    """One thing wrong with an edited form file.

    `kind` is `syntax` (not JSON; `line` and `column` say where), `not_object`,
    `metaschema` (not a valid JSON Schema; `detail` is the validator's message),
    `unknown_field` (a UI schema key naming no field of the schema; `detail` is its path)
    or `too_large`.
    """

    file: str
    kind: str
    detail: str = ""
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class FormPair:
    """A form: its JSON Schema file and its UI schema file (which may not exist yet)."""

    stem: str

    @property
    def schema_file(self) -> str:
        return self.stem + SCHEMA_SUFFIX

    @property
    def ui_file(self) -> str:
        return self.stem + UI_SUFFIX


def stem_of(name: str) -> str | None:
    """The stem of a form file name, or None when the name breaks the convention."""
    for suffix in (SCHEMA_SUFFIX, UI_SUFFIX):
        if name.endswith(suffix) and STEM.match(name[: -len(suffix)]):
            return name[: -len(suffix)]
    return None


def form_names_in(bpmn: bytes) -> set[str]:
    """The form files a diagram names (start event and user task properties)."""
    try:
        root = parse_xml(bpmn)
    except XmlRejected:
        return set()
    return {
        prop.get("value") or ""
        for prop in root.iter("{*}property")
        if prop.get("name") in (FORM_PROPERTY, UI_FORM_PROPERTY) and prop.get("value")
    }


def _parse(name: str, text: str, problems: list[FormProblem]) -> Any:
    if len(text) > MAX_FORM_CHARS:
        problems.append(FormProblem(name, "too_large", str(MAX_FORM_CHARS // 1024)))
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        problems.append(FormProblem(name, "syntax", err.msg, err.lineno, err.colno))
        return None


def _ui_field_problems(
    name: str, schema: dict[str, Any], ui: dict[str, Any], path: str = ""
) -> list[FormProblem]:
    """UI schema keys (and `ui:order` entries) that name no field of `schema`."""
    problems: list[FormProblem] = []
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        items_ui = ui.get("items")
        if isinstance(items_ui, dict):
            problems += _ui_field_problems(name, schema["items"], items_ui, f"{path}items.")
        return problems
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return problems
    for key, value in ui.items():
        if key.startswith("ui:"):
            continue
        if key not in properties:
            problems.append(FormProblem(name, "unknown_field", path + key))
        elif isinstance(value, dict) and isinstance(properties[key], dict):
            problems += _ui_field_problems(name, properties[key], value, f"{path}{key}.")
    order = ui.get("ui:order")
    if isinstance(order, list):
        for entry in order:
            if entry != "*" and entry not in properties:
                problems.append(FormProblem(name, "unknown_field", f"{path}ui:order → {entry}"))
    return problems


def check_form(
    pair: FormPair, schema_text: str, ui_text: str | None
) -> tuple[list[FormProblem], dict[str, Any] | None, dict[str, Any] | None]:
    """Check an edited form: JSON syntax, JSON Schema validity, UI keys against the fields.

    Returns the problems and the parsed documents (None where they cannot be used).
    """
    problems: list[FormProblem] = []
    schema = _parse(pair.schema_file, schema_text, problems)
    if schema is not None and not isinstance(schema, dict):
        problems.append(FormProblem(pair.schema_file, "not_object"))
        schema = None
    elif schema is not None:
        messages = schema_problems(schema)
        problems += [FormProblem(pair.schema_file, "metaschema", m) for m in messages]
    ui: Any = None
    if ui_text is not None and ui_text.strip():
        ui = _parse(pair.ui_file, ui_text, problems)
        if ui is not None and not isinstance(ui, dict):
            problems.append(FormProblem(pair.ui_file, "not_object"))
            ui = None
    if isinstance(schema, dict) and isinstance(ui, dict):
        problems += _ui_field_problems(pair.ui_file, schema, ui)
    return problems, schema, ui


class FormLibrary:
    """Read, list and edit form files (see the module docstring for which text wins)."""

    def __init__(self, session: Session, clock: Clock, forms_dir: Path) -> None:
        self.session = session
        self.clock = clock
        self.forms_dir = forms_dir

    def names(self) -> list[str]:
        """Every known form file name that follows the naming convention, sorted."""
        names = set(self.session.scalars(select(FormFile.name)))
        names |= set(
            self.session.scalars(select(ProcessFile.name).where(ProcessFile.kind == "form"))
        )
        if self.forms_dir.is_dir():
            names |= {path.name for path in self.forms_dir.glob("*.json")}
        return sorted(name for name in names if stem_of(name))

    def pairs(self) -> list[FormPair]:
        """Every form, by stem."""
        return [FormPair(stem) for stem in sorted({stem_of(n) or "" for n in self.names()})]

    def read(self, name: str) -> str | None:
        """The current text of a form file, or None when there is none."""
        if stem_of(name) is None:
            return None
        edited = self.session.get(FormFile, name)
        if edited is not None:
            return edited.content
        deployed = self.session.scalar(
            select(ProcessFile.content)
            .join(ProcessModelVersion, ProcessFile.version_id == ProcessModelVersion.id)
            .where(ProcessFile.name == name, ProcessFile.kind == "form")
            .order_by(ProcessModelVersion.deployed_at.desc(), ProcessModelVersion.id.desc())
            .limit(1)
        )
        if deployed is not None:
            return deployed
        shipped = self.forms_dir / name
        return shipped.read_text(encoding="utf-8") if shipped.is_file() else None

    def pair(self, stem: str) -> FormPair:
        """The form with this stem; raises NotFound when neither of its files exists."""
        pair = FormPair(stem)
        if not STEM.match(stem) or self.read(pair.schema_file) is None:
            raise NotFound(f"Formulir '{stem}' tidak ada / no form '{stem}'")
        return pair

    def create(self, stem: str, user: User) -> FormPair:
        """A new, empty form `stem` (an object schema without fields) for the analyst to edit.

        Raises:
            NotPermitted: the user may not edit models.
            InvalidInput: the stem breaks the naming convention or is taken (`errors["stem"]`).
        """
        require(self.session, user, EDIT_MODELS)
        if not STEM.match(stem):
            raise InvalidInput(
                "Data tidak valid / invalid data",
                {"stem": ["huruf kecil, angka dan '-' / lower-case letters, digits and '-'"]},
            )
        pair = FormPair(stem)
        if self.read(pair.schema_file) is not None:
            raise InvalidInput(
                "Data tidak valid / invalid data",
                {"stem": [f"formulir '{stem}' sudah ada / form '{stem}' exists"]},
            )
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": stem,
            "type": "object",
            "properties": {},
        }
        self._store(pair, json.dumps(schema, indent=2) + "\n", '{\n  "ui:order": []\n}\n', user)
        return pair

    def save(self, pair: FormPair, schema_text: str, ui_text: str | None, user: User) -> list[str]:
        """Store an edited form after `check_form`; returns the file names that changed.

        Raises:
            NotPermitted: the user may not edit models.
            InvalidInput: the form has problems (`errors` lists them); nothing is stored.
        """
        require(self.session, user, EDIT_MODELS)
        return self._store(pair, schema_text, ui_text, user)

    def _store(
        self, pair: FormPair, schema_text: str, ui_text: str | None, user: User
    ) -> list[str]:
        problems, _schema, _ui = check_form(pair, schema_text, ui_text)
        if problems:
            raise InvalidInput(
                "Formulir tidak valid / invalid form",
                [p.__dict__ for p in problems],
            )
        changed = []
        now = self.clock.now()
        texts = {pair.schema_file: schema_text}
        if ui_text is not None and ui_text.strip():
            texts[pair.ui_file] = ui_text
        for name, text in texts.items():
            if self.read(name) == text:
                continue
            edited = self.session.get(FormFile, name)
            if edited is None:
                edited = FormFile(name=name, content=text, updated_at=now)
                self.session.add(edited)
            edited.content = text
            edited.updated_at = now
            edited.updated_by_id = user.id
            changed.append(name)
        if changed:
            audit(self.session, user, "form_edited", now, {"files": changed})
            self.session.flush()
        return changed
