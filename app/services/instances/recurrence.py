"""Recurring complaints open a problem: a product addition, not a rule of the regulations.

Perbup Bangka 21/2025, 2.2.1.3, Tabel 7 no. 1 asks the service administrator to identify
incidents proactively in a periodic review; Kepbup Polewali Mandar 685/2021, II.2.2.a to
identify problems. Neither sets a count, so when a service gets the PD's
`Agency.recurring_complaints`-th complaint (3 unless an Admin Sistem changes it) within the
PD's `Agency.recurrence_window_days` (30) and no problem about it is open, the complaint
starts Manajemen Masalah as its child, naming the complaints of the pattern; the periodic
review and the service desk's "needs root cause" flag are the other ways in.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.errors import NotFound
from app.models import OPEN_STATUSES, Instance, InstanceStatus
from app.services.instances.links import Transitions, start_child

PROBLEM_MODEL = "manajemen-masalah"


def open_problem_if_recurring(instances: Transitions, complaint: Instance) -> Instance | None:
    """Start a problem for `complaint`'s service when its complaints recur; the problem.

    The count and the window are the service's PD's settings, read at each complaint, so a
    change by an Admin Sistem applies from the next complaint on.
    """
    if complaint.service_id is None or complaint.service is None:
        return None
    agency = complaint.service.agency
    window = timedelta(days=agency.recurrence_window_days)
    session = instances.session
    now = instances.clock.now()
    recent = list(
        session.scalars(
            select(Instance.reference)
            .where(
                Instance.process_model_id == complaint.process_model_id,
                Instance.service_id == complaint.service_id,
                Instance.started_at >= now - window,
            )
            .order_by(Instance.id)
        )
    )
    if len(recent) < agency.recurring_complaints:
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
                f"{len(recent)} aduan untuk layanan {code} dalam {window.days} hari terakhir; "
                "perlu dicari akar masalahnya."
            ),
            "sumber_identifikasi": "aduan_berulang",
            "nomor_aduan": complaint.reference or "",
            "pola_insiden": f"Aduan: {numbers}",
        },
        reason="aduan_berulang",
    )
