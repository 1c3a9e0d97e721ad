"""SupervisionService: terminate with a reason, reassign a task by the routing rules."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict, FormInvalid, NotFound, NotPermitted
from app.models import Event, Instance, InstanceStatus, Notification, Task, User
from app.services.context import Platform
from app.services.instances.supervision import REASON_MAX, SupervisionService
from tests.services.tracking_data import complaint, complete, open_task, service_request

pytestmark = pytest.mark.usefixtures("deployed")


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def kinds(session: Session, instance_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Event.kind).where(Event.instance_id == instance_id).order_by(Event.id)
        )
    )


@pytest.fixture
def supervision(session: Session, platform: Platform) -> SupervisionService:
    return platform.supervision(session)


class TestTerminate:
    def test_records_the_reason_with_the_termination(
        self, platform: Platform, session: Session, supervision: SupervisionService
    ):
        ident = complaint(platform)
        supervision.terminate(ident, user(session, "pimpinan"), "  Laporan ganda  ")
        session.commit()
        instance = session.get_one(Instance, ident)
        assert instance.status == InstanceStatus.TERMINATED
        assert kinds(session, ident)[-1] == "instance_terminated"
        reason = session.scalars(
            select(Event).where(Event.instance_id == ident, Event.kind == "instance_terminated")
        ).one()
        assert reason.data == {"reason": "Laporan ganda"}
        assert reason.user_id == user(session, "pimpinan").id

    @pytest.mark.parametrize("reason", [None, "", "   ", "x" * (REASON_MAX + 1)])
    def test_refuses_a_missing_or_overlong_reason_and_changes_nothing(
        self, platform: Platform, session: Session, supervision: SupervisionService, reason
    ):
        ident = complaint(platform)
        with pytest.raises(FormInvalid) as refused:
            supervision.terminate(ident, user(session, "pimpinan"), reason)
        assert "reason" in refused.value.errors
        session.rollback()
        assert session.get_one(Instance, ident).status == InstanceStatus.RUNNING

    def test_non_supervisor_is_refused(
        self, platform: Platform, session: Session, supervision: SupervisionService
    ):
        ident = complaint(platform)
        with pytest.raises(NotPermitted):
            supervision.terminate(ident, user(session, "admin.layanan"), "Bukan wewenang")

    def test_an_ended_instance_is_a_conflict(
        self, platform: Platform, session: Session, supervision: SupervisionService
    ):
        ident = complaint(platform)
        supervision.terminate(ident, user(session, "pj.layanan"), "Ganda")
        session.commit()
        with pytest.raises(Conflict):
            supervision.terminate(ident, user(session, "pj.layanan"), "Lagi")


class TestReassign:
    def test_pool_task_is_claimed_for_the_new_holder_who_is_told(
        self, platform: Platform, session: Session, supervision: SupervisionService
    ):
        ident = complaint(platform)
        task_id = open_task(platform, ident)
        supervision.reassign(ident, task_id, "pelaksana", user(session, "pj.layanan"), "Cuti")
        session.commit()
        task = session.get_one(Task, task_id)
        assert task.claimed_by_id == user(session, "pelaksana").id
        event = session.scalars(
            select(Event).where(Event.instance_id == ident, Event.kind == "task_reassigned")
        ).one()
        assert event.data == {
            "task": "klasifikasi_aduan",
            "lane": "Administrator Layanan",
            "from": None,
            "to": "pelaksana",
            "note": "Cuti",
        }
        tasks = platform.tasks(session)
        assert task_id in {t.id for t in tasks.inbox(user(session, "pelaksana")).items}
        assert task_id not in {t.id for t in tasks.inbox(user(session, "admin.layanan")).items}
        notices = session.scalars(
            select(Notification).where(Notification.user_id == user(session, "pelaksana").id)
        ).all()
        assert any(n.instance_id == ident for n in notices)

    def test_a_claimed_task_moves_from_its_claimer(
        self, platform: Platform, session: Session, supervision: SupervisionService
    ):
        ident = complaint(platform)
        task_id = open_task(platform, ident)
        platform.tasks(session).claim(task_id, user(session, "admin.layanan"))
        session.commit()
        supervision.reassign(ident, task_id, "pelaksana", user(session, "pimpinan"))
        session.commit()
        event = session.scalars(
            select(Event).where(Event.instance_id == ident, Event.kind == "task_reassigned")
        ).one()
        assert (event.data["from"], event.data["to"]) == ("admin.layanan", "pelaksana")

    def test_a_task_for_a_named_person_goes_to_the_new_person(
        self, platform: Platform, session: Session, supervision: SupervisionService
    ):
        ident = service_request(platform)

        complete(
            platform,
            ident,
            "admin.layanan",
            {
                "klasifikasi": "akses",
                "prioritas": "sedang",
                "gangguan": False,
                "pelaksana": "pelaksana",
            },
        )
        complete(platform, ident, "pj.layanan", {"disetujui": True})
        task_id = open_task(platform, ident)
        assert session.get_one(Task, task_id).assignee == "pelaksana"
        supervision.reassign(ident, task_id, "admin.layanan", user(session, "pj.layanan"))
        session.commit()
        task = session.get_one(Task, task_id)
        assert task.assignee == "admin.layanan"
        inbox = platform.tasks(session).inbox(user(session, "admin.layanan")).items
        assert task_id in {t.id for t in inbox}

    @pytest.mark.parametrize("username", ["pengguna", "pj.infra", "tidak.ada"])
    def test_a_user_without_the_lanes_role_is_refused(
        self, platform: Platform, session: Session, supervision: SupervisionService, username
    ):
        ident = complaint(platform)
        task_id = open_task(platform, ident)
        with pytest.raises(FormInvalid) as refused:
            supervision.reassign(ident, task_id, username, user(session, "pj.layanan"))
        assert "username" in refused.value.errors

    def test_a_service_scoped_holder_outside_the_service_is_refused(
        self, platform: Platform, session: Session, supervision: SupervisionService
    ):
        ident = complaint(platform)  # SRIKANDI: petugas.siak holds the role for SIAK only
        task_id = open_task(platform, ident)
        with pytest.raises(FormInvalid):
            supervision.reassign(ident, task_id, "petugas.siak", user(session, "pj.layanan"))

    def test_the_requesters_task_stays_with_the_requester(
        self, platform: Platform, session: Session, supervision: SupervisionService
    ):
        ident = service_request(platform)

        complete(
            platform,
            ident,
            "admin.layanan",
            {
                "klasifikasi": "akses",
                "prioritas": "sedang",
                "gangguan": False,
                "pelaksana": "pelaksana",
            },
        )
        complete(platform, ident, "pj.layanan", {"disetujui": True})
        complete(platform, ident, "pelaksana", {"hasil_pemenuhan": "Akun dibuat."})
        task_id = open_task(platform, ident)
        with pytest.raises(Conflict):
            supervision.reassign(ident, task_id, "pelaksana", user(session, "pj.layanan"))

    def test_non_supervisor_is_refused(
        self, platform: Platform, session: Session, supervision: SupervisionService
    ):
        ident = complaint(platform)
        task_id = open_task(platform, ident)
        with pytest.raises(NotPermitted):
            supervision.reassign(ident, task_id, "pelaksana", user(session, "admin.layanan"))

    def test_a_task_of_another_instance_is_not_found(
        self, platform: Platform, session: Session, supervision: SupervisionService
    ):
        ident, other = complaint(platform), complaint(platform)
        with pytest.raises(NotFound):
            supervision.reassign(
                ident, open_task(platform, other), "pelaksana", user(session, "pj.layanan")
            )

    def test_a_terminated_instance_is_a_conflict(
        self, platform: Platform, session: Session, supervision: SupervisionService
    ):
        ident = complaint(platform)
        task_id = open_task(platform, ident)
        platform.instances(session).terminate(ident, user(session, "pj.layanan"))
        session.commit()
        with pytest.raises(Conflict):
            supervision.reassign(ident, task_id, "pelaksana", user(session, "pj.layanan"))

    def test_a_held_task_of_a_suspended_instance_may_move(
        self, platform: Platform, session: Session, supervision: SupervisionService
    ):
        ident = complaint(platform)
        task_id = open_task(platform, ident)
        platform.instances(session).suspend(ident, user(session, "pj.layanan"))
        session.commit()
        supervision.reassign(ident, task_id, "pelaksana", user(session, "pj.layanan"))
        session.commit()
        assert session.get_one(Task, task_id).claimed_by_id == user(session, "pelaksana").id

    def test_giving_it_to_its_holder_again_is_a_conflict(
        self, platform: Platform, session: Session, supervision: SupervisionService
    ):
        ident = complaint(platform)
        task_id = open_task(platform, ident)
        supervision.reassign(ident, task_id, "pelaksana", user(session, "pj.layanan"))
        session.commit()
        with pytest.raises(Conflict):
            supervision.reassign(ident, task_id, "pelaksana", user(session, "pj.layanan"))
