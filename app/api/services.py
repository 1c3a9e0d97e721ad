"""The service catalog: everyone reads, Admin Sistem writes, imports and exports."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from app.api.deps import (
    SHEET_UPLOAD,
    authenticated,
    current_user,
    platform,
    session,
    uploaded_sheet,
)
from app.api.schemas import (
    ExportQuerySchema,
    ImportResultSchema,
    ServiceSchema,
    ServiceUpdateSchema,
)
from app.services.catalog.services import CatalogService

blp = Blueprint(
    "services", __name__, url_prefix="/api/v1/services", description="Katalog layanan SPBE"
)

_MIME = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _catalog() -> CatalogService:
    return CatalogService(session(), platform().clock, current_user())


@blp.route("", methods=["GET"])
@authenticated
@blp.response(200, ServiceSchema(many=True))
def list_services() -> list[dict[str, Any]]:
    """The whole catalog."""
    catalog = _catalog()
    return [catalog.entry(s) for s in catalog.all()]


@blp.route("", methods=["POST"])
@authenticated
@blp.arguments(ServiceSchema)
@blp.response(201, ServiceSchema)
@blp.alt_response(422, description="Invalid entry (e.g. Kritis without RPO, RTO, DRP)")
def create_service(body: dict[str, Any]) -> dict[str, Any]:
    """Add a service (or replace the one with the same code)."""
    catalog = _catalog()
    service = catalog.save(body)
    session().commit()
    return catalog.entry(service)


@blp.route("/export", methods=["GET"])
@authenticated
@blp.arguments(ExportQuerySchema, location="query")
@blp.response(200, description="The catalog as CSV or XLSX")
def export_catalog(query: dict[str, str]) -> Response:
    """Download the catalog (`?format=csv` or `xlsx`)."""
    fmt = query["format"]
    return Response(
        _catalog().export(fmt),
        mimetype=_MIME[fmt],
        headers={"Content-Disposition": f"attachment; filename=katalog-layanan.{fmt}"},
    )


@blp.route("/import", methods=["POST"])
@authenticated
@blp.doc(**SHEET_UPLOAD)
@blp.response(200, ImportResultSchema)
@blp.alt_response(422, description="Row-level errors; nothing was imported")
def import_catalog() -> dict[str, int]:
    """Create or update services from a CSV or XLSX file, all rows or none."""
    created, updated = _catalog().import_file(*uploaded_sheet())
    session().commit()
    return {"created": created, "updated": updated}


@blp.route("/<string:code>", methods=["GET"])
@authenticated
@blp.response(200, ServiceSchema)
def get_service(code: str) -> dict[str, Any]:
    """One catalog entry."""
    catalog = _catalog()
    return catalog.entry(catalog.get(code))


@blp.route("/<string:code>", methods=["PUT"])
@authenticated
@blp.arguments(ServiceUpdateSchema)
@blp.response(200, ServiceSchema)
def update_service(body: dict[str, Any], code: str) -> dict[str, Any]:
    """Replace a catalog entry (its request types included)."""
    catalog = _catalog()
    service = catalog.save(body, code=code)
    session().commit()
    return catalog.entry(service)
