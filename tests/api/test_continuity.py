"""Service continuity over HTTP (issue 14, item 7): a service's DRP as numbered versions
whose RPO and RTO become the catalog's, the DRP document a version carries (kept from
`spbe tick`'s clean-up of abandoned uploads), and the training held on it."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from app.clock import FixedClock
from app.config import AttachmentLimits
from app.errors import FormInvalid
from app.models import Attachment, User
from app.services.audit.attachments import AttachmentClaims, remove_abandoned
from app.services.context import Platform
from app.services.continuity.plans import ContinuityService
from tests.api.test_hostile_input import assert_error_shape
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")

PLAN = {
    "rpo_minutes": 30,
    "rto_minutes": 120,
    "recovery_option": "fast",
    "recovery_strategy": "Pindah ke server cadangan di DRC; DNS dialihkan.",
    "backup_strategy": "Cadangan basis data tiap 15 menit, salinan harian ke DRC.",
    "contacts": [{"name": "Budi", "role": "Penyedia Layanan", "telephone": "0812000111"}],
    "document_reference": "DRP/EMAIL/2026/1",
}
DRP = "/api/v1/services/EMAIL/drp"
TRAININGS = "/api/v1/services/EMAIL/drp-trainings"


def record(auth: Auth, body: dict[str, Any], username: str = "penyedia") -> Any:
    return auth.post(username, DRP, json=body)


def test_versions_are_numbered_and_the_latest_sets_the_catalogs_objectives(
    auth: Auth,
) -> None:
    first = record(auth, PLAN)
    assert first.status_code == 201, first.json
    assert (first.json["version"], first.json["created_by"]) == (1, "penyedia")
    second = record(auth, {**PLAN, "rto_minutes": 60, "note": "Hasil uji DRP 2026-11"})
    assert second.json["version"] == 2
    read = auth.get("admin.layanan", DRP).json
    assert read["current"]["version"] == 2
    assert [v["version"] for v in read["versions"]] == [2, 1]
    assert auth.get("admin.layanan", f"{DRP}/1").json["rto_minutes"] == 120
    service = auth.get("admin.layanan", "/api/v1/services/EMAIL").json
    assert (service["rpo_minutes"], service["rto_minutes"]) == (30, 60)
    assert service["drp_reference"] == "DRP EMAIL v2"


def dotted(errors: dict[str, Any], prefix: str = "") -> set[str]:
    """Error paths, the schema's nested ones joined with dots as the services name them."""
    paths = set()
    for key, value in errors.items():
        path = f"{prefix}{key}"
        paths |= dotted(value, f"{path}.") if isinstance(value, dict) else {path}
    return paths


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rto_minutes": 0}, "rto_minutes"),
        ({"recovery_option": "sulap"}, "recovery_option"),
        ({"contacts": [{"name": "Budi", "role": "x"}]}, "contacts.0.telephone"),
        ({"recovery_strategy": ""}, "recovery_strategy"),
    ],
)
def test_refused_naming_the_field(auth: Auth, change: dict[str, Any], field: str) -> None:
    errors = assert_error_shape(record(auth, {**PLAN, **change}), 422)["errors"]
    assert field in dotted(errors)
    assert auth.get("admin.layanan", DRP).json["current"] is None


def test_only_the_services_keepers_record_and_staff_read(auth: Auth) -> None:
    assert record(auth, PLAN, "pengguna").status_code == 403
    assert record(auth, PLAN, "penyedia.bkpsdm").status_code == 403  # another PD's provider
    assert record(auth, PLAN, "pj.infra").status_code == 201
    assert auth.get("pengguna", DRP).status_code == 403
    assert auth.get("admin.layanan", "/api/v1/services/TIDAK-ADA/drp").status_code == 404
    assert auth.get("admin.layanan", f"{DRP}/9").status_code == 404


def test_trainings_name_the_drp_in_force_and_page(auth: Auth) -> None:
    record(auth, PLAN)
    held = {"held_on": "2026-11-10", "title": "Simulasi pemulihan surel", "participants": 12}
    answer = auth.post("penyedia", TRAININGS, json=held)
    assert answer.status_code == 201, answer.json
    assert answer.json["plan_version"] == 1
    auth.post("penyedia", TRAININGS, json={**held, "held_on": "2026-11-12", "title": "Kedua"})
    page = auth.get("admin.layanan", f"{TRAININGS}?per_page=1").json
    assert page["total"] == 2
    assert [t["title"] for t in page["items"]] == ["Kedua"]
    future = auth.post("penyedia", TRAININGS, json={**held, "held_on": "2027-01-01"})
    assert "held_on" in assert_error_shape(future, 422)["errors"]


PDF = b"%PDF-1.7 rencana pemulihan"


@pytest.fixture
def limits(platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AttachmentLimits:
    """The attachments' storage in its own directory, with a 1 KB limit per file."""
    small = replace(platform.settings.attachments, directory=tmp_path / "lampiran", max_bytes=1024)
    monkeypatch.setattr(platform.settings, "attachments", small)
    return small


def record_with_file(
    auth: Auth,
    content: bytes,
    name: str,
    content_type: str = "application/pdf",
    username: str = "penyedia",
    url: str = DRP,
    **changes: Any,
) -> Any:
    form = {**PLAN, "contacts": json.dumps(PLAN["contacts"]), **changes}
    form["file"] = (io.BytesIO(content), name, content_type)
    return auth.post(username, url, data=form, content_type="multipart/form-data")


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def stored_files(limits: AttachmentLimits) -> list[str]:
    return sorted(p.name for p in limits.directory.iterdir()) if limits.directory.exists() else []


def test_a_version_carries_its_document_for_staff_to_download(
    auth: Auth, limits: AttachmentLimits
) -> None:
    answer = record_with_file(auth, PDF, "DRP Surel 2026.pdf")
    assert answer.status_code == 201, answer.json
    assert answer.json["contacts"] == PLAN["contacts"]
    assert answer.json["has_document"] is True
    assert answer.json["document"] == {
        "name": "DRP Surel 2026.pdf",
        "size": len(PDF),
        "content_type": "application/pdf",
    }
    url = answer.json["document_url"]
    assert url == f"{DRP}/1/document"
    with auth.get("admin.layanan", url) as download:
        assert download.status_code == 200
        assert download.data == PDF
        assert download.mimetype == "application/pdf"
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert "DRP" in download.headers["Content-Disposition"]
        assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert auth.get("pengguna", url).status_code == 403
    without = record(auth, PLAN)  # JSON still records, without a document
    assert (without.json["has_document"], without.json["document_url"]) == (False, None)
    assert auth.get("admin.layanan", f"{DRP}/2/document").status_code == 404
    assert auth.get("admin.layanan", f"{DRP}/1").json["has_document"] is True


@pytest.mark.parametrize(
    ("content", "name", "content_type", "status"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "denah.png", "image/png", 422),  # not a DRP kind
        (b"MZ bukan pdf", "DRP.pdf", "application/pdf", 422),  # the name lies
        (b"%PDF-" + b"x" * 1100, "besar.pdf", "application/pdf", 413),
    ],
)
def test_a_document_refused_names_file_and_keeps_nothing(
    auth: Auth,
    limits: AttachmentLimits,
    content: bytes,
    name: str,
    content_type: str,
    status: int,
) -> None:
    answer = record_with_file(auth, content, name, content_type)
    assert "file" in assert_error_shape(answer, status)["errors"]
    assert auth.get("admin.layanan", DRP).json["current"] is None
    assert stored_files(limits) == []


def test_a_document_with_a_bad_field_names_both_and_keeps_no_bytes(
    auth: Auth, platform: Platform, limits: AttachmentLimits
) -> None:
    bad_field = record_with_file(auth, PDF, "DRP.pdf", rto_minutes="0")
    assert "rto_minutes" in assert_error_shape(bad_field, 422)["errors"]
    bad_contacts = record_with_file(auth, PDF, "DRP.pdf", contacts='[{"name": "Budi"}]')
    assert "contacts.0.telephone" in dotted(assert_error_shape(bad_contacts, 422)["errors"])
    assert stored_files(limits) == []
    # the service checks the fields and the file together, so one answer names both
    with platform.sessions() as session:
        service = ContinuityService(
            session, platform.clock, user(session, "penyedia"), platform.attachments(session)
        )
        with pytest.raises(FormInvalid) as refused:
            service.record(
                "EMAIL",
                {**PLAN, "rto_minutes": 0},
                document=FileStorage(io.BytesIO(b"%PDF-" + b"x" * 1100), "besar.pdf"),
            )
    assert {"rto_minutes", "file"} <= set(refused.value.errors)
    assert stored_files(limits) == []


def test_a_document_upload_answers_404_and_403_before_storing(
    auth: Auth, limits: AttachmentLimits
) -> None:
    unknown = record_with_file(auth, PDF, "DRP.pdf", url="/api/v1/services/TIDAK-ADA/drp")
    assert unknown.status_code == 404
    assert record_with_file(auth, PDF, "DRP.pdf", username="pengguna").status_code == 403
    assert record_with_file(auth, PDF, "DRP.pdf", username="penyedia.bkpsdm").status_code == 403
    assert stored_files(limits) == []


def test_a_drp_document_is_never_an_abandoned_upload(
    auth: Auth, platform: Platform, limits: AttachmentLimits, clock: FixedClock
) -> None:
    kept = record_with_file(auth, PDF, "DRP.pdf").json
    abandoned = auth.post(
        "penyedia",
        "/api/v1/attachments",
        data={"file": (io.BytesIO(PDF), "lupa.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    assert abandoned.status_code == 201
    clock.advance(timedelta(hours=25))
    assert remove_abandoned(platform.sessions, platform.attachments) == 1
    with platform.sessions() as session:
        left = session.scalars(select(Attachment)).all()
        assert [a.name for a in left] == ["DRP.pdf"]
        assert stored_files(limits) == [left[0].stored_name]
        # nor may a form take it for a case
        claims = AttachmentClaims(session, limits)
        with pytest.raises(FormInvalid):
            claims.check({"berkas": {"attachment_id": left[0].id}}, user(session, "penyedia"), None)
    with auth.get("admin.layanan", kept["document_url"]) as download:
        assert download.status_code == 200
