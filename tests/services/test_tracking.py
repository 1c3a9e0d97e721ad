"""TrackingService: the seek-paged, filtered instance list and the instance view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.errors import NotFound, NotPermitted
from app.models import Agency, Instance, Service, User
from app.services.context import Platform
from app.services.instances.tracking import InstanceFilter, TrackingService
from tests.conftest import T0
from tests.services.tracking_data import (
    CLASSIFY_COMPLAINT,
    complaint,
    complete,
    service_request,
)

pytestmark = pytest.mark.usefixtures("deployed")


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def ids(tracking: TrackingService, username: str, **filters: object) -> list[int]:
    who = user(tracking.session, username)
    return [i.id for i in tracking.page(who, InstanceFilter(**filters), size=100).items]


@pytest.fixture
def tracking(session: Session, platform: Platform) -> TrackingService:
    return platform.tracking(session)


class TestPage:
    def test_pages_seek_by_id_both_ways(self, platform: Platform, tracking: TrackingService):
        made = [service_request(platform) for _ in range(5)]
        newest_first = made[::-1]
        who = user(tracking.session, "pj.layanan")
        everything = InstanceFilter()
        first = tracking.page(who, everything, size=2)
        assert [i.id for i in first.items] == newest_first[:2]
        assert (first.newer, first.older) == (None, newest_first[1])
        second = tracking.page(who, everything, after=first.older, size=2)
        assert [i.id for i in second.items] == newest_first[2:4]
        assert (second.newer, second.older) == (newest_first[2], newest_first[3])
        last = tracking.page(who, everything, after=second.older, size=2)
        assert [i.id for i in last.items] == newest_first[4:]
        assert (last.newer, last.older) == (newest_first[4], None)
        back = tracking.page(who, everything, before=second.newer, size=2)
        assert [i.id for i in back.items] == newest_first[:2]
        assert back.newer is None
        assert back.older == newest_first[1]

    def test_page_after_the_oldest_is_empty(self, platform: Platform, tracking: TrackingService):
        only = service_request(platform)
        who = user(tracking.session, "pj.layanan")
        page = tracking.page(who, InstanceFilter(), after=only)
        assert page.items == []
        assert page.older is None

    def test_requester_sees_only_their_own(self, platform: Platform, tracking: TrackingService):
        mine = service_request(platform)
        complaint(platform)
        assert ids(tracking, "pengguna") == [mine]

    def test_service_scoped_staff_see_only_their_service(
        self, platform: Platform, tracking: TrackingService
    ):
        service_request(platform)
        complaint(platform)
        siak = complaint(platform, layanan="SIAK")
        assert ids(tracking, "petugas.siak") == [siak]

    def test_filters_each_narrow_the_list(
        self, platform: Platform, tracking: TrackingService, clock: FixedClock
    ):
        request_id = service_request(platform)
        clock.advance(timedelta(days=2))
        first = complaint(platform)
        second = complaint(platform, layanan="SIAK")
        complete(platform, first, "admin.layanan", {**CLASSIFY_COMPLAINT, "prioritas": "P2"})
        session = tracking.session
        diskominfo = session.scalars(select(Agency).where(Agency.code == "DISKOMINFO")).one()
        siak = session.scalars(select(Service).where(Service.code == "SIAK")).one()
        reference = session.get_one(Instance, first).reference
        assert reference is not None
        assert ids(tracking, "pj.layanan", process_model_id="permintaan-layanan") == [request_id]
        assert ids(tracking, "pj.layanan", agency_id=diskominfo.id) == [first]
        assert ids(tracking, "pj.layanan", service_id=siak.id) == [second]
        assert ids(tracking, "pj.layanan", priority="P2") == [first]
        assert ids(tracking, "pj.layanan", status="complete") == []
        assert ids(tracking, "pj.layanan", reference=reference.lower()) == [first]
        assert ids(tracking, "pj.layanan", reference="ADU-") == [second, first]
        assert ids(tracking, "pj.layanan", started_before=T0 + timedelta(days=1)) == [request_id]
        assert ids(tracking, "pj.layanan", started_from=T0 + timedelta(days=1)) == [second, first]

    def test_overdue_is_a_passed_deadline_not_yet_met(
        self, platform: Platform, tracking: TrackingService, clock: FixedClock
    ):
        answered = complaint(platform)
        late = complaint(platform)
        clock.advance(timedelta(minutes=10))
        complete(platform, answered, "admin.layanan", CLASSIFY_COMPLAINT)
        assert ids(tracking, "pj.layanan", overdue=True) == []
        clock.advance(timedelta(hours=2))  # the 1-hour P3 response target has passed
        assert ids(tracking, "pj.layanan", overdue=True) == [late]


class TestView:
    def test_marks_completed_active_and_waiting_elements(
        self, platform: Platform, tracking: TrackingService
    ):
        ident = complaint(platform)
        view = tracking.view(ident, user(tracking.session, "pj.layanan"))
        assert view.progress.active == {"klasifikasi_aduan"}
        assert {"eskalasi_respons_1", "eskalasi_respons_2"} <= view.progress.waiting
        assert "pelaporan_aduan" in view.progress.completed
        assert view.element_names["klasifikasi_aduan"].startswith("Klasifikasi")
        assert view.may_supervise
        assert view.version.version == 1
        assert view.sla is not None
        assert view.sla.priority == "P3"
        assert [t.task.bpmn_id for t in view.tasks] == ["klasifikasi_aduan"]
        assert "admin.layanan" in view.tasks[0].choices

    def test_the_active_element_moves_on_when_a_task_is_done(
        self, platform: Platform, tracking: TrackingService
    ):
        ident = complaint(platform)
        complete(platform, ident, "admin.layanan", CLASSIFY_COMPLAINT)
        view = tracking.view(ident, user(tracking.session, "pj.layanan"))
        assert "klasifikasi_aduan" in view.progress.completed
        assert "klasifikasi_aduan" not in view.progress.active
        assert len(view.progress.active) == 1

    def test_requesters_may_not_supervise(self, platform: Platform, tracking: TrackingService):
        ident = service_request(platform)
        view = tracking.view(ident, user(tracking.session, "pengguna"))
        assert not view.may_supervise
        assert view.tasks[0].choices == []

    def test_unknown_and_foreign_instances_are_refused(
        self, platform: Platform, tracking: TrackingService
    ):
        ident = complaint(platform)
        with pytest.raises(NotFound):
            tracking.view(ident + 1000, user(tracking.session, "pj.layanan"))
        with pytest.raises(NotPermitted):
            tracking.view(ident, user(tracking.session, "pengguna"))

    def test_diagram_is_the_instances_own_version(
        self, platform: Platform, tracking: TrackingService
    ):
        ident = complaint(platform)
        xml = tracking.diagram(ident, user(tracking.session, "pj.layanan"))
        assert 'id="klasifikasi_aduan"' in xml
