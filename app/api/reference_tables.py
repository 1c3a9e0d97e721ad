"""SLA reference tables: anyone signed in reads them; Admin Sistem edits or resets them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask_smorest import Blueprint

from app.api.deps import authenticated, current_user, platform, session
from app.api.schemas import ReferenceTableSchema, ReferenceTableUpdateSchema
from app.services.deadlines.reference_tables import ReferenceService

blp = Blueprint(
    "reference_tables",
    __name__,
    url_prefix="/api/v1/reference-tables",
    description="Tabel acuan SLA (Perbup Bangka 21/2025, Tabel 2, 3, 4, 11-14)",
)


def _service() -> ReferenceService:
    return ReferenceService(session(), platform().clock, current_user())


@blp.route("", methods=["GET"])
@authenticated
@blp.response(200, ReferenceTableSchema(many=True))
def list_tables() -> list[dict[str, Any]]:
    """Every table, with whether its values are the regulation's or an administrator's."""
    return [asdict(view) for view in _service().views()]


@blp.route("/<string:name>", methods=["GET"])
@authenticated
@blp.response(200, ReferenceTableSchema)
def get_table(name: str) -> dict[str, Any]:
    """One table."""
    return asdict(_service().view(name))


@blp.route("/<string:name>", methods=["PUT"])
@authenticated
@blp.arguments(ReferenceTableUpdateSchema)
@blp.response(200, ReferenceTableSchema)
@blp.alt_response(422, description="The rows do not make a complete, valid table")
def update_table(body: dict[str, Any], name: str) -> dict[str, Any]:
    """Replace a table's rows (audited with the rows before and after)."""
    view = _service().update(name, body["rows"])
    session().commit()
    return asdict(view)


@blp.route("/<string:name>", methods=["DELETE"])
@authenticated
@blp.response(200, ReferenceTableSchema)
def reset_table(name: str) -> dict[str, Any]:
    """Return a table to the regulation's values."""
    view = _service().reset(name)
    session().commit()
    return asdict(view)
