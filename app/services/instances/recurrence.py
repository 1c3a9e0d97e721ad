"""Recurring complaints open a problem (Perbup Bangka 21/2025, 2.2.1.3, Tabel 7 no. 1:
problems are identified proactively, among others from complaints that recur).

When a service gets its `RECURRING`-th complaint within `WINDOW` and no problem about it
is open, the complaint starts Manajemen Masalah as its child, naming the complaints of
the pattern; the periodic review and the service desk's "needs root cause" flag are the
other ways in.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.errors import NotFound
from app.models import OPEN_STATUSES, Instance, InstanceStatus
from app.services.instances.links import Transitions, start_child

PROBLEM_MODEL = "manajemen-masalah"
RECURRING = 3
WINDOW = timedelta(days=30)


def open_problem_if_recurring(instances: Transitions, complaint: Instance) -> Instance | None:
    """Start a problem for `complaint`'s service when its complaints recur; the problem."""
    if complaint.service_id is None or complaint.service is None:
        return None
    session = instances.session
    now = instances.clock.now()
    recent = list(
        session.scalars(
            select(Instance.reference)
            .where(
                Instance.process_model_id == complaint.process_model_id,
                Instance.service_id == complaint.service_id,
                Instance.started_at >= now - WINDOW,
            )
            .order_by(Instance.id)
        )
    )
    if len(recent) < RECURRING:
        return None
    problem_open = session.scalar(
        select(func.count())
        .select_from(Instance)
        .where(
            Instance.process_model_id == PROBLEM_MODEL,
            Instance.service_id == complaint.service_id,
            Instance.status.in_((*OPEN_STATUSES, InstanceStatus.SUSPENDED)),
        )
    )
    if problem_open:
        return None
    try:
        instances.start_message_of(PROBLEM_MODEL)
    except NotFound:
        return None  # problem management is not deployed here
    code = complaint.service.code
    numbers = ", ".join(r for r in recent if r)
    return start_child(
        instances,
        complaint,
        PROBLEM_MODEL,
        {
            "layanan": code,
            "judul": f"Gangguan berulang pada layanan {code}",
            "uraian": (
                f"{len(recent)} aduan untuk layanan {code} dalam {WINDOW.days} hari terakhir; "
                "perlu dicari akar masalahnya."
            ),
            "sumber_identifikasi": "aduan_berulang",
            "nomor_aduan": complaint.reference or "",
            "pola_insiden": f"Aduan: {numbers}",
        },
        reason="aduan_berulang",
    )
