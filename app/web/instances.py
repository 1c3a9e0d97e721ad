"""Supervisors' process tracking: the instance list (/proses), one instance's page with
its diagram, history and clocks, and the supervisors' actions on it.

Everything is read and changed through the services the API uses
(`InstanceService`, `TrackingService`, `SupervisionService`), so a page refuses what the
API refuses with the same status: 403 outside one's scope or for a non-supervisor, 404
for an unknown id, 409 for an action the instance's state does not allow.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, format_timedelta, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from app.errors import DomainError, InvalidInput, NotPermitted
from app.models import InstanceStatus
from app.request_scope import platform, session
from app.services.accounts.permissions import STAFF
from app.services.catalog.agencies import AgencyService
from app.services.instances.messaging import MESSAGE, EventSender
from app.services.instances.sorting import DEFAULT_SORT, SORTS
from app.services.instances.supervision import REASON_MAX
from app.services.instances.tracking import InstanceFilter, TrackingService
from app.services.spreadsheet import EXPORT_MAX, MIME_TYPES
from app.sla.matrix import Priority
from app.web import nav
from app.web.access import me
from app.web.i18n import current_language, half
from app.web.pages import blueprint

bp = blueprint("instances", __name__)

nav.register("instances.index", _l("Proses"), STAFF, order=40)

STATUS_LABELS = {
    InstanceStatus.RUNNING: (_l("Berjalan"), "badge-ok"),
    InstanceStatus.WAITING: (_l("Menunggu peristiwa"), "badge-muted"),
    InstanceStatus.SUSPENDED: (_l("Ditangguhkan"), "badge-warn"),
    InstanceStatus.COMPLETE: (_l("Selesai"), "badge-ok"),
    InstanceStatus.TERMINATED: (_l("Dihentikan"), "badge-muted"),
    InstanceStatus.ERROR: (_l("Galat"), "badge-bad"),
}
EVENT_LABELS = {
    "instance_started": _l("Instans dimulai"),
    "instance_completed": _l("Instans selesai"),
    "instance_suspended": _l("Instans ditangguhkan"),
    "instance_resumed": _l("Instans dilanjutkan"),
    "instance_terminated": _l("Instans dihentikan"),
    "instance_error": _l("Galat pada instans"),
    "task_claimed": _l("Tugas diambil"),
    "task_unclaimed": _l("Tugas dilepas"),
    "task_completed": _l("Tugas diselesaikan"),
    "task_cancelled": _l("Tugas dibatalkan"),
    "task_unroutable": _l("Tugas tanpa penerima"),
    "task_reassigned": _l("Tugas dialihkan"),
    "timer_fired": _l("Pewaktu berbunyi"),
    "service_changed": _l("Layanan dikoreksi"),
    "sla_changed": _l("Target SLA ditetapkan"),
    "escalated": _l("Eskalasi"),
    "closed_unconfirmed": _l("Ditutup tanpa konfirmasi pemohon"),
    "message_received": _l("Pesan diterima"),
    "message_undelivered": _l("Pesan tidak terkirim"),
    "signal_received": _l("Sinyal diterima"),
    "child_started": _l("Proses turunan dimulai"),
    "comment_added": _l("Catatan kerja"),
}
CLOCK_NAMES = {
    "respons": _l("Respons"),
    "penyelesaian": _l("Penyelesaian"),
    "rto": _l("RTO (pemulihan layanan)"),
}
PRIORITIES = [p.value for p in Priority]


def status_badge(status: str) -> tuple[str, str]:
    """Label and badge class of an instance status."""
    label, css = STATUS_LABELS.get(status, (status, "badge-muted"))  # type: ignore[call-overload]
    return str(label), css


def priority_badge(priority: str | None) -> tuple[str, str]:
    """P1-P2 red, P3-P4 amber, the rest grey; the text always names the priority."""
    if not priority:
        return _("Tanpa prioritas"), "badge-muted"
    if priority in ("P1", "P2"):
        return priority, "badge-bad"
    if priority in ("P3", "P4"):
        return priority, "badge-warn"
    return priority, "badge-muted"


def deadline_badge(
    due: datetime | None,
    stopped: datetime | None,
    started: datetime,
    now: datetime,
    paused: bool = False,
) -> tuple[str, str] | None:
    """Text and class for one deadline: met, missed, paused, or the time left (amber
    in its last quarter). None when there is no deadline."""
    if due is None:
        return None
    if stopped is not None:
        return (_("Terpenuhi"), "badge-ok") if stopped <= due else (_("Terlewat"), "badge-bad")
    if paused:
        return _("Dijeda"), "badge-muted"
    if now > due:
        return _("Terlambat %(time)s", time=format_timedelta(now - due)), "badge-bad"
    left = due - now
    css = "badge-warn" if left * 4 < (due - started) else "badge-ok"
    return _("Sisa %(time)s", time=format_timedelta(left)), css


def pretty(value: Any) -> str:
    """Submitted data as readable JSON (the template escapes it)."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


def _helpers() -> dict[str, Any]:
    return {
        "status_badge": status_badge,
        "priority_badge": priority_badge,
        "deadline_badge": deadline_badge,
        "event_label": lambda kind: str(EVENT_LABELS.get(kind, kind)),
        "clock_names": CLOCK_NAMES,
        "pretty": pretty,
        "now": platform().clock.now(),
    }


def _tracking() -> TrackingService:
    return platform().tracking(session())


# -- the list ---------------------------------------------------------------------------


def _day(value: str, errors: dict[str, str], field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = _("Tanggal tidak valid; gunakan format TTTT-BB-HH.")
        return None


def _cursor(name: str, errors: dict[str, str]) -> int | None:
    value = request.args.get(name, "")
    if not value:
        return None
    if not value.isdigit():
        errors[name] = _("Penanda halaman tidak valid.")
        return None
    return int(value)


def _filters(options: dict[str, Any]) -> tuple[InstanceFilter, dict[str, str]]:
    """Read the query string into a filter; every bad value gets its own message."""
    args = request.args
    errors: dict[str, str] = {}
    chosen: dict[str, Any] = {}
    for field, known, key in (
        ("proses", options["procedures"], "process_model_id"),
        ("status", [s.value for s in InstanceStatus], "status"),
        ("prioritas", PRIORITIES, "priority"),
    ):
        value = args.get(field, "")
        if value and value not in known:
            errors[field] = _("Pilihan tidak dikenal.")
        elif value:
            chosen[key] = value
    for field, table, key in (
        ("pd", options["agencies"], "agency_id"),
        ("layanan", options["services"], "service_id"),
    ):
        value = args.get(field, "")
        ids = {code: ident for ident, code, _name in table}
        if value and value not in ids:
            errors[field] = _("Pilihan tidak dikenal.")
        elif value:
            chosen[key] = ids[value]
    first, last = (
        _day(args.get("dari", ""), errors, "dari"),
        _day(args.get("sampai", ""), errors, "sampai"),
    )
    if first and last and first > last:
        errors["sampai"] = _("Tanggal akhir sebelum tanggal awal.")
    zone = get_timezone()
    if first:
        chosen["started_from"] = datetime.combine(first, time(), zone)
    if last:
        chosen["started_before"] = datetime.combine(last + timedelta(days=1), time(), zone)
    reference = args.get("nomor", "").strip()
    if len(reference) > 20:
        errors["nomor"] = _("Nomor terlalu panjang.")
    elif reference:
        chosen["reference"] = reference
    chosen["overdue"] = args.get("terlambat") == "1"
    sort = args.get("urut", "")
    if sort and sort not in SORTS:
        errors["urut"] = _("Urutan tidak dikenal.")
    elif sort:
        chosen["sort"] = sort
    return InstanceFilter(**chosen), errors


def _kept_args() -> dict[str, str]:
    """The query string without the page cursors: filters and sort, for links."""
    return {k: v for k, v in request.args.items() if k not in ("setelah", "sebelum") and v}


@bp.get("/proses")
@login_required
def index() -> Any:
    """The instances the user may see, newest first or as sorted, filtered, a page at
    a time."""
    return _list_page()


def _list_page(refusal: dict[str, str] | None = None) -> Any:
    """The list page; `refusal` adds messages for what is not a filter (the export's
    format), which also withholds the list."""
    tracking = _tracking()
    options = tracking.options()
    filters, errors = _filters(options)
    errors.update(refusal or {})
    after, before = _cursor("setelah", errors), _cursor("sebelum", errors)
    page = None
    if not errors:
        try:
            page = tracking.page(me(), filters, after=after, before=before)
        except InvalidInput:
            errors["sebelum" if before is not None else "setelah"] = _(
                "Penanda halaman tidak valid."
            )
    args = _kept_args()
    return render_template(
        "instances/list.html",
        page=page,
        errors=errors,
        options=options,
        args=args,
        sort=filters.sort,
        default_sort=DEFAULT_SORT,
        sorted_by=lambda value: url_for(".index", **{**args, "urut": value}),
        export_max=format_decimal(EXPORT_MAX),
        statuses=[(s.value, status_badge(s)[0]) for s in InstanceStatus],
        priorities=PRIORITIES,
        **_helpers(),
    ), (422 if errors else 200)


def _unknown_format(fmt: str) -> str:
    return _("Format unduhan tidak dikenal (format=%(value)s); pilih csv atau xlsx.", value=fmt)


@bp.get("/proses/ekspor")
@login_required
def export() -> Any:
    """What the list's filters select, every page of it in the list's order, as CSV or
    XLSX (`?format=`) with headers in the reader's language; a bad filter shows the
    list with its message (422)."""
    fmt = request.args.get("format", "csv")
    if fmt not in MIME_TYPES:
        return _list_page({"format": _unknown_format(fmt)})
    tracking = _tracking()
    filters, errors = _filters(tracking.options())
    if errors:
        return _list_page()
    table = tracking.export(me(), filters, current_language())
    return Response(
        table.to(fmt, get_timezone()),
        mimetype=MIME_TYPES[fmt],
        headers={"Content-Disposition": f"attachment; filename=instans.{fmt}"},
    )


# -- one instance -----------------------------------------------------------------------


def _show(instance_id: int, status: int = 200, **extra: Any) -> Any:
    view = _tracking().view(instance_id, me(), current_language())
    return render_template(
        "instances/detail.html",
        view=view,
        instance=view.instance,
        steps={section.event_id: section for section in view.record},
        awaited_messages=_awaited_messages(view.instance) if view.may_supervise else [],
        **_helpers(),
        **extra,
    ), status


def _awaited_messages(instance: Any) -> list[str]:
    """The names of the messages the instance waits for, for the supervisor's form."""
    waiting = EventSender(platform().instances(session())).waiting_for(instance)
    return list(dict.fromkeys(w.name for w in waiting if w.kind == MESSAGE))


@bp.get("/proses/<int:instance_id>")
@login_required
def show(instance_id: int) -> Any:
    """The instance page: diagram, open tasks, clocks, links, history, actions."""
    return _show(instance_id)


@bp.get("/proses/<int:instance_id>/cetak")
@login_required
def printable(instance_id: int) -> Any:
    """One case for paper: its facts, clocks, record and timeline, without navigation;
    the same checks and the same masking of personal data as the instance page."""
    view = _tracking().view(instance_id, me(), current_language())
    agency_id = view.instance.agency_id
    agencies = AgencyService(session(), platform().clock).all() if agency_id else []
    return render_template(
        "instances/print.html",
        view=view,
        instance=view.instance,
        agency=next((a for a in agencies if a.id == agency_id), None),
        **_helpers(),
    )


@bp.get("/proses/<int:instance_id>/diagram.bpmn")
@login_required
def diagram(instance_id: int) -> Response:
    """The BPMN XML of the instance's own version, for the viewer."""
    xml = _tracking().diagram(instance_id, me())
    return Response(xml, mimetype="application/xml", headers={"Cache-Control": "private"})


def _refused(instance_id: int, err: DomainError) -> Any:
    """Show a refusal on the instance page with its status; 403 and 404 get the error page."""
    session().rollback()
    if err.status in (403, 404):
        raise err
    return _show(instance_id, err.status, refusal=half(err.message))


@bp.post("/proses/<int:instance_id>/tangguhkan")
@login_required
def suspend(instance_id: int) -> Any:
    """Suspend (supervisors in scope; 409 unless running or waiting)."""
    try:
        platform().instances(session()).suspend(instance_id, me())
    except DomainError as err:
        return _refused(instance_id, err)
    session().commit()
    flash(_("Instans ditangguhkan; jam SLA berhenti."), "success")
    return redirect(url_for(".show", instance_id=instance_id))


@bp.post("/proses/<int:instance_id>/lanjutkan")
@login_required
def resume(instance_id: int) -> Any:
    """Resume a suspended instance (supervisors in scope; 409 unless suspended)."""
    try:
        platform().instances(session()).resume(instance_id, me())
    except DomainError as err:
        return _refused(instance_id, err)
    session().commit()
    flash(_("Instans dilanjutkan."), "success")
    return redirect(url_for(".show", instance_id=instance_id))


@bp.route("/proses/<int:instance_id>/hentikan", methods=["GET", "POST"])
@login_required
def terminate(instance_id: int) -> Any:
    """Confirm, with a required reason, then end the instance for good."""
    instance, may_supervise = _tracking().supervisable(instance_id, me())
    if not may_supervise:
        abort(403)
    reason = request.form.get("reason", "")
    error = None
    status = 200
    if request.method == "POST":
        try:
            platform().supervision(session()).terminate(instance_id, me(), reason)
        except InvalidInput as err:
            session().rollback()
            error = (
                _("Alasan paling banyak %(count)d karakter.", count=REASON_MAX)
                if reason.strip()
                else _("Alasan wajib diisi.")
            )
            status = err.status
        except DomainError as err:
            return _refused(instance_id, err)
        else:
            session().commit()
            flash(_("Instans dihentikan."), "success")
            return redirect(url_for(".show", instance_id=instance_id))
    return render_template(
        "instances/terminate.html",
        instance=instance,
        reason=reason,
        error=error,
        reason_max=REASON_MAX,
        **_helpers(),
    ), status


@bp.post("/proses/<int:instance_id>/tugas/<task_id>/alihkan")
@login_required
def reassign(instance_id: int, task_id: str) -> Any:
    """Hand an open task to another holder of its lane's role."""
    username = request.form.get("username", "")
    try:
        task = (
            platform()
            .supervision(session())
            .reassign(instance_id, task_id, username, me(), request.form.get("note"))
        )
    except InvalidInput as err:
        session().rollback()
        return _show(
            instance_id,
            err.status,
            reassign_error=(task_id, _("Pilih pengguna yang memegang peran lajur tugas ini.")),
        )
    except DomainError as err:
        return _refused(instance_id, err)
    title = task.title
    session().commit()
    flash(_("Tugas %(task)s dialihkan ke %(user)s.", task=title, user=username), "success")
    return redirect(url_for(".show", instance_id=instance_id))


@bp.post("/proses/<int:instance_id>/pesan")
@login_required
def send_message(instance_id: int) -> Any:
    """Send one of the messages the instance waits for, with a JSON payload (supervisors;
    the API's `POST /process-instances/{id}/messages`). A refused message shows the page
    again with the error beside its field and what was typed kept."""
    name = request.form.get("name", "")
    text = request.form.get("payload", "")
    kept = {"name": name, "payload": text}
    try:
        payload = json.loads(text) if text.strip() else {}
    except ValueError:
        return _show(
            instance_id,
            422,
            message_form=kept,
            message_errors={"payload": _("Payload bukan JSON yang sah.")},
        )
    try:
        EventSender(platform().instances(session())).to_instance(instance_id, me(), name, payload)
    except NotPermitted as err:
        return _refused(instance_id, err)
    except DomainError as err:
        session().rollback()
        errors = err.errors if isinstance(err.errors, dict) else {}
        field = "name" if "name" in errors or not errors else "payload"
        texts = [" ".join(v) for k, v in errors.items() if k.split(".")[0] == field]
        return _show(
            instance_id,
            err.status,
            message_form=kept,
            message_errors={field: half(texts[0] if texts else err.message)},
        )
    session().commit()
    flash(_("Pesan %(name)s terkirim.", name=name), "success")
    return redirect(url_for(".show", instance_id=instance_id))
