"""Instances for the tracking tests, made through the services as people make them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.models import Task, TaskState, User
from app.services.context import Platform
from app.services.demo import SAMPLE_COMPLAINT, SAMPLE_REQUEST

#: The service desk's classification of the sample complaint (keeps it P3).
CLASSIFY_COMPLAINT = {
    "kategori": "aplikasi",
    "dampak": "Mayor",
    "prioritas": "P3",
    "alasan_prioritas": "Persuratan seluruh PD terhenti",
    "analisis": "Layanan aplikasi mati",
    "estimasi_selesai": "2026-11-24T09:00:00+07:00",
}


def start(platform: Platform, model: str, username: str, data: dict[str, Any]) -> int:
    """Start `model` as `username`; returns the instance id."""
    with platform.sessions() as session, session.begin():
        user = session.scalar(select(User).where(User.username == username))
        return platform.instances(session).start(model, data, user).id


def complaint(platform: Platform, **changes: Any) -> int:
    """A complaint about SRIKANDI (DISKOMINFO, P3) filed by `penyedia`."""
    return start(platform, "penanganan-aduan", "penyedia", {**SAMPLE_COMPLAINT, **changes})


def service_request(platform: Platform, **changes: Any) -> int:
    """A SIMPEG account request (BKPSDM) filed by `pengguna`."""
    return start(platform, "permintaan-layanan", "pengguna", {**SAMPLE_REQUEST, **changes})


def open_task(platform: Platform, instance_id: int) -> str:
    """The id of the instance's only ready or held task."""
    with platform.sessions() as session:
        ids = list(
            session.scalars(
                select(Task.id).where(
                    Task.instance_id == instance_id,
                    Task.state.in_((TaskState.READY, TaskState.HELD)),
                )
            )
        )
    assert len(ids) == 1, ids
    return ids[0]


def complete(platform: Platform, instance_id: int, username: str, data: dict[str, Any]) -> None:
    """Complete the instance's only open task as `username`."""
    task_id = open_task(platform, instance_id)
    with platform.sessions() as session, session.begin():
        user = session.scalar(select(User).where(User.username == username))
        platform.tasks(session).complete(task_id, data, user)
