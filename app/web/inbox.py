"""Kotak tugas: the staff's inbox with filters, deadline badges, claim and release."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from app.errors import Conflict
from app.models import Instance, Task
from app.request_scope import platform, session
from app.services.catalog.agencies import AgencyService
from app.services.catalog.services import CatalogService
from app.services.deadlines.time_left import RESPONSE, TimeLeft, time_left
from app.services.process_models.deploy import DeployService
from app.services.spreadsheet import EXPORT_MAX, MIME_TYPES
from app.services.tasks.inbox import INBOX_SORTS, InboxFilter
from app.web import nav
from app.web.access import me
from app.web.account import safe_next
from app.web.i18n import current_language, half
from app.web.pages import blueprint

bp = blueprint("inbox", __name__)
nav.register("inbox.index", _l("Kotak tugas"), order=10)

PER_PAGE = 50
#: Priorities of complaints (Tabel 3) and of requests (the classification form).
PRIORITIES = ("P1", "P2", "P3", "P4", "P5", "P6", "tinggi", "sedang", "rendah")
_PRIORITY_TONE = {
    "P1": "bad",
    "P2": "bad",
    "tinggi": "bad",
    "P3": "warn",
    "P4": "warn",
    "sedang": "warn",
}


@dataclass(frozen=True)
class Badge:
    """A coloured label whose text says the same as its colour."""

    text: str
    tone: str  # ok | warn | bad | muted


def priority_badge(priority: str | None) -> Badge | None:
    """P1-P2 and "tinggi" red, P3-P4 and "sedang" amber, the rest neutral."""
    if not priority:
        return None
    return Badge(priority, _PRIORITY_TONE.get(priority, "ok"))


def _span(left: timedelta) -> str:
    minutes = int(abs(left).total_seconds() // 60)
    if minutes < 60:
        return _("%(num)s menit", num=max(minutes, 1))
    return _("%(num)s jam", num=minutes // 60)


def deadline_badge(reading: TimeLeft) -> Badge:
    """ "sisa 2 jam kerja" / "terlambat 3 jam kerja" / "tercapai", coloured to match."""
    span = _span(reading.left)
    if reading.stopped_at is not None and not reading.late:
        return Badge(_("tercapai"), "ok")
    if reading.late:
        text = (
            _("terlambat %(span)s kerja", span=span)
            if reading.working_hours
            else _("terlambat %(span)s", span=span)
        )
        return Badge(text, "bad")
    text = (
        _("sisa %(span)s kerja", span=span)
        if reading.working_hours
        else _("sisa %(span)s", span=span)
    )
    return Badge(text, "warn" if reading.warning else "ok")


def clock_badges(instance: Instance) -> dict[str, tuple[TimeLeft, Badge]]:
    """Each clock with a deadline, by name (respons, penyelesaian), with its badge."""
    now = platform().clock.now()
    return {r.clock: (r, deadline_badge(r)) for r in time_left(session(), instance, now)}


def _filters() -> InboxFilter:
    args = request.args
    claimed = {"saya": True, "bebas": False}.get(args.get("ambil", ""))
    return InboxFilter(
        process_model_id=args.get("proses") or None,
        service=args.get("layanan") or None,
        agency=args.get("pd") or None,
        priority=args.get("prioritas") or None,
        overdue=args.get("terlambat") == "1",
        reference=(args.get("nomor") or "").strip()[:30] or None,
        claimed=claimed,
        # an unknown sort (an old link) shows the default order, as a bad page number
        # shows the first page
        sort=args["urut"] if args.get("urut") in INBOX_SORTS else InboxFilter.sort,
    )


def _page_number() -> int:
    raw = request.args.get("halaman", "1")
    return max(1, min(int(raw), 10_000)) if raw.isdigit() else 1


@bp.get("/tugas")
@login_required
def index() -> Any:
    """The inbox: my claimed tasks and my roles' unclaimed ones, filtered and sorted."""
    user = me()
    tasks = platform().tasks(session())
    filters = _filters()
    page_number = _page_number()
    page = tasks.inbox(user, page_number, PER_PAGE, filters)
    instances = tasks.instances_of(page.items)
    rows = [_row(task, instances.get(task.instance_id)) for task in page.items]
    deploy = DeployService(session(), platform().clock, platform().specs)
    kept = {k: v for k, v in request.args.items() if k != "halaman" and v}
    return render_template(
        "inbox/index.html",
        kept=kept,
        sorted_by=lambda value: url_for(".index", **{**kept, "urut": value}),
        export_max=format_decimal(EXPORT_MAX),
        rows=rows,
        page=page,
        page_number=page_number,
        pages=max(1, -(-page.total // PER_PAGE)),
        filters=filters,
        args=request.args,
        models=[(model.id, model.name) for model, _version in deploy.models()],
        services=CatalogService(session(), platform().clock).all(),
        agencies=AgencyService(session(), platform().clock).all(),
        priorities=PRIORITIES,
        user=user,
        response_clock=RESPONSE,
    )


def _unknown_format(fmt: str) -> str:
    return _("Format unduhan tidak dikenal (format=%(value)s); pilih csv atau xlsx.", value=fmt)


@bp.get("/tugas/ekspor")
@login_required
def export() -> Any:
    """The whole inbox the filters select, in its order, as CSV or XLSX (`?format=`),
    headers in the reader's language; another format is a 422 naming it."""
    fmt = request.args.get("format", "csv")
    if fmt not in MIME_TYPES:
        return Response(_unknown_format(fmt), status=422, mimetype="text/plain")
    table = platform().tasks(session()).export(me(), _filters(), current_language())
    return Response(
        table.to(fmt, get_timezone()),
        mimetype=MIME_TYPES[fmt],
        headers={"Content-Disposition": f"attachment; filename=tugas.{fmt}"},
    )


def _row(task: Task, instance: Instance | None) -> dict[str, Any]:
    return {
        "task": task,
        "instance": instance,
        "priority": priority_badge(instance.priority if instance else None),
        "clocks": clock_badges(instance) if instance else {},
    }


def _back() -> Any:
    return redirect(safe_next(request.form.get("next")) or url_for("inbox.index"))


@bp.post("/tugas/<task_id>/ambil")
@login_required
def claim(task_id: str) -> Any:
    """Take a task (409 as a message when someone else was quicker)."""
    try:
        task = platform().tasks(session()).claim(task_id, me())
    except Conflict as err:
        flash(_("Tugas tidak dapat diambil: %(reason)s", reason=half(err.message)), "error")
        return _back()
    session().commit()
    flash(_("Tugas \u201c%(title)s\u201d Anda ambil.", title=task.title), "success")
    return _back()


@bp.post("/tugas/<task_id>/lepas")
@login_required
def release(task_id: str) -> Any:
    """Give a task back to the others who hold the role."""
    task = platform().tasks(session()).unclaim(task_id, me())
    session().commit()
    flash(_("Tugas \u201c%(title)s\u201d dikembalikan ke kelompok.", title=task.title), "info")
    return _back()
