"""A service's SLA document from the catalog page (/layanan/<code>/sla.pdf; issue 15,
item 7): the same `SlaDocumentService` call as GET /api/v1/services/<code>/sla-document,
so a signed-in reader gets the newest version (generated when the service's data changed)
or, with `?versi=N`, a stored one."""

from __future__ import annotations

from flask import Response, abort, request
from flask_login import login_required

from app.request_scope import platform, session
from app.services.documents.sla import SlaDocumentService
from app.web.access import me
from app.web.pages import blueprint

bp = blueprint("sla_document_page", __name__, url_prefix="/layanan/<code>")


@bp.get("/sla.pdf")
@login_required
def show(code: str) -> Response:
    """The PDF, shown in the browser; 403 for an account holding no role, 404 for no such
    service or version."""
    documents = SlaDocumentService(session(), platform().clock, me())
    wanted = request.args.get("versi", "")
    if wanted and (not wanted.isdigit() or not 0 < int(wanted) < 2**31):
        abort(404)
    row, filename = documents.read(code, int(wanted) if wanted else None)
    session().commit()  # a newly generated version is kept
    return Response(
        row.content,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
