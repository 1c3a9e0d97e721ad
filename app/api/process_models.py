"""Process models: list, read, deploy (Analis Proses), and the BPMN of a version."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_smorest import Blueprint

from app.api.deps import authenticated, current_user, platform, session
from app.api.schemas import (
    DeployResultSchema,
    ProcessModelSchema,
    ProcessModelSummarySchema,
    SettingsQuerySchema,
    SettingsSchema,
    SettingsUpdateSchema,
    VersionQuerySchema,
)
from app.services.catalog.options import FormOptions
from app.services.process_models.deploy import DeployService
from app.services.process_models.form_order import in_ui_order
from app.services.process_models.settings import EffectiveSetting, SettingsService

blp = Blueprint(
    "process_models",
    __name__,
    url_prefix="/api/v1/process-models",
    description="Process models (BPMN, DMN and forms)",
)


def _service() -> DeployService:
    return DeployService(session(), platform().clock, platform().specs)


@blp.route("", methods=["GET"])
@authenticated
@blp.response(200, ProcessModelSummarySchema(many=True))
def list_models() -> list[dict[str, Any]]:
    """Every deployed model with its newest version."""
    return [
        {
            "id": model.id,
            "name": model.name,
            "version": version.version,
            "deployed_at": version.deployed_at,
        }
        for model, version in _service().models()
    ]


@blp.route("", methods=["POST"])
@authenticated
@blp.doc(
    requestBody={
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "Same as file: the files of a model of several "
                            "BPMN, DMN and form files, deployed together",
                        },
                        "model_id": {
                            "type": "string",
                            "description": "The model's id; default the BPMN file's stem, "
                            "else the stem of the file holding the entry process",
                        },
                    },
                }
            }
        }
    }
)
@blp.response(201, DeployResultSchema)
@blp.alt_response(422, description="Invalid model: errors with file, line, element_id")
@blp.alt_response(403, description="Only Analis Proses may deploy")
def deploy() -> dict[str, Any]:
    """Deploy BPMN files with their DMN and form files as the model's next version: one
    BPMN file, or a bundle whose entry process docs/bpmn-conventions.md ("Models of several
    files") says how it is chosen. Call activities resolve within the bundle or to the
    entry process of another deployed model; an unresolved one is refused by its id."""
    uploads = [*request.files.getlist("file"), *request.files.getlist("files")]
    files = {(upload.filename or "unnamed").rsplit("/", 1)[-1]: upload.read() for upload in uploads}
    model_id = (request.form.get("model_id") or "").strip() or None
    result = _service().deploy_upload(files, current_user(), model_id)
    session().commit()
    return {
        "id": result.model_id,
        "version": result.version,
        "created": result.created,
        "warnings": [w.as_dict() for w in result.warnings],
    }


@blp.route("/<string:model_id>", methods=["GET"])
@authenticated
@blp.response(200, ProcessModelSchema)
def get_model(model_id: str) -> dict[str, Any]:
    """A model, its versions, and the start form a new instance must fill."""
    service = _service()
    latest = service.latest(model_id)
    parsed = service.parsed(latest.id)
    start = None
    if parsed.start_form is not None:
        ui_schema = parsed.ui_schema(parsed.start_form)
        start = {
            "schema": in_ui_order(
                FormOptions(session(), platform().clock).serve(
                    parsed.form_schema(parsed.start_form) or {}, {}
                ),
                ui_schema,
            ),
            "ui_schema": ui_schema,
        }
    return {
        "id": model_id,
        "name": latest.model.name,
        "version": latest.version,
        "deployed_at": latest.deployed_at,
        "versions": [
            {
                "version": v.version,
                "content_hash": v.content_hash,
                "deployed_at": v.deployed_at,
                "deployed_by": v.deployed_by.username if v.deployed_by else None,
                "warnings": v.warnings,
            }
            for v in latest.model.versions
        ],
        "start_form": start,
        "files": [f.name for f in latest.files],
    }


@blp.route("/<string:model_id>/bpmn", methods=["GET"])
@authenticated
@blp.arguments(VersionQuerySchema, location="query")
@blp.response(200, description="The BPMN XML")
def get_bpmn(query: dict[str, Any], model_id: str) -> Response:
    """The BPMN XML of the newest version, or of `?version=N`: the file holding the entry
    process, or another BPMN or DMN file of a bundle named by `?file=`."""
    service = _service()
    number = query.get("version")
    version = service.version(model_id, number) if number else service.latest(model_id)
    name = query.get("file")
    stored = service.named_file(version, name) if name else service.file(version, "bpmn")
    return Response(stored.content, mimetype="application/xml")


def _settings_service() -> SettingsService:
    return SettingsService(session(), platform().clock, platform().specs, current_user())


def _settings(model_id: str, agency: str | None, found: list[EffectiveSetting]) -> dict[str, Any]:
    """The settings as served: each with its value and who chose it, and the JSON Schema of
    a PUT's `values` (where null, outside the schema, removes a choice)."""
    return {
        "process_model_id": model_id,
        "agency": agency,
        "settings": [
            {
                "name": s.spec.name,
                "title": s.spec.title,
                "type": s.spec.type,
                "default": s.spec.default,
                "value": s.value,
                "source": s.source,
                "kabupaten": s.kabupaten,
                "pd": s.own,
            }
            for s in found
        ],
        "schema": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {s.spec.name: s.spec.json_schema() for s in found},
            "additionalProperties": False,
        },
    }


@blp.route("/<string:model_id>/settings", methods=["GET"])
@authenticated
@blp.arguments(SettingsQuerySchema, location="query")
@blp.response(200, SettingsSchema)
@blp.alt_response(404, description="Unknown model or PD")
def get_settings(query: dict[str, Any], model_id: str) -> dict[str, Any]:
    """The settings an administrator can change (product additions such as review layers),
    as they stand for `?agency=CODE` or kabupaten-wide: the diagram's default, overlaid by
    the kabupaten's choice, overlaid by the PD's. Instances take them at their start."""
    agency = query["agency"]
    return _settings(model_id, agency, _settings_service().read(model_id, agency))


@blp.route("/<string:model_id>/settings", methods=["PUT"])
@authenticated
@blp.arguments(SettingsUpdateSchema)
@blp.response(200, SettingsSchema)
@blp.alt_response(403, description="Admin Sistem only")
@blp.alt_response(404, description="Unknown model or PD")
@blp.alt_response(422, description="A setting the model does not declare, or a wrong value")
def put_settings(body: dict[str, Any], model_id: str) -> dict[str, Any]:
    """Choose setting values for a PD (`agency`) or kabupaten-wide (`agency: null`); a null
    value removes the choice. Applies to instances started afterwards."""
    agency = body["agency"]
    found = _settings_service().update(model_id, agency, body["values"])
    session().commit()
    return _settings(model_id, agency, found)
