"""Facts from the service catalog that an instance carries in its data and scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import FormInvalid
from app.models import RequestType, Service

SERVICE_FIELD = "layanan"
REQUEST_TYPE_FIELD = "jenis_permintaan"


@dataclass(frozen=True)
class Scope:
    """The service and PD an instance belongs to (routing and visibility use it)."""

    service_id: int | None
    agency_id: int | None


def resolve_scope(session: Session, data: dict[str, Any]) -> tuple[Scope, dict[str, Any]]:
    """Scope of new instance data, and the catalog facts to add to its data.

    The data field `layanan` names a service by code; `jenis_permintaan`, when given,
    names one of its request types (docs/bpmn-conventions.md).

    Raises:
        FormInvalid: the service or the request type does not exist.
    """
    code = data.get(SERVICE_FIELD)
    if code is None:
        return Scope(None, None), {}
    service = session.scalar(select(Service).where(Service.code == str(code)))
    if service is None:
        raise FormInvalid(
            "Data tidak valid / invalid data",
            {SERVICE_FIELD: [f"layanan '{code}' tidak ada di katalog / not in the catalog"]},
        )
    facts: dict[str, Any] = {
        "layanan_info": {
            "kode": service.code,
            "nama": service.name,
            "pd": service.agency.name,
            "kelompok": service.group,
            "klasifikasi": service.classification,
        }
    }
    type_code = data.get(REQUEST_TYPE_FIELD)
    if type_code is not None:
        request_type = session.scalar(
            select(RequestType).where(
                RequestType.service_id == service.id, RequestType.code == str(type_code)
            )
        )
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
        facts["perlu_persetujuan"] = request_type.needs_approval
    return Scope(service.id, service.agency_id), facts
