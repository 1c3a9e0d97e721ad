"""The known-error register: written by problem management, searched by the service desk.

Problem management (Perbup Bangka 21/2025, 2.2.1.3) records each error whose root cause
is known with its workaround; the service desk looks them up while handling complaints.
A task of any procedure that submits `solusi_sementara` (the workaround), with
`akar_masalah` and `gejala_known_error`, flat or inside a `known_error` object, records or
updates the known error of its instance (docs/bpmn-conventions.md, "Known errors").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import Instance, KnownError, Service, User
from app.services.accounts.permissions import STAFF, require

WORKAROUND = "solusi_sementara"
ROOT_CAUSE = "akar_masalah"
SYMPTOMS = "gejala_known_error"
NESTED = "known_error"


def known_error_fields(data: dict[str, Any]) -> dict[str, str] | None:
    """The known-error fields a form submitted, or None when it gave no workaround."""
    source = data.get(NESTED) if isinstance(data.get(NESTED), dict) else data
    workaround = source.get(WORKAROUND)
    if not isinstance(workaround, str) or not workaround.strip():
        return None
    return {
        "workaround": workaround.strip(),
        "root_cause": str(source.get(ROOT_CAUSE) or "").strip(),
        "symptoms": str(source.get(SYMPTOMS) or "").strip(),
    }


def record_known_error(
    session: Session, instance: Instance, data: dict[str, Any], at: datetime
) -> KnownError | None:
    """Record (or bring up to date) the known error `data` describes for `instance`."""
    fields = known_error_fields(data)
    if fields is None:
        return None
    row = session.scalar(select(KnownError).where(KnownError.instance_id == instance.id))
    if row is None:
        row = KnownError(instance_id=instance.id)
        session.add(row)
    row.service_id = instance.service_id
    row.symptoms = fields["symptoms"]
    row.root_cause = fields["root_cause"]
    row.workaround = fields["workaround"]
    row.recorded_at = at
    return row


@dataclass
class KnownErrorPage:
    """One page of search results."""

    items: list[KnownError]
    total: int


class KnownErrorService:
    """Search the register; staff only (any role but Pengguna Layanan)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def for_service(self, service_id: int, limit: int = 5) -> list[KnownError]:
        """The newest known errors of a service, shown with a task handling it.

        No permission check: callers show them to someone allowed to act on the task.
        """
        return list(
            self.session.scalars(
                select(KnownError)
                .where(KnownError.service_id == service_id)
                .order_by(KnownError.recorded_at.desc(), KnownError.id.desc())
                .limit(limit)
            )
        )

    def search(
        self,
        user: User,
        text: str | None = None,
        service_code: str | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> KnownErrorPage:
        """Known errors whose symptoms, cause or workaround contain `text`, newest first.

        Raises:
            NotPermitted: the user holds no staff role.
            NotFound: `service_code` names no service.
        """
        require(self.session, user, STAFF)
        query = select(KnownError)
        if service_code:
            service = self.session.scalar(select(Service).where(Service.code == service_code))
            if service is None:
                raise NotFound(f"Layanan {service_code} tidak ada / no service {service_code}")
            query = query.where(KnownError.service_id == service.id)
        if text:
            needle = f"%{text.lower()}%"
            query = query.where(
                or_(
                    func.lower(KnownError.symptoms).like(needle),
                    func.lower(KnownError.root_cause).like(needle),
                    func.lower(KnownError.workaround).like(needle),
                )
            )
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        items = self.session.scalars(
            query.order_by(KnownError.recorded_at.desc(), KnownError.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).all()
        return KnownErrorPage(list(items), total)
