"""Files for forms' file fields: `POST /api/v1/attachments` uploads one,
`GET /api/v1/attachments/{id}` downloads it.

An upload belongs to its uploader until a start (`POST /api/v1/process-instances`) or a
completion (`POST /api/v1/tasks/{id}/complete`) names it in a file field
(`{"attachment_id": n}`); that instance then holds it and whoever may read the instance may
download it. A file no start or completion takes is removed by `spbe tick` after a day.
Limits, kinds and the read rule live in app/services/audit/attachments.py.
"""

from __future__ import annotations

from typing import Any

from flask import request, send_file
from flask_smorest import Blueprint

from app.api.deps import authenticated, current_user, platform, session
from app.api.schemas import AttachmentSchema
from app.errors import FormInvalid
from app.services.audit.attachments import reference

blp = Blueprint(
    "attachments",
    __name__,
    url_prefix="/api/v1/attachments",
    description="Lampiran / files for forms' file fields",
)


@blp.route("", methods=["POST"])
@authenticated
@blp.doc(
    requestBody={
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        }
    }
)
@blp.response(201, AttachmentSchema)
@blp.alt_response(413, description="Larger than ATTACHMENT_MAX_BYTES (errors name `file`)")
@blp.alt_response(422, description="No file, an empty one, or a kind not accepted")
def upload() -> dict[str, Any]:
    """Upload one file (multipart field `file`); the answer is the reference a form's file
    field takes. It stays the caller's alone until a start or completion names it."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise FormInvalid(
            "Berkas wajib diunggah / a file is required",
            {"file": ["Unggah satu berkas di isian 'file' / send one file in the 'file' field"]},
        )
    attachment = platform().attachments(session()).store(upload, current_user())
    session().commit()
    return reference(attachment)


@blp.route("/<int:attachment_id>", methods=["GET"])
@authenticated
@blp.response(
    200,
    description="The file, as a download (Content-Disposition: attachment; nosniff)",
    content_type="application/octet-stream",
)
@blp.alt_response(
    404,
    description="No such attachment, or one the caller may not read: the same answer",
)
def download(attachment_id: int) -> Any:
    """Download a file: one held by an instance for whoever may read the instance, one no
    instance holds yet for its uploader. An id the caller may not read answers 404, like
    an unknown one, so ids tell outsiders nothing."""
    row, path = platform().attachments(session()).open(attachment_id, current_user())
    response = send_file(
        path, mimetype=row.content_type, as_attachment=True, download_name=row.name, max_age=0
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
