"""Relations between configuration items and their history (Kepbup Polewali Mandar
685/2021, II.3 b.2 "identifikasi relasi antara komponen konfigurasi", c.1).

A relation reads `source <type> target`: an application `runs_on` a virtual machine, a
virtual machine `runs_on` a server, a database `depends_on` a server, a server
`connects_to` a network device or a link (it reaches the network through it), an item
`uses_licence` a licence item, and a data centre `hosts` a server. All but `hosts` make
the source depend on the target; `hosts` makes the target depend on the source (`impact`).

The keepers of the source item add relations (it is their item that runs on, depends on,
uses another's); the keepers of either end may remove one. Each addition and removal is a
row of the relation history.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.clock import Clock
from app.errors import Conflict, FormInvalid, NotFound, NotPermitted
from app.models import (
    ConfigurationItem,
    ConfigurationRelation,
    ConfigurationRelationHistory,
    ItemStatus,
    RelationType,
    User,
)
from app.services.accounts.permissions import (
    EDIT_CONFIGURATION,
    edits_configuration,
    require_configuration_editor,
)
from app.services.configuration.items import LOADED, ItemService

ADDED = "added"
REMOVED = "removed"
REASON_MAX = 2000
_ENDS = (
    selectinload(ConfigurationRelation.source).selectinload(ConfigurationItem.type),
    selectinload(ConfigurationRelation.source).selectinload(ConfigurationItem.agency),
    selectinload(ConfigurationRelation.target).selectinload(ConfigurationItem.type),
    selectinload(ConfigurationRelation.target).selectinload(ConfigurationItem.agency),
    selectinload(ConfigurationRelation.created_by),
)
INVALID = "Relasi tidak valid / invalid relation"


def _editable(session: Session, user: User | None, item: ConfigurationItem) -> bool:
    return edits_configuration(session, user, item.agency_id, [s.id for s in item.services])


class RelationService:
    """Add, remove and read relations, acting as `actor` (None: the system)."""

    def __init__(self, session: Session, clock: Clock, actor: User | None = None) -> None:
        self.session = session
        self.clock = clock
        self.actor = actor
        self.items = ItemService(session, clock, actor)

    def of_item(self, item_id: int) -> list[ConfigurationRelation]:
        """The relations in force from and to an item, oldest first (after
        `ItemService.get`, which checks the reader)."""
        return list(
            self.session.scalars(
                select(ConfigurationRelation)
                .where(
                    or_(
                        ConfigurationRelation.source_id == item_id,
                        ConfigurationRelation.target_id == item_id,
                    )
                )
                .options(*_ENDS)
                .order_by(ConfigurationRelation.id)
            )
        )

    def history(self, item_id: int) -> list[ConfigurationRelationHistory]:
        """Every relation from or to an item added or removed, oldest first."""
        return list(
            self.session.scalars(
                select(ConfigurationRelationHistory)
                .where(
                    or_(
                        ConfigurationRelationHistory.source_id == item_id,
                        ConfigurationRelationHistory.target_id == item_id,
                    )
                )
                .options(selectinload(ConfigurationRelationHistory.user))
                .order_by(ConfigurationRelationHistory.id)
            )
        )

    def add(
        self, item_id: int, relation_type: Any, target_id: Any, reason: Any = None
    ) -> ConfigurationRelation:
        """Relate item `item_id` (the source) to `target_id`: `source <type> target`.

        Raises:
            NotFound: no item `item_id`.
            NotPermitted: the actor is no staff, or may not change the source item.
            FormInvalid: an unknown type, no such target, the item itself, a target of
                `uses_licence` that holds no licences (`errors` names `type`/`target_id`).
            Conflict: the relation exists already, or an end is retired.
        """
        source = self.items.get(item_id)
        require_configuration_editor(
            self.session, self.actor, source.agency_id, [s.id for s in source.services]
        )
        errors: dict[str, list[str]] = {}
        why = self._reason(reason, errors)
        if not isinstance(relation_type, str) or relation_type not in set(RelationType):
            errors["type"] = [f"salah satu dari / one of: {', '.join(RelationType)}"]
        target = self._target(source, target_id, errors)
        licence = relation_type == RelationType.USES_LICENCE
        if target is not None and licence and not target.type.holds_licences:
            errors["target_id"] = [
                "uses_licence menunjuk komponen lisensi / uses_licence names a licence item"
            ]
        if errors:
            raise FormInvalid(INVALID, errors)
        assert target is not None
        for end, field in ((source, "status"), (target, "target_id")):
            if end.status == ItemStatus.RETIRED:
                raise Conflict(
                    f"{end.name} sudah pensiun / {end.name} is retired",
                    {field: [f"{end.name} pensiun / a retired item takes no new relations"]},
                )
        existing = self.session.scalar(
            select(ConfigurationRelation.id).where(
                ConfigurationRelation.source_id == source.id,
                ConfigurationRelation.target_id == target.id,
                ConfigurationRelation.type == relation_type,
            )
        )
        if existing is not None:
            raise Conflict(
                "Relasi sudah ada / the relation exists already",
                {"target_id": [f"relasi {existing} / relation {existing}"]},
            )
        now = self.clock.now()
        relation = ConfigurationRelation(
            source=source,
            target=target,
            type=str(relation_type),
            created_at=now,
            created_by=self.actor,
        )
        self.session.add(relation)
        try:
            self.session.flush()
        except IntegrityError:
            raise Conflict(
                "Relasi sudah ada / the relation exists already",
                {"target_id": ["relasi sudah ada / the relation exists already"]},
            ) from None
        self.record(relation, ADDED, why)
        return relation

    def remove(self, item_id: int, relation_id: int, reason: Any = None) -> None:
        """Remove a relation from or to item `item_id`; its history stays.

        Raises:
            NotFound: no such item, or no such relation of it.
            NotPermitted: the actor is no staff, or may change neither end.
            FormInvalid: a reason that is not plain text.
        """
        self.items.get(item_id)
        relation = self.session.get(ConfigurationRelation, relation_id, options=_ENDS)
        if relation is None or item_id not in (relation.source_id, relation.target_id):
            raise NotFound(
                f"Relasi {relation_id} tidak ada pada komponen {item_id} / no relation "
                f"{relation_id} of item {item_id}"
            )
        if not (
            _editable(self.session, self.actor, relation.source)
            or _editable(self.session, self.actor, relation.target)
        ):
            raise NotPermitted(EDIT_CONFIGURATION.refusal)
        errors: dict[str, list[str]] = {}
        why = self._reason(reason, errors)
        if errors:
            raise FormInvalid(INVALID, errors)
        self.record(relation, REMOVED, why)
        self.session.delete(relation)
        self.session.flush()

    def _target(
        self, source: ConfigurationItem, target_id: Any, errors: dict[str, list[str]]
    ) -> ConfigurationItem | None:
        if isinstance(target_id, bool) or not isinstance(target_id, int):
            errors["target_id"] = ["id komponen / an item id"]
            return None
        target = (
            self.session.get(ConfigurationItem, target_id, options=LOADED)
            if 0 < target_id < 2**31
            else None
        )
        if target is None:
            errors["target_id"] = [
                f"komponen {target_id} tidak ada / no configuration item {target_id}"
            ]
        elif target.id == source.id:
            errors["target_id"] = [
                "komponen tidak berelasi dengan dirinya / an item does not relate to itself"
            ]
            return None
        return target

    def _reason(self, reason: Any, errors: dict[str, list[str]]) -> str:
        if reason is None:
            return ""
        if not isinstance(reason, str) or len(reason) > REASON_MAX or not reason.isprintable():
            errors["reason"] = [
                f"teks tanpa karakter kendali, maks. {REASON_MAX} / text without control "
                f"characters, at most {REASON_MAX}"
            ]
            return ""
        return reason.strip()

    def record(self, relation: ConfigurationRelation, action: str, reason: str) -> None:
        """Append a row to the relation history: `relation` (flushed) `ADDED` or `REMOVED`."""
        self.session.add(
            ConfigurationRelationHistory(
                relation_id=relation.id,
                source_id=relation.source_id,
                target_id=relation.target_id,
                type=relation.type,
                action=action,
                at=self.clock.now(),
                user_id=self.actor.id if self.actor is not None else None,
                reason=reason,
            )
        )
