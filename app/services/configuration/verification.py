"""What the configuration verification procedure does to the CMDB (issue 14, items 3 and 4).

Kepbup Polewali Mandar 685/2021, II.3.e: the infrastructure administrator verifies that
the items recorded in the CMDB exist as recorded (`verifikasi-konfigurasi`, task
`pemeriksaan_komponen`, rows of `hasil_verifikasi`: `{"komponen": id, "keberadaan":
"ditemukan"|"tidak_ditemukan"|"berbeda", "perbedaan"}`), and the result is kept as a
baseline (II.3.b.3).

**Unauthorised differences** (II.3.e.3, "komponen konfigurasi yang tidak sah"). When such
rows are submitted, before the diagram runs, each is completed with the item's name
(`nama_komponen`) and `tidak_sah`: True for a difference (not found, or differs) on an
item no change accounts for, that is, no Manajemen Perubahan case linked to the item
(`configuration_item_case`) closed since the previous baseline of the verification's
scope (the newest baseline taken by a verification of the same service, else the newest
of the service's PD; with neither, any closed change counts). The diagram reads the flag
(a complaint rather than a change), and the case gets a `configuration_unauthorised`
event naming the items.

**The baseline.** A script that sets `simpan_baseline_verifikasi = True` marks where the
result is kept: in the step during which it runs, a baseline `Verifikasi <reference>` of
the items the rows name is taken through `BaselineService.take`, with the verification as
its source (`source_instance_id`), and the case gets a `configuration_verified` event
(rows naming no item, a service with nothing recorded, keep no baseline; the event says
so with `"baseline": null`).
The procedure's review is the authority: the person completing that step need not keep
the PD's items (as a change's updates, `case_forms`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.models import (
    ConfigurationBaseline,
    ConfigurationItem,
    ConfigurationItemCase,
    Instance,
    InstanceStatus,
    Service,
    User,
)
from app.services.audit.events import record
from app.services.configuration.baselines import BaselineService
from app.services.configuration.choices import item_id

#: The procedure, and the one whose closed cases authorise a difference.
MODEL_ID = "verifikasi-konfigurasi"
CHANGE_MODEL_ID = "manajemen-perubahan"
#: How a change that was carried out ends (not rejected, not failed).
CHANGE_DONE = ("status_perubahan", "selesai")
#: The rows the administrator records, and their fields.
ROWS = "hasil_verifikasi"
ROW_ITEM, ROW_FINDING, ROW_NAME, ROW_UNAUTHORISED = (
    "komponen",
    "keberadaan",
    "nama_komponen",
    "tidak_sah",
)
#: Findings that are a difference between the CMDB and what is found.
DIFFERENCES = frozenset({"tidak_ditemukan", "berbeda"})
#: Set to True by the diagram's script where the result is kept as a baseline.
BASELINE_FLAG = "simpan_baseline_verifikasi"
UNAUTHORISED_EVENT = "configuration_unauthorised"
VERIFIED_EVENT = "configuration_verified"


def _rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = data.get(ROWS)
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


def _agency_id(session: Session, instance: Instance) -> int | None:
    if instance.service_id is not None:
        service = session.get(Service, instance.service_id)
        if service is not None:
            return service.agency_id
    return instance.agency_id


def previous_baseline(session: Session, instance: Instance) -> ConfigurationBaseline | None:
    """The newest baseline of the verification's scope taken before it: by a verification
    of the same service, else of the service's PD."""
    query = select(ConfigurationBaseline).order_by(ConfigurationBaseline.id.desc()).limit(1)
    if instance.service_id is not None:
        found = session.scalar(
            query.join(Instance, Instance.id == ConfigurationBaseline.source_instance_id).where(
                Instance.process_model_id == MODEL_ID,
                Instance.service_id == instance.service_id,
                Instance.id != instance.id,
            )
        )
        if found is not None:
            return found
    agency_id = _agency_id(session, instance)
    if agency_id is None:
        return None
    return session.scalar(query.where(ConfigurationBaseline.agency_id == agency_id))


def authorised_items(session: Session, item_ids: list[int], since: datetime | None) -> set[int]:
    """The items of `item_ids` a change linked to them and closed as done
    (`status_perubahan` "selesai", not rejected or failed) after `since` (ever, for None)
    accounts for."""
    if not item_ids:
        return set()
    query = (
        select(ConfigurationItemCase.item_id, Instance.data)
        .join(Instance, Instance.id == ConfigurationItemCase.instance_id)
        .where(
            ConfigurationItemCase.item_id.in_(item_ids),
            Instance.process_model_id == CHANGE_MODEL_ID,
            Instance.status == InstanceStatus.COMPLETE,
        )
    )
    if since is not None:
        query = query.where(Instance.ended_at > since)
    return {
        item
        for item, data in session.execute(query)
        if isinstance(data, dict) and data.get(CHANGE_DONE[0]) == CHANGE_DONE[1]
    }


class Verification:
    """Flags unauthorised differences and keeps a verification's result as a baseline."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    def annotate(self, instance: Instance, data: dict[str, Any], user: User) -> dict[str, Any]:
        """`data` with each row of `hasil_verifikasi` given its item's name and
        `tidak_sah`; unchanged without rows. Records `configuration_unauthorised` when a
        row is unauthorised."""
        rows = _rows(data)
        if not rows:
            return data
        ids = [item_id(row.get(ROW_ITEM)) for row in rows]
        known = sorted({i for i in ids if i is not None})
        names = dict(
            self.session.execute(
                select(ConfigurationItem.id, ConfigurationItem.name).where(
                    ConfigurationItem.id.in_(known)
                )
            ).all()
        )
        previous = previous_baseline(self.session, instance)
        since = previous.created_at if previous is not None else None
        differing = [
            wanted
            for row, wanted in zip(rows, ids, strict=True)
            if wanted is not None and row.get(ROW_FINDING) in DIFFERENCES
        ]
        authorised = authorised_items(self.session, differing, since)
        annotated, unauthorised = [], []
        for row, wanted in zip(rows, ids, strict=True):
            flagged = wanted in differing and wanted not in authorised
            annotated.append(
                {
                    **row,
                    ROW_NAME: names.get(wanted, str(row.get(ROW_ITEM))),
                    ROW_UNAUTHORISED: flagged,
                }
            )
            if flagged:
                unauthorised.append(wanted)
        if unauthorised:
            record(
                self.session,
                instance,
                UNAUTHORISED_EVENT,
                self.clock.now(),
                user,
                data={
                    "items": unauthorised,
                    "since_baseline": previous.id if previous is not None else None,
                },
            )
        return {**data, ROWS: annotated}

    def keep(
        self, instance: Instance, data: dict[str, Any], user: User
    ) -> ConfigurationBaseline | None:
        """Take the baseline of the items the rows name, its source the verification;
        none when the rows name no item (a service with nothing recorded in the CMDB)."""
        rows = _rows(data)
        ids = list(dict.fromkeys(i for i in (item_id(r.get(ROW_ITEM)) for r in rows) if i))
        if not ids:
            record(
                self.session,
                instance,
                VERIFIED_EVENT,
                self.clock.now(),
                user,
                data={"baseline": None, "items": []},
            )
            return None
        items = list(
            self.session.scalars(select(ConfigurationItem).where(ConfigurationItem.id.in_(ids)))
        )
        agency_id = _agency_id(self.session, instance)
        agency = None
        if items and all(item.agency_id == agency_id for item in items):
            agency = items[0].agency.code
        case = instance.reference or f"#{instance.id}"
        differing = [r for r in rows if r.get(ROW_FINDING) in DIFFERENCES]
        unauthorised = [item_id(r.get(ROW_ITEM)) for r in rows if r.get(ROW_UNAUTHORISED) is True]
        description = (
            f"Hasil verifikasi komponen konfigurasi {case}: {len(rows)} komponen diperiksa, "
            f"{len(differing)} selisih, {len(unauthorised)} tidak sah."
        )
        raw: dict[str, Any] = {
            "name": f"Verifikasi {case}",
            "description": description,
            "agency": agency,
            "items": ids,
            "source_instance_id": instance.id,
        }
        baseline = BaselineService(self.session, self.clock, user, authorised=True).take(raw)
        self.session.flush()
        record(
            self.session,
            instance,
            VERIFIED_EVENT,
            self.clock.now(),
            user,
            data={
                "baseline": baseline.id,
                "items": ids,
                "differences": [item_id(r.get(ROW_ITEM)) for r in differing],
                "unauthorised": unauthorised,
            },
        )
        return baseline
