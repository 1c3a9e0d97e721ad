"""The link between cases and the configuration items they touch.

The complaint, problem, change and release forms name the items they touch from the CMDB
(issue 14, item 2: a field bound with `"x-options": "configuration-items"`), and their
submission writes the links here (`case_forms`); impact analysis lists the open cases
touching an item, an item's page all its cases, a case's record its items, and
availability counts a Mayor complaint linked to an item against every service running on
it (Polewali II.3: "incidents, problems and changes name the items they touch").
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.models import ConfigurationItem, ConfigurationItemCase, Instance

#: How many of an item's cases its page lists, newest first.
CASES_SHOWN = 100


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


def items_of_case(session: Session, instance_id: int) -> list[ConfigurationItem]:
    """The items case `instance_id` touches, with their types, by name."""
    return list(
        session.scalars(
            select(ConfigurationItem)
            .join(ConfigurationItemCase, ConfigurationItemCase.item_id == ConfigurationItem.id)
            .where(ConfigurationItemCase.instance_id == instance_id)
            .options(selectinload(ConfigurationItem.type))
            .order_by(ConfigurationItem.name_key, ConfigurationItem.id)
        )
    )


def cases_of_item(
    session: Session, item_id: int, limit: int = CASES_SHOWN
) -> tuple[list[Instance], int]:
    """The cases touching item `item_id`, newest first (at most `limit`, with their
    services), and how many there are in all; open and closed alike."""
    linked = select(ConfigurationItemCase.instance_id).where(
        ConfigurationItemCase.item_id == item_id
    )
    total = session.scalar(select(func.count()).select_from(linked.subquery())) or 0
    cases = session.scalars(
        select(Instance)
        .where(Instance.id.in_(linked))
        .options(selectinload(Instance.service))
        .order_by(Instance.id.desc())
        .limit(limit)
    )
    return list(cases), total
