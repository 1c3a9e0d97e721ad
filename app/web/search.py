"""The search page (/cari): the cases the signed-in user may read that match some words,
from the search box in the top bar (issue 12, item 5). Plain links and a GET form, so it
works without JavaScript; the same service and rules as `GET /api/v1/search`."""

from __future__ import annotations

import re
from typing import Any

from flask import abort, render_template, request
from flask_login import login_required
from markupsafe import Markup, escape

from app.errors import InvalidInput
from app.request_scope import platform, session
from app.services.casework.search import QUERY_MAX, SearchResult
from app.web.access import me
from app.web.i18n import half
from app.web.pages import blueprint

bp = blueprint("search_page", __name__)


def marked(text: str, words: list[str]) -> Markup:
    """`text` escaped, with each word start the search matched in `<mark>`."""
    if not words:
        return escape(text)
    pattern = re.compile(
        r"(?<![^\W_])(" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE
    )
    pieces: list[Markup] = []
    position = 0
    for found in pattern.finditer(text):
        pieces.append(escape(text[position : found.start()]))
        pieces.append(Markup("<mark>{}</mark>").format(found.group(0)))
        position = found.end()
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)


@bp.get("/cari")
@login_required
def index() -> Any:
    """The results for `?q=` (the form alone without it), `?halaman=` for later pages."""
    query = request.args.get("q", "")
    page = request.args.get("halaman", 1, type=int)
    if not 0 < page < 10_000:
        abort(404)
    result: SearchResult | None = None
    error = None
    if query.strip():
        try:
            result = platform().search(session()).search(me(), query, page)
        except InvalidInput as err:
            error = "; ".join(half(m) for messages in (err.errors or {}).values() for m in messages)
    return render_template(
        "search/results.html",
        query=query,
        page=page,
        result=result,
        error=error,
        query_max=QUERY_MAX,
        marked=marked,
    ), (422 if error else 200)
