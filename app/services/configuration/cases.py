"""The link between cases and the configuration items they touch.

The complaint, problem, change and release forms will name the items they touch from the
CMDB (issue 14, item 2: a field bound with `"x-options": "configuration-items"`); until
they do, this is where such a link is written and read, so impact analysis can already
list the open cases touching an item (Polewali II.3: "incidents, problems and changes name
the items they touch").
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ConfigurationItemCase


def link_items(session: Session, instance_id: int, item_ids: Iterable[int]) -> None:
    """Record that case `instance_id` touches each of `item_ids`; links it has stay.

    Args:
        session: the database session.
        instance_id: the case (a process instance).
        item_ids: configuration items; ids already linked are skipped.
    """
    have = set(
        session.scalars(
            select(ConfigurationItemCase.item_id).where(
                ConfigurationItemCase.instance_id == instance_id
            )
        )
    )
    for item_id in dict.fromkeys(item_ids):
        if item_id not in have:
            session.add(ConfigurationItemCase(instance_id=instance_id, item_id=item_id))
    session.flush()


def linked_items(session: Session, instance_id: int) -> list[int]:
    """The ids of the items case `instance_id` touches, ascending."""
    return sorted(
        session.scalars(
            select(ConfigurationItemCase.item_id).where(
                ConfigurationItemCase.instance_id == instance_id
            )
        )
    )
