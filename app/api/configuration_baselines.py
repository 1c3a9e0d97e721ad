"""Configuration baselines (Kepbup Polewali Mandar 685/2021, II.3 b.3 and e): take a named,
immutable snapshot of items, read it, and compare it with another or with now (issue 14,
item 3)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.deps import authenticated, current_user, platform, session
from app.api.schemas import PageQuerySchema
from app.models import Agency, ConfigurationBaseline, User
from app.services.configuration.baselines import (
    ADDED,
    CHANGED,
    REMOVED,
    SAME,
    BaselineService,
    Comparison,
)

blp = Blueprint(
    "configuration_baselines",
    __name__,
    url_prefix="/api/v1",
    description="Baseline konfigurasi: potret komponen yang tidak berubah, dan perbandingannya",
)


class BaselineCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=150))
    description = fields.String(validate=validate.Length(max=5000))
    agency = fields.String(
        allow_none=True, metadata={"description": "PD code; none: the kabupaten (Admin Sistem)"}
    )
    items = fields.List(
        fields.Integer(),
        validate=validate.Length(min=1, max=10000),
        metadata={"description": "Item ids; default: every item of the PD not retired"},
    )
    source_instance_id = fields.Integer(
        allow_none=True, metadata={"description": "The verification, change or release"}
    )


class BaselineSummarySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    agency = fields.String(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    source_instance_id = fields.Integer(allow_none=True)
    item_count = fields.Integer()


class BaselineSchema(BaselineSummarySchema):
    items = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(),
        metadata={"description": "Item id -> its recorded fields, type and relations"},
    )


class BaselinePageSchema(Schema):
    items = fields.List(fields.Nested(BaselineSummarySchema))
    total = fields.Integer()


class CompareQuerySchema(Schema):
    with_ = fields.Integer(
        data_key="with",
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "A later baseline; absent: now"},
    )


class DifferenceSchema(Schema):
    item_id = fields.Integer()
    name = fields.String()
    change = fields.String(metadata={"enum": [ADDED, REMOVED, CHANGED, SAME]})
    fields_ = fields.Dict(data_key="fields", metadata={"description": "field -> {before, after}"})


class ComparisonSchema(Schema):
    baseline = fields.Nested(BaselineSummarySchema)
    later = fields.Nested(BaselineSummarySchema, allow_none=True)
    summary = fields.Dict(keys=fields.String(), values=fields.Integer())
    items = fields.List(fields.Nested(DifferenceSchema))


def _service() -> BaselineService:
    return BaselineService(session(), platform().clock, current_user())


def _summary(baseline: ConfigurationBaseline) -> dict[str, Any]:
    agency = session().get(Agency, baseline.agency_id) if baseline.agency_id else None
    by = session().get(User, baseline.created_by_id) if baseline.created_by_id else None
    return {
        "id": baseline.id,
        "name": baseline.name,
        "description": baseline.description,
        "agency": agency.code if agency else None,
        "created_at": baseline.created_at,
        "created_by": by.username if by else None,
        "source_instance_id": baseline.source_instance_id,
        "item_count": len(baseline.items),
    }


def _comparison(comparison: Comparison) -> dict[str, Any]:
    return {
        "baseline": _summary(comparison.earlier),
        "later": _summary(comparison.later) if comparison.later else None,
        "summary": {c: comparison.count(c) for c in (ADDED, REMOVED, CHANGED, SAME)},
        "items": [
            {"item_id": d.item_id, "name": d.name, "change": d.change, "fields_": d.fields}
            for d in comparison.items
        ],
    }


@blp.route("/configuration-baselines", methods=["GET"])
@authenticated
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, BaselinePageSchema)
@blp.alt_response(403, description="Staff only")
def list_baselines(query: dict[str, Any]) -> dict[str, Any]:
    """Baselines, newest first."""
    rows, total = _service().page(query["page"], query["per_page"])
    return {"items": [_summary(row) for row in rows], "total": total}


@blp.route("/configuration-baselines", methods=["POST"])
@authenticated
@blp.arguments(BaselineCreateSchema)
@blp.response(201, BaselineSchema)
@blp.alt_response(403, description="Not a keeper of the PD's items (Admin Sistem for all)")
@blp.alt_response(409, description="A baseline has the name")
@blp.alt_response(422, description="`errors` names the field (agency, items.N...)")
def take_baseline(body: dict[str, Any]) -> dict[str, Any]:
    """Take a baseline of the items named, else of every item of the PD not retired."""
    baseline = _service().take(body)
    session().commit()
    return {**_summary(baseline), "items": baseline.items}


@blp.route("/configuration-baselines/<int:baseline_id>", methods=["GET"])
@authenticated
@blp.response(200, BaselineSchema)
@blp.alt_response(403, description="Staff only")
@blp.alt_response(404, description="No such baseline")
def read_baseline(baseline_id: int) -> dict[str, Any]:
    """One baseline with its items as they were recorded."""
    baseline = _service().get(baseline_id)
    return {**_summary(baseline), "items": baseline.items}


@blp.route("/configuration-baselines/<int:baseline_id>/compare", methods=["GET"])
@authenticated
@blp.arguments(CompareQuerySchema, location="query")
@blp.response(200, ComparisonSchema)
@blp.alt_response(403, description="Staff only")
@blp.alt_response(404, description="No such baseline")
def compare_baseline(query: dict[str, Any], baseline_id: int) -> dict[str, Any]:
    """The baseline against a later one (`with`), or against now, item by item."""
    return _comparison(_service().compare(baseline_id, query.get("with_")))
