"""The signed-in user's notifications: list (all or unread), mark one or all read.

Every signed-in user may call these, and only ever sees their own notifications.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api.deps import authenticated, current_user, platform, session
from app.api.schemas import (
    MarkedReadSchema,
    NotificationPageSchema,
    NotificationQuerySchema,
    NotificationSchema,
)
from app.models import Notification
from app.services.notifications.messages import NotificationService

blp = Blueprint(
    "notifications", __name__, url_prefix="/api/v1/notifications", description="Notifikasi"
)


def _service() -> NotificationService:
    return NotificationService(session(), platform().clock, platform().settings)


def notification_dict(notification: Notification) -> dict[str, Any]:
    """The API shape of one notification (e-mail internals such as errors stay hidden)."""
    return {
        "id": notification.id,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "link": notification.link,
        "process_instance_id": notification.instance_id,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
        "read": notification.read_at is not None,
        "email_status": notification.email_status,
    }


@blp.route("", methods=["GET"])
@authenticated
@blp.arguments(NotificationQuerySchema, location="query")
@blp.response(200, NotificationPageSchema)
def list_notifications(query: dict[str, Any]) -> dict[str, Any]:
    """The caller's notifications, newest first; `?unread=true` for the unread only."""
    service = _service()
    user = current_user()
    page = service.list(user, query["page"], query["per_page"], unread_only=query["unread"])
    return {
        "items": [notification_dict(n) for n in page.items],
        "total": page.total,
        "unread": service.unread_count(user),
    }


@blp.route("/<int:notification_id>/read", methods=["POST"])
@authenticated
@blp.response(200, NotificationSchema)
@blp.alt_response(404, description="No such notification for the caller")
def mark_read(notification_id: int) -> dict[str, Any]:
    """Mark one of the caller's notifications read (again is harmless)."""
    notification = _service().mark_read(current_user(), notification_id)
    session().commit()
    return notification_dict(notification)


@blp.route("/read-all", methods=["POST"])
@authenticated
@blp.response(200, MarkedReadSchema)
def mark_all_read() -> dict[str, int]:
    """Mark every unread notification of the caller read."""
    marked = _service().mark_all_read(current_user())
    session().commit()
    return {"marked": marked}
