"""The path every benchmark drives through `processes/permintaan-layanan.bpmn`.

A request is started by the requester, classified by an Administrator Layanan,
approved by the Penanggung Jawab (AKUN-BARU only), fulfilled by the appointed
`pelaksana` and accepted by the requester. The same data feed the in-memory engine and
the service layer, so their timings compare like with like.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.config import PROJECT_ROOT
from app.engine.specs import SETTINGS_VARIABLE, ParsedModel, parse_bundle
from app.services.demo import AGENCIES, SAMPLE_REQUEST, SERVICES
from app.services.process_models.deploy import bundle_from_directory

MODEL_ID = "permintaan-layanan"
BPMN_FILE = PROJECT_ROOT / "processes" / f"{MODEL_ID}.bpmn"
FORMS_DIR = PROJECT_ROOT / "forms"
REQUESTER = "pengguna"

#: The start form: the demo requester's sample request.
REQUEST: dict[str, Any] = SAMPLE_REQUEST

#: Request type per path: AKUN-BARU needs approval, RESET-SANDI does not.
REQUEST_TYPES = {"approval": "AKUN-BARU", "direct": "RESET-SANDI"}


@dataclass(frozen=True)
class Step:
    """One user task on the path: who completes it (demo user) and with what."""

    bpmn_id: str
    username: str
    data: dict[str, Any]


STEPS: dict[str, Step] = {
    step.bpmn_id: step
    for step in (
        Step(
            "klasifikasi_prioritas",
            "admin.layanan",
            {
                "klasifikasi": "akses",
                "prioritas": "sedang",
                "gangguan": False,
                "pelaksana": "pelaksana",
            },
        ),
        Step("persetujuan_permintaan", "pj.layanan", {"disetujui": True}),
        Step("pemenuhan_permintaan", "pelaksana", {"hasil_pemenuhan": "Akun telah dibuat."}),
        Step("konfirmasi_pemenuhan", REQUESTER, {"konfirmasi": "diterima", "kepuasan": 5}),
    )
}


def request_for(path: str) -> dict[str, Any]:
    """The start-form data for `path` (`approval` or `direct`)."""
    return {**REQUEST, "jenis_permintaan": REQUEST_TYPES[path]}


def user_tasks_on(path: str) -> int:
    """How many user tasks an instance on `path` passes through."""
    return 4 if path == "approval" else 3


def load_model() -> ParsedModel:
    """Parse the process and its forms exactly as a deployment does."""
    return parse_bundle(MODEL_ID, bundle_from_directory(BPMN_FILE, FORMS_DIR))


def engine_start_data(path: str, model: ParsedModel) -> dict[str, Any]:
    """The data `InstanceService.start` would hand the engine, without a database.

    The catalog facts (`layanan_info`, `perlu_persetujuan`) come from the demo catalog,
    the one `load_demo` writes, so in-memory runs take the same gateway branches; the
    model's settings are their defaults (`pengaturan`, where nobody changed them).
    """
    request = request_for(path)
    agencies = dict(AGENCIES)
    for entry in SERVICES:
        if entry["code"] != request["layanan"]:
            continue
        types = {t["code"]: t["needs_approval"] for t in entry["request_types"]}  # type: ignore[attr-defined]
        return {
            **request,
            "layanan_info": {
                "kode": entry["code"],
                "nama": entry["name"],
                "pd": agencies[str(entry["agency"])],
                "kelompok": entry["group"],
                "klasifikasi": entry["classification"],
            },
            "perlu_persetujuan": types[request["jenis_permintaan"]],
            "pemohon": {"username": REQUESTER, "nama": "Siti Pengguna"},
            "waktu_permintaan": "2026-11-23T02:00:00+00:00",
            **({SETTINGS_VARIABLE: model.default_settings()} if model.settings else {}),
        }
    raise LookupError(f"service {request['layanan']} is not in the demo catalog")
