"""What a case's submitted form does to the CMDB (issue 14, item 2).

**Links** (Kepbup Polewali Mandar 685/2021, II.3: complaints, problems, changes and
releases name the items they touch). Every item a submitted form names in a field bound to
`configuration-items` (a multi-select such as `komponen_cmdb`, or a bound property of the
rows of an array) is linked to the case (`cases.link_items`), at its start or at the
completion of the task: impact analysis, the item's cases and the case's record read the
links.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.clock import Clock
from app.engine.form_options import CONFIGURATION_ITEMS, bound_fields, bound_row_fields
from app.models import Instance, User
from app.services.configuration.cases import link_items
from app.services.configuration.choices import item_id


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


class CaseForms:
    """Links a case to the items its forms name."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

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

        Reads no table unless the form names items.

        Args:
            instance: the case, already written (it has its id).
            schema: the submitted form (None: no form).
            submitted: what the person submitted, as checked against the form.
            before: the case's data before the step ({} for a start).
            after: the case's data after the step, scripts included.
            user: who submitted it.
        """
        named = named_items(schema, submitted) if schema is not None else []
        if named:
            link_items(self.session, instance.id, named)
