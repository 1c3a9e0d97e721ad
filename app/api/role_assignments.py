"""Role assignments: which user holds which role for a service, a PD, or everywhere."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api.deps import admin_accounts, authenticated, session
from app.api.present import assignment_dict
from app.api.schemas import AssignmentCreateSchema, AssignmentQuerySchema, AssignmentSchema

blp = Blueprint(
    "role_assignments",
    __name__,
    url_prefix="/api/v1/role-assignments",
    description="Role assignments",
)


@blp.route("", methods=["GET"])
@authenticated
@blp.arguments(AssignmentQuerySchema, location="query")
@blp.response(200, AssignmentSchema(many=True))
def list_assignments(query: dict[str, str]) -> list[dict[str, Any]]:
    """Assignments, optionally of one user (`?username=`) or one role (`?role=`)."""
    return [
        assignment_dict(a)
        for a in admin_accounts().assignments(query.get("username"), query.get("role"))
    ]


@blp.route("", methods=["POST"])
@authenticated
@blp.arguments(AssignmentCreateSchema)
@blp.response(201, AssignmentSchema)
@blp.alt_response(404, description="Unknown user, role, service or agency")
def grant(body: dict[str, Any]) -> dict[str, Any]:
    """Grant a role for a service, a PD (give one of them) or everywhere (neither)."""
    assignment, _ = admin_accounts().grant(
        body["username"], body["role"], body["service"], body["agency"]
    )
    session().commit()
    return assignment_dict(assignment)


@blp.route("/<int:assignment_id>", methods=["DELETE"])
@authenticated
@blp.response(204)
@blp.alt_response(409, description="The last active Admin Sistem's (errors name `role`)")
def revoke(assignment_id: int) -> None:
    """Revoke one assignment; the last active Admin Sistem keeps theirs (409)."""
    admin_accounts().revoke_assignment(assignment_id)
    session().commit()
