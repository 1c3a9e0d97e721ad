"""Measurements a case's form records (issue 14, item 5; Kepbup Polewali Mandar
685/2021, III.2.b: the use of a service's components is monitored against thresholds and
kept in the capacity database).

A form that submits `pengukuran_kapasitas`, rows of `{"komponen": item id, "metrik":
"cpu"|"ram"|"storage"|"bandwidth", "nilai": number, "waktu": date-time}` (Pemantauan dan
Pemeliharaan: the infrastructure monitoring step), has them recorded through
`CapacityService.record(..., "form")` when the step is submitted, in its transaction, by
the person who submitted it: a row past a critical threshold opens its complaint as a
tool's measurement does. A row the capacity service refuses refuses the step with a 422
naming `pengukuran_kapasitas.<row>.<field>`, and nothing of it is stored. The hook is
`configuration.case_forms.CaseForms.after_submit`; no other path records them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.clock import Clock
from app.errors import FormInvalid
from app.models import User
from app.services.configuration.capacity import CapacityService
from app.services.ports import Instances

#: The rows of measurements a form submits, and their fields.
MEASUREMENTS = "pengukuran_kapasitas"
ROW_ITEM, ROW_METRIC, ROW_VALUE, ROW_AT = "komponen", "metrik", "nilai", "waktu"
#: A row's field in the form, by the capacity service's name for it.
_FIELD = {"item": ROW_ITEM, "metric": ROW_METRIC, "value": ROW_VALUE, "at": ROW_AT}
INVALID = "Pengukuran kapasitas tidak valid / invalid capacity measurements"


def submitted_rows(schema: dict[str, Any] | None, submitted: dict[str, Any]) -> list[Any]:
    """The measurement rows of a form that declares them (empty: none)."""
    if schema is None or MEASUREMENTS not in (schema.get("properties") or {}):
        return []
    rows = submitted.get(MEASUREMENTS)
    return rows if isinstance(rows, list) else []


def _entry(row: Any) -> Any:
    if not isinstance(row, dict):
        return row
    entry = {"item": row.get(ROW_ITEM), "metric": row.get(ROW_METRIC), "value": row.get(ROW_VALUE)}
    if row.get(ROW_AT) not in (None, ""):
        entry["at"] = row[ROW_AT]
    return entry


def _moved(errors: dict[str, list[str]] | None) -> dict[str, list[str]]:
    moved: dict[str, list[str]] = {}
    for key, messages in (errors or {}).items():
        _, index, field = [*str(key).split(".", 2), "", ""][:3]
        where = f"{MEASUREMENTS}.{index}.{_FIELD.get(field, field)}" if index else MEASUREMENTS
        moved.setdefault(where.rstrip("."), []).extend(messages)
    return moved


def record_measurements(
    session: Session,
    clock: Clock,
    instances: Instances,
    rows: list[Any],
    user: User,
) -> None:
    """Record `rows` (as `submitted_rows` gives them) as measurements from a form.

    Raises:
        FormInvalid: a bad row, named `pengukuran_kapasitas.<row>.<field>`; none stored.
        NotPermitted: `user` keeps none of a row's items.
    """
    if not rows:
        return
    capacity = CapacityService(session, clock, instances, user)
    try:
        with session.begin_nested():
            capacity.record([_entry(row) for row in rows], "form")
    except FormInvalid as refused:
        raise FormInvalid(INVALID, _moved(refused.errors)) from None
