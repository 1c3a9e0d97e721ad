"""SLA reference tables as data: the regulation's values until an administrator edits them.

Four tables (Perbup Bangka 21/2025): the priority matrix (Tabel 3), response targets
(Tabel 4), resolution targets (Tabel 2, with its empty Publik/Normal cell) and the
urgency-based scheme (Tabel 11-14). Each is read and written as plain rows; an edit is
validated by the table's own `from_rows`, stored, and audited with the rows before and
after. Resetting returns a table to the regulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.errors import InvalidInput, NotFound
from app.models import ReferenceTable, User
from app.services.accounts.permissions import ADMINISTER, require
from app.services.audit.events import audit
from app.sla.matrix import DEFAULT_PRIORITY_MATRIX, PriorityMatrix, TableInvalid
from app.sla.targets import (
    DEFAULT_RESOLUTION_TARGETS,
    DEFAULT_RESPONSE_TARGETS,
    ResolutionTargets,
    ResponseTargets,
)
from app.sla.urgency import DEFAULT_URGENCY_SCHEME, UrgencyScheme


@dataclass(frozen=True)
class TableKind:
    """One reference table: its title, class, the regulation's value and its number there."""

    title: str
    cls: Any
    regulation: Any
    number: str


#: Tabel 3, which gives a new complaint its priority (`prioritas_tabel_3` in scripts).
PRIORITY_TABLE = "matriks-prioritas"

TABLES: dict[str, TableKind] = {
    PRIORITY_TABLE: TableKind(
        "Matriks prioritas aduan (Perbup Bangka 21/2025, Tabel 3)",
        PriorityMatrix,
        DEFAULT_PRIORITY_MATRIX,
        "Tabel 3",
    ),
    "target-respons": TableKind(
        "Target waktu respons (Tabel 4)", ResponseTargets, DEFAULT_RESPONSE_TARGETS, "Tabel 4"
    ),
    "target-penyelesaian": TableKind(
        "Target pelayanan pengguna (Tabel 2)",
        ResolutionTargets,
        DEFAULT_RESOLUTION_TARGETS,
        "Tabel 2",
    ),
    "skema-urgensi": TableKind(
        "Skema SLA berdasarkan urgensi (Tabel 11-14)",
        UrgencyScheme,
        DEFAULT_URGENCY_SCHEME,
        "Tabel 11-14",
    ),
}


@dataclass(frozen=True)
class TableView:
    """A table as shown: its rows and whether they are the regulation's or edited."""

    name: str
    title: str
    rows: Any
    source: str  # "regulation" | "administrator"
    updated_at: datetime | None
    updated_by: str | None


_CACHE_KEY = "reference_tables"
#: How `basis` names a table nobody edited.
REGULATION_VALUES = "nilai regulasi"


def _version(row: ReferenceTable) -> str:
    by = row.updated_by.username if row.updated_by else "?"
    at = row.updated_at.isoformat(timespec="seconds") if row.updated_at else "?"
    return f"diubah {at} oleh {by}"


class ReferenceService:
    """Read and edit the SLA reference tables (edits: Admin Sistem only)."""

    def __init__(self, session: Session, clock: Clock, actor: User | None = None) -> None:
        self.session = session
        self.clock = clock
        self.actor = actor

    @staticmethod
    def _kind(name: str) -> TableKind:
        kind = TABLES.get(name)
        if kind is None:
            raise NotFound(
                f"Tabel '{name}' tidak ada / no table '{name}'; one of {', '.join(TABLES)}"
            )
        return kind

    def _edited(self) -> dict[str, tuple[Any, str]]:
        """Every edited table, parsed, with the words naming its version.

        Every SLA reading and engine step asks for two or three tables, so they are read in
        one query and kept for the session's life (edits drop the copy).
        """
        tables: dict[str, tuple[Any, str]] | None = self.session.info.get(_CACHE_KEY)
        if tables is None:
            tables = {
                row.name: (TABLES[row.name].cls.from_rows(row.rows), _version(row))
                for row in self.session.scalars(select(ReferenceTable))
                if row.name in TABLES
            }
            self.session.info[_CACHE_KEY] = tables
        return tables

    def table(self, name: str) -> Any:
        """The table in force: the stored edit, else the regulation's."""
        kind = self._kind(name)
        edited = self._edited().get(name)
        return edited[0] if edited else kind.regulation

    def basis(self, name: str) -> str:
        """Which version of the table is in force, in words: the regulation's, or the edit
        of whom and when (the audit log holds that edit's rows before and after)."""
        kind = self._kind(name)
        edited = self._edited().get(name)
        return f"{kind.number}, {edited[1] if edited else REGULATION_VALUES}"

    def view(self, name: str) -> TableView:
        """The table with where its values come from."""
        kind = self._kind(name)
        stored = self.session.get(ReferenceTable, name)
        if stored is None:
            return TableView(name, kind.title, kind.regulation.to_rows(), "regulation", None, None)
        return TableView(
            name,
            kind.title,
            kind.cls.from_rows(stored.rows).to_rows(),
            "administrator",
            stored.updated_at,
            stored.updated_by.username if stored.updated_by else None,
        )

    def views(self) -> list[TableView]:
        """Every table."""
        return [self.view(name) for name in TABLES]

    def update(self, name: str, rows: Any) -> TableView:
        """Replace a table's rows after validating them as a whole.

        Raises:
            NotPermitted: the actor is not Admin Sistem.
            InvalidInput: the rows do not make a complete, valid table (every problem
                listed, with its row).
        """
        require(self.session, self.actor, ADMINISTER)
        kind = self._kind(name)
        self.session.info.pop(_CACHE_KEY, None)
        try:
            table = kind.cls.from_rows(rows)
        except (TableInvalid, ValueError, TypeError, AttributeError) as err:
            problems = getattr(err, "problems", None) or [str(err)]
            raise InvalidInput(
                f"Tabel tidak valid / invalid table: {name}", {"rows": [str(p) for p in problems]}
            ) from None
        before = self.view(name).rows
        stored = self.session.get(ReferenceTable, name) or ReferenceTable(name=name)
        stored.rows = table.to_rows()
        stored.updated_at = self.clock.now()
        stored.updated_by_id = self.actor.id if self.actor else None
        self.session.add(stored)
        audit(
            self.session,
            self.actor,
            "reference_table_updated",
            self.clock.now(),
            {"table": name, "before": before, "after": stored.rows},
        )
        self.session.flush()
        return self.view(name)

    def reset(self, name: str) -> TableView:
        """Return a table to the regulation's values (audited)."""
        require(self.session, self.actor, ADMINISTER)
        self._kind(name)
        self.session.info.pop(_CACHE_KEY, None)
        stored = self.session.get(ReferenceTable, name)
        if stored is not None:
            audit(
                self.session,
                self.actor,
                "reference_table_reset",
                self.clock.now(),
                {"table": name, "before": stored.rows},
            )
            self.session.delete(stored)
            self.session.flush()
        return self.view(name)
