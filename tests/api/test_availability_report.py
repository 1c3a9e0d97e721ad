"""The monitoring procedure's availability report through the API (issue 14, item 6;
Kepbup Polewali Mandar 685/2021, III.4.b): the figures are the process's (`readOnly` in
the form), so a client posting the task's data directly cannot claim the target met to
leave out the reason it was missed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.clock import FixedClock
from app.services.context import Platform
from tests.conftest import Auth
from tests.engine.test_pemantauan_pemeliharaan_model import (
    ANALISIS,
    ANALISIS_LAYANAN,
    LAPORAN,
    LAPORAN_TIDAK_TERCAPAI,
    PEMANTAUAN_INFRA,
    PEMANTAUAN_LAYANAN,
)
from tests.paths.driver import Driver
from tests.services.tracking_data import complaint

pytestmark = pytest.mark.usefixtures("deployed")

MODEL = "pemantauan-pemeliharaan"
#: SRIKANDI: DISKOMINFO, office hours, target 98 % (demo catalog).
MULAI = {"layanan": "SRIKANDI", "periode": "2026-11"}
PROVIDER, INFRA = "penyedia", "admin.infra"
REASON = "penyebab_tidak_tercapai"
#: What the process computes before the report (`ketersediaan_layanan`).
FIGURES = (
    "target_ketersediaan_persen",
    "ketersediaan_tercapai_persen",
    "target_ketersediaan_tercapai",
)


def _at_the_report(drive: Driver) -> int:
    """A month of SRIKANDI monitored and analysed: its report is next."""
    instance_id = drive.start(PROVIDER, MODEL, dict(MULAI))["id"]
    drive.complete(PROVIDER, instance_id, "pemantauan_layanan", PEMANTAUAN_LAYANAN)
    drive.complete(INFRA, instance_id, "pemantauan_infrastruktur", PEMANTAUAN_INFRA)
    drive.complete(PROVIDER, instance_id, "analisis_pemantauan_layanan", ANALISIS_LAYANAN)
    drive.complete(INFRA, instance_id, "analisis_pemantauan", ANALISIS)
    return instance_id


def test_a_missed_target_needs_its_reason_whatever_the_client_claims(
    auth: Auth, platform: Platform, clock: FixedClock
) -> None:
    # A Mayor complaint about SRIKANDI open six office hours: about 96.6 % of November's
    # service hours, against its 98 %.
    complaint(platform)  # filed Monday 09:00 WIB
    clock.advance(timedelta(hours=6))
    drive = Driver(auth)
    instance_id = _at_the_report(drive)
    task_id = drive.task(PROVIDER, instance_id, "laporan_ketersediaan")
    shown = auth.get(PROVIDER, f"/api/v1/tasks/{task_id}").json
    assert shown["data"]["target_ketersediaan_tercapai"] is False
    assert (
        shown["data"]["ketersediaan_tercapai_persen"] < shown["data"]["target_ketersediaan_persen"]
    )
    before = drive.instance(PROVIDER, instance_id)

    claimed_met = {**LAPORAN, **MULAI}  # says "tercapai", 99.94 %, and gives no reason
    left_out = {k: v for k, v in claimed_met.items() if k not in FIGURES}
    for sent in (claimed_met, left_out):
        refused = auth.post(PROVIDER, f"/api/v1/tasks/{task_id}/complete", json={"data": sent})
        assert refused.status_code == 422, refused.json
        assert list(refused.json["errors"]) == [REASON], refused.json

    # Nothing of it was stored: the task waits, the case is as it was.
    after = drive.instance(PROVIDER, instance_id)
    assert [t["name"] for t in after["tasks"]] == ["laporan_ketersediaan"]
    assert after["events"] == before["events"]
    assert after["data"] == before["data"]

    # With the reason the report is taken, with the computed figures.
    done = drive.complete(
        PROVIDER, instance_id, "laporan_ketersediaan", {**claimed_met, REASON: "Server mati."}
    )
    assert done["data"]["target_ketersediaan_tercapai"] is False
    assert done["data"][REASON] == "Server mati."
    assert (
        done["data"]["ketersediaan_tercapai_persen"]
        == shown["data"]["ketersediaan_tercapai_persen"]
    )


def test_a_met_target_needs_no_reason_whatever_the_client_claims(auth: Auth) -> None:
    """No outage: the target is met, and a client claiming it missed is not asked why."""
    drive = Driver(auth)
    instance_id = _at_the_report(drive)
    claimed_missed = {k: v for k, v in {**LAPORAN_TIDAK_TERCAPAI, **MULAI}.items() if k != REASON}
    done = drive.complete(PROVIDER, instance_id, "laporan_ketersediaan", claimed_missed)
    assert done["data"]["target_ketersediaan_tercapai"] is True
    assert REASON not in done["data"]
