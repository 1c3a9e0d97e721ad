"""Marshmallow schemas: the API's request and response shapes (OpenAPI comes from them)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from app.services.instances.sorting import DEFAULT_SORT
from app.services.instances.sorting import SORTS as INSTANCE_SORTS
from app.services.tasks.inbox import INBOX_SORTS, InboxFilter
from app.sla.calendar import parse_iso_duration
from app.sla.service_targets import LEVELS as TARGET_LEVELS
from app.sla.service_targets import Unit

#: The largest integer input may carry: PostgreSQL's `integer`, the type of every count
#: and id column, so a larger number is 422 naming its field rather than an overflow.
INT_MAX = 2**31 - 1
#: A list's pages: past a million pages of at most 200 there is nothing to show, and the
#: OFFSET it asks for stays far inside the database's range (issue 13, item 4).
PAGE = validate.Range(min=1, max=1_000_000)


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(
        required=True, validate=validate.Length(min=1, max=200), load_only=True
    )


class UserSummarySchema(Schema):
    username = fields.String()
    full_name = fields.String()
    roles = fields.List(fields.String())


class TokenSchema(Schema):
    access_token = fields.String()
    token_type = fields.String()
    user = fields.Nested(UserSummarySchema)


class FormSchema(Schema):
    schema = fields.Dict(allow_none=True)
    ui_schema = fields.Dict(allow_none=True)


class ProcessModelSummarySchema(Schema):
    id = fields.String()
    name = fields.String()
    version = fields.Integer()
    deployed_at = fields.DateTime()


class VersionSchema(Schema):
    version = fields.Integer()
    content_hash = fields.String()
    deployed_at = fields.DateTime()
    deployed_by = fields.String(allow_none=True)
    warnings = fields.List(fields.Dict())


class ProcessModelSchema(ProcessModelSummarySchema):
    versions = fields.List(fields.Nested(VersionSchema))
    start_form = fields.Nested(FormSchema, allow_none=True)
    #: The newest version's files (a bundle has several BPMN and DMN files).
    files = fields.List(fields.String())


class DeployProblemSchema(Schema):
    file = fields.String()
    line = fields.Integer(allow_none=True)
    element_id = fields.String(allow_none=True)
    message = fields.String()


class DeployResultSchema(Schema):
    id = fields.String()
    version = fields.Integer()
    created = fields.Boolean()
    warnings = fields.List(fields.Nested(DeployProblemSchema))


class VersionQuerySchema(Schema):
    version = fields.Integer(validate=validate.Range(min=1, max=INT_MAX))
    #: One BPMN or DMN file of a bundle; default the file holding the entry process.
    file = fields.String(validate=validate.Length(min=1, max=200))


class TaskSchema(Schema):
    id = fields.String()
    name = fields.String()
    title = fields.String()
    lane = fields.String(allow_none=True)
    state = fields.String()
    process_instance_id = fields.Integer()
    process_model_id = fields.String()
    claimed_by = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    unroutable = fields.Boolean()
    created_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)


class InboxSchema(Schema):
    items = fields.List(fields.Nested(TaskSchema))
    total = fields.Integer()


class TaskDetailSchema(TaskSchema):
    instructions = fields.String(allow_none=True)
    form = fields.Nested(FormSchema, allow_none=True)
    data = fields.Dict()
    candidates = fields.List(fields.String())
    known_errors = fields.List(
        fields.Dict(), metadata={"description": "The service's newest known errors"}
    )
    record = fields.List(
        fields.Nested(lambda: RecordSectionSchema()),
        metadata={"description": "What earlier steps submitted, one section per step"},
    )


class RecordFieldSchema(Schema):
    name = fields.String()
    title = fields.String()
    kind = fields.String(
        metadata={
            "enum": [
                "text",
                "long_text",
                "choice",
                "boolean",
                "date",
                "datetime",
                "number",
                "table",
                "attachment",
            ]
        }
    )
    value = fields.Raw(metadata={"description": "As stored (masked where not shown)"})
    shown = fields.Raw(
        metadata={"description": "In words; a table: {columns: [...], rows: [[...]]}"}
    )
    url = fields.String(metadata={"description": "Download of an attachment"})


class RecordSectionSchema(Schema):
    step = fields.String(metadata={"description": "The task's id in the diagram, or mulai"})
    title = fields.String()
    by = fields.String(allow_none=True)
    by_name = fields.String(allow_none=True)
    at = fields.DateTime()
    fields_ = fields.List(fields.Nested(RecordFieldSchema), attribute="fields", data_key="fields")


class EventSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    at = fields.DateTime()
    user = fields.String(allow_none=True)
    task_id = fields.String(allow_none=True)
    data = fields.Dict()


class SlaSchema(Schema):
    priority = fields.String(allow_none=True)
    response_due_at = fields.DateTime(allow_none=True)
    resolution_due_at = fields.DateTime(allow_none=True)
    responded_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    response_met = fields.Boolean(allow_none=True)
    resolution_met = fields.Boolean(allow_none=True)
    paused = fields.Boolean(metadata={"description": "Suspended: the clocks are stopped"})
    warnings = fields.List(
        fields.String(), metadata={"description": "e.g. a target the regulation leaves unset"}
    )


class SegmentSchema(Schema):
    start = fields.DateTime()
    end = fields.DateTime()
    counted = fields.Boolean()
    rule = fields.String(metadata={"description": "The calendar rule, in Indonesian"})


class ClockTargetSchema(Schema):
    seconds = fields.Integer(allow_none=True)
    basis = fields.String(metadata={"description": "Where the target comes from"})
    end_of_next_working_day = fields.Boolean()


class ClockSchema(Schema):
    name = fields.String(metadata={"enum": ["respons", "penyelesaian", "rto"]})
    started_at = fields.DateTime()
    target = fields.Nested(ClockTargetSchema)
    due_at = fields.DateTime(allow_none=True)
    warning_at = fields.DateTime(allow_none=True)
    stopped_at = fields.DateTime(allow_none=True)
    met = fields.Boolean(allow_none=True)
    elapsed_seconds = fields.Integer()
    paused = fields.Boolean()
    segments = fields.List(fields.Nested(SegmentSchema))


class SlaChangeSchema(Schema):
    at = fields.DateTime()
    by = fields.String(allow_none=True)
    inputs = fields.Dict()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


class SlaExplanationSchema(Schema):
    kind = fields.String(metadata={"enum": ["aduan", "permintaan"]})
    inputs = fields.Dict(metadata={"description": "What the targets depend on"})
    warnings = fields.List(fields.String())
    clocks = fields.List(fields.Nested(ClockSchema))
    changes = fields.List(fields.Nested(SlaChangeSchema))
    escalations = fields.List(fields.Dict())


class LinkedInstanceSchema(Schema):
    id = fields.Integer()
    reference = fields.String(allow_none=True)
    process_model_id = fields.String()
    status = fields.String()


class InstanceSchema(Schema):
    id = fields.Integer()
    reference = fields.String(
        allow_none=True, metadata={"description": "Human-readable number, e.g. ADU-2026-000123"}
    )
    parent = fields.Nested(
        LinkedInstanceSchema,
        allow_none=True,
        metadata={"description": "The instance whose message started this one"},
    )
    process_model_id = fields.String()
    version = fields.Integer()
    status = fields.String()
    started_by = fields.String()
    started_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    service = fields.String(allow_none=True)
    error_message = fields.String(allow_none=True)
    data = fields.Dict()
    sla = fields.Nested(SlaSchema, allow_none=True)
    status_text = fields.String(
        metadata={"description": "mine=true: where the case stands, in the reader's language"}
    )
    steps = fields.List(fields.String(), metadata={"description": "mine=true: open steps"})
    waiting_for_you = fields.Boolean(metadata={"description": "mine=true: a step is yours"})
    deadline = fields.DateTime(
        allow_none=True, metadata={"description": "mine=true: the SLA deadline in force"}
    )
    at_risk = fields.Boolean(
        metadata={"description": "mine=true: that deadline is near (< 25 % left) or passed"}
    )


class InstanceTaskSchema(TaskSchema):
    candidates = fields.List(fields.String())


class WaitingSchema(Schema):
    kind = fields.String(validate=validate.OneOf(("message", "signal")))
    name = fields.String(metadata={"description": "What POST /messages or /signals names"})
    correlation = fields.List(
        fields.String(),
        metadata={"description": "The message's correlation properties (POST /messages)"},
    )


class InstanceDetailSchema(InstanceSchema):
    waiting_for = fields.List(
        fields.Nested(WaitingSchema),
        metadata={"description": "The messages and signals it waits for from outside now"},
    )
    tasks = fields.List(fields.Nested(InstanceTaskSchema))
    events = fields.List(fields.Nested(EventSchema))
    children = fields.List(
        fields.Nested(LinkedInstanceSchema),
        metadata={"description": "Instances this one started (links between procedures)"},
    )


class InstanceCreateSchema(Schema):
    process_model_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    data = fields.Dict(load_default=dict)


def _sort_field(choices: tuple[str, ...], default: str, columns: str) -> fields.String:
    """A list's `sort` query field: its values listed (an `enum` in OpenAPI), a 422 naming
    the field for any other."""
    return fields.String(
        load_default=default,
        validate=validate.OneOf(
            choices,
            error="Urutan tidak dikenal; pilih salah satu dari / unknown sort order; "
            "choose one of: {choices}",
        ),
        metadata={
            "description": f"The column to sort by ({columns}); a leading `-` sorts "
            f"descending. Ties go by id in the same direction; rows without a value come "
            f"last both ways. Default `{default}`."
        },
    )


_INSTANCE_SORT_COLUMNS = (
    "started: start order (the id), reference, process: its name, service: its name, "
    "status, priority, due: the deadline still running"
)
_INBOX_SORT_COLUMNS = (
    "created, reference, task: its title, service: its name, priority, response and "
    "resolution: their deadlines, due: the deadline still running, claimed: yours first"
)


def _format_field() -> fields.String:
    """An export's `format`: csv (the default) or xlsx."""
    return fields.String(
        load_default="csv",
        validate=validate.OneOf(
            ["csv", "xlsx"], error="Format tidak dikenal / unknown format: csv, xlsx"
        ),
    )


class InstanceFilterQuerySchema(Schema):
    process_model_id = fields.String()
    reference = fields.String(
        validate=validate.Length(min=1, max=20),
        metadata={"description": "A reference number or its beginning, e.g. ADU-2026"},
    )
    status = fields.String(
        validate=validate.OneOf(
            ["running", "waiting", "suspended", "complete", "terminated", "error"]
        )
    )
    sort = _sort_field(INSTANCE_SORTS, DEFAULT_SORT, _INSTANCE_SORT_COLUMNS)


class InstanceQuerySchema(InstanceFilterQuerySchema):
    mine = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Only the caller's own requests and complaints, each with where "
            "it stands in words (status_text, steps, waiting_for_you, deadline, at_risk)"
        },
    )
    page = fields.Integer(load_default=1, validate=PAGE)
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class InstanceExportQuerySchema(InstanceFilterQuerySchema):
    format = _format_field()


class TerminateSchema(Schema):
    reason = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"description": "Why; kept in the instance_terminated event"},
    )


class AssignSchema(Schema):
    username = fields.String(
        required=True,
        validate=validate.Length(min=1, max=80),
        metadata={"description": "A holder of the task's lane role for the instance's scope"},
    )
    note = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"description": "Why; kept in the task_reassigned event"},
    )


class OptionsQuerySchema(Schema):
    source = fields.String(
        required=True,
        validate=validate.Length(min=1, max=120),
        metadata={"description": "services | request-types | agencies | holders:<role>"},
    )
    parent = fields.String(
        validate=validate.Length(max=80),
        metadata={"description": "The parent field's value (a service code for request-types)"},
    )
    task_id = fields.String(validate=validate.Length(max=36))
    model_id = fields.String(validate=validate.Length(max=100))


class OptionSchema(Schema):
    const = fields.Raw(
        metadata={"description": "The value: a code or username, an item id (an integer)"}
    )
    title = fields.String()


class OptionsSchema(Schema):
    oneOf = fields.List(fields.Nested(OptionSchema))  # noqa: N815 - the JSON Schema keyword


class InstanceSummarySchema(InstanceSchema):
    """An instance in a list: without `data`, which a reader fetches per instance, so a
    page of big instances stays small."""

    class Meta:
        exclude = ("data",)


class InstancePageSchema(Schema):
    items = fields.List(fields.Nested(InstanceSummarySchema))
    total = fields.Integer()


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=PAGE)
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class InboxQuerySchema(PageQuerySchema):
    sort = _sort_field(INBOX_SORTS, InboxFilter.sort, _INBOX_SORT_COLUMNS)


class InboxExportQuerySchema(Schema):
    sort = _sort_field(INBOX_SORTS, InboxFilter.sort, _INBOX_SORT_COLUMNS)
    format = _format_field()


class CompleteSchema(Schema):
    data = fields.Dict(required=True)


class InstanceEnvelopeSchema(Schema):
    process_instance = fields.Nested(InstanceSchema)


class AgencySchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z0-9][A-Z0-9-]{0,39}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    timezone = fields.String(load_default="Asia/Jakarta")
    sla_scheme = fields.String(
        load_default="prioritas", validate=validate.OneOf(["prioritas", "urgensi"])
    )
    escalation_warning_percent = fields.Integer(
        load_default=75,
        strict=True,
        validate=validate.Range(min=1, max=99),
        metadata={"description": "percent of an SLA target at which escalation warns"},
    )
    recurring_complaints = fields.Integer(
        load_default=3,
        strict=True,
        validate=validate.Range(min=2, max=100),
        metadata={
            "description": "complaints about one service within recurrence_window_days "
            "that open a problem (a product addition, not the regulation's)"
        },
    )
    recurrence_window_days = fields.Integer(
        load_default=30,
        strict=True,
        validate=validate.Range(min=1, max=366),
        metadata={"description": "the days back recurring_complaints counts"},
    )


class AgencyUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    timezone = fields.String()
    sla_scheme = fields.String(validate=validate.OneOf(["prioritas", "urgensi"]))
    escalation_warning_percent = fields.Integer(strict=True, validate=validate.Range(min=1, max=99))
    recurring_complaints = fields.Integer(strict=True, validate=validate.Range(min=2, max=100))
    recurrence_window_days = fields.Integer(strict=True, validate=validate.Range(min=1, max=366))


class AssignmentSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    role = fields.String()
    service = fields.String(allow_none=True)
    agency = fields.String(allow_none=True)
    granted_at = fields.DateTime()


class AssignmentCreateSchema(Schema):
    username = fields.String(required=True)
    role = fields.String(required=True)
    service = fields.String(load_default=None, allow_none=True)
    agency = fields.String(load_default=None, allow_none=True)


class AssignmentQuerySchema(Schema):
    username = fields.String()
    role = fields.String()


class HeldRoleSchema(Schema):
    id = fields.Integer()
    role = fields.String()
    service = fields.String(allow_none=True)
    agency = fields.String(allow_none=True)
    granted_at = fields.DateTime()


class UserSchema(Schema):
    username = fields.String()
    full_name = fields.String()
    email = fields.String(allow_none=True)
    agency = fields.String(allow_none=True)
    active = fields.Boolean()
    roles = fields.List(fields.Nested(HeldRoleSchema))


class UserCreateSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, load_only=True)
    full_name = fields.String(load_default="")
    email = fields.Email(load_default=None, allow_none=True)
    agency = fields.String(load_default=None, allow_none=True)


class UserUpdateSchema(Schema):
    full_name = fields.String(validate=validate.Length(min=1, max=200))
    email = fields.Email(allow_none=True)
    agency = fields.String()
    password = fields.String(load_only=True)
    active = fields.Boolean()


class RequestTypeSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    needs_approval = fields.Boolean(load_default=False)
    fulfilment_hours = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=0, max=INT_MAX)
    )


def _figure(units: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "nullable": True,
        "required": ["value", "unit"],
        "properties": {
            "value": {"type": "integer", "minimum": 1, "maximum": 43200},
            "unit": {"type": "string", "enum": units},
        },
        "additionalProperties": False,
    }


_LEVEL_FIGURES = {
    "type": "object",
    "properties": {level: _figure([u.value for u in Unit]) for level in TARGET_LEVELS},
    "additionalProperties": False,
}
#: What `targets` of a catalog entry may hold (checked by app.sla.service_targets).
SERVICE_TARGETS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "response": _LEVEL_FIGURES,
        "resolution": _LEVEL_FIGURES,
        "fulfilment": {"type": "object", "additionalProperties": _figure([Unit.JAM.value])},
    },
    "additionalProperties": False,
}


class ServiceSchema(Schema):
    """A catalog entry (Perbup Bangka 21/2025, 2.1.1.2); RPO/RTO/DRP required for Kritis."""

    code = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(load_default="")
    agency = fields.String(required=True)
    group = fields.String(required=True, metadata={"enum": ["Administrasi Pemerintahan", "Publik"]})
    classification = fields.String(
        required=True, metadata={"enum": ["Kritis", "Esensial", "Normal"]}
    )
    access_method = fields.String(load_default="")
    availability_target = fields.Float(load_default=None, allow_none=True)
    help_contact = fields.String(load_default="")
    support_hours = fields.String(load_default="kalender", metadata={"enum": ["24x7", "kalender"]})
    user_service_target = fields.String(
        load_default=None,
        allow_none=True,
        metadata={
            "readOnly": True,
            "description": "Target pelayanan pengguna in words, derived from the targets in "
            "force (the service's own, else Tabel 2 and 4 or 11-14) and the catalog's "
            "availability and support hours, so it cannot disagree with the clocks. Read "
            "only: a value sent (an entry read and sent back) is ignored; set `targets`.",
        },
    )
    targets = fields.Dict(
        metadata={
            **SERVICE_TARGETS_SCHEMA,
            "description": "The service's own targets (Perbup Bangka 21/2025, 2.1.1.1): "
            "response and resolution by priority (P1-P6) or urgency (Tinggi, Sedang, Rendah), "
            "each at most 30 days, resolution not shorter than response; a level left out "
            "(or null) keeps the reference tables' figure. `fulfilment` by request type code "
            "is the types' `fulfilment_hours` in another form. Left out on update: unchanged.",
        }
    )
    availability = fields.String(load_default="")
    vital_business_functions = fields.String(
        load_default="",
        metadata={"description": "Fungsi kerja vital (Polewali III.4.a.1): what must keep working"},
    )
    rpo_minutes = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=0, max=INT_MAX)
    )
    rto_minutes = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=0, max=INT_MAX)
    )
    drp_reference = fields.String(load_default=None, allow_none=True)
    request_types = fields.List(fields.Nested(RequestTypeSchema), load_default=list)
    service_administrators = fields.List(fields.String())
    infrastructure_administrators = fields.List(fields.String())


class ServiceUpdateSchema(ServiceSchema):
    code = fields.String()


class ExportQuerySchema(Schema):
    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))


class ImportResultSchema(Schema):
    created = fields.Integer()
    updated = fields.Integer()


class ReferenceTableSchema(Schema):
    name = fields.String()
    title = fields.String()
    rows = fields.Raw(metadata={"description": "list of rows (urgency scheme: object of lists)"})
    source = fields.String(metadata={"enum": ["regulation", "administrator"]})
    updated_at = fields.DateTime(allow_none=True)
    updated_by = fields.String(allow_none=True)


class ReferenceTableUpdateSchema(Schema):
    rows = fields.Raw(required=True)


class DelegationSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(["Plt", "Plh"]))
    delegate = fields.String(required=True)
    principal = fields.String(required=True)
    role = fields.String(required=True)
    service = fields.String(load_default=None, allow_none=True)
    agency = fields.String(load_default=None, allow_none=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    decree_reference = fields.String(required=True, validate=validate.Length(min=1, max=200))


class DelegationQuerySchema(Schema):
    username = fields.String()


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String(
        metadata={"enum": ["task_assigned", "task_unroutable", "escalation", "sla_warning"]}
    )
    title = fields.String()
    body = fields.String()
    link = fields.String(allow_none=True)
    process_instance_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)
    read = fields.Boolean()
    email_status = fields.String(metadata={"enum": ["off", "pending", "sent", "failed"]})


class NotificationQuerySchema(Schema):
    unread = fields.Boolean(load_default=False)
    page = fields.Integer(load_default=1, validate=PAGE)
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class NotificationPageSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))
    total = fields.Integer()
    unread = fields.Integer(metadata={"description": "the caller's unread count, any page"})


class MarkedReadSchema(Schema):
    marked = fields.Integer()


class IsoDuration(fields.String):
    """An ISO-8601 duration in hours, minutes and seconds ("PT3H", "PT1H30M")."""

    def _serialize(self, value: timedelta | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        hours, rest = divmod(value, timedelta(hours=1))
        minutes, rest = divmod(rest, timedelta(minutes=1))
        seconds = f"{rest.seconds}.{rest.microseconds:06d}".rstrip("0").rstrip(".")
        parts = [(str(hours), "H"), (str(minutes), "M"), (seconds, "S")]
        text = "".join(f"{n}{unit}" for n, unit in parts if n != "0")
        return f"PT{text or '0S'}"

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> timedelta:
        try:
            return parse_iso_duration(value)
        except ValueError as err:
            raise ValidationError(str(err)) from None


_OFFICE_HOURS_DOC = {
    "description": 'Monday..Sunday, each a list of ["HH:MM", "HH:MM"] intervals in local time; '
    '"24:00" closes at midnight',
    "example": [[["07:30", "16:00"]]] * 4 + [[["07:30", "16:30"]], [], []],
}


class DayOffSchema(Schema):
    day = fields.Date(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    category = fields.String(
        dump_only=True, metadata={"enum": ["public", "government", "regional"]}
    )
    agency = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "null: every PD"}
    )


class CalendarSchema(Schema):
    key = fields.String(metadata={"description": "the agency code, or 'default'"})
    agency = fields.String(allow_none=True)
    time_zone = fields.String()
    source = fields.String(
        metadata={
            "enum": ["own", "default", "built-in"],
            "description": "the PD's own hours, the kabupaten default, or Perpres 21/2023",
        }
    )
    office_hours = fields.List(
        fields.List(fields.List(fields.String())), metadata=_OFFICE_HOURS_DOC
    )
    updated_at = fields.DateTime(allow_none=True)
    year = fields.Integer()
    regional_days = fields.List(fields.Nested(DayOffSchema))
    holidays = fields.List(
        fields.Nested(DayOffSchema),
        metadata={"description": "national holidays (public) and cuti bersama (government)"},
    )


class CalendarQuerySchema(Schema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))


class OfficeHoursSchema(Schema):
    office_hours = fields.List(
        fields.List(fields.List(fields.String())),
        required=True,
        metadata=_OFFICE_HOURS_DOC,
    )


class DeadlineQuerySchema(Schema):
    start = fields.AwareDateTime(required=True)
    duration = IsoDuration(required=True, metadata={"example": "PT3H"})
    service = fields.String(
        load_default=None, metadata={"description": "a service of the PD (24x7 or not)"}
    )


class DeadlineSchema(Schema):
    start = fields.DateTime()
    duration = IsoDuration()
    due_at = fields.DateTime()
    time_zone = fields.String()
    segments = fields.List(fields.Nested(SegmentSchema))


class KnownErrorQuerySchema(Schema):
    q = fields.String(validate=validate.Length(min=1, max=200))
    service = fields.String(validate=validate.Length(min=1, max=40))
    page = fields.Integer(load_default=1, validate=PAGE)
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class KnownErrorSchema(Schema):
    id = fields.Integer()
    problem = fields.Nested(LinkedInstanceSchema)
    service = fields.String(allow_none=True)
    symptoms = fields.String()
    root_cause = fields.String()
    workaround = fields.String()
    recorded_at = fields.DateTime()


class KnownErrorPageSchema(Schema):
    items = fields.List(fields.Nested(KnownErrorSchema))
    total = fields.Integer()


class ScheduleSchema(Schema):
    id = fields.Integer(dump_only=True)
    process_model_id = fields.String()
    agency = fields.String(allow_none=True)
    cycle = fields.String(metadata={"enum": ["P1W", "P1M", "P3M", "P6M", "P1Y"]})
    next_at = fields.DateTime()
    owner = fields.String(metadata={"description": "Username whose inbox gets the starter's tasks"})
    start_data = fields.Dict()
    active = fields.Boolean()


class ScheduleCreateSchema(Schema):
    process_model_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    agency = fields.String(load_default=None, allow_none=True)
    cycle = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "Default: the cycle of the diagram's timer start event"},
    )
    next_at = fields.AwareDateTime(required=True)
    owner = fields.String(required=True, validate=validate.Length(min=1, max=150))
    start_data = fields.Dict(load_default=dict)


class SchedulePatchSchema(Schema):
    active = fields.Boolean(required=True)


class ChangeCalendarQuerySchema(Schema):
    from_ = fields.AwareDateTime(required=True, data_key="from")
    to = fields.AwareDateTime(required=True)


class ScheduledChangeSchema(LinkedInstanceSchema):
    title = fields.String(allow_none=True)
    service = fields.String(allow_none=True)
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()


class SettingsQuerySchema(Schema):
    agency = fields.String(
        load_default=None,
        metadata={"description": "A PD's code; without it, the kabupaten-wide values"},
    )


class SettingSchema(Schema):
    name = fields.String()
    title = fields.String()
    type = fields.String(metadata={"enum": ["boolean", "integer", "string"]})
    default = fields.Raw(metadata={"description": "The diagram's declared default"})
    value = fields.Raw(metadata={"description": "What an instance started now gets"})
    source = fields.String(
        metadata={
            "enum": ["default", "kabupaten", "pd"],
            "description": "Who chose `value`: the diagram, the kabupaten-wide setting or the PD",
        }
    )
    kabupaten = fields.Raw(allow_none=True, metadata={"description": "The kabupaten-wide choice"})
    pd = fields.Raw(allow_none=True, metadata={"description": "The PD's own choice"})


class SettingsSchema(Schema):
    process_model_id = fields.String()
    agency = fields.String(allow_none=True)
    settings = fields.List(fields.Nested(SettingSchema))
    schema = fields.Dict(
        metadata={
            "description": "JSON Schema (draft 2020-12) of `values` for a PUT: one property "
            "per setting with its type, title, default and bounds; null removes a choice"
        }
    )


class SettingsUpdateSchema(Schema):
    agency = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "A PD's code; null: kabupaten-wide"},
    )
    values = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(allow_none=True),
        required=True,
        metadata={"description": "Setting name to value; null falls back to the next level"},
    )


# -- the work log (issue 12, item 2) ------------------------------------------------------


class CommentCreateSchema(Schema):
    """Checked by the service, which names each wrong field in Indonesian and English."""

    body = fields.Raw(required=False, metadata={"description": "Plain text, 1..10,000 characters"})
    visibility = fields.Raw(
        required=False,
        metadata={"description": "`internal` (staff only) or `public` (the requester too)"},
    )
    attachments = fields.Raw(
        load_default=None,
        metadata={"description": "Up to 10 `attachment_id`s the author uploaded"},
    )


class CommentAttachmentSchema(Schema):
    attachment_id = fields.Integer()
    name = fields.String()
    size = fields.Integer()
    content_type = fields.String()
    url = fields.String(metadata={"description": "Download of the file"})


class CommentSchema(Schema):
    id = fields.Integer()
    author = fields.String(metadata={"description": "The author's username"})
    author_name = fields.String()
    created_at = fields.DateTime()
    visibility = fields.String()
    body = fields.String()
    attachments = fields.List(fields.Nested(CommentAttachmentSchema))


class CommentQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=PAGE)
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class CommentPageSchema(Schema):
    items = fields.List(fields.Nested(CommentSchema))
    total = fields.Integer()


class AttachmentSchema(Schema):
    """The reference a form's file field takes (docs/bpmn-conventions.md, "Forms")."""

    attachment_id = fields.Integer()
    name = fields.String(metadata={"description": "The uploaded file's name, without a path"})
    size = fields.Integer(metadata={"description": "Bytes"})
    content_type = fields.String(metadata={"description": "As recognised from the file"})


# -- search (issue 12, item 5) --------------------------------------------------------------


class SearchQuerySchema(Schema):
    """`q` is checked by the service, which names it in Indonesian and English."""

    q = fields.String(load_default="", metadata={"description": "Words, each a word's start"})
    page = fields.Integer(load_default=1, validate=PAGE)


class SearchHitSchema(Schema):
    id = fields.Integer()
    reference = fields.String(allow_none=True)
    process_model_id = fields.String()
    title = fields.String()
    snippet = fields.String(metadata={"description": "Plain text around the first match"})


class SearchPageSchema(Schema):
    items = fields.List(fields.Nested(SearchHitSchema))
    next = fields.Integer(
        allow_none=True, metadata={"description": "The next page's number, null on the last"}
    )


# -- the CMDB (issue 14, items 1 and 2) ----------------------------------------------------

#: Text without control characters: names, codes and filters (PostgreSQL refuses NUL).
PLAIN = validate.Regexp(
    r"\A[^\x00-\x1f\x7f]*\Z",
    error="Teks tanpa karakter kendali / text without control characters",
)
_ITEM_STATUSES = ["planned", "active", "maintenance", "retired"]
_SETTABLE_STATUSES = validate.OneOf(
    ["planned", "active", "maintenance"],
    error="Salah satu dari / one of: {choices}; pensiun lewat /retire / retire with /retire",
)
_RELATION_TYPES = ["runs_on", "depends_on", "connects_to", "hosts", "uses_licence"]


def _plain(most: int, least: int = 0) -> list[Any]:
    return [validate.Length(min=least, max=most), PLAIN]


def _codes(most: int, description: str) -> fields.List:
    return fields.List(
        fields.String(validate=_plain(80, 1)),
        validate=validate.Length(max=most),
        metadata={"description": description},
    )


class LicenceRecordSchema(Schema):
    """A licence record of a licence item (Kepbup Polewali Mandar 685/2021, II.3 c.4)."""

    holder = fields.String(required=True, validate=_plain(200, 1))
    seats = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=INT_MAX))
    expires_on = fields.Date(
        load_default=None, allow_none=True, metadata={"description": "null: perpetual"}
    )
    reference = fields.String(
        load_default="", validate=_plain(100), metadata={"description": "Agreement number"}
    )


class ConfigurationItemFieldsSchema(Schema):
    """What a create and a change share; the service checks them against the item's type."""

    name = fields.String(
        validate=_plain(200, 1), metadata={"description": "Follows the type's naming standard"}
    )
    agency = fields.String(validate=_plain(40, 1), metadata={"description": "Owner PD's code"})
    status = fields.String(validate=_SETTABLE_STATUSES)
    location = fields.String(validate=_plain(200))
    labels = fields.List(fields.String(validate=_plain(60, 1)), validate=validate.Length(max=20))
    attributes = fields.Dict(
        keys=fields.String(validate=validate.Length(max=100)),
        values=fields.Raw(allow_none=True),
        metadata={"description": "Checked against the type's JSON Schema"},
    )
    administrators = _codes(20, "Usernames of the people who look after the item")
    services = _codes(50, "Codes of the catalog services that run on the item")
    retain_until = fields.Date(
        allow_none=True, metadata={"description": "Until when the record is kept"}
    )
    licences = fields.List(
        fields.Nested(LicenceRecordSchema),
        validate=validate.Length(max=50),
        metadata={"description": "Licence items only; replaces the records"},
    )


class ConfigurationItemCreateSchema(ConfigurationItemFieldsSchema):
    type = fields.String(
        required=True, validate=_plain(40, 1), metadata={"description": "An item type's code"}
    )
    name = fields.String(
        required=True,
        validate=_plain(200, 1),
        metadata={"description": "Follows the type's naming standard"},
    )
    agency = fields.String(
        required=True, validate=_plain(40, 1), metadata={"description": "Owner PD's code"}
    )
    status = fields.String(load_default="active", validate=_SETTABLE_STATUSES)


def _source_field() -> fields.Integer:
    return fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=1, max=INT_MAX),
        metadata={"description": "The case (e.g. a change or a release) the change comes from"},
    )


def _reason_field() -> fields.String:
    return fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "Why; kept in the item's history"},
    )


class ConfigurationItemPatchSchema(ConfigurationItemFieldsSchema):
    """Only the fields given change; `attributes` is merged (a null removes one)."""

    reason = _reason_field()
    source_instance_id = _source_field()


class ConfigurationItemRetireSchema(Schema):
    reason = _reason_field()
    retain_until = fields.Date(load_default=None, allow_none=True)
    source_instance_id = _source_field()


class ConfigurationItemQuerySchema(Schema):
    type = fields.String(validate=_plain(40, 1), metadata={"description": "A type's code"})
    agency = fields.String(validate=_plain(40, 1), metadata={"description": "A PD's code"})
    status = fields.String(validate=validate.OneOf(_ITEM_STATUSES))
    label = fields.String(validate=_plain(60, 1))
    service = fields.String(validate=_plain(40, 1), metadata={"description": "A service's code"})
    q = fields.String(
        validate=_plain(200, 1), metadata={"description": "Part of the name or the location"}
    )
    page = fields.Integer(load_default=1, validate=PAGE)
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class ConfigurationItemSummarySchema(Schema):
    id = fields.Integer()
    type = fields.String()
    name = fields.String()
    agency = fields.String()
    status = fields.String(metadata={"enum": _ITEM_STATUSES})


class ConfigurationItemSchema(ConfigurationItemSummarySchema):
    type_name = fields.String()
    location = fields.String()
    labels = fields.List(fields.String())
    attributes = fields.Dict()
    administrators = fields.List(fields.String())
    services = fields.List(fields.String())
    retain_until = fields.Date(allow_none=True)
    licences = fields.List(fields.Nested(LicenceRecordSchema))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ConfigurationItemPageSchema(Schema):
    items = fields.List(fields.Nested(ConfigurationItemSchema))
    total = fields.Integer()


class ConfigurationItemExportQuerySchema(ConfigurationItemQuerySchema):
    """The list's filters, a sort and a format; every matching item, not a page."""

    class Meta:
        exclude = ("page", "per_page")

    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))
    sort = fields.String(
        load_default="name",
        validate=validate.OneOf(
            [
                f"{way}{key}"
                for key in ("name", "type", "agency", "status", "updated")
                for way in ("", "-")
            ]
        ),
        metadata={"description": "A column, descending with a leading '-'"},
    )


class ConfigurationItemImportSchema(Schema):
    created = fields.Integer(metadata={"description": "How many items were registered"})
    updated = fields.Integer(
        metadata={"description": "How many existing items changed (a field or a relation)"}
    )
    relations = fields.Integer(metadata={"description": "How many relations were added"})
    relations_removed = fields.Integer(
        metadata={"description": "How many relations were removed (an updating row's relasi)"}
    )
    items = fields.List(
        fields.Nested(ConfigurationItemSummarySchema),
        metadata={"description": "The new items, in file order"},
    )
    updated_items = fields.List(
        fields.Nested(ConfigurationItemSummarySchema),
        metadata={"description": "The existing items changed, in file order"},
    )


class ConfigurationRelationSchema(Schema):
    id = fields.Integer()
    type = fields.String(metadata={"enum": _RELATION_TYPES})
    source_id = fields.Integer()
    target_id = fields.Integer()
    direction = fields.String(
        metadata={
            "enum": ["outgoing", "incoming"],
            "description": "outgoing: this item is the source (`this <type> item`)",
        }
    )
    item = fields.Nested(ConfigurationItemSummarySchema, metadata={"description": "The other end"})
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)


class ConfigurationRelationCreateSchema(Schema):
    type = fields.String(
        required=True,
        validate=validate.OneOf(_RELATION_TYPES, error="Salah satu dari / one of: {choices}"),
        metadata={"description": "`this <type> target`; hosts: the target depends on this"},
    )
    target_id = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=INT_MAX)
    )
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class ConfigurationRelationDeleteQuerySchema(Schema):
    reason = fields.String(validate=_plain(2000))


class ConfigurationItemHistorySchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    by = fields.String(allow_none=True)
    action = fields.String(metadata={"enum": ["created", "updated", "retired"]})
    reason = fields.String()
    changes = fields.Dict(
        metadata={"description": 'Field -> {"before", "after"}; attributes as attributes.<name>'}
    )
    source = fields.Nested(LinkedInstanceSchema, allow_none=True)


class ConfigurationRelationHistorySchema(Schema):
    id = fields.Integer()
    relation_id = fields.Integer()
    type = fields.String(metadata={"enum": _RELATION_TYPES})
    source_id = fields.Integer()
    target_id = fields.Integer()
    action = fields.String(metadata={"enum": ["added", "removed"]})
    at = fields.DateTime()
    by = fields.String(allow_none=True)
    reason = fields.String()


class ConfigurationItemCaseSchema(LinkedInstanceSchema):
    service = fields.String(allow_none=True)
    started_at = fields.DateTime()


class ConfigurationItemDetailSchema(ConfigurationItemSchema):
    cases = fields.List(
        fields.Nested(ConfigurationItemCaseSchema),
        metadata={
            "description": "The cases (complaints, problems, changes, releases) whose forms "
            "name the item, open and closed, newest first, at most 100"
        },
    )
    cases_total = fields.Integer(metadata={"description": "How many cases name the item"})
    relations = fields.List(fields.Nested(ConfigurationRelationSchema))
    history = fields.List(
        fields.Nested(ConfigurationItemHistorySchema), metadata={"description": "Oldest first"}
    )
    relation_history = fields.List(
        fields.Nested(ConfigurationRelationHistorySchema), metadata={"description": "Oldest first"}
    )


class ImpactedItemSchema(ConfigurationItemSummarySchema):
    depth = fields.Integer(metadata={"description": "1: depends on the item directly"})
    through_id = fields.Integer(metadata={"description": "The item one step nearer"})
    relation = fields.String(metadata={"enum": _RELATION_TYPES})


class ImpactedServiceSchema(Schema):
    code = fields.String()
    name = fields.String()
    agency = fields.String()
    classification = fields.String()
    items = fields.List(fields.Integer(), metadata={"description": "The items it runs on"})


class ImpactedCaseSchema(LinkedInstanceSchema):
    service = fields.String(allow_none=True)
    items = fields.List(fields.Integer(), metadata={"description": "Impacted items it names"})
    services = fields.List(
        fields.String(), metadata={"description": "Impacted services it is about"}
    )


class ImpactSchema(Schema):
    items = fields.List(fields.Nested(ImpactedItemSchema))
    services = fields.List(fields.Nested(ImpactedServiceSchema))
    cases = fields.List(fields.Nested(ImpactedCaseSchema))


class ConfigurationItemTypeSchema(Schema):
    code = fields.String(dump_only=True)
    name = fields.String(required=True, validate=_plain(100, 1))
    name_en = fields.String(load_default="", validate=_plain(100))
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    attribute_schema = fields.Dict(
        load_default=dict, metadata={"description": "JSON Schema (draft 2020-12) of attributes"}
    )
    identifying_attributes = fields.List(
        fields.String(validate=_plain(100, 1)),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "All given, they identify one item of the type"},
    )
    naming_pattern = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "The naming standard: a regular expression for the name"},
    )
    naming_example = fields.String(load_default="", validate=_plain(200))
    holds_licences = fields.Boolean(load_default=False)
