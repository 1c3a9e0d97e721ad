"""The inbox and user-task actions."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from app.api.deps import authenticated, current_user, platform, reader_language, session
from app.api.known_errors import known_error_dict
from app.api.present import record_dict, task_dict
from app.api.process_instances import shown
from app.api.schemas import (
    AssignSchema,
    CompleteSchema,
    InboxExportQuerySchema,
    InboxQuerySchema,
    InboxSchema,
    InstanceEnvelopeSchema,
    TaskDetailSchema,
    TaskSchema,
)
from app.services.catalog.known_errors import KnownErrorService
from app.services.spreadsheet import EXPORT_MAX, MIME_TYPES
from app.services.tasks.inbox import InboxFilter, TaskService

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="User tasks")


def _service() -> TaskService:
    return platform().tasks(session())


@blp.route("", methods=["GET"])
@authenticated
@blp.arguments(InboxQuerySchema, location="query")
@blp.response(200, InboxSchema)
def inbox(query: dict[str, Any]) -> dict[str, Any]:
    """Ready tasks the caller may act on, newest first unless `sort` says otherwise."""
    filters = InboxFilter(sort=query["sort"])
    page = _service().inbox(current_user(), query["page"], query["per_page"], filters)
    return {"items": [task_dict(t) for t in page.items], "total": page.total}


@blp.route("/export", methods=["GET"])
@authenticated
@blp.arguments(InboxExportQuerySchema, location="query")
@blp.response(
    200,
    description=f"The whole inbox in `sort` order as CSV or XLSX: at most {EXPORT_MAX:,} "
    f"rows (a last row says when more matched), headers in the `Accept-Language` (id or "
    f"en), times in UTC, no personal field",
)
def export_inbox(query: dict[str, Any]) -> Response:
    """The inbox as a spreadsheet (`?format=csv|xlsx&sort=`)."""
    filters = InboxFilter(sort=query["sort"])
    table = _service().export(current_user(), filters, reader_language())
    fmt = query["format"]
    return Response(
        table.to(fmt),
        mimetype=MIME_TYPES[fmt],
        headers={"Content-Disposition": f"attachment; filename=tugas.{fmt}"},
    )


@blp.route("/<string:task_id>", methods=["GET"])
@authenticated
@blp.response(200, TaskDetailSchema)
@blp.alt_response(403, description="Not a candidate for this task")
def get_task(task_id: str) -> dict[str, Any]:
    """A task with its form, the data to prefill and, for the provider side, the newest
    known errors of the service (what problem management found, to try first)."""
    service = _service()
    view = service.get(task_id, current_user(), reader_language())
    task = view.task
    known = (
        KnownErrorService(session()).for_service(task.service_id)
        if task.requires_role and task.service_id is not None
        else []
    )
    return {
        **task_dict(task),
        "form": {"schema": view.schema, "ui_schema": view.ui_schema} if view.schema else None,
        "data": view.data,
        "candidates": service.candidates(task),
        "known_errors": [known_error_dict(row) for row in known],
        "record": record_dict(view.record),
    }


@blp.route("/<string:task_id>/claim", methods=["POST"])
@authenticated
@blp.response(200, TaskSchema)
@blp.alt_response(409, description="Claimed by someone else")
def claim(task_id: str) -> dict[str, Any]:
    """Take the task."""
    task = _service().claim(task_id, current_user())
    session().commit()
    return task_dict(task)


@blp.route("/<string:task_id>/unclaim", methods=["POST"])
@authenticated
@blp.response(200, TaskSchema)
def unclaim(task_id: str) -> dict[str, Any]:
    """Give the task back to the pool."""
    task = _service().unclaim(task_id, current_user())
    session().commit()
    return task_dict(task)


@blp.route("/<string:task_id>/assign", methods=["POST"])
@authenticated
@blp.arguments(AssignSchema)
@blp.response(200, TaskSchema)
@blp.alt_response(403, description="Not a supervisor of the task's instance")
@blp.alt_response(422, description="The user does not hold the lane's role for the scope")
@blp.alt_response(409, description="The task is closed, the requester's, or with that user")
def assign(body: dict[str, Any], task_id: str) -> dict[str, Any]:
    """Hand an open task, unroutable ones included, to a holder of its lane's role; the
    new holder is notified and the instance gets a `task_reassigned` event."""
    task = (
        platform()
        .supervision(session())
        .assign(task_id, body["username"], current_user(), body["note"])
    )
    session().commit()
    return task_dict(task)


@blp.route("/<string:task_id>/complete", methods=["POST"])
@authenticated
@blp.arguments(CompleteSchema)
@blp.response(200, InstanceEnvelopeSchema)
@blp.alt_response(422, description="Data fails the form")
@blp.alt_response(409, description="No longer ready")
def complete(body: dict[str, Any], task_id: str) -> dict[str, Any]:
    """Submit the task's form; the process runs on to its next wait."""
    service = _service()
    instance = service.complete(task_id, body["data"], current_user())
    answer = {"process_instance": shown(instance, acted=True)}  # read before commit expires it
    session().commit()
    return answer
