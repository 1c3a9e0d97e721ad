"""`GET /api/v1/search?q=&page=`: the cases the caller may read that match some words."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask_smorest import Blueprint

from app.api.deps import authenticated, current_user, platform, session
from app.api.schemas import SearchPageSchema, SearchQuerySchema

blp = Blueprint("search", __name__, url_prefix="/api/v1/search", description="Pencarian / search")


@blp.route("", methods=["GET"])
@authenticated
@blp.arguments(SearchQuerySchema, location="query")
@blp.response(200, SearchPageSchema)
@blp.alt_response(422, description="No word to search for, or too long (`q`)")
def search(query: dict[str, Any]) -> dict[str, Any]:
    """Number, title, description, symptoms, the work log and the service's and PD's
    names, every word matched as a word's start; best first, 20 a page; only cases the
    caller may read, and internal notes only for staff."""
    result = platform().search(session()).search(current_user(), query["q"], query["page"])
    return {"items": [asdict(hit) for hit in result.items], "next": result.next}
