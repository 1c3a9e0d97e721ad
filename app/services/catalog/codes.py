"""The catalog's codes and service rows, kept per process under the change stamp.

Every start checks the codes its form names (a service, a PD, a request type), holds the
row of its service and PD, and a request's clock reads its type's fulfilment target; the
catalog changes rarely, so these answers are read once per change of the stamp
(app/models/change_stamp.py) rather than asked of the database on every call (issue 13,
item 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.models import Agency, RequestType, Service
from app.models.change_stamp import RowCache, StampedCache, detached


@dataclass(frozen=True)
class RequestTypeFacts:
    """What the clocks need of a request type."""

    name: str
    fulfilment_hours: int | None
    needs_approval: bool


@dataclass(frozen=True)
class CatalogCodes:
    """Code -> id of every service and PD, and the request types by (service, code)."""

    services: dict[str, int]
    agencies: dict[str, int]
    request_types: dict[tuple[str, str], RequestTypeFacts]


def _read(session: Session) -> CatalogCodes:
    services: dict[str, int] = {
        code: service_id for code, service_id in session.execute(select(Service.code, Service.id))
    }
    code_of = {service_id: code for code, service_id in services.items()}
    return CatalogCodes(
        services=services,
        agencies={
            code: agency_id for code, agency_id in session.execute(select(Agency.code, Agency.id))
        },
        request_types={
            (code_of[service_id], code): RequestTypeFacts(name, hours, approval)
            for service_id, code, name, hours, approval in session.execute(
                select(
                    RequestType.service_id,
                    RequestType.code,
                    RequestType.name,
                    RequestType.fulfilment_hours,
                    RequestType.needs_approval,
                )
            )
        },
    )


_CODES: StampedCache[CatalogCodes] = StampedCache(size=8)


def catalog_codes(session: Session) -> CatalogCodes:
    """The codes as of the session's change stamp."""
    return _CODES.get(session, "catalog", lambda: _read(session))


def _detached_service(session: Session, code: str) -> Service | None:
    """The service `code` and its PD as detached rows (`detached`), read in one statement."""
    agency_columns = Agency.__table__.columns
    row = session.execute(
        select(*Service.__table__.columns, *(c.label(f"agency_{c.key}") for c in agency_columns))
        .join(Agency, Agency.id == Service.agency_id)
        .where(Service.code == code)
    ).first()
    if row is None:
        return None
    values = row._mapping
    service = detached(Service, values)
    agency = detached(Agency, {c.key: values[f"agency_{c.key}"] for c in agency_columns})
    set_committed_value(service, "agency", agency)
    return service


_SERVICES: RowCache[Service] = RowCache(size=512)


def service_by_code(session: Session, code: str) -> Service | None:
    """The service `code`, with its PD loaded, as a row of `session` (None: no such
    service), merged from this process's copy while the stamp holds."""
    return _SERVICES.merged(session, ("service", code), lambda: _detached_service(session, code))
