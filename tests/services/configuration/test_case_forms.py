"""What a case's forms do to the CMDB (issue 14, item 2): the items a complaint's
classification names are linked both ways and shown in its record."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import FormInvalid
from app.models import ConfigurationItem, Instance, Task, TaskState
from app.services.configuration.cases import cases_of_item, linked_items
from app.services.configuration.items import ItemService
from app.services.context import Platform
from app.services.instances.record import ITEMS_STEP, CaseRecord
from tests.services.configuration.cmdb_data import make
from tests.services.tracking_data import CLASSIFY_COMPLAINT, complaint, complete

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
