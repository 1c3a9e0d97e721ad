"""The `configuration-items` source of forms (issue 14, item 2): which items a case's form
offers (the service's items and what they depend on, else the PD's, never a retired one),
how a form serves them to a generic client and how a submission is checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.engine.form_options import CONFIGURATION_ITEMS, bound_row_fields, source_problem
from app.errors import InvalidInput
from app.models import Agency, ConfigurationItem, Service
from app.services.catalog.options import FormOptions
from app.services.configuration.choices import ItemChoices, item_title
from app.services.configuration.dependencies import depended_on, service_items
from app.services.configuration.items import ItemService
from app.services.configuration.relations import RelationService
from tests.services.configuration.cmdb_data import make

pytestmark = pytest.mark.usefixtures("demo")

FORM: dict[str, Any] = {
    "type": "object",
    "properties": {
        "layanan": {"type": "string", "x-options": "services"},
        "komponen_cmdb": {
            "type": "array",
            "x-options": "configuration-items",
            "title": "Komponen konfigurasi (CMDB) / Configuration items (CMDB)",
            "items": {"type": "integer"},
        },
        "pembaruan_komponen": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "komponen": {"type": "integer", "x-options": "configuration-items"},
                    "status": {"type": "string"},
                },
            },
        },
    },
}


@dataclass
class Estate:
    """SRIKANDI's application runs on a VM on a server a data centre hosts, and depends on
    a database; a retired VM that ran SRIKANDI depended on an old database; an application
    of another PD runs SIMPEG."""

    dc: ConfigurationItem
    server: ConfigurationItem
    vm: ConfigurationItem
    app: ConfigurationItem
    db: ConfigurationItem
    old_vm: ConfigurationItem
    old_db: ConfigurationItem
    other: ConfigurationItem

    def ids(self) -> set[int]:
        return {item.id for item in vars(self).values()}


@pytest.fixture
def estate(items: ItemService, relations: RelationService, session: Session) -> Estate:
    estate = Estate(
        dc=make(items, "data_centre", name="DC-UJI"),
        server=make(items, "server", name="SRV-UJI-01"),
        vm=make(
            items,
            "virtual_machine",
            name="VM-UJI-SRIKANDI",
            attributes={"hostname": "uji-srikandi"},
            services=["SRIKANDI"],
        ),
        app=make(
            items,
            "application",
            name="APP-UJI-SRIKANDI",
            attributes={"url": "https://srikandi-uji.example.go.id"},
            services=["SRIKANDI"],
        ),
        db=make(items, "database", name="DB-UJI-SRIKANDI"),
        old_vm=make(
            items,
            "virtual_machine",
            name="VM-UJI-LAMA",
            attributes={"hostname": "uji-lama"},
            services=["SRIKANDI"],
        ),
        old_db=make(
            items,
            "database",
            name="DB-UJI-LAMA",
            attributes={"host": "10.0.0.9", "port": 5432, "database_name": "lama"},
        ),
        other=make(
            items,
            "application",
            name="APP-UJI-SIMPEG",
            agency="BKPSDM",
            attributes={"url": "https://simpeg-uji.example.go.id"},
            services=["SIMPEG"],
        ),
    )
    for source, kind, target in [
        (estate.dc, "hosts", estate.server),
        (estate.vm, "runs_on", estate.server),
        (estate.app, "runs_on", estate.vm),
        (estate.app, "depends_on", estate.db),
        (estate.old_vm, "depends_on", estate.old_db),
    ]:
        relations.add(source.id, kind, target.id)
    items.retire(estate.old_vm.id, "diganti VM-UJI-SRIKANDI")
    session.commit()
    return estate


def _service(session: Session, code: str) -> Service:
    return session.scalars(select(Service).where(Service.code == code)).one()


def _agency(session: Session, code: str) -> Agency:
    return session.scalars(select(Agency).where(Agency.code == code)).one()


def _options(session: Session, clock: FixedClock) -> FormOptions:
    return FormOptions(session, clock)


class TestReach:
    def test_a_service_reaches_its_items_and_what_they_depend_on(
        self, session: Session, estate: Estate
    ) -> None:
        """The VM and application run it; through them the server, the data centre that
        hosts it and the database; not the retired VM nor what only it depended on."""
        reach = service_items(session, _service(session, "SRIKANDI").id)
        expected = {estate.app.id, estate.vm.id, estate.server.id, estate.dc.id, estate.db.id}
        assert reach & estate.ids() == expected

    def test_retired_items_are_walked_when_asked(self, session: Session, estate: Estate) -> None:
        reach = service_items(session, _service(session, "SRIKANDI").id, live_only=False)
        assert {estate.old_vm.id, estate.old_db.id} <= reach

    def test_a_cycle_ends_the_walk(
        self, session: Session, estate: Estate, relations: RelationService
    ) -> None:
        relations.add(estate.server.id, "depends_on", estate.app.id)
        assert depended_on(session, [estate.app.id]) & estate.ids() == {
            estate.app.id,
            estate.vm.id,
            estate.server.id,
            estate.dc.id,
            estate.db.id,
        }

    def test_a_case_about_a_pd_only_reaches_the_pds_live_items(
        self, session: Session, estate: Estate
    ) -> None:
        reach = ItemChoices(session).reach(None, None, _agency(session, "DISKOMINFO").id)
        assert reach is not None
        assert reach & estate.ids() == estate.ids() - {estate.old_vm.id, estate.other.id}

    def test_the_service_a_form_names_wins_over_the_cases(
        self, session: Session, estate: Estate
    ) -> None:
        reach = ItemChoices(session).reach("SIMPEG", _service(session, "SRIKANDI").id, None)
        assert reach is not None
        assert reach & estate.ids() == {estate.other.id}

    def test_with_no_case_every_live_item_is_offered(
        self, session: Session, estate: Estate
    ) -> None:
        assert ItemChoices(session).reach(None, None, None) is None
        offered = {i for i, _ in ItemChoices(session).offered(None, None, None)}
        assert offered & estate.ids() == estate.ids() - {estate.old_vm.id}


class TestServe:
    def test_a_multi_select_carries_the_items_on_its_items(
        self, session: Session, clock: FixedClock, estate: Estate
    ) -> None:
        srikandi = _service(session, "SRIKANDI")
        served = _options(session, clock).serve(
            FORM, {"layanan": "SRIKANDI"}, srikandi.id, srikandi.agency_id
        )
        field = served["properties"]["komponen_cmdb"]
        assert "x-options" not in field
        assert field["type"] == "array"
        choices = {c["const"]: c["title"] for c in field["items"]["oneOf"]}
        mine = {i: t for i, t in choices.items() if i in estate.ids()}
        assert set(mine) == {
            estate.app.id,
            estate.vm.id,
            estate.server.id,
            estate.dc.id,
            estate.db.id,
        }
        assert mine[estate.server.id] == "SRV-UJI-01 (Server fisik)"
        assert all(isinstance(i, int) for i in choices)
        # the rows of an array get the same list, row field by row field
        row = served["properties"]["pembaruan_komponen"]["items"]["properties"]["komponen"]
        assert row["oneOf"] == field["items"]["oneOf"]
        assert "x-options" not in row

    def test_a_status_other_than_active_is_shown(
        self, session: Session, estate: Estate, items: ItemService
    ) -> None:
        items.update(estate.db.id, {"status": "maintenance"}, "ganti disk")
        assert item_title(estate.db) == "DB-UJI-SRIKANDI (Basis data; pemeliharaan / maintenance)"

    def test_no_items_serves_an_empty_choice_that_still_takes_none(
        self, session: Session, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(ItemChoices, "offered", lambda *_: [])
        served = _options(session, clock).serve(FORM, {}, None, None)
        field = served["properties"]["komponen_cmdb"]
        assert field["items"]["not"] == {}
        assert "tidak ada pilihan" in field["description"]


class TestCheck:
    def _check(self, session: Session, clock: FixedClock, data: dict[str, Any]) -> Any:
        srikandi = _service(session, "SRIKANDI")
        return _options(session, clock).check(
            FORM, data, srikandi.id, srikandi.agency_id, {"layanan": "SRIKANDI"}
        )

    def test_items_in_reach_pass(self, session: Session, clock: FixedClock, estate: Estate) -> None:
        data = {
            "komponen_cmdb": [estate.app.id, estate.dc.id],
            "pembaruan_komponen": [{"komponen": estate.db.id}],
        }
        assert self._check(session, clock, data) == {}

    @pytest.mark.parametrize(
        ("which", "words"),
        [
            ("old_vm", "sudah pensiun / item"),
            ("other", "bukan komponen layanan atau PD kasus ini"),
            (None, "tidak ada / no configuration item"),
        ],
    )
    def test_a_retired_unknown_or_unrelated_item_is_refused_naming_the_field(
        self,
        session: Session,
        clock: FixedClock,
        estate: Estate,
        which: str | None,
        words: str,
    ) -> None:
        wrong = getattr(estate, which).id if which else 999_999
        errors = self._check(session, clock, {"komponen_cmdb": [estate.app.id, wrong]})
        [message] = errors["komponen_cmdb"]
        assert words in message
        rows = self._check(session, clock, {"pembaruan_komponen": [{"komponen": wrong}]})
        assert words in rows["pembaruan_komponen.0.komponen"][0]

    def test_the_source_needs_a_task_outside_a_start_form(
        self, session: Session, clock: FixedClock
    ) -> None:
        with pytest.raises(InvalidInput) as refused:
            _options(session, clock).require_source(CONFIGURATION_ITEMS, for_task=False)
        assert "task_id" in refused.value.errors
        _options(session, clock).require_source(CONFIGURATION_ITEMS, for_task=True)


def test_the_source_is_known_and_rows_are_read() -> None:
    assert source_problem(CONFIGURATION_ITEMS, set()) is None
    assert list(bound_row_fields(FORM)) == [("pembaruan_komponen", "komponen", CONFIGURATION_ITEMS)]
