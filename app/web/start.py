"""Ajukan permintaan / aduan baru: the catalog of what a user may start, and the start
form of each procedure, submitted through `InstanceService.start` exactly as
POST /api/v1/process-instances does."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from app.errors import FormInvalid, NotFound
from app.models import Service
from app.request_scope import platform, session
from app.services.accounts.permissions import may_start
from app.services.catalog.options import FormOptions
from app.services.catalog.services import DISRUPTION_FIELD, CatalogService
from app.services.process_models.deploy import DeployService
from app.web import nav
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
from app.web.pages import blueprint
from app.web.tasks import attachment_service

bp = blueprint("start", __name__)
nav.register("start.catalog", _l("Ajukan permintaan / aduan"), order=20)

#: Listed first, in this order: a request, a complaint.
FIRST = ("permintaan-layanan", "penanganan-aduan")
#: What the button for each of them says (other procedures show their name).
ACTIONS = {
    "permintaan-layanan": _l("Ajukan permintaan"),
    "penanganan-aduan": _l("Catat tiket aduan"),
}


@dataclass(frozen=True)
class Startable:
    """A procedure that can be started by hand, with its start form's schemas."""

    model_id: str
    name: str
    schema: dict[str, Any]
    ui_schema: dict[str, Any] | None

    @property
    def action(self) -> str:
        """The words on the button that opens its start form."""
        return str(ACTIONS.get(self.model_id, self.name))

    @property
    def reports_disruption(self) -> bool:
        """Its start form can be a disruption report ("Laporkan gangguan")."""
        return DISRUPTION_FIELD in (self.schema.get("properties") or {})

    @property
    def per_service(self) -> bool:
        """Its start form asks which service it is about."""
        return "layanan" in (self.schema.get("properties") or {})


def _startables() -> list[Startable]:
    """Deployed models with a start form that the user may start (the diagram's
    `startableBy`, checked again when the form is submitted)."""
    deploy = DeployService(session(), platform().clock, platform().specs)
    user = me()
    found = []
    for model, version in deploy.models():
        parsed = deploy.parsed(version.id)
        if parsed.start_form is None or not may_start(session(), user, parsed.start_roles):
            continue
        found.append(
            Startable(
                model.id,
                version.name or model.name,
                parsed.form_schema(parsed.start_form) or {},
                parsed.ui_schema(parsed.start_form),
            )
        )
    rank = {model_id: i for i, model_id in enumerate(FIRST)}
    found.sort(key=lambda s: (rank.get(s.model_id, len(rank)), s.name))
    return found


def _startable(model_id: str) -> Startable:
    for item in _startables():
        if item.model_id == model_id:
            return item
    deploy = DeployService(session(), platform().clock, platform().specs)
    deploy.latest(model_id)  # 404 for a model that does not exist
    abort(403)


@bp.get("/layanan")
@login_required
def catalog() -> Any:
    """Every service with its targets in force (the figures the clocks apply) and the
    procedures the user may start for it, and the staff's other procedures (not about one
    service)."""
    startables = _startables()
    catalog = CatalogService(session(), platform().clock)
    services = catalog.all()
    return render_template(
        "start/catalog.html",
        services=services,
        levels={s.code: catalog.levels(s) for s in services},
        per_service=[s for s in startables if s.per_service],
        general=[s for s in startables if not s.per_service],
    )


def _for_service(
    schema: dict[str, Any],
    ui_schema: dict[str, Any] | None,
    service: Service | None,
    data: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The start form as shown: bound fields as lists (the services, the chosen service's
    request types), and for one service that service fixed. Only the drawing changes; the
    server validates against the deployed form and the same lists.

    Without a fixed service the request types are served as branches for every service
    whatever `data` holds, so the page can follow a change of service (formfields.py
    shows the branch of the chosen one)."""
    shown = FormOptions(session(), platform().clock).serve(
        schema,
        data if service is not None else {},
        service.id if service else None,
        service.agency_id if service else None,
    )
    shown, ui = copy.deepcopy(shown), copy.deepcopy(ui_schema or {})
    properties = shown.get("properties") or {}
    if service is not None and "layanan" in properties:
        properties["layanan"].pop("oneOf", None)
        ui.setdefault("layanan", {})["ui:readonly"] = True
    return shown, ui


def _service_arg() -> Service | None:
    code = request.args.get("layanan")
    if not code:
        return None
    try:
        return CatalogService(session(), platform().clock).get(code)
    except NotFound:
        abort(404)


def _start_page(
    item: Startable,
    service: Service | None,
    data: dict[str, Any],
    errors: dict[str, list[str]] | None,
    status: int,
) -> Any:
    """The start page, with the server's field errors in the reader's language."""
    schema = item.schema
    shown, ui = _for_service(schema, item.ui_schema, service, data)
    shown_errors = localized_errors(errors)
    return (
        render_template(
            "start/form.html",
            item=item,
            service=service,
            disruption=data.get(DISRUPTION_FIELD) is True,
            schema=schema,
            form=render_form(shown, ui, data, shown_errors, filters=filter_texts(request.form)),
            errors=shown_errors,
            error_labels={path: field_label(shown, ui, path) for path in shown_errors},
        ),
        status,
    )


@bp.get("/mulai/<model_id>")
@login_required
def form(model_id: str) -> Any:
    """The start form of a procedure, for the service named by ?layanan= if any, marked
    as a disruption report by ?gangguan=1 when the form can be one."""
    item = _startable(model_id)
    service = _service_arg()
    data: dict[str, Any] = (
        {"layanan": service.code} if service is not None and item.per_service else {}
    )
    if request.args.get("gangguan") and item.reports_disruption:
        data[DISRUPTION_FIELD] = True
    return _start_page(item, service, data, None, 200)


@bp.post("/mulai/<model_id>")
@login_required
def submit(model_id: str) -> Any:
    """Start the procedure with the posted start form; field errors come back in place.
    A row or filter button (no JavaScript) only draws the form again, input kept."""
    item = _startable(model_id)
    service = _service_arg()
    user = me()
    schema = item.schema
    ui = item.ui_schema
    posted: MultiDict[str, str] = MultiDict(request.form)
    action = round_trip(posted)
    if action is not None and action[0] == "remove":
        posted = without_row(posted, action[1])
    data = parse_submission(schema, ui, posted, request.files)
    try:
        data = attachment_service().resolve(data, user, None)
        session().commit()
    except FormInvalid as err:
        session().rollback()
        return _start_page(item, service, data, err.errors, 422)
    if action is not None:
        if action[0] == "add":
            data = with_blank_row(data, action[1])
        return _start_page(item, service, data, None, 200)
    try:
        instance = platform().instances(session()).start(model_id, data, user)
    except FormInvalid as err:
        session().rollback()
        flash(_("Periksa isian yang ditandai; pengajuan belum terkirim."), "error")
        return _start_page(item, service, data, err.errors, 422)
    session().commit()
    return redirect(url_for("start.started", instance_id=instance.id))


@bp.get("/mulai/terkirim/<int:instance_id>")
@login_required
def started(instance_id: int) -> Any:
    """The new record's number, for the user to quote."""
    instances = platform().instances(session())
    instance = instances.get(instance_id, me())
    return render_template(
        "start/started.html", instance=instance, tasks=instances.open_tasks(instance)
    )
