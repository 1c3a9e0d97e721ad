"""What a case's forms do to the CMDB (issue 14, items 2 and 4): the items a complaint's
classification names are linked both ways and shown in its record; a change's
implementation records item updates, applied when the change is accepted, with the
change in each item's history; an update that cannot be applied refuses the step."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import FormInvalid
from app.models import ConfigurationItem, Event, Instance, InstanceStatus, Task, TaskState
from app.services.configuration.case_forms import APPLIED_EVENT, UPDATES
from app.services.configuration.cases import cases_of_item, linked_items
from app.services.configuration.history import of_item
from app.services.configuration.items import ItemService
from app.services.context import Platform
from app.services.instances.record import ITEMS_STEP, CaseRecord
from tests.engine.test_manajemen_perubahan_model import (
    IMPLEMENTASI,
    PENERIMAAN,
    PENGAJUAN,
    TERVERIFIKASI,
    kategorisasi,
    penjadwalan,
)
from tests.services.configuration.cmdb_data import make
from tests.services.tracking_data import CLASSIFY_COMPLAINT, complaint, complete, start

pytestmark = pytest.mark.usefixtures("deployed")

CHANGE = "manajemen-perubahan"


@pytest.fixture
def srikandi_app(items: ItemService, session: Session) -> ConfigurationItem:
    app = make(
        items,
        "application",
        name="APP-UJI-SRIKANDI",
        attributes={"url": "https://srikandi-uji.example.go.id"},
        services=["SRIKANDI"],
    )
    session.commit()
    return app


@pytest.fixture
def simpeg_vm(items: ItemService, session: Session) -> ConfigurationItem:
    vm = make(
        items,
        "virtual_machine",
        name="VM-UJI-SIMPEG",
        agency="BKPSDM",
        attributes={"hostname": "uji-simpeg", "ram_gb": 8},
        services=["SIMPEG"],
    )
    session.commit()
    return vm


def _task(platform: Platform, instance_id: int) -> Task:
    with platform.sessions() as db:
        return db.scalars(
            select(Task).where(Task.instance_id == instance_id, Task.state == TaskState.READY)
        ).one()


class TestLinks:
    def test_the_classification_links_the_items_both_ways(
        self, platform: Platform, session: Session, srikandi_app: ConfigurationItem
    ) -> None:
        case = complaint(platform)
        assert linked_items(session, case) == []
        classified = {**CLASSIFY_COMPLAINT, "komponen_cmdb": [srikandi_app.id]}
        complete(platform, case, "admin.layanan", classified)
        session.expire_all()
        assert linked_items(session, case) == [srikandi_app.id]
        cases, total = cases_of_item(session, srikandi_app.id)
        assert [c.id for c in cases] == [case]
        assert total == 1

    def test_the_record_names_the_items(
        self, platform: Platform, session: Session, srikandi_app: ConfigurationItem
    ) -> None:
        case = complaint(platform)
        complete(
            platform,
            case,
            "admin.layanan",
            {**CLASSIFY_COMPLAINT, "komponen_cmdb": [srikandi_app.id]},
        )
        instance = session.get_one(Instance, case)
        model = platform.instances(session).model_for(instance)
        events = platform.instances(session).events(instance)
        sections = CaseRecord(session, platform.clock, "id").sections(
            instance, model, events, revealed=True
        )
        [field] = [
            f
            for s in sections
            if s.step == "klasifikasi_aduan"
            for f in s.fields
            if f.name == "komponen_cmdb"
        ]
        assert field.shown == "APP-UJI-SRIKANDI (Aplikasi)"
        assert field.value == [srikandi_app.id]
        last = sections[-1]
        assert last.step == ITEMS_STEP
        [table] = last.fields
        assert table.shown == {
            "columns": ["Komponen", "Jenis", "Status"],
            "rows": [["APP-UJI-SRIKANDI", "Aplikasi", "active"]],
        }
        english = CaseRecord(session, platform.clock, "en").sections(
            instance, model, events, revealed=True
        )[-1]
        assert english.title == "Configuration items (CMDB)"
        assert english.fields[0].shown["rows"] == [["APP-UJI-SRIKANDI", "Application", "active"]]

    def test_a_retired_item_refuses_the_step_naming_the_field(
        self,
        platform: Platform,
        session: Session,
        items: ItemService,
        srikandi_app: ConfigurationItem,
    ) -> None:
        items.retire(srikandi_app.id, "tidak dipakai lagi")
        session.commit()
        case = complaint(platform)
        with pytest.raises(FormInvalid) as refused:
            complete(
                platform,
                case,
                "admin.layanan",
                {**CLASSIFY_COMPLAINT, "komponen_cmdb": [srikandi_app.id]},
            )
        assert "sudah pensiun" in refused.value.errors["komponen_cmdb"][0]
        assert linked_items(session, case) == []
        assert _task(platform, case).bpmn_id == "klasifikasi_aduan"


def _implemented(platform: Platform, rows: list[dict[str, Any]], item_id: int) -> int:
    """A standard change of SIMPEG naming item `item_id`, implemented with `rows`."""
    change = start(platform, CHANGE, "penyedia", PENGAJUAN)
    complete(
        platform, change, "admin.layanan", {**kategorisasi("standar"), "komponen_cmdb": [item_id]}
    )
    complete(platform, change, "admin.infra", penjadwalan(False))
    complete(platform, change, "admin.infra", {**IMPLEMENTASI, UPDATES: rows})
    complete(platform, change, "admin.layanan", TERVERIFIKASI)
    return change


class TestChangeUpdates:
    ROWS = [{"komponen": 0, "status": "maintenance", "atribut": {"ram_gb": 16}, "catatan": "RAM"}]

    def rows(self, item: ConfigurationItem) -> list[dict[str, Any]]:
        return [{**self.ROWS[0], "komponen": item.id}]

    def test_accepting_the_change_applies_its_updates_with_its_reference(
        self, platform: Platform, session: Session, simpeg_vm: ConfigurationItem
    ) -> None:
        change = _implemented(platform, self.rows(simpeg_vm), simpeg_vm.id)
        session.expire_all()
        assert [row.action for row in of_item(session, simpeg_vm.id)] == ["created"]
        assert simpeg_vm.status == "active"  # recorded, not applied before the close

        complete(platform, change, "pj.layanan", PENERIMAAN)
        session.expire_all()
        instance = session.get_one(Instance, change)
        assert instance.status == InstanceStatus.COMPLETE
        assert instance.data["status_perubahan"] == "selesai"
        item = session.get_one(ConfigurationItem, simpeg_vm.id)
        assert item.status == "maintenance"
        assert item.attributes == {"hostname": "uji-simpeg", "ram_gb": 16}
        updated = of_item(session, simpeg_vm.id)[-1]
        assert updated.action == "updated"
        assert updated.source_instance_id == change
        assert updated.source is not None
        assert updated.source.reference == instance.reference
        assert updated.user is not None
        assert updated.user.username == "pj.layanan"
        assert updated.reason == f"Perubahan {instance.reference}: {PENGAJUAN['judul']}; RAM"
        assert updated.changes == {
            "attributes.ram_gb": {"before": 8, "after": 16},
            "status": {"before": "active", "after": "maintenance"},
        }
        [event] = session.scalars(
            select(Event).where(Event.instance_id == change, Event.kind == APPLIED_EVENT)
        )
        assert event.data == {"items": [simpeg_vm.id]}
        assert linked_items(session, change) == [simpeg_vm.id]

    def test_a_row_may_retire_its_item(
        self, platform: Platform, session: Session, simpeg_vm: ConfigurationItem
    ) -> None:
        rows = [{"komponen": simpeg_vm.id, "status": "retired"}]
        change = _implemented(platform, rows, simpeg_vm.id)
        complete(platform, change, "pj.layanan", PENERIMAAN)
        session.expire_all()
        retired = of_item(session, simpeg_vm.id)[-1]
        assert (retired.action, retired.source_instance_id) == ("retired", change)
        assert session.get_one(ConfigurationItem, simpeg_vm.id).status == "retired"

    def test_a_wrong_attribute_is_refused_at_the_implementation(
        self, platform: Platform, simpeg_vm: ConfigurationItem
    ) -> None:
        change = start(platform, CHANGE, "penyedia", PENGAJUAN)
        complete(platform, change, "admin.layanan", kategorisasi("standar"))
        complete(platform, change, "admin.infra", penjadwalan(False))
        rows = [
            {"komponen": simpeg_vm.id, "atribut": {"ram_gb": "banyak"}},
            {"komponen": simpeg_vm.id},
        ]
        with pytest.raises(FormInvalid) as refused:
            complete(platform, change, "admin.infra", {**IMPLEMENTASI, UPDATES: rows})
        errors = refused.value.errors
        assert set(errors) == {f"{UPDATES}.0.atribut.ram_gb", f"{UPDATES}.1.komponen"}
        assert _task(platform, change).bpmn_id == "implementasi_perubahan"

    def test_an_update_that_no_longer_applies_refuses_the_acceptance(
        self,
        platform: Platform,
        session: Session,
        items: ItemService,
        simpeg_vm: ConfigurationItem,
    ) -> None:
        """The item was retired after the implementation: the change is not closed
        without its updates; nothing of the step is stored."""
        change = _implemented(platform, self.rows(simpeg_vm), simpeg_vm.id)
        items.retire(simpeg_vm.id, "dipindah ke klaster baru")
        session.commit()
        with pytest.raises(FormInvalid) as refused:
            complete(platform, change, "pj.layanan", PENERIMAAN)
        assert refused.value.errors == {
            f"{UPDATES}.0.komponen": [
                f"komponen {simpeg_vm.id} (VM-UJI-SIMPEG) sudah pensiun / item "
                f"{simpeg_vm.id} is retired"
            ]
        }
        session.expire_all()
        instance = session.get_one(Instance, change)
        assert instance.status == InstanceStatus.RUNNING
        assert _task(platform, change).bpmn_id == "penerimaan_perubahan"
        assert [row.action for row in of_item(session, simpeg_vm.id)] == ["created", "retired"]
        assert not session.scalars(
            select(Event).where(Event.instance_id == change, Event.kind == APPLIED_EVENT)
        ).all()
