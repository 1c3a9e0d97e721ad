"""RelationService: relations between items, their checks and their history."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.errors import Conflict, FormInvalid, NotFound, NotPermitted
from app.models import ConfigurationItem
from app.services.configuration.items import ItemService
from app.services.configuration.relations import RelationService
from tests.services.configuration.cmdb_data import make
from tests.services.configuration.conftest import user

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def pair(items: ItemService) -> tuple[ConfigurationItem, ConfigurationItem]:
    """An application and the virtual machine it could run on."""
    return make(items, "application"), make(items, "virtual_machine")


def errors_of(error: type[Exception], call: Any, *args: Any) -> dict[str, list[str]]:
    with pytest.raises(error) as raised:
        call(*args)
    return raised.value.errors  # type: ignore[attr-defined]


class TestAdd:
    def test_relates_and_records_it(
        self, relations: RelationService, pair: tuple[Any, Any], clock: FixedClock
    ) -> None:
        app, vm = pair
        relation = relations.add(app.id, "runs_on", vm.id, "dipasang di VM")
        assert (relation.source_id, relation.type, relation.target_id) == (app.id, "runs_on", vm.id)
        for end in (app, vm):  # both ends see it, and its history
            assert [r.id for r in relations.of_item(end.id)] == [relation.id]
            [added] = relations.history(end.id)
            assert (added.action, added.type, added.relation_id) == (
                "added",
                "runs_on",
                relation.id,
            )
            assert added.at == clock.now()
            assert added.user.username == "admin"
            assert added.reason == "dipasang di VM"

    def test_the_same_relation_twice_is_a_conflict(
        self, relations: RelationService, pair: tuple[Any, Any]
    ) -> None:
        app, vm = pair
        relations.add(app.id, "runs_on", vm.id)
        assert "target_id" in errors_of(Conflict, relations.add, app.id, "runs_on", vm.id)
        assert relations.add(app.id, "depends_on", vm.id).type == "depends_on"  # another type

    @pytest.mark.parametrize(
        ("relation_type", "target", "field"),
        [
            ("runs_under", "vm", "type"),
            (["runs_on"], "vm", "type"),
            ("runs_on", "self", "target_id"),
            ("runs_on", 424242, "target_id"),
            ("runs_on", 2**40, "target_id"),
            ("runs_on", "12", "target_id"),
            ("runs_on", True, "target_id"),
            ("uses_licence", "vm", "target_id"),
        ],
    )
    def test_a_wrong_field_is_named(
        self,
        relations: RelationService,
        pair: tuple[Any, Any],
        relation_type: Any,
        target: Any,
        field: str,
    ) -> None:
        app, vm = pair
        target_id = {"vm": vm.id, "self": app.id}.get(target, target)
        errors = errors_of(FormInvalid, relations.add, app.id, relation_type, target_id)
        assert list(errors) == [field]

    def test_uses_licence_names_a_licence_item(
        self, relations: RelationService, items: ItemService, pair: tuple[Any, Any]
    ) -> None:
        licence = make(items, "licence")
        assert relations.add(pair[0].id, "uses_licence", licence.id).type == "uses_licence"

    def test_a_retired_end_takes_no_new_relation(
        self, relations: RelationService, items: ItemService, pair: tuple[Any, Any]
    ) -> None:
        app, vm = pair
        items.retire(vm.id, "dimatikan")
        assert "target_id" in errors_of(Conflict, relations.add, app.id, "runs_on", vm.id)
        assert "status" in errors_of(Conflict, relations.add, vm.id, "runs_on", app.id)

    def test_an_unknown_source_is_not_found(
        self, relations: RelationService, pair: tuple[Any, Any]
    ) -> None:
        with pytest.raises(NotFound):
            relations.add(424242, "runs_on", pair[1].id)


class TestRemove:
    def test_removes_and_keeps_the_history(
        self, relations: RelationService, pair: tuple[Any, Any]
    ) -> None:
        app, vm = pair
        relation = relations.add(app.id, "runs_on", vm.id)
        relations.remove(vm.id, relation.id, "dipindah")  # from either end
        assert relations.of_item(app.id) == []
        added, removed = relations.history(app.id)
        assert (added.action, removed.action) == ("added", "removed")
        assert removed.relation_id == relation.id
        assert removed.reason == "dipindah"
        relations.add(app.id, "runs_on", vm.id)  # and it may be added again

    def test_a_relation_of_another_item_is_not_found(
        self, relations: RelationService, items: ItemService, pair: tuple[Any, Any]
    ) -> None:
        app, vm = pair
        relation = relations.add(app.id, "runs_on", vm.id)
        other = make(items, "server")
        with pytest.raises(NotFound):
            relations.remove(other.id, relation.id)
        with pytest.raises(NotFound):
            relations.remove(app.id, 424242)


class TestWhoMay:
    def test_the_keeper_of_the_source_relates_it_to_anyone_s_item(
        self, items: ItemService, session: Session, clock: FixedClock
    ) -> None:
        server = make(items, "server")  # DISKOMINFO's
        teknis = RelationService(session, clock, user(session, "teknis.sipkd"))
        mine = teknis.items.create(
            {
                "type": "virtual_machine",
                "name": "VM-SIPKD-01",
                "agency": "BPKAD",
                "services": ["SIPKD"],
            }
        )
        relation = teknis.add(mine.id, "runs_on", server.id)
        with pytest.raises(NotPermitted):
            teknis.add(server.id, "hosts", mine.id)
        teknis.remove(server.id, relation.id)  # an end of it is theirs

    def test_no_one_else_relates_or_removes(
        self, relations: RelationService, pair: tuple[Any, Any], session: Session, clock: FixedClock
    ) -> None:
        app, vm = pair
        relation = relations.add(app.id, "runs_on", vm.id)
        teknis = RelationService(session, clock, user(session, "teknis.sipkd"))
        with pytest.raises(NotPermitted):
            teknis.remove(app.id, relation.id)
        with pytest.raises(NotPermitted):
            RelationService(session, clock, user(session, "pengguna")).add(
                app.id, "depends_on", vm.id
            )
