"""The work log of an instance: `GET|POST /api/v1/process-instances/{id}/comments`.

Who may read or write is the instance read's rule (403 outside it, 404 for an unknown
id); internal notes are for staff, public replies for the requester too
(app/services/casework/).
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api.deps import authenticated, current_user, platform, session
from app.api.schemas import (
    CommentCreateSchema,
    CommentPageSchema,
    CommentQuerySchema,
    CommentSchema,
)
from app.models import Comment

blp = Blueprint(
    "comments",
    __name__,
    url_prefix="/api/v1/process-instances",
    description="Catatan kerja / work log",
)


def comment_dict(comment: Comment) -> dict[str, Any]:
    """The API shape of one comment, its files as references with their download."""
    return {
        "id": comment.id,
        "author": comment.author.username,
        "author_name": comment.author.full_name or comment.author.username,
        "created_at": comment.created_at,
        "visibility": comment.visibility,
        "body": comment.body,
        "attachments": [
            {
                "attachment_id": a.id,
                "name": a.name,
                "size": a.size,
                "content_type": a.content_type,
                "url": f"/api/v1/attachments/{a.id}",
            }
            for a in comment.attachments
        ],
    }


@blp.route("/<int:instance_id>/comments", methods=["GET"])
@authenticated
@blp.arguments(CommentQuerySchema, location="query")
@blp.response(200, CommentPageSchema)
@blp.alt_response(403, description="The caller may not read the instance")
@blp.alt_response(404, description="No such instance")
def list_comments(query: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """The comments the caller may read, oldest first (a requester: the public ones)."""
    page = (
        platform()
        .comments(session())
        .page(instance_id, current_user(), query["page"], query["per_page"])
    )
    return {"items": [comment_dict(c) for c in page.items], "total": page.total}


@blp.route("/<int:instance_id>/comments", methods=["POST"])
@authenticated
@blp.arguments(CommentCreateSchema)
@blp.response(201, CommentSchema)
@blp.alt_response(
    403,
    description="The caller may not read the instance, or a requester asked for an internal note",
)
@blp.alt_response(404, description="No such instance")
@blp.alt_response(422, description="A field is missing or wrong; `errors` names it")
def post_comment(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """Add an internal note or a public reply; a public reply notifies the other side."""
    comment = (
        platform()
        .comments(session())
        .post(
            instance_id,
            current_user(),
            body.get("body"),
            body.get("visibility"),
            body.get("attachments"),
        )
    )
    session().commit()
    return comment_dict(comment)
