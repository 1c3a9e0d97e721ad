"""The valid values of a bound form field, for a browser whose parent field changed."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api.deps import authenticated, current_user, platform, session
from app.api.schemas import OptionsQuerySchema, OptionsSchema
from app.services.catalog.options import FormOptions

blp = Blueprint("forms", __name__, url_prefix="/api/v1/forms", description="Form options")


@blp.route("/options", methods=["GET"])
@authenticated
@blp.arguments(OptionsQuerySchema, location="query")
@blp.response(200, OptionsSchema)
@blp.alt_response(422, description="Unknown source, or holders without a task")
def options(query: dict[str, Any]) -> dict[str, Any]:
    """`{"oneOf": [{"const", "title"}...]}` for `source` (`services`, `request-types`,
    `agencies`, `holders:<role>`), given the `parent` value a dependent source needs; with
    `task_id`, in that task's scope (holders need one), with `model_id`, for its start form.
    """
    source, parent = query["source"], query.get("parent")
    if query.get("task_id"):
        found = (
            platform().tasks(session()).options(query["task_id"], current_user(), source, parent)
        )
    else:
        if query.get("model_id"):
            platform().instances(session()).deployments.latest(query["model_id"])
        bound = FormOptions(session(), platform().clock)
        bound.require_source(source, for_task=False)
        found = bound.choices(source, parent)
    return {"oneOf": [choice.as_schema() for choice in found]}
