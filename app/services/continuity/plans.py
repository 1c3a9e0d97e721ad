"""A service's DRP as numbered versions, and the training held on it (Kepbup Polewali
Mandar 685/2021, III.3; issue 14, item 7).

Recording a version makes it the DRP in force: its RPO and RTO become the catalog's (the
figures the SLA clocks and the catalog page read, so the two never disagree) and its
number the catalog's DRP reference. A Kritis service has one from its first version on;
staff read them, the service's continuity keepers record them (`EDIT_CONTINUITY`).

A version may carry the DRP document itself (PDF, DOCX or ODT), stored as the forms' files
are (`AttachmentService.store`: the same directory, size limit and content check) and held
by the version, so `spbe tick` never takes it for an abandoned upload; whoever may read the
DRP may download it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.errors import FormInvalid, NotFound, NotPermitted
from app.models import (
    Attachment,
    ContinuityPlan,
    ContinuityTraining,
    Instance,
    RecoveryOption,
    Service,
    User,
)
from app.services.accounts.permissions import (
    EDIT_CONTINUITY,
    STAFF,
    require,
    require_continuity_editor,
)
from app.services.audit.attachments import AttachmentService, Upload

INVALID = "Data DRP tidak valid / invalid DRP data"
TEXT_MAX = 20000
CONTACTS_MAX = 30
#: RPO and RTO are at most a year.
MINUTES_MAX = 525600
#: The kinds a DRP document may be (`app.config.ATTACHMENT_KINDS` keys).
DOCUMENT_KINDS = ("pdf", "docx", "odt")
#: The field a DRP document is refused under.
DOCUMENT_FIELD = "file"


def _text(raw: dict[str, Any], key: str, errors: dict[str, list[str]], required: bool) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or len(value) > TEXT_MAX:
        errors[key] = [f"teks, paling banyak {TEXT_MAX} karakter / text, at most {TEXT_MAX}"]
        return ""
    if required and not value.strip():
        errors[key] = ["wajib diisi / required"]
    return value.strip()


def _minutes(raw: dict[str, Any], key: str, errors: dict[str, list[str]], least: int) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= MINUTES_MAX:
        errors[key] = [f"bilangan bulat menit {least}-{MINUTES_MAX} / whole minutes"]
        return 0
    return value


def _contacts(value: Any, errors: dict[str, list[str]]) -> list[dict[str, str]]:
    if not isinstance(value, list) or len(value) > CONTACTS_MAX:
        errors["contacts"] = [f"daftar, paling banyak {CONTACTS_MAX} / a list, at most 30"]
        return []
    clean = []
    for index, contact in enumerate(value):
        if not isinstance(contact, dict):
            errors[f"contacts.{index}"] = ["objek name, role, telephone / an object"]
            continue
        entry = {}
        for key in ("name", "role", "telephone"):
            text = contact.get(key)
            if not isinstance(text, str) or not 0 < len(text.strip()) <= 200:
                errors[f"contacts.{index}.{key}"] = ["1-200 karakter / 1-200 characters"]
            else:
                entry[key] = text.strip()
        clean.append(entry)
    return clean


class ContinuityService:
    """DRP versions and trainings of the catalog's services."""

    def __init__(
        self,
        session: Session,
        clock: Clock,
        actor: User | None,
        files: AttachmentService | None = None,
    ) -> None:
        """`files` stores and finds DRP documents; callers that record or read none (a
        procedure's version) may leave it out."""
        self.session = session
        self.clock = clock
        self.actor = actor
        self.files = files

    def _files(self) -> AttachmentService:
        if self.files is None:
            raise TypeError("ContinuityService needs `files` for DRP documents")
        return self.files

    def keeps(self, service: Service) -> bool:
        """Whether the actor may record the service's DRP versions and trainings (the
        rule `record` and `add_training` apply; pages offer their forms by it)."""
        try:
            require_continuity_editor(self.session, self.actor, service)
        except NotPermitted:
            return False
        return True

    def service(self, code: str) -> Service:
        """The service `code`, for staff.

        Raises:
            NotPermitted: the actor is no staff.
            NotFound: no such service.
        """
        require(self.session, self.actor, STAFF)
        service = self.session.scalar(select(Service).where(Service.code == code))
        if service is None:
            raise NotFound(f"Layanan '{code}' tidak ada / no service '{code}'")
        return service

    def _service(self, code: str) -> Service:
        service = self.session.scalar(select(Service).where(Service.code == code))
        if service is None:
            raise NotFound(f"Layanan '{code}' tidak ada / no service '{code}'")
        return service

    def versions(self, code: str) -> list[ContinuityPlan]:
        """The service's DRP versions, the one in force (the highest) first."""
        service = self.service(code)
        return list(
            self.session.scalars(
                select(ContinuityPlan)
                .where(ContinuityPlan.service_id == service.id)
                .order_by(ContinuityPlan.version.desc())
            )
        )

    def version(self, code: str, number: int) -> ContinuityPlan:
        """One version of the service's DRP.

        Raises:
            NotFound: no such service or version.
        """
        service = self.service(code)
        plan = self.session.scalar(
            select(ContinuityPlan).where(
                ContinuityPlan.service_id == service.id, ContinuityPlan.version == number
            )
        )
        if plan is None:
            raise NotFound(f"DRP versi {number} tidak ada / no such DRP version")
        return plan

    def record(
        self,
        code: str,
        raw: dict[str, Any],
        authorised: bool = False,
        document: Upload | None = None,
    ) -> ContinuityPlan:
        """Record the next version of the service's DRP and put it in force.

        `authorised`: a procedure's approval is the authority (a DRP test's follow-up, the
        establishment after an activation: app/services/continuity/case_plans.py), so the
        keeper check is skipped; the version still names the actor.
        `document`: the DRP file itself, one of `DOCUMENT_KINDS`, checked with the fields
        so one answer names every problem; its bytes are removed again when the version
        is refused.

        Raises:
            NotPermitted: the actor keeps no DRP of this service.
            FileTooLarge: the document is over the attachments' size limit (and nothing
                else is wrong).
            FormInvalid: naming the field (rpo_minutes, contacts.N.telephone, file...).
        """
        service = self.service(code) if not authorised else self._service(code)
        if not authorised:
            require_continuity_editor(self.session, self.actor, service)
        errors: dict[str, list[str]] = {}
        rpo = _minutes(raw, "rpo_minutes", errors, 0)
        rto = _minutes(raw, "rto_minutes", errors, 1)
        option = raw.get("recovery_option")
        if option not in {o.value for o in RecoveryOption}:
            errors["recovery_option"] = [f"salah satu dari / one of {', '.join(RecoveryOption)}"]
        strategy = _text(raw, "recovery_strategy", errors, required=True)
        backup = _text(raw, "backup_strategy", errors, required=True)
        note = _text(raw, "note", errors, required=False)
        reference = _text(raw, "document_reference", errors, required=False)[:200]
        contacts = _contacts(raw.get("contacts", []), errors)
        source = raw.get("source_instance_id")
        if source is not None and (
            isinstance(source, bool)
            or not isinstance(source, int)
            or not 0 < source < 2**31
            or self.session.get(Instance, source) is None
        ):
            errors["source_instance_id"] = ["instans tidak ada / no such instance"]
        stored = self._document(document, errors) if document is not None else None
        if errors:
            if stored is not None:
                self._files().unlink_files([stored.stored_name])
            raise FormInvalid(INVALID, errors)
        latest = self.session.scalar(
            select(func.max(ContinuityPlan.version)).where(ContinuityPlan.service_id == service.id)
        )
        plan = ContinuityPlan(
            service_id=service.id,
            version=(latest or 0) + 1,
            rpo_minutes=rpo,
            rto_minutes=rto,
            recovery_option=str(option),
            recovery_strategy=strategy,
            backup_strategy=backup,
            contacts=contacts,
            document_reference=reference,
            note=note,
            source_instance_id=source,
            document=stored,
            created_at=self.clock.now(),
            created_by_id=self.actor.id if self.actor else None,
        )
        self.session.add(plan)
        service.rpo_minutes = rpo
        service.rto_minutes = rto
        service.drp_reference = f"DRP {service.code} v{plan.version}"
        self.session.flush()
        return plan

    def _document(self, upload: Upload, errors: dict[str, list[str]]) -> Attachment | None:
        """The DRP file stored, or None with its refusal among `errors`; raised as it is
        (413 for one too large) when nothing else is wrong."""
        if self.actor is None:
            raise NotPermitted(EDIT_CONTINUITY.refusal)
        try:
            return self._files().store(upload, self.actor, DOCUMENT_FIELD, DOCUMENT_KINDS)
        except FormInvalid as err:
            if not errors:
                raise
            errors.update(err.errors if isinstance(err.errors, dict) else {})
            return None

    def document(self, code: str, number: int) -> tuple[Attachment, Path]:
        """The document of one version of the service's DRP and where its bytes are, for
        whoever may read the DRP (staff).

        Raises:
            NotPermitted: the actor is no staff.
            NotFound: no such service or version, the version has no document, or its
                file is gone.
        """
        plan = self.version(code, number)
        if plan.document is None:
            raise NotFound(
                f"DRP versi {number} tanpa dokumen / DRP version {number} has no document"
            )
        return plan.document, self._files().file_of(plan.document)

    def trainings(
        self, code: str, page: int, per_page: int
    ) -> tuple[list[ContinuityTraining], int]:
        """The service's trainings, the latest first, one page of them, and their count."""
        service = self.service(code)
        where = ContinuityTraining.service_id == service.id
        total = self.session.scalar(select(func.count()).where(where))
        rows = self.session.scalars(
            select(ContinuityTraining)
            .where(where)
            .order_by(ContinuityTraining.held_on.desc(), ContinuityTraining.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        return list(rows), int(total or 0)

    def add_training(self, code: str, raw: dict[str, Any]) -> ContinuityTraining:
        """Record a training held on the service's recovery procedures.

        Raises:
            NotPermitted: the actor keeps no DRP of this service.
            FormInvalid: naming the field.
        """
        service = self.service(code)
        require_continuity_editor(self.session, self.actor, service)
        errors: dict[str, list[str]] = {}
        held_on = raw.get("held_on")
        if isinstance(held_on, str):
            try:
                held_on = date.fromisoformat(held_on)
            except ValueError:
                held_on = None
        if (
            not isinstance(held_on, date)
            or held_on.year < 2000
            or held_on > self.clock.now().date()
        ):
            errors["held_on"] = ["tanggal yang telah lewat / a past date (YYYY-MM-DD)"]
        title = _text(raw, "title", errors, required=True)[:200]
        notes = _text(raw, "notes", errors, required=False)
        participants = raw.get("participants")
        if (
            isinstance(participants, bool)
            or not isinstance(participants, int)
            or not 0 < participants <= 10000
        ):
            errors["participants"] = ["1-10000 orang / people"]
        if errors:
            raise FormInvalid(INVALID, errors)
        current = self.session.scalar(
            select(func.max(ContinuityPlan.version)).where(ContinuityPlan.service_id == service.id)
        )
        training = ContinuityTraining(
            service_id=service.id,
            held_on=held_on,
            title=title,
            participants=participants,
            notes=notes,
            plan_version=current,
            created_at=self.clock.now(),
            created_by_id=self.actor.id if self.actor else None,
        )
        self.session.add(training)
        self.session.flush()
        return training
