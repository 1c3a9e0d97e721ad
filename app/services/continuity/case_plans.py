"""What procedures read of a service's DRP and what they record in it (Kepbup Polewali
Mandar 685/2021, III.3.b-c; Perbup Bangka 21/2025, 2.2.2.2; issue 14, item 7).

**The DRP in force** (`drp_berlaku`). A model whose start event has the property
`drpInfo` starts with the service's newest DRP version in its data (`in_force`), or
`null` when the service has none: Pemulihan Layanan shows it on its tasks and records
which version it used; Uji DRP tests it. `drpInfo = "required"` refuses a start about a
service that is neither Kritis nor has a DRP (422 naming `layanan`): only those are
tested (III.3.b). Other models read no continuity table at their start.

**A new version from a case** (`drp_baru`). A form that submits `drp_baru`, an object of
`{"rpo_menit", "rto_menit", "opsi_pemulihan", "strategi_pemulihan", "strategi_backup",
"kontak": [{"nama", "peran", "telepon"}], "referensi_dokumen", "catatan"}`, proposes the
next version (a test's recommendation, an activation's evaluation). A script of the diagram
that sets `catat_versi_drp = True` marks where it takes effect (Uji DRP: `catat_versi_drp`,
after the service owner approved the report): in the step in which it runs, through the
same hook as the CMDB updates (`configuration.case_forms.CaseForms.after_submit`), the
version is recorded through `ContinuityService` with the case as its source and the
procedure's approval as the authority, and the case gets a `drp_version_recorded` event.
A proposal the DRP refuses refuses the step (422 naming `drp_baru.<field>`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.errors import FormInvalid
from app.models import ContinuityPlan, Instance, Service, User
from app.services.accounts.permissions import require_continuity_editor
from app.services.audit.events import record
from app.services.continuity.plans import ContinuityService

#: The values of the start event property `drpInfo` (app/engine/specs.py).
DRP_OPTIONAL, DRP_REQUIRED = "optional", "required"
#: The start data field holding it.
DRP_FACT = "drp_berlaku"
#: The proposed next version, and the flag a script sets where it is recorded.
PROPOSAL = "drp_baru"
RECORD_FLAG = "catat_versi_drp"
RECORDED_EVENT = "drp_version_recorded"
CRITICAL = "Kritis"
NOT_TESTED = (
    "layanan ini tidak Kritis dan tidak mempunyai DRP / this service is neither Kritis "
    "nor has a DRP"
)
_FIELDS = {
    "rpo_menit": "rpo_minutes",
    "rto_menit": "rto_minutes",
    "opsi_pemulihan": "recovery_option",
    "strategi_pemulihan": "recovery_strategy",
    "strategi_backup": "backup_strategy",
    "referensi_dokumen": "document_reference",
    "catatan": "note",
}
_CONTACT = {"nama": "name", "peran": "role", "telepon": "telephone"}


def plan_facts(plan: ContinuityPlan) -> dict[str, Any]:
    """A DRP version as the diagrams read it."""
    return {
        "versi": plan.version,
        "rpo_menit": plan.rpo_minutes,
        "rto_menit": plan.rto_minutes,
        "opsi_pemulihan": plan.recovery_option,
        "strategi_pemulihan": plan.recovery_strategy,
        "strategi_backup": plan.backup_strategy,
        "kontak": [
            {key: contact.get(stored, "") for key, stored in _CONTACT.items()}
            for contact in plan.contacts or []
        ],
        "referensi_dokumen": plan.document_reference,
        "ditetapkan": plan.created_at.isoformat(),
    }


def in_force(session: Session, service: Service | None) -> dict[str, Any] | None:
    """The facts of `service`'s newest DRP version, None without one (or without service)."""
    if service is None:
        return None
    plan = session.scalar(
        select(ContinuityPlan)
        .where(ContinuityPlan.service_id == service.id)
        .order_by(ContinuityPlan.version.desc())
        .limit(1)
    )
    return None if plan is None else plan_facts(plan)


def drp_start_facts(
    session: Session, service: Service | None, wanted: str, by_hand: User | None = None
) -> dict[str, Any]:
    """`{"drp_berlaku": ...}` for a model whose start event asks for it (`wanted`).

    `by_hand`: the person starting it by hand (None for a link's or a schedule's start).
    A procedure about the DRP itself ("required") is started by hand only by the service's
    continuity keepers (its Penyedia Layanan, Penanggung Jawab, the infrastructure's head,
    for the service, its PD or everywhere; or Admin Sistem), as they keep its versions.

    Raises:
        FormInvalid: `wanted` is "required" and the service is neither Kritis nor has a
            DRP (or there is no service), naming `layanan`.
        NotPermitted: "required", by hand, by someone who keeps no DRP of the service.
    """
    facts = in_force(session, service)
    if (
        wanted == DRP_REQUIRED
        and facts is None
        and (service is None or service.classification != CRITICAL)
    ):
        raise FormInvalid(
            "Data formulir tidak valid / form data is invalid", {"layanan": [NOT_TESTED]}
        )
    if wanted == DRP_REQUIRED and by_hand is not None and service is not None:
        require_continuity_editor(session, by_hand, service)
    return {DRP_FACT: facts}


def _raw(proposal: dict[str, Any], instance: Instance) -> dict[str, Any]:
    raw: dict[str, Any] = {
        stored: proposal[key] for key, stored in _FIELDS.items() if key in proposal
    }
    contacts = proposal.get("kontak", [])
    raw["contacts"] = (
        [
            {stored: row.get(key) for key, stored in _CONTACT.items()}
            if isinstance(row, dict)
            else row
            for row in contacts
        ]
        if isinstance(contacts, list)
        else contacts
    )
    origin = instance.reference or f"#{instance.id}"
    note = str(raw.get("note") or "").strip()
    raw["note"] = f"{instance.process_model_id} {origin}" + (f": {note}" if note else "")
    raw["source_instance_id"] = instance.id
    return raw


def _named(key: str) -> str:
    """Where a ContinuityService error about `key` lands in the form."""
    head, _, rest = key.partition(".")
    if head == "contacts":
        index, _, field = rest.partition(".")
        field = {stored: mine for mine, stored in _CONTACT.items()}.get(field, field)
        return ".".join(p for p in (PROPOSAL, "kontak", index, field) if p)
    mine = {stored: name for name, stored in _FIELDS.items()}.get(head, head)
    return f"{PROPOSAL}.{mine}"


def record_from_case(
    session: Session,
    clock: Clock,
    instance: Instance,
    before: dict[str, Any],
    after: dict[str, Any],
    user: User,
) -> ContinuityPlan | None:
    """Record the case's `drp_baru` as the service's next DRP version in the step where
    the diagram sets `catat_versi_drp = True`; nothing otherwise (no table read).

    Raises:
        FormInvalid: the proposal is missing or refused, naming `drp_baru.<field>`.
    """
    if after.get(RECORD_FLAG) is not True or before.get(RECORD_FLAG) is True:
        return None
    proposal = after.get(PROPOSAL)
    service = instance.service
    if not isinstance(proposal, dict) or service is None:
        raise FormInvalid(
            "Versi DRP baru tidak dapat dicatat / the new DRP version cannot be recorded",
            {PROPOSAL: ["wajib diisi untuk layanan kasus ini / required, for the case's service"]},
        )
    plans = ContinuityService(session, clock, user)
    try:
        plan = plans.record(service.code, _raw(proposal, instance), authorised=True)
    except FormInvalid as err:
        errors = {_named(key): messages for key, messages in (err.errors or {}).items()}
        raise FormInvalid(
            "Versi DRP baru tidak dapat dicatat; langkah ini tidak disimpan / the new DRP "
            "version cannot be recorded; this step was not saved",
            errors,
        ) from None
    record(
        session,
        instance,
        RECORDED_EVENT,
        clock.now(),
        user,
        data={"layanan": service.code, "versi": plan.version},
    )
    return plan
