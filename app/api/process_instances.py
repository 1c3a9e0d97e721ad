"""Process instances: start, list, read, suspend, resume, terminate."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from app.api.deps import authenticated, current_user, platform, reader_language, session
from app.api.present import (
    event_dict,
    instance_dict,
    linked_dict,
    my_case_dict,
    sla_explanation_dict,
    task_dict,
)
from app.api.schemas import (
    InstanceCreateSchema,
    InstanceDetailSchema,
    InstanceExportQuerySchema,
    InstancePageSchema,
    InstanceQuerySchema,
    InstanceSchema,
    SlaExplanationSchema,
    TerminateSchema,
)
from app.errors import NotFound
from app.models import Instance
from app.services.instances.lifecycle import InstanceService
from app.services.instances.messaging import EventSender
from app.services.instances.my_cases import MyCases
from app.services.instances.tracking import InstanceFilter
from app.services.spreadsheet import EXPORT_MAX, MIME_TYPES

blp = Blueprint(
    "process_instances",
    __name__,
    url_prefix="/api/v1/process-instances",
    description="Process instances",
)


def _service() -> InstanceService:
    return platform().instances(session())


def shown(instance: Instance, acted: bool = False) -> dict[str, Any]:
    """One instance as the caller may see it (personal data masked where needed).

    `acted`: the caller has just completed one of its tasks, which lets them read it
    (as `Disclosure.reveals` would find), so nothing more is asked of the database.
    """
    if acted:
        data = instance.data or {}
    else:
        disclosure = platform().instances(session()).disclosure(current_user())
        data = disclosure.data(instance, disclosure.reveals([instance]))
    return instance_dict(instance, platform().clock.now(), data)


@blp.route("", methods=["POST"])
@authenticated
@blp.arguments(InstanceCreateSchema)
@blp.response(201, InstanceSchema)
@blp.alt_response(422, description="Data fails the start form")
def start(body: dict[str, Any]) -> dict[str, Any]:
    """Start an instance of the newest version of a model."""
    service = _service()
    instance = service.start(body["process_model_id"], body["data"], current_user())
    session().commit()
    return shown(instance)


@blp.route("", methods=["GET"])
@authenticated
@blp.arguments(InstanceQuerySchema, location="query")
@blp.response(200, InstancePageSchema)
def list_instances(query: dict[str, Any]) -> dict[str, Any]:
    """Instances the caller may see, newest first unless `sort` says otherwise; with
    `mine=true` only the caller's own, each saying where it stands."""
    service = _service()
    page = service.find(
        current_user(),
        query.get("process_model_id"),
        query.get("status"),
        query["page"],
        query["per_page"],
        reference=query.get("reference"),
        sort=query["sort"],
        mine=query["mine"],
    )
    now = platform().clock.now()
    # Lists leave the data out: a page of big instances must stay small (issue 13).
    items = [instance_dict(i, now, {}) for i in page.items]
    for item in items:
        del item["data"]
    if query["mine"]:
        cases = MyCases(session(), platform().clock).describe(page.items, current_user())
        for item, case in zip(items, cases, strict=True):
            item.update(my_case_dict(case, reader_language()))
    return {"items": items, "total": page.total}


@blp.route("/export", methods=["GET"])
@authenticated
@blp.arguments(InstanceExportQuerySchema, location="query")
@blp.response(
    200,
    description=f"Every instance the filters select, in `sort` order, as CSV or XLSX: at "
    f"most {EXPORT_MAX:,} rows (a last row says when more matched), headers in the "
    f"`Accept-Language` (id or en), times in UTC, no personal field",
)
def export_instances(query: dict[str, Any]) -> Response:
    """The list as a spreadsheet (`?format=csv|xlsx`, the list's filters and `sort`)."""
    filters = InstanceFilter(
        process_model_id=query.get("process_model_id"),
        status=query.get("status"),
        reference=query.get("reference"),
        sort=query["sort"],
    )
    table = platform().tracking(session()).export(current_user(), filters, reader_language())
    fmt = query["format"]
    return Response(
        table.to(fmt),
        mimetype=MIME_TYPES[fmt],
        headers={"Content-Disposition": f"attachment; filename=instans.{fmt}"},
    )


@blp.route("/<int:instance_id>", methods=["GET"])
@authenticated
@blp.response(200, InstanceDetailSchema)
def get_instance(instance_id: int) -> dict[str, Any]:
    """An instance with its open tasks (and their candidates) and its history."""
    service = _service()
    user = current_user()
    instance = service.get(instance_id, user)
    disclosure = service.disclosure(user)
    revealed = disclosure.reveals([instance])
    result = instance_dict(instance, platform().clock.now(), disclosure.data(instance, revealed))
    tasks = platform().tasks(session())
    result["tasks"] = [
        {**task_dict(task), "candidates": tasks.candidates(task)}
        for task in service.open_tasks(instance)
    ]
    events = disclosure.events(instance, service.events(instance), revealed)
    result["events"] = [event_dict(e) for e in events]
    result["children"] = [linked_dict(child) for child in service.children(instance, user)]
    result["waiting_for"] = [
        {"kind": w.kind, "name": w.name, "correlation": list(w.correlation)}
        for w in EventSender(service).waiting_for(instance)
    ]
    return result


@blp.route("/<int:instance_id>/sla", methods=["GET"])
@authenticated
@blp.response(200, SlaExplanationSchema)
@blp.alt_response(404, description="No such instance, or it has no SLA clocks")
def explain_sla(instance_id: int) -> dict[str, Any]:
    """The SLA clocks rebuilt from the history: each deadline, its target and its basis,
    and the segments counted and not counted with the calendar rule that applied."""
    instance = _service().get(instance_id, current_user())
    report = platform().instances(session()).clocks.read(instance)
    if report is None:
        raise NotFound("Instans ini tanpa jam SLA / this instance has no SLA clocks")
    return sla_explanation_dict(report)


def _action(name: str) -> Any:
    @authenticated
    @blp.response(200, InstanceSchema)
    @blp.alt_response(403, description="Supervisors only")
    @blp.alt_response(409, description="Not in a state that allows this")
    def action(instance_id: int) -> dict[str, Any]:
        service = _service()
        instance = getattr(service, name)(instance_id, current_user())
        session().commit()
        return shown(instance)

    action.__name__ = name
    action.__doc__ = f"{name.capitalize()} an instance (supervisors in its scope)."
    return action


for _name in ("suspend", "resume"):
    blp.route(f"/<int:instance_id>/{_name}", methods=["POST"], endpoint=_name)(_action(_name))


@blp.route("/<int:instance_id>/terminate", methods=["POST"])
@authenticated
@blp.arguments(TerminateSchema, required=False)
@blp.response(200, InstanceSchema)
@blp.alt_response(403, description="Supervisors only")
@blp.alt_response(409, description="Not in a state that allows this")
def terminate(body: dict[str, Any] | None, instance_id: int) -> dict[str, Any]:
    """Terminate an instance (supervisors in its scope), optionally saying why."""
    reason = ((body or {}).get("reason") or "").strip() or None
    instance = _service().terminate(instance_id, current_user(), reason)
    session().commit()
    return shown(instance)
