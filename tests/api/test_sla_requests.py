"""SLA clocks of service requests through the HTTP API: deadlines, explanations, pauses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.clock import FixedClock
from app.models import Instance
from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("deployed")

CLASSIFY = {
    "klasifikasi": "akses",
    "prioritas": "sedang",
    "gangguan": False,
    "pelaksana": "pelaksana",
}


def _start(auth: Auth, data: dict[str, Any] | None = None) -> dict[str, Any]:
    response = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": data or SAMPLE_REQUEST},
    )
    assert response.status_code == 201, response.json
    return response.json


def _task(auth: Auth, username: str, instance_id: int) -> str:
    items = auth.get(username, "/api/v1/tasks").json["items"]
    (task,) = [t for t in items if t["process_instance_id"] == instance_id]
    return task["id"]


def test_a_request_is_due_after_its_types_fulfilment_time_in_working_hours(auth: Auth) -> None:
    # Monday 09:00 WIB; SIMPEG AKUN-BARU takes 16 working hours: Monday 7 h, Tuesday
    # 8.5 h, Wednesday 08:00 WIB.
    sla = _start(auth)["sla"]
    assert sla["resolution_due_at"] == "2026-11-25T01:00:00+00:00"
    assert sla["response_due_at"] is None
    assert sla["priority"] is None
    assert (sla["responded_at"], sla["resolved_at"]) == (None, None)
    assert (sla["response_met"], sla["resolution_met"]) == (None, None)
    assert sla["warnings"] == []


def test_the_explanation_counts_office_hours_only_and_names_each_rule(auth: Auth) -> None:
    instance = _start(auth)
    explanation = auth.get("pengguna", f"/api/v1/process-instances/{instance['id']}/sla").json
    response, resolution = explanation["clocks"]
    assert response["target"]["seconds"] is None
    assert "aduan" in response["target"]["basis"]
    assert resolution["target"] == {
        "seconds": 16 * 3600,
        "basis": "Target pemenuhan Pembuatan akun baru: 16 jam",
        "end_of_next_working_day": False,
    }
    counted = [s for s in resolution["segments"] if s["counted"]]
    assert [s["rule"] for s in counted] == [
        "jam kerja Senin 07:30-16:00",
        "jam kerja Selasa 07:30-16:00",
        "jam kerja Rabu 07:30-16:00",
    ]
    total = sum(
        (datetime.fromisoformat(s["end"]) - datetime.fromisoformat(s["start"]) for s in counted),
        timedelta(),
    )
    assert total == timedelta(hours=16)
    assert any(
        not s["counted"] and s["rule"] == "di luar jam kerja" for s in resolution["segments"]
    )
    assert explanation["changes"][0]["inputs"]["jenis_permintaan"] == "AKUN-BARU"


def test_the_first_provider_action_is_the_response_and_priority_is_recorded(
    auth: Auth, clock: FixedClock
) -> None:
    instance = _start(auth)
    task_id = _task(auth, "admin.layanan", instance["id"])
    clock.advance(timedelta(minutes=20))
    assert auth.post("admin.layanan", f"/api/v1/tasks/{task_id}/claim").status_code == 200
    clock.advance(timedelta(minutes=10))
    done = auth.post(
        "admin.layanan", f"/api/v1/tasks/{task_id}/complete", json={"data": CLASSIFY}
    ).json["process_instance"]
    assert done["sla"]["responded_at"] == "2026-11-23T02:20:00+00:00"
    assert done["sla"]["priority"] == "sedang"
    changes = auth.get("admin.layanan", f"/api/v1/process-instances/{done['id']}/sla").json[
        "changes"
    ]
    assert [c["inputs"]["prioritas"] for c in changes] == [None, "sedang"]
    assert changes[1]["by"] == "admin.layanan"
    assert changes[1]["before"]["penyelesaian_batas"] == changes[1]["after"]["penyelesaian_batas"]


def test_time_suspended_is_not_counted_and_the_deadline_moves_by_it(
    auth: Auth, clock: FixedClock
) -> None:
    instance = _start(auth)
    url = f"/api/v1/process-instances/{instance['id']}"
    clock.advance(timedelta(hours=1))  # Monday 10:00 WIB
    suspended = auth.post("pj.layanan", f"{url}/suspend").json
    assert suspended["sla"]["paused"] is True
    assert suspended["sla"]["resolution_due_at"] is None  # stopped, not late
    clock.advance(timedelta(hours=2))  # Monday 12:00 WIB
    resumed = auth.post("pj.layanan", f"{url}/resume").json
    assert resumed["sla"]["paused"] is False
    assert resumed["sla"]["resolution_due_at"] == "2026-11-25T03:00:00+00:00"
    explanation = auth.get("pj.layanan", f"{url}/sla").json
    paused = [
        s for s in explanation["clocks"][1]["segments"] if s["rule"] == "instans ditangguhkan"
    ]
    assert [(s["start"], s["end"], s["counted"]) for s in paused] == [
        ("2026-11-23T03:00:00+00:00", "2026-11-23T05:00:00+00:00", False)
    ]


def test_a_missed_deadline_shows_as_missed_without_any_event(auth: Auth, clock: FixedClock) -> None:
    instance = _start(auth)
    clock.set(datetime(2026, 11, 25, 1, 0, 1, tzinfo=UTC))
    sla = auth.get("pengguna", f"/api/v1/process-instances/{instance['id']}").json["sla"]
    assert sla["resolution_met"] is False


def test_reading_again_from_the_events_gives_the_stored_answer(
    auth: Auth, clock: FixedClock, platform: Platform
) -> None:
    instance = _start(auth)
    url = f"/api/v1/process-instances/{instance['id']}"
    clock.advance(timedelta(hours=1))
    auth.post("pj.layanan", f"{url}/suspend")
    clock.advance(timedelta(days=1))
    auth.post("pj.layanan", f"{url}/resume")
    task_id = _task(auth, "admin.layanan", instance["id"])
    auth.post("admin.layanan", f"/api/v1/tasks/{task_id}/complete", json={"data": CLASSIFY})
    with platform.sessions() as session:
        row = session.get(Instance, instance["id"])
        assert row is not None
        stored = (row.priority, row.resolution_due_at, row.responded_at)
        report = platform.instances(session).clocks.read(row)  # from the whole log
        assert report is not None
        again = (report.priority, report.resolution.due_at, report.response.stopped_at)
    assert again == stored
    assert stored[1] is not None


def test_an_instance_without_clocks_has_no_explanation(auth: Auth) -> None:
    assert auth.get("pengguna", "/api/v1/process-instances/999/sla").status_code == 404
