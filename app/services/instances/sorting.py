"""The orders the instance lists offer, and seek paging in each of them.

The supervisors' list (`/proses`) pages by seeking, never by OFFSET: a page starts after
the last row of the one before, compared on the sort value and then the id, so a page
costs what its rows cost however deep it is (bench.instance_list). The API's list, which
pages by number, sorts by the same keys through `order_by`, so both faces agree.

Each key sorts one column of the list, ascending, or descending with a leading `-`;
ties go by id in the same direction, and rows without a value (no number, no
priority, no service, no deadline) come last both ways, so reversing a sort never
buries the rows that have one. A seek therefore reads two runs at most: the rows with a
value, ordered by (value, id), then those without, ordered by id; each run is a plain
range that an index on (column, id) can serve.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, literal, select, tuple_
from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.models import Instance, ProcessModel, Service


def open_deadline() -> ColumnElement[Any]:
    """The instance's deadline still running: response until responded, then resolution."""
    return case(
        (Instance.responded_at.is_(None), Instance.response_due_at),
        else_=Instance.resolution_due_at,
    )


#: A key's column, whether it may be empty, and the table it needs joined, if any.
_KEYS: dict[str, tuple[ColumnElement[Any] | None, bool, type[Any] | None]] = {
    # Ids are given as instances start, so the start order is the id order: the
    # primary key serves it, with no index on started_at.
    "started": (None, False, None),
    "reference": (Instance.reference, True, None),
    # by the names the list shows, not by their codes
    "process": (ProcessModel.name, False, ProcessModel),
    "service": (Service.name, True, Service),
    "status": (Instance.status, False, None),
    "priority": (Instance.priority, True, None),
    "due": (open_deadline(), True, None),
}
#: Every accepted `sort` value: each key ascending, and descending with `-`.
SORTS = tuple(value for key in _KEYS for value in (key, f"-{key}"))
#: Newest first, the lists' order when none is chosen.
DEFAULT_SORT = "-started"


@dataclass(frozen=True)
class Cursor:
    """The row a page starts after: its sort value (None when it has none) and id."""

    value: Any
    id: int


class InstanceOrder:
    """One of `SORTS`, applied to queries over `Instance`.

    Raises:
        InvalidInput: `sort` is not one of `SORTS` (the error names the field `sort`).
    """

    def __init__(self, sort: str = DEFAULT_SORT) -> None:
        if sort not in SORTS:
            raise InvalidInput(
                "Urutan tidak dikenal / unknown sort order",
                {"sort": [f"pilih salah satu / choose one of: {', '.join(SORTS)}"]},
            )
        self.descending = sort.startswith("-")
        self.value, self.nullable, self.table = _KEYS[sort.removeprefix("-")]

    def joined(self, query: Select[Any]) -> Select[Any]:
        """`query` with the service or the procedure joined when the order reads its name."""
        if self.table is Service:
            return query.outerjoin(Service, Service.id == Instance.service_id)
        if self.table is ProcessModel:
            return query.join(ProcessModel, ProcessModel.id == Instance.process_model_id)
        return query

    def order_by(self) -> list[Any]:
        """The whole order as ORDER BY terms (for lists paged by number)."""
        ident = Instance.id.desc() if self.descending else Instance.id
        if self.value is None:
            return [ident]
        terms = [self.value.desc() if self.descending else self.value, ident]
        return [self.value.is_(None), *terms] if self.nullable else terms

    def cursor(self, session: Session, instance_id: int, visible: Any) -> Cursor:
        """The sort value of the row a page starts after.

        Only a row the reader may see can be a cursor, so paging never tells anyone the
        status or priority of an instance outside their scope.

        Raises:
            InvalidInput: no such instance among those `visible` selects.
        """
        if self.value is None:
            return Cursor(None, instance_id)
        query = self.joined(select(self.value).select_from(Instance))
        row = session.execute(query.where(Instance.id == instance_id, visible)).first()
        if row is None:
            raise InvalidInput("Penanda halaman tidak dikenal / unknown page cursor")
        return Cursor(row[0], instance_id)

    def seek(
        self, session: Session, query: Select[Any], size: int, after: Cursor | None, forward: bool
    ) -> list[Any]:
        """Up to `size` rows of `query` after `after`, reading in the list's order
        (`forward`) or against it; the runs with and without a value in turn."""
        runs = [False, True] if self.nullable else [False]  # is the value empty?
        if not forward:
            runs.reverse()
        start = runs.index(after.value is None) if after is not None and self.nullable else 0
        upward = self.descending != forward
        rows: list[Any] = []
        for position, empty in enumerate(runs):
            if position < start:
                continue
            value = None if empty else self.value
            run = query
            if self.nullable and self.value is not None:
                run = run.where(self.value.is_(None) if empty else self.value.is_not(None))
            if after is not None and position == start:
                run = run.where(_beyond(value, after, upward))
            terms = [Instance.id] if value is None else [value, Instance.id]
            ordered = run.order_by(*(t if upward else t.desc() for t in terms))
            rows += session.scalars(ordered.limit(size - len(rows)))
            if len(rows) >= size:
                break
        return rows


def _beyond(value: ColumnElement[Any] | None, after: Cursor, upward: bool) -> Any:
    """Rows past the cursor within one run: after it on (value, id), upward or downward.

    The row comparison `(value, id) < (x, y)` lets an index on (value, id) start right
    at the cursor (PostgreSQL, and SQLite on a plain column); the redundant `value <= x`
    beside it is the range SQLite can use on an expression such as the deadline.
    """
    if value is None:
        return Instance.id > after.id if upward else Instance.id < after.id
    # bound with the column's own type, so a time compares as the column stores it
    mark = literal(after.value, value.type)
    mine, theirs = tuple_(value, Instance.id), tuple_(mark, literal(after.id))
    if upward:
        return and_(value >= mark, mine > theirs)
    return and_(value <= mark, mine < theirs)
