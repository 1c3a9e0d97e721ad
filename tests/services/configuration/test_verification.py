"""The configuration verification's effects on the CMDB (issue 14, items 3 and 4): a
finished verification leaves a baseline whose source is the verification, taken in the
review's step by the service owner, who keeps no items; a difference is unauthorised
unless a change linked to the item was carried out since the previous baseline of the
scope (a rejected change, or one closed before a baseline of the PD, does not count)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.models import ConfigurationBaseline, ConfigurationItem, Event, Instance, User
from app.services.configuration.baselines import BaselineService
from app.services.configuration.items import ItemService
from app.services.configuration.verification import UNAUTHORISED_EVENT, VERIFIED_EVENT
from app.services.context import Platform
from tests.engine.test_manajemen_perubahan_model import (
    IMPLEMENTASI,
    KAJIAN,
    PENERIMAAN,
    TERVERIFIKASI,
    TOLAK,
    kategorisasi,
    penjadwalan,
)
from tests.engine.test_verifikasi_konfigurasi_model import DISETUJUI
from tests.services.configuration.cmdb_data import make
from tests.services.tracking_data import complete, start

pytestmark = pytest.mark.usefixtures("deployed")

CHANGE = {
    "layanan": "SRIKANDI",
    "judul": "Penambahan RAM server SRIKANDI",
    "uraian_perubahan": "RAM server ditambah menjadi 64 GB.",
    "alasan_perubahan": "Beban naik menjelang akhir tahun.",
    "sumber_perubahan": "kebutuhan_penyedia",
}


@pytest.fixture
def server(items: ItemService, session: Session) -> ConfigurationItem:
    item = make(
        items,
        "server",
        name="SRV-UJI-VERIFIKASI",
        agency="DISKOMINFO",
        attributes={"serial_number": "SN-VERIF-1", "ram_gb": 32},
        services=["SRIKANDI"],
    )
    session.commit()
    return item


def _change(platform: Platform, item_id: int, carried_out: bool) -> int:
    """A change naming the item, carried out (standard) or rejected."""
    change = start(platform, "manajemen-perubahan", "penyedia", CHANGE)
    if carried_out:
        named = {**kategorisasi("standar"), "komponen_cmdb": [item_id]}
        complete(platform, change, "admin.layanan", named)
        complete(platform, change, "admin.infra", penjadwalan(False))
        complete(platform, change, "admin.infra", IMPLEMENTASI)
        complete(platform, change, "admin.layanan", TERVERIFIKASI)
        complete(platform, change, "pj.layanan", PENERIMAAN)
    else:
        named = {**kategorisasi("darurat"), "komponen_cmdb": [item_id]}
        complete(platform, change, "admin.layanan", named)
        rejected = {**KAJIAN, "rekomendasi_kajian": "tolak", "catatan_rekomendasi": "Risiko."}
        complete(platform, change, "admin.infra", rejected)
        complete(platform, change, "pj.layanan", TOLAK)
    return change


def _verified(platform: Platform, item_id: int) -> Instance:
    """A verification finding the item different, reviewed and accepted."""
    verification = start(platform, "verifikasi-konfigurasi", "admin.infra", {"layanan": "SRIKANDI"})
    found = {
        "hasil_verifikasi": [
            # What a client says of the flags is overwritten.
            {
                "komponen": item_id,
                "keberadaan": "berbeda",
                "perbedaan": "RAM 64 GB",
                "tidak_sah": False,
            }
        ]
    }
    complete(platform, verification, "admin.infra", found)
    complete(platform, verification, "pj.layanan", DISETUJUI)
    with platform.sessions() as db:
        instance = db.get(Instance, verification)
        assert instance is not None
        db.expunge(instance)
        return instance


def _flag(instance: Instance) -> Any:
    [row] = instance.data["hasil_verifikasi"]
    return row["tidak_sah"]


def _kinds(session: Session, instance_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Event.kind).where(Event.instance_id == instance_id).order_by(Event.id)
        )
    )


def test_the_result_is_kept_as_a_baseline_whose_source_is_the_verification(
    platform: Platform, session: Session, server: ConfigurationItem
) -> None:
    verification = _verified(platform, server.id)
    assert verification.status == "complete"
    [baseline] = session.scalars(
        select(ConfigurationBaseline).where(
            ConfigurationBaseline.source_instance_id == verification.id
        )
    )
    assert baseline.name == f"Verifikasi {verification.reference}"
    assert list(baseline.items) == [str(server.id)]
    assert baseline.items[str(server.id)]["name"] == "SRV-UJI-VERIFIKASI"
    assert baseline.agency_id == server.agency_id
    reviewer = session.scalars(select(User).where(User.username == "pj.layanan")).one()
    assert baseline.created_by_id == reviewer.id  # the owner keeps no items: the step decides
    assert "1 tidak sah" in baseline.description
    kinds = _kinds(session, verification.id)
    assert kinds.count(VERIFIED_EVENT) == 1
    assert kinds.count(UNAUTHORISED_EVENT) == 1
    assert _flag(verification) is True  # no change at all


def test_a_rejected_change_does_not_authorise_a_difference(
    platform: Platform, server: ConfigurationItem
) -> None:
    _change(platform, server.id, carried_out=False)
    assert _flag(_verified(platform, server.id)) is True


def test_a_change_carried_out_authorises_it_until_the_next_verification(
    platform: Platform, session: Session, clock: FixedClock, server: ConfigurationItem
) -> None:
    clock.advance(timedelta(hours=1))
    _change(platform, server.id, carried_out=True)
    clock.advance(timedelta(hours=1))
    first = _verified(platform, server.id)
    assert _flag(first) is False
    assert UNAUTHORISED_EVENT not in _kinds(session, first.id)
    # The next verification of SRIKANDI counts changes closed since the first one's baseline.
    clock.advance(timedelta(hours=1))
    assert _flag(_verified(platform, server.id)) is True


def test_without_a_verification_the_pds_baseline_is_the_previous_one(
    platform: Platform, session: Session, clock: FixedClock, admin: User, server: ConfigurationItem
) -> None:
    clock.advance(timedelta(hours=1))
    _change(platform, server.id, carried_out=True)
    clock.advance(timedelta(hours=1))
    BaselineService(session, clock, admin).take(
        {"name": "Baseline DISKOMINFO Desember", "agency": "DISKOMINFO"}
    )
    session.commit()
    clock.advance(timedelta(hours=1))
    assert _flag(_verified(platform, server.id)) is True


def test_a_service_with_nothing_recorded_keeps_no_baseline(
    platform: Platform, session: Session
) -> None:
    verification = start(platform, "verifikasi-konfigurasi", "admin.infra", {"layanan": "SRIKANDI"})
    complete(platform, verification, "admin.infra", {"hasil_verifikasi": []})
    complete(platform, verification, "pj.layanan", DISETUJUI)
    assert session.get(Instance, verification).status == "complete"
    assert session.scalars(select(ConfigurationBaseline)).all() == []
    [event] = session.scalars(
        select(Event).where(Event.instance_id == verification, Event.kind == VERIFIED_EVENT)
    )
    assert event.data == {"baseline": None, "items": []}
