"""A PD's maturity (Perbup Bangka 21/2025, Tabel 15) rises with the evidence its records hold,
through `GET /api/v1/maturity` (issue 15, item 4).

The evidence is made as people make it: the procedures driven through the API by the demo
users, forms filled from what the API serves (`SchemaFiller`) or with the path tests' data.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from app.clock import FixedClock
from app.services.context import Platform
from tests.api.test_every_procedure import Kabupaten, Run, SchemaFiller
from tests.conftest import Auth
from tests.engine.test_evaluasi_model import (
    DISAHKAN,
    LAPORAN,
    PELAYANAN,
    PENGOPERASIAN,
)
from tests.engine.test_evaluasi_model import DISETUJUI as REVIEWED
from tests.engine.test_perencanaan_model import DISETUJUI as ADOPTED
from tests.engine.test_perencanaan_model import KEBIJAKAN
from tests.paths.driver import Driver
from tests.paths.test_evaluasi import SELESAI

pytestmark = pytest.mark.usefixtures("deployed")

PD = "DISKOMINFO"
HEAD = "pimpinan"  # DISKOMINFO's Pimpinan: sees its dashboard
URL = "/api/v1/maturity?agency=DISKOMINFO&period="
#: Procedures started for the PD (one case each) to show every process is run.
RUN_ONLY = (
    "permintaan-layanan",
    "penanganan-aduan",
    "manajemen-masalah",
    "manajemen-perubahan",
    "rilis-layanan",
    "pemantauan-pemeliharaan",
    "uji-drp",
)


def _maturity(auth: Auth, period: str = "2026", user: str = HEAD) -> dict[str, Any]:
    response = auth.get(user, URL + period)
    assert response.status_code == 200, response.json
    return response.json


def _level(answer: dict[str, Any], level: int) -> dict[str, Any]:
    return answer["levels"][level - 1]


def _evaluated(drive: Driver) -> int:
    """An evaluation of 2026-S2 for the PD, approved, its follow-ups done."""
    started = drive.start(
        "admin.layanan", "evaluasi", {"periode": "2026-S2", "perangkat_daerah": PD}
    )
    instance_id = started["id"]
    drive.complete("admin.infra", instance_id, "evaluasi_pengoperasian", PENGOPERASIAN)
    drive.complete("admin.layanan", instance_id, "evaluasi_pelayanan_pengguna", PELAYANAN)
    drive.complete("admin.layanan", instance_id, "penyusunan_laporan", LAPORAN)
    drive.complete("pj.layanan", instance_id, "reviu_penanggung_jawab", REVIEWED)
    drive.complete(HEAD, instance_id, "pengesahan_pimpinan", DISAHKAN)
    done = drive.complete("admin.layanan", instance_id, "pemantauan_tindak_lanjut", SELESAI)
    assert done["status"] == "complete"
    return instance_id


def _planned(drive: Driver) -> int:
    """The PD's infrastructure policy for 2026, adopted."""
    started = drive.start(
        "pj.layanan",
        "perencanaan",
        {
            "jenis_dokumen": "kebijakan_infrastruktur",
            "periode": "2026",
            "judul": "Kebijakan Infrastruktur DISKOMINFO 2026",
            "perangkat_daerah": PD,
        },
    )
    instance_id = started["id"]
    drive.complete("admin.layanan", instance_id, "susun_kebijakan", KEBIJAKAN)
    done = drive.complete("pj.infra", instance_id, "setujui_kebijakan", ADOPTED)
    assert done["status"] == "complete"
    return instance_id


def test_the_level_rises_as_the_evidence_comes(auth: Auth, clock: FixedClock) -> None:
    drive = Driver(auth)
    before = _maturity(auth)
    assert (before["agency"], before["period"], before["level"]) == (PD, "2026", 1)
    assert [level["level"] for level in before["levels"]] == [1, 2, 3, 4, 5]
    assert _level(before, 2)["missing"]
    assert not _level(before, 2)["met"]

    # An evaluation with every follow-up done: levels 4 and 5 hold by themselves, yet
    # the level stays 1 while there is no plan (each level builds on the one below).
    evaluation = _evaluated(drive)
    evaluated = _maturity(auth)
    assert evaluated["level"] == 1
    assert _level(evaluated, 5)["met"]
    assert f"/proses/{evaluation}" in [e["url"] for e in _level(evaluated, 5)["evidence"]]
    assert _level(evaluated, 4)["met"]
    # The first semester holds no evaluation: the one of 2026-S2 does not count there.
    first_half = _maturity(auth, "2026-S1")
    assert not _level(first_half, 4)["met"]
    assert not _level(first_half, 5)["met"]

    planning = _planned(drive)
    planned = _maturity(auth)
    assert planned["level"] == 2
    assert [e["url"] for e in _level(planned, 2)["evidence"]] == [f"/proses/{planning}"]
    missing = " ".join(_level(planned, 3)["missing"])
    assert "Permintaan Layanan" in missing
    assert "Rilis Layanan" in missing
    assert "Perencanaan" not in missing
    assert "Evaluasi" not in missing
    # Planning for 2026 says nothing of 2027.
    assert _level(_maturity(auth, "2027"), 2)["met"] is False

    world = Kabupaten.discover(auth)
    for procedure in RUN_ONLY:
        filler = SchemaFiller(PD, world.pds, world.services, clock.now(), 0)
        Run(auth, world, procedure, filler).start()
    after = _maturity(auth)
    assert after["level"] == 5, [level["missing"] for level in after["levels"]]
    ran = {e["title"].split(":")[0] for e in _level(after, 3)["evidence"]}
    assert "Pemulihan Layanan (uji DRP / DRP test)" in ran
    assert "Permintaan Layanan" in ran


def test_only_a_pd_the_reader_oversees_and_a_real_period(auth: Auth) -> None:
    assert auth.get(HEAD, "/api/v1/maturity?agency=BKPSDM&period=2026").status_code == 403
    assert auth.get("pengguna", URL + "2026").status_code == 403
    for period in ("2026-S3", "26", "1999"):
        refused = auth.get(HEAD, URL + period)
        assert refused.status_code == 422, period
        assert "period" in str(refused.json["errors"])
    own = auth.get(HEAD, "/api/v1/maturity?period=2026")
    assert own.status_code == 200
    assert own.json["agency"] == PD


def test_the_evidence_bundle_holds_the_pdf_with_links_and_the_files(
    auth: Auth, platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = replace(platform.settings.attachments, directory=tmp_path / "lampiran")
    monkeypatch.setattr(platform.settings, "attachments", files)
    planning = _planned(Driver(auth))
    uploaded = auth.post(
        "pj.layanan",
        "/api/v1/attachments",
        data={"file": (io.BytesIO(b"%PDF-1.7 kebijakan"), "kebijakan.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.json
    noted = auth.post(
        "pj.layanan",
        f"/api/v1/process-instances/{planning}/comments",
        json={
            "body": "Dokumen kebijakan yang ditetapkan.",
            "visibility": "public",
            "attachments": [uploaded.json["attachment_id"]],
        },
    )
    assert noted.status_code == 201, noted.json
    reference = auth.get(HEAD, f"/api/v1/process-instances/{planning}").json["reference"]

    pdf = auth.get(HEAD, URL + "2026&format=pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Bukti Tingkat Kematangan Manajemen Layanan SPBE" in text
    assert "Tingkat kematangan yang tercapai pada periode 2026: 2 dari 5" in text
    assert reference in text
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
    ]
    assert f"http://localhost/proses/{planning}" in links

    bundle = auth.get(HEAD, URL + "2026&format=zip")
    assert bundle.status_code == 200
    with zipfile.ZipFile(io.BytesIO(bundle.data)) as archive:
        names = archive.namelist()
        assert names[0] == "bukti-kematangan-DISKOMINFO-2026.pdf"
        [attached] = [n for n in names if n.startswith(f"lampiran/{reference}/")]
        assert attached.endswith("-kebijakan.pdf")
        assert archive.read(attached) == b"%PDF-1.7 kebijakan"
    refused = auth.get(HEAD, URL + "2026&format=docx")
    assert refused.status_code == 422
    assert "format" in str(refused.json["errors"])


def test_recovery_does_not_apply_to_a_pd_without_kritis_services_or_a_drp(auth: Auth) -> None:
    # BKPSDM's services (SIMPEG, E-KINERJA) are Esensial and Normal, with no DRP.
    answer = auth.get("pj.layanan", "/api/v1/maturity?agency=BKPSDM&period=2026").json
    level_3 = _level(answer, 3)
    assert "Pemulihan" not in " ".join(level_3["missing"])
    assert any("Pemulihan Layanan: tidak berlaku" in e["title"] for e in level_3["evidence"])
    # DISKOMINFO runs EMAIL, Kritis: recovery (or its test) is still asked of it.
    assert "Pemulihan" in " ".join(_level(_maturity(auth), 3)["missing"])
