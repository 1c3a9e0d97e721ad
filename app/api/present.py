"""Turn models into the plain dicts the response schemas dump."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.models import Agency, Event, Instance, RoleAssignment, Task, User
from app.services.deadlines.service_levels import SlaReport, sla_summary
from app.services.instances.my_cases import MyCase
from app.services.instances.personal_data import ShownEvent
from app.services.instances.record import RecordField, RecordSection
from app.services.spreadsheet import in_language
from app.sla.stopwatch import ClockReading


def task_dict(task: Task) -> dict[str, Any]:
    """A task as the inbox and instance pages show it."""
    return {
        "id": task.id,
        "name": task.bpmn_id,
        "title": task.title,
        "lane": task.lane,
        "state": task.state,
        "process_instance_id": task.instance_id,
        "process_model_id": task.process_model_id,
        "claimed_by": task.claimed_by.username if task.claimed_by else None,
        "assignee": task.assignee,
        "unroutable": task.unroutable,
        "created_at": task.created_at,
        "due_at": task.due_at,
        "instructions": task.instructions,
    }


def event_dict(event: Event | ShownEvent) -> dict[str, Any]:
    """One history entry."""
    return {
        "id": event.id,
        "kind": event.kind,
        "at": event.at,
        "user": event.user.username if event.user else None,
        "task_id": event.task_id,
        "data": event.data,
    }


def linked_dict(instance: Instance) -> dict[str, Any]:
    """Enough of a linked instance (parent or child) to show it and go there."""
    return {
        "id": instance.id,
        "reference": instance.reference,
        "process_model_id": instance.process_model_id,
        "status": instance.status,
    }


def instance_dict(instance: Instance, now: datetime, data: dict[str, Any]) -> dict[str, Any]:
    """An instance without its tasks and history; `now` decides whether a deadline passed,
    `data` is the instance's data as the reader may see it (`Disclosure.data`)."""
    return {
        "id": instance.id,
        "reference": instance.reference,
        "parent": linked_dict(instance.parent) if instance.parent is not None else None,
        "process_model_id": instance.process_model_id,
        "version": instance.version.version,
        "status": instance.status,
        "started_by": instance.started_by.username,
        "started_at": instance.started_at,
        "ended_at": instance.ended_at,
        "service": instance.service.code if instance.service else None,
        "error_message": instance.error_message,
        "data": data,
        "sla": sla_summary(instance, now),
    }


def assignment_dict(assignment: RoleAssignment) -> dict[str, Any]:
    """A role held at a scope, with codes instead of ids."""
    return {
        "id": assignment.id,
        "username": assignment.user.username,
        "role": assignment.role,
        "service": assignment.service.code if assignment.service else None,
        "agency": assignment.agency.code if assignment.agency else None,
        "granted_at": assignment.granted_at,
    }


def user_dict(user: User) -> dict[str, Any]:
    """A user with their roles."""
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "agency": user.agency.code if user.agency else None,
        "active": user.active,
        "roles": [assignment_dict(a) for a in user.assignments],
    }


def agency_dict(agency: Agency) -> dict[str, Any]:
    """An agency."""
    return {
        "code": agency.code,
        "name": agency.name,
        "timezone": agency.timezone,
        "sla_scheme": agency.sla_scheme,
        "escalation_warning_percent": agency.escalation_warning_percent,
        "recurring_complaints": agency.recurring_complaints,
        "recurrence_window_days": agency.recurrence_window_days,
    }


def _clock_dict(reading: ClockReading) -> dict[str, Any]:
    return {
        "name": reading.name,
        "started_at": reading.started_at,
        "target": {
            "seconds": (
                None
                if reading.target.duration is None
                else int(reading.target.duration.total_seconds())
            ),
            "basis": reading.target.basis,
            "end_of_next_working_day": reading.target.end_of_next_working_day,
        },
        "due_at": reading.due_at,
        "warning_at": reading.warning_at,
        "stopped_at": reading.stopped_at,
        "met": reading.met,
        "elapsed_seconds": int(reading.elapsed.total_seconds()),
        "paused": reading.paused,
        "segments": [segment._asdict() for segment in reading.segments],
    }


def sla_explanation_dict(report: SlaReport) -> dict[str, Any]:
    """Why the deadlines are where they are: clocks, segments, changes, escalations."""
    clocks = [report.response, report.resolution] + ([report.rto] if report.rto else [])
    return {
        "kind": report.kind,
        "inputs": report.inputs,
        "warnings": report.warnings,
        "clocks": [_clock_dict(c) for c in clocks],
        "changes": [
            {
                "at": change.at,
                "by": change.user.username if change.user else None,
                "inputs": change.data.get("inputs"),
                "before": change.data.get("sebelum"),
                "after": change.data.get("sesudah"),
            }
            for change in report.changes
        ],
        "escalations": [{"at": e.at.isoformat(), **e.data} for e in report.escalations],
    }


def record_dict(sections: list[RecordSection]) -> list[dict[str, Any]]:
    """The case record (app/services/instances/record.py): a section per completed step,
    each field with its title, its stored value and the value in words; an attachment
    names the URL that downloads it."""
    return [
        {
            "step": section.step,
            "title": section.title,
            "by": section.by,
            "by_name": section.by_name,
            "at": section.at,
            "fields": [_record_field(item) for item in section.fields],
        }
        for section in sections
    ]


def _record_field(item: RecordField) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "name": item.name,
        "title": item.title,
        "kind": item.kind,
        "value": item.value,
        "shown": item.shown,
    }
    if item.attachment_id is not None:
        shown["url"] = f"/api/v1/attachments/{item.attachment_id}"
    return shown


def my_case_dict(case: MyCase, language: str) -> dict[str, Any]:
    """Where one of the caller's own cases stands (`mine=true`), in `language`."""
    return {
        "status_text": in_language(case.status_text, language),
        "steps": case.steps,
        "waiting_for_you": case.waiting_for_you,
        "deadline": case.deadline,
        "at_risk": case.at_risk,
    }
