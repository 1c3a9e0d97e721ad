"""The known-error register (Perbup Bangka 21/2025, 2.2.1.3), searched while handling
complaints. Staff only; written by the problem procedure, never by hand."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api.deps import authenticated, current_user, session
from app.api.schemas import KnownErrorPageSchema, KnownErrorQuerySchema
from app.models import KnownError
from app.services.catalog.known_errors import KnownErrorService

blp = Blueprint(
    "known_errors", __name__, url_prefix="/api/v1/known-errors", description="Known error"
)


def known_error_dict(row: KnownError) -> dict[str, Any]:
    """A known error with the problem that recorded it."""
    problem = row.instance
    return {
        "id": row.id,
        "problem": {
            "id": problem.id,
            "reference": problem.reference,
            "process_model_id": problem.process_model_id,
            "status": problem.status,
        },
        "service": problem.service.code if problem.service else None,
        "symptoms": row.symptoms,
        "root_cause": row.root_cause,
        "workaround": row.workaround,
        "recorded_at": row.recorded_at,
    }


@blp.route("", methods=["GET"])
@authenticated
@blp.arguments(KnownErrorQuerySchema, location="query")
@blp.response(200, KnownErrorPageSchema)
@blp.alt_response(403, description="Staff only")
def search(query: dict[str, Any]) -> dict[str, Any]:
    """Known errors whose symptoms, root cause or workaround contain `q`, newest first."""
    page = KnownErrorService(session()).search(
        current_user(), query.get("q"), query.get("service"), query["page"], query["per_page"]
    )
    return {"items": [known_error_dict(row) for row in page.items], "total": page.total}
