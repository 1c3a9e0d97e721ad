"""An item's history (Kepbup Polewali Mandar 685/2021, II.3 d.2-d.3: recording the current
status against the previous one, and reporting every item's status with its history).

Each change writes one row: who, when, why, from which case (a change or a release), and
for each field that changed its value before and after. Attributes are compared one by
one (`attributes.<name>`), so the history says "ram_gb 8 -> 16" rather than two objects.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import ConfigurationItem, ConfigurationItemHistory, User

CREATED = "created"
UPDATED = "updated"
RETIRED = "retired"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def snapshot(item: ConfigurationItem) -> dict[str, Any]:
    """The item's recorded fields as plain JSON values, attributes flattened one level."""
    fields: dict[str, Any] = {
        "name": item.name,
        "agency": item.agency.code if item.agency is not None else None,
        "status": item.status,
        "location": item.location,
        "labels": [label.label for label in item.labels],
        "administrators": [user.username for user in item.administrators],
        "services": [service.code for service in item.services],
        "retain_until": _plain(item.retain_until),
        "licences": [
            {
                "holder": licence.holder,
                "seats": licence.seats,
                "expires_on": _plain(licence.expires_on),
                "reference": licence.reference,
            }
            for licence in item.licences
        ],
    }
    for key, value in sorted((item.attributes or {}).items()):
        fields[f"attributes.{key}"] = value
    return fields


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each field whose value differs, as {"before", "after"} (None where absent)."""
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def write(
    session: Session,
    item: ConfigurationItem,
    action: str,
    at: datetime,
    user: User | None,
    changed: dict[str, dict[str, Any]],
    reason: str = "",
    source_instance_id: int | None = None,
) -> ConfigurationItemHistory:
    """Append one row to the item's history.

    Args:
        session: the database session.
        item: the item changed (flushed, so it has its id).
        action: `CREATED`, `UPDATED` or `RETIRED`.
        at: when.
        user: who; None for the system.
        changed: what `changes` found.
        reason: why, as the person wrote it.
        source_instance_id: the case (a change or a release) the change came from.

    Returns:
        The new row.
    """
    row = ConfigurationItemHistory(
        item_id=item.id,
        at=at,
        user_id=user.id if user is not None else None,
        action=action,
        reason=reason,
        changes=changed,
        source_instance_id=source_instance_id,
    )
    session.add(row)
    return row


def of_item(session: Session, item_id: int) -> list[ConfigurationItemHistory]:
    """The item's history, oldest first, with who and which case."""
    return list(
        session.scalars(
            select(ConfigurationItemHistory)
            .where(ConfigurationItemHistory.item_id == item_id)
            .options(
                selectinload(ConfigurationItemHistory.user),
                selectinload(ConfigurationItemHistory.source),
            )
            .order_by(ConfigurationItemHistory.id)
        )
    )
