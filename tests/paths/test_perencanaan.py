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
    PEMASTIAN,
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
    # The plan is BKPSDM's: its own head adopts it (2.1.2.5), not DISKOMINFO's.
    "rencana_perubahan": (
        "susun_perubahan",
        "setujui_perubahan",
        "pelaksana",
        "pimpinan.bkpsdm",
        "pimpinan",
        PERUBAHAN,
        {},
    ),
    # The Administrator Layanan drafts the infrastructure policy (2.1.2.3 angka 1-2).
    "kebijakan_infrastruktur": (
        "susun_kebijakan",
        "setujui_kebijakan",
        "admin.layanan",
        "pj.infra",
        "admin.infra",
        KEBIJAKAN,
        {},
    ),
}
# Steps between draft and approval: the infrastructure administrator's own check of the
# service needs (2.1.2.2 angka 3): task, who, outsider, data.
CHECKS = {
    "daftar_kebutuhan_layanan": [
        ("pastikan_teknologi", "admin.infra", "admin.layanan", PEMASTIAN),
    ],
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
    checks = CHECKS.get(jenis, [])
    for decision in (REVISI, DISETUJUI):
        drive.complete(drafter, instance_id, draft, data, outsider=outsider)
        for task, actor, other, check in checks:
            drive.complete(actor, instance_id, task, check, outsider=other)
        done = drive.complete(approver, instance_id, approval, decision, outsider=drafter)
    assert done["status"] == "complete"
    assert done["data"]["status_perencanaan"] == "ditetapkan"
    assert done["data"]["nomor_dokumen"] == DISETUJUI["nomor_dokumen"]
    assert done["data"]["catatan_persetujuan"] == REVISI["catatan_persetujuan"]
    final = drive.instance(STARTER, instance_id)
    completed = [e["data"]["task"] for e in final["events"] if e["kind"] == "task_completed"]
    steps = [draft, *(task for task, *_ in checks), approval]
    assert completed == steps + steps
    # The scope is the start's: a change plan naming a service (`layanan`) does not
    # move an instance that had none (only a correction of a service moves one).
    assert final["service"] == extra.get("layanan")
    assert "service_changed" not in [e["kind"] for e in final["events"]]
