"""A service's SLA document as PDF, and its versions (issue 15, item 7): whoever holds a
role reads them. Reading the document generates its next version when the service's data
changed since the newest one (`SlaDocumentService.current`)."""

from __future__ import annotations

from typing import Any

from flask import Response, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.deps import authenticated, current_user, platform, session
from app.api.schemas import PageQuerySchema
from app.models import SlaDocument, User
from app.services.documents.sla import SlaDocumentService

blp = Blueprint(
    "sla_documents",
    __name__,
    url_prefix="/api/v1",
    description="Dokumen SLA layanan (PDF), berversi",
)


class SlaDocumentQuerySchema(Schema):
    version = fields.Integer(
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={
            "description": "A stored version; without it the newest, generated anew "
            "when the service's data changed"
        },
    )


class SlaVersionSchema(Schema):
    version = fields.Integer()
    generated_at = fields.DateTime()
    generated_by = fields.String(allow_none=True)
    data_hash = fields.String(metadata={"description": "SHA-256 of the data it was made from"})
    size = fields.Integer(metadata={"description": "Bytes of the PDF"})
    url = fields.String()


class SlaVersionPageSchema(Schema):
    items = fields.List(fields.Nested(SlaVersionSchema))
    total = fields.Integer()


def _documents() -> SlaDocumentService:
    return SlaDocumentService(session(), platform().clock, current_user())


def _version(code: str, row: SlaDocument) -> dict[str, Any]:
    user = session().get(User, row.generated_by_id) if row.generated_by_id else None
    return {
        "version": row.version,
        "generated_at": row.generated_at,
        "generated_by": user.username if user else None,
        "data_hash": row.data_hash,
        "size": row.size,
        "url": url_for(".sla_document", code=code, version=row.version),
    }


@blp.route("/services/<string:code>/sla-document", methods=["GET"])
@authenticated
@blp.arguments(SlaDocumentQuerySchema, location="query")
@blp.response(
    200,
    description="The PDF (Content-Disposition names the service and the version)",
    content_type="application/pdf",
)
@blp.alt_response(403, description="The caller holds no role")
@blp.alt_response(404, description="No such service or version")
def sla_document(query: dict[str, int], code: str) -> Response:
    """The service's SLA document: `?version=N`, or the newest."""
    row, filename = _documents().read(code, query.get("version"))
    session().commit()  # a newly generated version is kept
    return Response(
        row.content,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@blp.route("/services/<string:code>/sla-documents", methods=["GET"])
@authenticated
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, SlaVersionPageSchema)
@blp.alt_response(403, description="The caller holds no role")
@blp.alt_response(404, description="No such service")
def list_sla_documents(query: dict[str, Any], code: str) -> dict[str, Any]:
    """The stored versions of the service's SLA document, newest first."""
    rows, total = _documents().versions(code, query["page"], query["per_page"])
    return {"items": [_version(code, row) for row in rows], "total": total}
