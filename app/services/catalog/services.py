"""Facts from the service catalog that an instance carries in its data and scope."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.errors import FormInvalid, InvalidInput, NotFound
from app.models import Agency, RequestType, RoleAssignment, RoleName, Service, User
from app.services.accounts.permissions import ADMINISTER, require
from app.services.accounts.users import AccountService
from app.services.audit.events import audit
from app.services.catalog.codes import catalog_codes, service_by_code
from app.services.catalog.spreadsheet import read_catalog, write_csv, write_xlsx
from app.services.deadlines.reference_tables import ReferenceService
from app.services.deadlines.service_targets import ServiceLevels, service_level_targets
from app.sla.service_targets import ServiceTargets, TargetsInvalid, Unit, parse_figure

SERVICE_FIELD = "layanan"
REQUEST_TYPE_FIELD = "jenis_permintaan"
#: A request start form's boolean saying the user reports a disruption ("Laporkan
#: gangguan", Perbup Bangka 21/2025, 2.2.1.1 Tabel 5 no. 2); such a report may name no
#: request type.
DISRUPTION_FIELD = "laporan_gangguan"
#: For procedures about a PD rather than one service (evaluation, planning): its code.
AGENCY_FIELD = "perangkat_daerah"
#: For a procedure about the whole kabupaten (`perangkat_daerah` left empty: a
#: kabupaten-wide evaluation): the code of the PD that runs it, the one for communication
#: and informatics (Perbup Bangka 21/2025, 2.3 angka 3), which scopes the instance so
#: that its PD-held roles (the Pimpinan PD's sign-off) reach that PD's people.
ORGANISER_FIELD = "pd_penyelenggara"


@dataclass(frozen=True)
class Scope:
    """The service and PD an instance belongs to (routing and visibility use it)."""

    service_id: int | None
    agency_id: int | None
    #: the service row itself, so that the caller holds it (the session keeps rows only
    #: while something does) and need not read it again
    service: Service | None = field(default=None, compare=False, repr=False)


def _agency_scope(session: Session, code: object) -> tuple[Scope, dict[str, Any]]:
    if code is None or code == "":
        return Scope(None, None), {}
    agency = session.scalar(select(Agency).where(Agency.code == str(code)))
    if agency is None:
        raise FormInvalid(
            "Data tidak valid / invalid data",
            {AGENCY_FIELD: [f"PD '{code}' tidak ada / no such agency (use its code)"]},
        )
    return Scope(None, agency.id), agency_facts(agency)


def _organiser_scope(session: Session, code: object) -> tuple[Scope, dict[str, Any]]:
    """The scope of a kabupaten-wide instance: its organising PD's; its data says the PD
    is the whole kabupaten (`perangkat_daerah` "") and who runs it (`pd_penyelenggara_info`)."""
    agency = session.scalar(select(Agency).where(Agency.code == str(code)))
    if agency is None:
        raise FormInvalid(
            "Data tidak valid / invalid data",
            {ORGANISER_FIELD: [f"PD '{code}' tidak ada / no such agency (use its code)"]},
        )
    facts = {
        AGENCY_FIELD: "",
        "pd_penyelenggara_info": {"kode": agency.code, "nama": agency.name},
    }
    return Scope(None, agency.id), facts


def agency_facts(agency: Agency) -> dict[str, Any]:
    """What an instance about a whole PD (no service) carries of it: `perangkat_daerah_info`."""
    return {"perangkat_daerah_info": {"kode": agency.code, "nama": agency.name}}


def catalog_facts(service: Service, needs_approval: bool | None) -> dict[str, Any]:
    """What an instance about `service` (and one of its request types) carries of the
    catalog: `layanan_info`, and `perlu_persetujuan` when a request type is named (its
    `needs_approval`; None: no type named)."""
    facts: dict[str, Any] = {
        "layanan_info": {
            "kode": service.code,
            "nama": service.name,
            "pd": service.agency.name,
            "kelompok": service.group,
            "klasifikasi": service.classification,
        }
    }
    if needs_approval is not None:
        facts["perlu_persetujuan"] = needs_approval
    return facts


def resolve_scope(session: Session, data: dict[str, Any]) -> tuple[Scope, dict[str, Any]]:
    """Scope of new instance data, and the catalog facts to add to its data.

    The data field `layanan` names a service by code; `jenis_permintaan`, when given,
    names one of its request types; without a service, `perangkat_daerah` may name a PD
    by code, or, left empty, `pd_penyelenggara` the PD running a kabupaten-wide procedure
    (docs/bpmn-conventions.md).

    Raises:
        FormInvalid: the service, the request type or the PD does not exist.
    """
    code = data.get(SERVICE_FIELD)
    if code is None:
        if data.get(AGENCY_FIELD) in (None, "") and data.get(ORGANISER_FIELD) not in (None, ""):
            return _organiser_scope(session, data[ORGANISER_FIELD])
        return _agency_scope(session, data.get(AGENCY_FIELD))
    service = service_by_code(session, str(code))
    if service is None:
        raise FormInvalid(
            "Data tidak valid / invalid data",
            {SERVICE_FIELD: [f"layanan '{code}' tidak ada di katalog / not in the catalog"]},
        )
    request_type = None
    type_code = data.get(REQUEST_TYPE_FIELD)
    if type_code is not None:
        request_type = catalog_codes(session).request_types.get((service.code, str(type_code)))
        if request_type is None:
            raise FormInvalid(
                "Data tidak valid / invalid data",
                {
                    REQUEST_TYPE_FIELD: [
                        f"jenis permintaan '{type_code}' tidak ada untuk layanan {service.code} / "
                        f"no such request type for this service"
                    ]
                },
            )
    facts = catalog_facts(service, request_type.needs_approval if request_type else None)
    if request_type is None and data.get(DISRUPTION_FIELD) is True:
        # Should the service desk find it is no disruption, the report is fulfilled as a
        # request with no type whose approval it would need.
        facts["perlu_persetujuan"] = False
    return Scope(service.id, service.agency_id, service), facts


GROUPS = ("Administrasi Pemerintahan", "Publik")
CLASSIFICATIONS = ("Kritis", "Esensial", "Normal")
SUPPORT_HOURS = ("24x7", "kalender")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
_TEXT_FIELDS = (
    "description",
    "access_method",
    "help_contact",
    "availability",
    "vital_business_functions",
)
#: The entry's field holding the service's own targets (`app.sla.service_targets`).
TARGETS_FIELD = "targets"


def _normal_group(value: Any) -> Any:
    """Accept the regulation's long names ("Layanan Publik") as well as the short ones."""
    if isinstance(value, str) and value.startswith("Layanan "):
        return value.removeprefix("Layanan ")
    return value


def _optional_int(raw: dict[str, Any], key: str, errors: dict[str, list[str]]) -> int | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.setdefault(key, []).append("harus bilangan bulat / must be a whole number")
        return None
    if number < 0:
        errors.setdefault(key, []).append("tidak boleh negatif / must not be negative")
    return number


def _request_types(value: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        errors.setdefault("request_types", []).append("harus daftar / must be a list")
        return []
    types, seen = [], set()
    for index, item in enumerate(value):
        where = f"request_types.{index}"
        if not isinstance(item, dict):
            errors.setdefault(where, []).append("harus objek / must be an object")
            continue
        code, name = str(item.get("code") or "").strip(), str(item.get("name") or "").strip()
        if not _CODE.match(code):
            errors.setdefault(f"{where}.code", []).append(
                "kode huruf besar, angka dan '-' / upper-case code"
            )
        elif code in seen:
            errors.setdefault(f"{where}.code", []).append("kode ganda / duplicate code")
        seen.add(code)
        if not name:
            errors.setdefault(f"{where}.name", []).append("wajib diisi / required")
        hours = _optional_int(item, "fulfilment_hours", errors)
        types.append(
            {
                "code": code,
                "name": name,
                "needs_approval": bool(item.get("needs_approval", False)),
                "fulfilment_hours": hours,
            }
        )
    return types


def _targets(value: Any, types: list[dict[str, Any]], errors: dict[str, list[str]]) -> Any:
    """Check `targets` and fold its `fulfilment` into the request types it names.

    Fulfilment is kept on each request type (`fulfilment_hours`); `targets.fulfilment`
    is another way to write it, so it may name only the entry's request types, in whole
    hours, and may not contradict a type's own `fulfilment_hours`. Returns the response and
    resolution figures as stored (None: the tables throughout).
    """
    try:
        own = ServiceTargets.from_json(value, TARGETS_FIELD)
    except TargetsInvalid as err:
        for key, messages in err.errors.items():
            errors.setdefault(key, []).extend(messages)
        own = None
    fulfilment = value.get("fulfilment") if isinstance(value, dict) else None
    if fulfilment is None:
        return own.to_json() if own else None
    if not isinstance(fulfilment, dict):
        errors.setdefault(f"{TARGETS_FIELD}.fulfilment", []).append(
            "harus objek / must be an object"
        )
        return None
    by_code = {t["code"]: t for t in types}
    for code, raw in fulfilment.items():
        where = f"{TARGETS_FIELD}.fulfilment.{code}"
        if code not in by_code:
            errors.setdefault(where, []).append(
                "bukan jenis permintaan layanan ini / not a request type of this service"
            )
            continue
        if raw is None:
            continue
        figure = parse_figure(raw, where, errors)
        if figure is None:
            continue
        if figure.unit is not Unit.JAM:
            errors.setdefault(f"{where}.unit", []).append(
                "pemenuhan dalam jam / fulfilment in hours (jam)"
            )
            continue
        given = by_code[code]["fulfilment_hours"]
        if given is not None and given != figure.value:
            errors.setdefault(where, []).append(
                f"berbeda dengan request_types ({given} jam) / contradicts request_types"
            )
            continue
        by_code[code]["fulfilment_hours"] = figure.value
    return own.to_json() if own else None


def validate_service(
    raw: dict[str, Any], agencies: set[str]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check one catalog entry; the single rule set for the API and the importers.

    Returns the cleaned entry and field errors (empty when valid). A Kritis service must
    have its RPO, RTO and DRP document (Perbup Bangka 21/2025, 2.1.1.2). `targets` left
    out keeps the service's figures as they are (the spreadsheet carries none); given, it
    replaces them (`{}`: the tables throughout). `user_service_target` is derived from the
    figures (`entry`) and never read.
    """
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    code = str(raw.get("code") or "").strip()
    if not _CODE.match(code):
        errors["code"] = ["kode huruf besar, angka dan '-' (maks. 40) / upper-case code"]
    clean["code"] = code
    clean["name"] = str(raw.get("name") or "").strip()
    if not clean["name"]:
        errors["name"] = ["wajib diisi / required"]
    clean["agency"] = str(raw.get("agency") or "").strip()
    if clean["agency"] not in agencies:
        errors["agency"] = [f"PD '{clean['agency']}' tidak ada / unknown agency"]
    for key, allowed in (
        ("group", GROUPS),
        ("classification", CLASSIFICATIONS),
        ("support_hours", SUPPORT_HOURS),
    ):
        value = _normal_group(raw.get(key)) if key == "group" else raw.get(key)
        if key == "support_hours" and value in (None, ""):
            value = "kalender"
        if value not in allowed:
            errors[key] = [f"salah satu dari / one of: {', '.join(allowed)}"]
        clean[key] = value
    for key in _TEXT_FIELDS:
        clean[key] = str(raw.get(key) or "").strip()
    target = raw.get("availability_target")
    clean["availability_target"] = None
    if target not in (None, ""):
        try:
            clean["availability_target"] = float(target)
        except (TypeError, ValueError):
            errors["availability_target"] = ["harus angka / must be a number"]
        else:
            if not 0 <= clean["availability_target"] <= 100:
                errors["availability_target"] = ["0-100 (persen / percent)"]
    clean["rpo_minutes"] = _optional_int(raw, "rpo_minutes", errors)
    clean["rto_minutes"] = _optional_int(raw, "rto_minutes", errors)
    clean["drp_reference"] = str(raw.get("drp_reference") or "").strip() or None
    if clean.get("classification") == "Kritis":
        for key in ("rpo_minutes", "rto_minutes", "drp_reference"):
            if clean[key] is None:
                errors.setdefault(key, []).append(
                    "wajib untuk layanan Kritis / required for a Kritis service"
                )
    clean["request_types"] = _request_types(raw.get("request_types"), errors)
    if raw.get(TARGETS_FIELD) is not None:
        clean[TARGETS_FIELD] = _targets(raw[TARGETS_FIELD], clean["request_types"], errors)
    for key in ("service_administrators", "infrastructure_administrators"):
        names = raw.get(key)
        if names is None:
            continue
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            errors[key] = ["daftar nama pengguna / list of usernames"]
        else:
            clean[key] = [n.strip() for n in names if n.strip()]
    return clean, errors


class CatalogService:
    """The service catalog: read by everyone, changed by Admin Sistem, every change audited."""

    def __init__(self, session: Session, clock: Clock, actor: User | None = None) -> None:
        self.session = session
        self.clock = clock
        self.actor = actor
        self.accounts = AccountService(session, clock, actor)

    def all(self) -> list[Service]:
        """Every service, by code."""
        return list(self.session.scalars(select(Service).order_by(Service.code)))

    def get(self, code: str) -> Service:
        """Raises NotFound when no service has this code."""
        service = self.session.scalar(select(Service).where(Service.code == code))
        if service is None:
            raise NotFound(f"Layanan '{code}' tidak ada / no service '{code}'")
        return service

    def holders(self, service: Service, role: str) -> list[str]:
        """Usernames holding `role` for exactly this service (its administrators)."""
        return sorted(
            self.session.scalars(
                select(User.username)
                .join(RoleAssignment, RoleAssignment.user_id == User.id)
                .where(RoleAssignment.role == role, RoleAssignment.service_id == service.id)
            )
        )

    def _agencies(self) -> dict[str, int]:
        return {
            code: agency_id
            for code, agency_id in self.session.execute(select(Agency.code, Agency.id))
        }

    def save(self, raw: dict[str, Any], code: str | None = None) -> Service:
        """Create a service, or update the one with `code`, from one raw entry.

        Raises:
            FormInvalid: field errors (a Kritis service without RPO, RTO or DRP included).
            NotFound: `code` names no service, or an administrator is no user.
        """
        require(self.session, self.actor, ADMINISTER)
        if code is not None:
            self.get(code)
            raw = {**raw, "code": code}
        agencies = self._agencies()
        clean, errors = validate_service(raw, set(agencies))
        if errors:
            raise FormInvalid("Data layanan tidak valid / invalid service", errors)
        return self._apply(clean, agencies)

    def entry(self, service: Service) -> dict[str, Any]:
        """A service as a plain entry: what the API shows and the exports write."""
        result = {key: getattr(service, key) for key in _COLUMNS if key != "agency_id"}
        levels = self.levels(service)
        result.update(
            code=service.code,
            agency=service.agency.code,
            targets={
                **(levels.own.to_json() or {"response": {}, "resolution": {}}),
                "fulfilment": {
                    t.code: {"value": t.fulfilment_hours, "unit": Unit.JAM.value}
                    for t in service.request_types
                    if t.fulfilment_hours
                },
            },
            user_service_target=levels.summary(),
            request_types=[
                {
                    "code": t.code,
                    "name": t.name,
                    "needs_approval": t.needs_approval,
                    "fulfilment_hours": t.fulfilment_hours,
                }
                for t in service.request_types
            ],
            service_administrators=self.holders(service, RoleName.SERVICE_ADMINISTRATOR),
            infrastructure_administrators=self.holders(
                service, RoleName.INFRASTRUCTURE_ADMINISTRATOR
            ),
        )
        return result

    def levels(self, service: Service) -> ServiceLevels:
        """The targets in force for `service`: its own figures, else the reference tables
        (`service_level_targets`, which the SLA clocks read too)."""
        return service_level_targets(
            self.session, ReferenceService(self.session, self.clock), service
        )

    def export(self, fmt: str) -> bytes:
        """The whole catalog as `csv` or `xlsx`."""
        entries = [self.entry(service) for service in self.all()]
        return write_xlsx(entries) if fmt == "xlsx" else write_csv(entries)

    def import_file(self, content: bytes, filename: str) -> tuple[int, int]:
        """Import a CSV or XLSX catalog; returns (created, updated). All or nothing."""
        entries, problems = read_catalog(content, filename)
        return self.import_entries(entries, problems)

    def import_entries(
        self, entries: list[dict[str, Any]], problems: list[dict[str, Any]] | None = None
    ) -> tuple[int, int]:
        """Create or update many services at once; any bad row refuses them all.

        Raises:
            InvalidInput: `errors` lists {row, field, message} for every problem found.
        """
        require(self.session, self.actor, ADMINISTER)
        agencies = self._agencies()
        usernames = set(self.session.scalars(select(User.username)))
        problems = list(problems or [])
        cleaned, seen = [], set()
        for index, raw in enumerate(entries):
            row = raw.get("_row", index + 2)  # row 1 holds the headers
            clean, errors = validate_service(raw, set(agencies))
            if clean["code"] in seen:
                errors.setdefault("code", []).append("kode ganda di berkas / duplicate code")
            seen.add(clean["code"])
            for key in ("service_administrators", "infrastructure_administrators"):
                for name in clean.get(key, []):
                    if name not in usernames:
                        errors.setdefault(key, []).append(f"pengguna '{name}' tidak ada / no user")
            problems += [
                {"row": row, "field": field, "message": message}
                for field, messages in errors.items()
                for message in messages
            ]
            cleaned.append(clean)
        if problems:
            problems.sort(key=lambda problem: problem["row"])
            raise InvalidInput(
                f"Impor dibatalkan: {len(problems)} kesalahan, tidak ada yang diubah / "
                f"import refused: {len(problems)} error(s), nothing changed",
                problems,
            )
        existing = set(self.session.scalars(select(Service.code)))
        for clean in cleaned:
            self._apply(clean, agencies)
        updated = len([c for c in cleaned if c["code"] in existing])
        return len(cleaned) - updated, updated

    def _apply(self, clean: dict[str, Any], agencies: dict[str, int]) -> Service:
        service = self.session.scalar(select(Service).where(Service.code == clean["code"]))
        created = service is None
        if service is None:
            service = Service(code=clean["code"])
            self.session.add(service)
        before = {key: getattr(service, key, None) for key in _COLUMNS}
        service.agency_id = agencies[clean["agency"]]
        for key in _COLUMNS:
            if key != "agency_id":
                setattr(service, key, clean[key])
        if TARGETS_FIELD in clean:
            before[TARGETS_FIELD] = service.targets
            service.targets = clean[TARGETS_FIELD]
        self.session.flush()
        self._sync_request_types(service, clean["request_types"])
        for key, role in (
            ("service_administrators", RoleName.SERVICE_ADMINISTRATOR),
            ("infrastructure_administrators", RoleName.INFRASTRUCTURE_ADMINISTRATOR),
        ):
            if key in clean:
                self._sync_holders(service, role, clean[key])
        changed = {
            key: getattr(service, key) for key in before if before[key] != getattr(service, key)
        }
        audit(
            self.session,
            self.actor,
            "service_created" if created else "service_updated",
            self.clock.now(),
            {
                "code": service.code,
                "changed": changed,
                "request_types": [t["code"] for t in clean["request_types"]],
            },
        )
        self.session.flush()
        return service

    def _sync_request_types(self, service: Service, types: list[dict[str, Any]]) -> None:
        current = {
            t.code: t
            for t in self.session.scalars(
                select(RequestType).where(RequestType.service_id == service.id)
            )
        }
        for item in types:
            row = current.pop(item["code"], None) or RequestType(
                service_id=service.id, code=item["code"]
            )
            row.name = item["name"]
            row.needs_approval = item["needs_approval"]
            row.fulfilment_hours = item["fulfilment_hours"]
            self.session.add(row)
        for stale in current.values():
            self.session.delete(stale)

    def _sync_holders(self, service: Service, role: str, usernames: list[str]) -> None:
        for name in set(self.holders(service, role)) - set(usernames):
            self.accounts.revoke(name, role, service_code=service.code)
        for name in usernames:
            self.accounts.grant(name, role, service_code=service.code)


_COLUMNS = (
    "name",
    "agency_id",
    "group",
    "classification",
    "description",
    "access_method",
    "availability_target",
    "help_contact",
    "support_hours",
    "availability",
    "vital_business_functions",
    "rpo_minutes",
    "rto_minutes",
    "drp_reference",
)
