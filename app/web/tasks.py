"""The task page: the record's summary and history, the diagram's instructions, known
errors for provider tasks, and the task's form drawn from its JSON Schema.

Submitting goes through `TaskService.complete` exactly as the API's
POST /api/v1/tasks/{id}/complete does: its 422 field errors come back next to the
fields with the user's input kept, and the task stays open.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from jinja2 import ChainableUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from app.errors import Conflict, FormInvalid
from app.models import Agency
from app.request_scope import platform, session
from app.services.audit.attachments import AttachmentService
from app.services.casework.audience import audible
from app.services.catalog.known_errors import KnownErrorService
from app.services.tasks.inbox import TaskView
from app.web.access import me
from app.web.formfields import (
    field_label,
    filter_texts,
    parse_submission,
    render_form,
    round_trip,
    with_blank_row,
    without_row,
)
from app.web.formfields_messages import localized_errors
from app.web.i18n import current_language, half
from app.web.inbox import clock_badges, priority_badge
from app.web.pages import blueprint

bp = blueprint("task_page", __name__)

#: An empty form for a task without one: completing it just says "done".
NO_FORM: dict[str, Any] = {"type": "object", "properties": {}}
#: What each kind of history event says (unknown kinds show their name).
EVENT_LABELS = {
    "instance_started": _l("Rekaman dibuat"),
    "instance_completed": _l("Rekaman selesai"),
    "instance_suspended": _l("Ditangguhkan"),
    "instance_resumed": _l("Dilanjutkan"),
    "instance_terminated": _l("Dihentikan"),
    "instance_error": _l("Galat proses"),
    "task_claimed": _l("Tugas diambil"),
    "task_unclaimed": _l("Tugas dilepas"),
    "task_completed": _l("Tugas diselesaikan"),
    "task_cancelled": _l("Tugas dibatalkan"),
    "task_assigned": _l("Tugas ditugaskan"),
    "task_reassigned": _l("Tugas dialihkan"),
    "task_unroutable": _l("Tugas tanpa penerima"),
    "timer_fired": _l("Pengatur waktu berjalan"),
    "sla_changed": _l("Target waktu ditetapkan"),
    "escalated": _l("Eskalasi"),
    "closed_unconfirmed": _l("Ditutup tanpa konfirmasi pemohon"),
    "service_changed": _l("Layanan dikoreksi"),
    "child_started": _l("Prosedur terkait dimulai"),
    "message_received": _l("Pesan diterima"),
    "message_undelivered": _l("Pesan tidak tersampaikan"),
    "signal_received": _l("Sinyal diterima"),
    "comment_added": _l("Catatan kerja"),
}


def attachment_service() -> AttachmentService:
    """Attachments under the configured directory and limits (ATTACHMENT_*)."""
    return platform().attachments(session())


#: Fills the diagram's instructions (docs/bpmn-conventions.md, "Forms": `{{ field }}`
#: placeholders from the task data); sandboxed, escaped, missing values left empty.
_INSTRUCTIONS = ImmutableSandboxedEnvironment(autoescape=True, undefined=ChainableUndefined)


def instructions(template: str | None, data: dict[str, Any]) -> Markup | str:
    """The task's instructions with its data filled in (as written, if they do not parse)."""
    if not template:
        return ""
    try:
        return Markup(_INSTRUCTIONS.from_string(template).render(data))  # noqa: S704 - escaped
    except TemplateError:
        return template


def _page(
    view: TaskView,
    data: dict[str, Any],
    errors: dict[str, list[str]] | None,
    status: int,
) -> Any:
    """The task page, with the server's field errors in the reader's language."""
    task = view.task
    instances = platform().instances(session())
    instance = instances.get(task.instance_id, me())
    schema = view.schema or NO_FORM
    known = (
        KnownErrorService(session()).for_service(task.service_id)
        if task.requires_role and task.service_id is not None
        else []
    )
    agency = (
        instance.service.agency
        if instance.service is not None
        else session().get(Agency, instance.agency_id)
        if instance.agency_id is not None
        else None
    )
    shown_errors = localized_errors(errors)
    form = render_form(
        schema, view.ui_schema, data, shown_errors, filters=filter_texts(request.form)
    )
    return (
        render_template(
            "tasks/show.html",
            task=task,
            instance=instance,
            agency=agency,
            instructions=instructions(task.instructions, view.data),
            schema=view.schema,
            form=form,
            errors=shown_errors,
            error_labels={path: field_label(schema, view.ui_schema, path) for path in shown_errors},
            events=audible(session(), me(), instance, instances.events(instance)),
            record=view.record,
            event_labels=EVENT_LABELS,
            known_errors=known,
            priority=priority_badge(instance.priority),
            clocks=clock_badges(instance),
            user=me(),
        ),
        status,
    )


@bp.get("/tugas/<task_id>")
@login_required
def show(task_id: str) -> Any:
    """The task page (403 for anyone who is not among the task's candidates)."""
    view = platform().tasks(session()).get(task_id, me(), current_language())
    return _page(view, view.data, None, 200)


@bp.post("/tugas/<task_id>")
@login_required
def submit(task_id: str) -> Any:
    """Complete the task with the posted form, or add / remove a row or narrow a list
    (the buttons that work without JavaScript) and show it again."""
    user = me()
    tasks = platform().tasks(session())
    view = tasks.get(task_id, user, current_language())
    schema = view.schema or NO_FORM
    posted: MultiDict[str, str] = MultiDict(request.form)
    action = round_trip(posted)
    if action is not None and action[0] == "remove":
        posted = without_row(posted, action[1])
    data = parse_submission(schema, view.ui_schema, posted, request.files)
    try:
        data = attachment_service().resolve(data, user, view.task.instance_id)
        session().commit()  # uploads are kept even when the form goes back for fixes
    except FormInvalid as err:
        session().rollback()
        return _page(view, data, err.errors, 422)
    if action is not None:
        if action[0] == "add":
            data = with_blank_row(data, action[1])
        return _page(view, data, None, 200)
    try:
        instance = tasks.complete(task_id, data, user)
    except FormInvalid as err:
        session().rollback()
        flash(_("Periksa isian yang ditandai; tugas belum diselesaikan."), "error")
        return _page(view, data, err.errors, 422)
    except Conflict as err:
        session().rollback()
        flash(_("Tugas tidak dapat diselesaikan: %(reason)s", reason=half(err.message)), "error")
        return redirect(url_for("inbox.index"))
    session().commit()
    flash(
        _(
            "Tugas \u201c%(title)s\u201d selesai untuk %(reference)s.",
            title=view.task.title,
            reference=instance.reference or f"#{instance.id}",
        ),
        "success",
    )
    return redirect(url_for("inbox.index"))


@bp.get("/lampiran/<int:attachment_id>")
@login_required
def attachment(attachment_id: int) -> Any:
    """Download an attachment: one linked to an instance for whoever may read it, one not
    linked yet for its uploader; 404 alike for an unknown id and one the user may not read."""
    row, path = attachment_service().open(attachment_id, me())
    response = send_file(
        path, mimetype=row.content_type, as_attachment=True, download_name=row.name, max_age=0
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
