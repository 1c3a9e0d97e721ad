"""`GET /api/v1/maturity?agency=&period=`: a PD's maturity level (Perbup Bangka 21/2025,
Tabel 15) with the evidence found in its records and what is missing for each level.

Who may ask is who may see the PD's dashboard (`VIEW_DASHBOARDS`, for the PDs of their
scope): the same supervisors are judged on it. Without `agency`, the reader's own PD.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.deps import authenticated, current_user, platform, session
from app.services.evaluation.maturity import Maturity, MaturityService
from app.services.evaluation.maturity_bundle import EXPORTS, export

FORMATS = ("json", *EXPORTS)

blp = Blueprint(
    "maturity",
    __name__,
    url_prefix="/api/v1",
    description="Tingkat kematangan Manajemen Layanan SPBE dan buktinya (Tabel 15)",
)


class MaturityQuerySchema(Schema):
    agency = fields.String(
        validate=validate.Length(min=1, max=40),
        metadata={
            "description": "PD code; default the reader's own PD",
            "x-options": "agencies",
        },
    )
    period = fields.String(
        required=True,
        validate=validate.Regexp(r"^[0-9]{4}(-S[12])?$"),
        metadata={"description": "A year (2026) or a semester (2026-S1, 2026-S2)"},
    )
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(FORMATS),
        metadata={
            "description": "json; pdf, the assessment with links to its evidence; zip, the "
            "evidence bundle: that PDF and the files attached to the evidence cases"
        },
    )


class EvidenceSchema(Schema):
    title = fields.String()
    url = fields.String(metadata={"description": "The record's page, relative to the site"})


class LevelSchema(Schema):
    level = fields.Integer()
    criteria = fields.String()
    met = fields.Boolean()
    evidence = fields.List(fields.Nested(EvidenceSchema))
    missing = fields.List(fields.String())


class MaturitySchema(Schema):
    agency = fields.String()
    period = fields.String()
    level = fields.Integer(metadata={"description": "0-5: the highest level met with all below"})
    levels = fields.List(fields.Nested(LevelSchema))


def maturity_dict(maturity: Maturity) -> dict[str, Any]:
    """The assessment as `MaturitySchema` dumps it."""
    return {
        "agency": maturity.agency.code,
        "period": maturity.period.name,
        "level": maturity.level,
        "levels": [
            {
                "level": level.level,
                "criteria": level.criteria,
                "met": level.met,
                "evidence": [{"title": e.title, "url": e.url} for e in level.evidence],
                "missing": level.missing,
            }
            for level in maturity.levels
        ],
    }


@blp.route("/maturity", methods=["GET"])
@authenticated
@blp.arguments(MaturityQuerySchema, location="query")
@blp.response(
    200,
    MaturitySchema,
    content_type="application/json",
    description="JSON, or with format=pdf / zip the PDF or the evidence bundle",
)
@blp.alt_response(403, description="The PD is outside the reader's dashboards")
@blp.alt_response(422, description="`period` missing or not YYYY / YYYY-S1 / YYYY-S2")
def read_maturity(query: dict[str, Any]) -> Any:
    """The PD's level in the period, each level's criteria, evidence and what is missing."""
    user = current_user()
    visible = platform().instances(session()).visible_clause(user)
    maturity = MaturityService(session(), platform().clock).for_reader(
        user, query.get("agency"), query["period"], visible
    )
    if query["format"] == "json":
        return maturity_dict(maturity)
    content, mimetype, filename = export(
        session(),
        maturity,
        query["format"],
        request.host_url.rstrip("/"),
        platform().clock.now(),
        platform().attachments(session()),
        user,
    )
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
