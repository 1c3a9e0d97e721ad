"""Service continuity (Kepbup Polewali Mandar 685/2021, III.3): a service's DRP as numbered
versions, the one in force first, and the training held on it (issue 14, item 7).

A version is recorded with a JSON body, or as multipart with the DRP document itself in
`file` (PDF, DOCX or ODT, within the attachments' size limit) and `contacts` as JSON text;
`GET .../drp/{version}/document` downloads that file for whoever may read the DRP.
"""

from __future__ import annotations

import json
from typing import Any

from flask import request, send_file, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate

from app.api.deps import authenticated, current_user, platform, session
from app.api.schemas import PageQuerySchema
from app.models import ContinuityPlan, ContinuityTraining, RecoveryOption, User
from app.services.continuity.plans import DOCUMENT_FIELD, ContinuityService

blp = Blueprint(
    "continuity",
    __name__,
    url_prefix="/api/v1",
    description="Kelangsungan layanan: DRP berversi dan pelatihannya",
)

OPTIONS = [o.value for o in RecoveryOption]


class ContactSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    role = fields.String(required=True, validate=validate.Length(min=1, max=200))
    telephone = fields.String(required=True, validate=validate.Length(min=1, max=200))


class PlanCreateSchema(Schema):
    rpo_minutes = fields.Integer(required=True, validate=validate.Range(min=0, max=525600))
    rto_minutes = fields.Integer(required=True, validate=validate.Range(min=1, max=525600))
    recovery_option = fields.String(required=True, validate=validate.OneOf(OPTIONS))
    recovery_strategy = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    backup_strategy = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    contacts = fields.List(fields.Nested(ContactSchema), validate=validate.Length(max=30))
    document_reference = fields.String(validate=validate.Length(max=200))
    note = fields.String(
        validate=validate.Length(max=20000),
        metadata={"description": "What changed, and from which test or evaluation"},
    )
    source_instance_id = fields.Integer(allow_none=True)


class ContactsText(fields.String):
    """`contacts` in a multipart form: JSON text of the list the JSON body carries, its
    problems named as the JSON body's are (contacts.0.telephone)."""

    _list = fields.List(fields.Nested(ContactSchema), validate=validate.Length(max=30))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            parsed = json.loads(text)
        except ValueError:
            raise ValidationError(
                "teks JSON daftar kontak / JSON text of a list of contacts"
            ) from None
        return self._list.deserialize(parsed)


class PlanFormSchema(PlanCreateSchema):
    """The multipart form of a new version: the JSON body's fields, and the document."""

    contacts = ContactsText(metadata={"description": 'JSON text: [{"name", "role", "telephone"}]'})
    file = fields.Raw(
        metadata={
            "type": "string",
            "format": "binary",
            "description": "The DRP document: PDF, DOCX or ODT",
        }
    )


PLAN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": PlanCreateSchema},
            "multipart/form-data": {"schema": PlanFormSchema},
        },
    }
}


class DocumentSchema(Schema):
    name = fields.String()
    size = fields.Integer()
    content_type = fields.String()


class PlanSchema(Schema):
    service = fields.String()
    version = fields.Integer()
    rpo_minutes = fields.Integer()
    rto_minutes = fields.Integer()
    recovery_option = fields.String(metadata={"enum": OPTIONS})
    recovery_strategy = fields.String()
    backup_strategy = fields.String()
    contacts = fields.List(fields.Nested(ContactSchema))
    document_reference = fields.String()
    has_document = fields.Boolean(metadata={"description": "Whether the DRP file is attached"})
    document = fields.Nested(DocumentSchema, allow_none=True)
    document_url = fields.String(allow_none=True, metadata={"description": "Its download"})
    note = fields.String()
    source_instance_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)


class PlansSchema(Schema):
    service = fields.String()
    current = fields.Nested(PlanSchema, allow_none=True)
    versions = fields.List(fields.Nested(PlanSchema))


class TrainingCreateSchema(Schema):
    held_on = fields.Date(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    participants = fields.Integer(required=True, validate=validate.Range(min=1, max=10000))
    notes = fields.String(validate=validate.Length(max=20000))


class TrainingSchema(Schema):
    id = fields.Integer()
    held_on = fields.Date()
    title = fields.String()
    participants = fields.Integer()
    notes = fields.String()
    plan_version = fields.Integer(allow_none=True, metadata={"description": "The DRP in force"})
    created_by = fields.String(allow_none=True)


class TrainingPageSchema(Schema):
    items = fields.List(fields.Nested(TrainingSchema))
    total = fields.Integer()


def _service() -> ContinuityService:
    return ContinuityService(
        session(), platform().clock, current_user(), platform().attachments(session())
    )


def _by(user_id: int | None) -> str | None:
    user = session().get(User, user_id) if user_id else None
    return user.username if user else None


def _plan(code: str, plan: ContinuityPlan) -> dict[str, Any]:
    document = plan.document
    return {
        "service": code,
        **{
            key: getattr(plan, key)
            for key in (
                "version",
                "rpo_minutes",
                "rto_minutes",
                "recovery_option",
                "recovery_strategy",
                "backup_strategy",
                "contacts",
                "document_reference",
                "note",
                "source_instance_id",
                "created_at",
            )
        },
        "created_by": _by(plan.created_by_id),
        "has_document": document is not None,
        "document": None
        if document is None
        else {"name": document.name, "size": document.size, "content_type": document.content_type},
        "document_url": None
        if document is None
        else url_for(".download_document", code=code, version=plan.version),
    }


def _training(training: ContinuityTraining) -> dict[str, Any]:
    return {
        "id": training.id,
        "held_on": training.held_on,
        "title": training.title,
        "participants": training.participants,
        "notes": training.notes,
        "plan_version": training.plan_version,
        "created_by": _by(training.created_by_id),
    }


@blp.route("/services/<string:code>/drp", methods=["GET"])
@authenticated
@blp.response(200, PlansSchema)
@blp.alt_response(403, description="Staff only")
@blp.alt_response(404, description="No such service")
def read_plans(code: str) -> dict[str, Any]:
    """The service's DRP in force and every earlier version."""
    versions = _service().versions(code)
    return {
        "service": code,
        "current": _plan(code, versions[0]) if versions else None,
        "versions": [_plan(code, plan) for plan in versions],
    }


@blp.route("/services/<string:code>/drp", methods=["POST"])
@authenticated
@blp.doc(**PLAN_BODY)
@blp.response(201, PlanSchema)
@blp.alt_response(403, description="Not a continuity keeper of the service")
@blp.alt_response(404, description="No such service")
@blp.alt_response(413, description="The document exceeds ATTACHMENT_MAX_BYTES (errors name `file`)")
@blp.alt_response(422, description="`errors` names the field (`file`: not a PDF, DOCX or ODT)")
def record_plan(code: str) -> dict[str, Any]:
    """Record the next version of the DRP; its RPO and RTO become the catalog's. JSON, or
    multipart with the DRP document in `file`."""
    parser = blp.ARGUMENTS_PARSER
    document = None
    if request.mimetype == "multipart/form-data":
        body = parser.parse(PlanFormSchema(), location="form")
        body.pop(DOCUMENT_FIELD, None)
        upload = request.files.get(DOCUMENT_FIELD)
        document = upload if upload is not None and upload.filename else None
    else:
        body = parser.parse(PlanCreateSchema(), location="json")
    plan = _service().record(code, body, document=document)
    session().commit()
    return _plan(code, plan)


@blp.route("/services/<string:code>/drp/<int:version>", methods=["GET"])
@authenticated
@blp.response(200, PlanSchema)
@blp.alt_response(403, description="Staff only")
@blp.alt_response(404, description="No such service or version")
def read_plan(code: str, version: int) -> dict[str, Any]:
    """One version of the service's DRP."""
    return _plan(code, _service().version(code, version))


@blp.route("/services/<string:code>/drp/<int:version>/document", methods=["GET"])
@authenticated
@blp.response(
    200,
    description="The DRP file, as a download (Content-Disposition: attachment; nosniff)",
    content_type="application/octet-stream",
)
@blp.alt_response(403, description="Staff only")
@blp.alt_response(404, description="No such service or version, or a version without one")
def download_document(code: str, version: int) -> Any:
    """The document of one version of the service's DRP."""
    row, path = _service().document(code, version)
    response = send_file(
        path, mimetype=row.content_type, as_attachment=True, download_name=row.name, max_age=0
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blp.route("/services/<string:code>/drp-trainings", methods=["GET"])
@authenticated
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, TrainingPageSchema)
@blp.alt_response(403, description="Staff only")
@blp.alt_response(404, description="No such service")
def list_trainings(query: dict[str, Any], code: str) -> dict[str, Any]:
    """Trainings held on the service's recovery procedures, the latest first."""
    rows, total = _service().trainings(code, query["page"], query["per_page"])
    return {"items": [_training(row) for row in rows], "total": total}


@blp.route("/services/<string:code>/drp-trainings", methods=["POST"])
@authenticated
@blp.arguments(TrainingCreateSchema)
@blp.response(201, TrainingSchema)
@blp.alt_response(403, description="Not a continuity keeper of the service")
@blp.alt_response(404, description="No such service")
@blp.alt_response(422, description="`errors` names the field (held_on in the future...)")
def add_training(body: dict[str, Any], code: str) -> dict[str, Any]:
    """Record a training held on the service's recovery procedures."""
    training = _service().add_training(code, body)
    session().commit()
    return _training(training)
