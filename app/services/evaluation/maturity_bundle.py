"""The evidence bundle an assessor asks for (issue 15, item 4): the maturity assessment as a
PDF whose evidence links to the records, and, in a ZIP beside it, the files attached to the
cases that are evidence.

The PDF is the PD's document (its letterhead, Indonesian dates, numbered pages: the
documents package); each level is a section with its criteria, whether it is met, its
evidence as links (made absolute with the site's address, so they work outside the
application) and what is still missing. The ZIP holds the PDF and, under `lampiran/`, each
evidence case's files that the reader may open (`AttachmentService.open`: a file the
reader may not read is left out, never leaked).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import Attachment, Instance, User
from app.services.audit.attachments import AttachmentService
from app.services.documents.letterhead import letterhead_of
from app.services.documents.pdf import Document, Paragraph, Section, render_pdf
from app.services.evaluation.maturity import Maturity

TITLE = "Bukti Tingkat Kematangan Manajemen Layanan SPBE"
#: Where the attached files go inside the ZIP.
FILES = "lampiran"


def _halves(text: str) -> str:
    """The Indonesian half of an "Indonesian / English" text."""
    return text.split(" / ", 1)[0]


def maturity_document(maturity: Maturity, site: str, issued_on: date) -> Document:
    """The assessment as a document; `site` is the address evidence links start with."""
    sections = [
        Section(
            "Ringkasan",
            (
                Paragraph(
                    f"Tingkat kematangan yang tercapai pada periode {maturity.period.name}: "
                    f"{maturity.level} dari 5 (Perbup Bangka 21/2025 Tabel 15; PermenPANRB "
                    "59/2020 indikator 28). Setiap tingkat mensyaratkan tingkat di bawahnya; "
                    "bukti dibaca dari catatan aplikasi yang dapat dilihat penyusun."
                ),
            ),
        )
    ]
    for level in maturity.levels:
        blocks: list[Paragraph] = [
            Paragraph(f"Kriteria: {_halves(level.criteria)}"),
            Paragraph("Status: terpenuhi" if level.met else "Status: belum terpenuhi"),
        ]
        if level.evidence:
            blocks.append(Paragraph("Bukti:"))
            blocks += [Paragraph(_halves(e.title), url=site + e.url) for e in level.evidence]
        if level.missing:
            blocks.append(Paragraph("Yang belum ada:"))
            blocks += [Paragraph(f"- {_halves(item)}") for item in level.missing]
        sections.append(Section(f"Tingkat {level.level}", tuple(blocks)))
    return Document(
        title=TITLE,
        letterhead=letterhead_of(maturity.agency),
        issued_on=issued_on,
        sections=tuple(sections),
        subtitle=f"{maturity.agency.name}, periode {maturity.period.name}",
        footer=f"Bukti kematangan {maturity.agency.code} {maturity.period.name}",
        author=maturity.agency.name,
    )


def maturity_pdf(maturity: Maturity, site: str, issued_on: date) -> bytes:
    """The assessment as PDF bytes."""
    return render_pdf(maturity_document(maturity, site, issued_on))


def bundle_name(maturity: Maturity) -> str:
    """The bundle's file name, without extension."""
    return f"bukti-kematangan-{maturity.agency.code}-{maturity.period.name}"


def evidence_bundle(
    session: Session,
    maturity: Maturity,
    pdf: bytes,
    attachments: AttachmentService,
    reader: User,
) -> bytes:
    """A ZIP of the PDF and the files of the evidence cases `reader` may open."""
    cases = sorted(
        {e.instance_id for level in maturity.levels for e in level.evidence if e.instance_id}
    )
    references: dict[int, str | None] = {
        row.id: row.reference
        for row in session.execute(
            select(Instance.id, Instance.reference).where(Instance.id.in_(cases))
        )
    }
    files = session.scalars(
        select(Attachment)
        .where(Attachment.instance_id.in_(cases))
        .order_by(Attachment.instance_id, Attachment.id)
    ).all()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{bundle_name(maturity)}.pdf", pdf)
        for attachment in files:
            try:
                _attachment, path = attachments.open(attachment.id, reader)
            except NotFound:
                continue
            folder = references.get(attachment.instance_id) or str(attachment.instance_id)
            archive.write(path, f"{FILES}/{folder}/{attachment.id}-{attachment.name}")
    return buffer.getvalue()


#: What `export` writes, by format: the MIME type.
EXPORTS = {"pdf": "application/pdf", "zip": "application/zip"}


def export(
    session: Session,
    maturity: Maturity,
    fmt: str,
    site: str,
    now: datetime,
    attachments: AttachmentService,
    reader: User,
) -> tuple[bytes, str, str]:
    """The assessment as `fmt` ("pdf" or "zip", `EXPORTS`), dated `now` in the PD's zone:
    its bytes, MIME type and file name (the API's and the page's one way to it)."""
    today = now.astimezone(ZoneInfo(maturity.agency.timezone)).date()
    pdf = maturity_pdf(maturity, site, today)
    content = pdf if fmt == "pdf" else evidence_bundle(session, maturity, pdf, attachments, reader)
    return content, EXPORTS[fmt], f"{bundle_name(maturity)}.{fmt}"
