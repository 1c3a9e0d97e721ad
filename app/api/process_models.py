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
    VersionQuerySchema,
)
from app.services.catalog.options import FormOptions
from app.services.process_models.deploy import DeployService
from app.services.process_models.form_order import in_ui_order

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
                        "file": {"type": "array", "items": {"type": "string", "format": "binary"}}
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
    """Deploy a BPMN file with its DMN and form files as the model's next version."""
    files = {
        (upload.filename or "unnamed").rsplit("/", 1)[-1]: upload.read()
        for upload in request.files.getlist("file")
    }
    result = _service().deploy_upload(files, current_user())
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
    }


@blp.route("/<string:model_id>/bpmn", methods=["GET"])
@authenticated
@blp.arguments(VersionQuerySchema, location="query")
@blp.response(200, description="The BPMN XML")
def get_bpmn(query: dict[str, int], model_id: str) -> Response:
    """The BPMN XML of the newest version, or of `?version=N`."""
    service = _service()
    number = query.get("version")
    version = service.version(model_id, number) if number else service.latest(model_id)
    return Response(service.file(version, "bpmn").content, mimetype="application/xml")
