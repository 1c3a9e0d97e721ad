"""Every way through Perencanaan Manajemen Layanan (Perbup Bangka 21/2025, 2.1),
through the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Auth
from tests.engine.test_perencanaan_model import (
    DISETUJUI,
    KEBIJAKAN,
    KEBUTUHAN,
    MULAI,
    PERUBAHAN,
    REVISI,
    TARGET,
)
from tests.paths.driver import Driver

MODEL = "perencanaan"
STARTER = "pj.layanan"

# jenis_dokumen: draft task, approval task, drafter, approver, outsider, draft data, start data
KINDS: dict[str, tuple[str, str, str, str, str, dict[str, Any], dict[str, Any]]] = {
    "daftar_kebutuhan_layanan": (
        "susun_kebutuhan",
        "setujui_kebutuhan",
        "admin.layanan",
        "pj.layanan",
        "admin.infra",
        KEBUTUHAN,
        {},
    ),
    # SIAK has its own Administrator Layanan: the one everywhere (admin.layanan) may not act.
    "target_operasional": (
        "susun_target",
        "setujui_target",
        "petugas.siak",
        "pj.layanan",
        "admin.layanan",
        TARGET,
        {"layanan": "SIAK", "judul": "Target Pengoperasian SIAK 2027"},
    ),
    "rencana_perubahan": (
        "susun_perubahan",
        "setujui_perubahan",
        "pelaksana",
        "pj.layanan",
        "pj.infra",
        PERUBAHAN,
        {},
    ),
    "kebijakan_infrastruktur": (
        "susun_kebijakan",
        "setujui_kebijakan",
        "admin.infra",
        "pj.infra",
        "pj.layanan",
        KEBIJAKAN,
        {},
    ),
}


@pytest.fixture
def drive(auth: Auth) -> Driver:
    return Driver(auth)


@pytest.mark.parametrize("jenis", sorted(KINDS))
def test_each_document_revised_once_then_adopted_by_its_roles(drive: Driver, jenis: str) -> None:
    draft, approval, drafter, approver, outsider, data, extra = KINDS[jenis]
    instance = drive.start(STARTER, MODEL, {**MULAI, "jenis_dokumen": jenis, **extra})
    instance_id = instance["id"]
    assert instance["reference"].startswith("REN-2026-")
    assert instance["service"] == extra.get("layanan")
    for decision in (REVISI, DISETUJUI):
        drive.complete(drafter, instance_id, draft, data, outsider=outsider)
        done = drive.complete(approver, instance_id, approval, decision, outsider=drafter)
    assert done["status"] == "complete"
    assert done["data"]["status_perencanaan"] == "ditetapkan"
    assert done["data"]["nomor_dokumen"] == DISETUJUI["nomor_dokumen"]
    assert done["data"]["catatan_persetujuan"] == REVISI["catatan_persetujuan"]
    final = drive.instance(STARTER, instance_id)
    completed = [e["data"]["task"] for e in final["events"] if e["kind"] == "task_completed"]
    assert completed == [draft, approval, draft, approval]
    # The scope is the start's: a change plan naming a service (`layanan`) does not
    # move an instance that had none (only a correction of a service moves one).
    assert final["service"] == extra.get("layanan")
    assert "service_changed" not in [e["kind"] for e in final["events"]]
