"""Capacity (Kepbup Polewali Mandar 685/2021, III.2.b): thresholds per configuration item,
measurements pushed by monitoring tools or people, a forecast; integration tokens for the
tools (issue 14, item 5).

`POST /api/v1/measurements` takes either this API's shape, `{"measurements": [{"item",
"metric", "value", "at"}]}`, or a Prometheus Alertmanager webhook (version 4) whose firing
alerts carry the labels `configuration_item` and `metric` and the annotation `value`
(README, "Capacity").
"""

from __future__ import annotations

import contextlib
from typing import Any

from flask import request
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from app.api.deps import (
    SHEET_UPLOAD,
    Unauthorized,
    authenticated,
    current_user,
    platform,
    session,
    uploaded_sheet,
    user_from_token,
)
from app.api.schemas import PageQuerySchema
from app.models import CapacityMetric
from app.services.accounts.integration_tokens import PREFIX, IntegrationTokenService
from app.services.configuration.capacity import CapacityService, Crossing, Reading

blp = Blueprint(
    "capacity",
    __name__,
    url_prefix="/api/v1",
    description="Kapasitas komponen konfigurasi: ambang batas, pengukuran, prakiraan",
)

METRICS = [m.value for m in CapacityMetric]


class CapacityMeasurementSchema(Schema):
    item = fields.Raw(
        required=True,
        metadata={
            "description": "The item's id, or its name",
            "oneOf": [{"type": "integer"}, {"type": "string"}],
        },
    )
    metric = fields.String(required=True, validate=validate.OneOf(METRICS))
    value = fields.Float(
        required=True,
        allow_nan=False,
        metadata={"description": "In the unit of the metric's threshold"},
    )
    at = fields.AwareDateTime(metadata={"description": "When measured (default: now)"})


class CapacityMeasurementsBodySchema(Schema):
    """This API's shape, or an Alertmanager webhook (its other keys are ignored)."""

    class Meta:
        unknown = EXCLUDE

    measurements = fields.List(
        fields.Nested(CapacityMeasurementSchema), validate=validate.Length(max=1000)
    )
    alerts = fields.List(
        fields.Dict(),
        validate=validate.Length(max=1000),
        metadata={
            "description": "Alertmanager: firing alerts with the labels configuration_item "
            "and metric and the annotation value"
        },
    )


class CapacityCrossingSchema(Schema):
    item_id = fields.Integer()
    metric = fields.String()
    level = fields.String(allow_none=True, metadata={"enum": ["warning", "critical", None]})
    complaint_id = fields.Integer(allow_none=True)
    problem = fields.String(allow_none=True, metadata={"description": "Why no complaint was filed"})


class CapacityRecordedSchema(Schema):
    recorded = fields.Integer()
    crossings = fields.List(fields.Nested(CapacityCrossingSchema))


class CapacityReporterSchema(Schema):
    nip_nik = fields.String(required=True)
    instansi = fields.String(required=True)
    telepon = fields.String(required=True)


class CapacityThresholdBodySchema(Schema):
    unit = fields.String(required=True, validate=validate.Length(min=1, max=20))
    capacity = fields.Float(allow_none=True, allow_nan=False)
    warning = fields.Float(required=True, allow_nan=False)
    critical = fields.Float(required=True, allow_nan=False)
    reporter = fields.Nested(CapacityReporterSchema, required=True)
    reporter_username = fields.String(
        metadata={"description": "Who files the complaints (default: the caller)"}
    )


class CapacityPointSchema(Schema):
    value = fields.Float()
    at = fields.DateTime()
    source = fields.String()


class CapacityForecastSchema(Schema):
    points = fields.Integer()
    slope_per_day = fields.Float(allow_none=True)
    warning_at = fields.DateTime(allow_none=True)
    critical_at = fields.DateTime(allow_none=True)


class CapacityReadingSchema(Schema):
    metric = fields.String()
    unit = fields.String(allow_none=True)
    capacity = fields.Float(allow_none=True)
    warning = fields.Float(allow_none=True)
    critical = fields.Float(allow_none=True)
    level = fields.String(allow_none=True)
    complaint_id = fields.Integer(allow_none=True)
    measurements = fields.List(fields.Nested(CapacityPointSchema))
    forecast = fields.Nested(CapacityForecastSchema)


class CapacitySchema(Schema):
    item_id = fields.Integer()
    metrics = fields.List(fields.Nested(CapacityReadingSchema))


class IntegrationTokenNameSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class IntegrationTokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class IssuedIntegrationTokenSchema(IntegrationTokenSchema):
    token = fields.String(metadata={"description": "Shown once; keep it in the tool"})


class IntegrationTokenPageSchema(Schema):
    items = fields.List(fields.Nested(IntegrationTokenSchema))
    total = fields.Integer()


def _capacity(actor: Any) -> CapacityService:
    return CapacityService(session(), platform().clock, platform().instances(session()), actor)


def _reading(reading: Reading) -> dict[str, Any]:
    threshold = reading.threshold
    return {
        "metric": reading.metric,
        "unit": threshold.unit if threshold else None,
        "capacity": threshold.capacity if threshold else None,
        "warning": threshold.warning if threshold else None,
        "critical": threshold.critical if threshold else None,
        "level": threshold.level if threshold else None,
        "complaint_id": threshold.complaint_id if threshold else None,
        "measurements": [
            {"value": m.value, "at": m.measured_at, "source": m.source}
            for m in reading.measurements
        ],
        "forecast": reading.forecast.__dict__,
    }


def _crossing(crossing: Crossing) -> dict[str, Any]:
    return crossing.__dict__


def _from_alerts(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Alertmanager's firing alerts as measurements (resolved ones carry no reading)."""
    found = []
    for alert in alerts:
        if alert.get("status", "firing") != "firing":
            continue
        labels = alert.get("labels") if isinstance(alert.get("labels"), dict) else {}
        notes = alert.get("annotations") if isinstance(alert.get("annotations"), dict) else {}
        value: Any = notes.get("value")
        with contextlib.suppress(ValueError):  # left as sent: the service names it
            value = float(value) if isinstance(value, str) else value
        entry = {
            "item": labels.get("configuration_item"),
            "metric": labels.get("metric"),
            "value": value,
        }
        if isinstance(alert.get("startsAt"), str):
            entry["at"] = alert["startsAt"].replace("Z", "+00:00")
        found.append(entry)
    return found


@blp.route("/measurements", methods=["POST"])
@blp.arguments(CapacityMeasurementsBodySchema)
@blp.response(201, CapacityRecordedSchema)
@blp.alt_response(401, description="Neither an integration token nor a person's token")
@blp.alt_response(403, description="A person who keeps none of the items")
@blp.alt_response(422, description="All or nothing: `errors` names measurements.N.field")
def record_measurements(body: dict[str, Any]) -> dict[str, Any]:
    """Record measurements (a monitoring tool's integration token, or a keeper of the
    items); a crossing of a critical threshold files one complaint."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    actor = None
    if scheme.lower() == "bearer" and token.strip().startswith(PREFIX):
        if not IntegrationTokenService(session(), platform().clock).valid(token.strip()):
            raise Unauthorized("Token integrasi tidak valid / invalid integration token")
    else:
        actor = user_from_token()
    if "alerts" in body:
        raw, source = _from_alerts(body["alerts"]), "alertmanager"
        if not raw:
            return {"recorded": 0, "crossings": []}
    else:
        raw, source = body.get("measurements"), "api"
    stored, crossings = _capacity(actor).record(raw, source)
    session().commit()
    return {"recorded": len(stored), "crossings": [_crossing(c) for c in crossings]}


@blp.route("/measurements/import", methods=["POST"])
@authenticated
@blp.doc(**SHEET_UPLOAD)
@blp.response(201, CapacityRecordedSchema)
@blp.alt_response(403, description="Not a keeper of one of the items")
@blp.alt_response(
    422,
    description="Nothing stored: `errors` lists {row, column, field, message} for every "
    "problem (the header is row 1), or the file is not a readable CSV or XLSX",
)
def import_measurements() -> dict[str, Any]:
    """Record the measurements of a CSV or XLSX file (columns komponen, metrik, nilai,
    waktu), all rows or none."""
    stored, crossings = _capacity(current_user()).import_file(*uploaded_sheet())
    session().commit()
    return {"recorded": len(stored), "crossings": [_crossing(c) for c in crossings]}


@blp.route("/configuration-items/<int:item_id>/capacity", methods=["GET"])
@authenticated
@blp.response(200, CapacitySchema)
@blp.alt_response(403, description="Staff only")
@blp.alt_response(404, description="No such item")
def item_capacity(item_id: int) -> dict[str, Any]:
    """Each metric's thresholds, the last 90 days of measurements and the forecast."""
    readings = _capacity(current_user()).readings(item_id)
    return {"item_id": item_id, "metrics": [_reading(r) for r in readings]}


@blp.route("/configuration-items/<int:item_id>/capacity/<string:metric>", methods=["PUT"])
@authenticated
@blp.arguments(CapacityThresholdBodySchema)
@blp.response(200, CapacityReadingSchema)
@blp.alt_response(403, description="Not a keeper of the item")
@blp.alt_response(404, description="No such item")
@blp.alt_response(
    422, description="`errors` names the field (metric, critical, reporter.nip_nik...)"
)
def set_threshold(body: dict[str, Any], item_id: int, metric: str) -> dict[str, Any]:
    """Set a metric's unit, capacity and thresholds, and who files its complaints."""
    service = _capacity(current_user())
    service.set_threshold(item_id, metric, body)
    session().commit()
    [reading] = [r for r in service.readings(item_id) if r.metric == metric]
    return _reading(reading)


@blp.route("/integration-tokens", methods=["GET"])
@authenticated
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, IntegrationTokenPageSchema)
@blp.alt_response(403, description="Admin Sistem only")
def list_tokens(query: dict[str, Any]) -> dict[str, Any]:
    """Integration tokens, newest first (their secrets are not kept)."""
    rows = IntegrationTokenService(session(), platform().clock, current_user()).all()
    start = (query["page"] - 1) * query["per_page"]
    return {"items": rows[start : start + query["per_page"]], "total": len(rows)}


@blp.route("/integration-tokens", methods=["POST"])
@authenticated
@blp.arguments(IntegrationTokenNameSchema)
@blp.response(201, IssuedIntegrationTokenSchema)
@blp.alt_response(403, description="Admin Sistem only")
def create_token(body: dict[str, Any]) -> dict[str, Any]:
    """Issue a token for a monitoring tool; its secret is in this answer only."""
    issued = IntegrationTokenService(session(), platform().clock, current_user()).create(
        body["name"]
    )
    session().commit()
    row = issued.row
    return {
        "id": row.id,
        "name": row.name,
        "created_at": row.created_at,
        "revoked_at": None,
        "token": issued.token,
    }


@blp.route("/integration-tokens/<int:token_id>", methods=["DELETE"])
@authenticated
@blp.response(204)
@blp.alt_response(403, description="Admin Sistem only")
@blp.alt_response(404, description="No such token")
@blp.alt_response(409, description="Already revoked")
def revoke_token(token_id: int) -> None:
    """Revoke a token: the tool holding it is refused from the next request."""
    IntegrationTokenService(session(), platform().clock, current_user()).revoke(token_id)
    session().commit()
