"""The adopted evaluation report as a PDF attached to its case (issue 15, item 3; Perbup
Bangka 21/2025, 2.3 angka 4-7).

The evaluation procedure (processes/evaluasi.bpmn), of one PD or of the whole kabupaten
(under its organising PD's letterhead), sets `laporan_evaluasi_disahkan = True`
where the report is adopted (signed off, or approved when the PD switched the sign-off
off). In the step where that happens, `attach_adopted_report` lays the report out from the
case's data, as staff wrote and approved it: the PD's letterhead, the five chapters each
with its recap counted from the records (`app.services.evaluation.recap`), the cases that
missed, the analysis and the follow-up; the SLA evaluation; the follow-ups to track; the
review and the sign-off. Beside it goes the same report as an XLSX workbook (one sheet
per chapter with its recap rows and missed cases, plus the texts staff wrote), the copy a
PD edits further ("PDF, dan DOCX atau XLSX" of issue 15 item 3), its cells written by
`app.services.spreadsheet` so that no text staff typed runs as a formula. Both are stored
with the attachment service as the case's files, in the adopter's name, and the case's
history records them (`ATTACHED_EVENT`, with the files' references), so whoever may read
the case downloads them (`GET /api/v1/attachments/<id>`, or the instance page's links).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.config import AttachmentLimits
from app.models import Agency, Attachment, Instance, User
from app.services.audit.attachments import AttachmentService, InstanceReader, reference
from app.services.audit.events import record
from app.services.deadlines.calendars import DEFAULT_TIME_ZONE
from app.services.documents.formatting import indonesian_number
from app.services.documents.letterhead import letterhead_of
from app.services.documents.pdf import (
    Document,
    Letterhead,
    Paragraph,
    Section,
    Table,
    render_pdf,
)
from app.services.spreadsheet import MIME_TYPES, write_workbook

#: Set by the diagram's script where the report is adopted.
ADOPTED_FLAG = "laporan_evaluasi_disahkan"
#: The case's history entry that names the files: the PDF under "lampiran", the editable
#: workbook under "salinan_xlsx".
ATTACHED_EVENT = "evaluation_report_attached"
#: The chapters of 2.3 angka 5, in its order, with their titles.
CHAPTERS = (
    ("permintaan_layanan", "Evaluasi Penyelenggaraan Permintaan Layanan"),
    ("penanganan_gangguan", "Evaluasi Penyelenggaraan Penanganan Gangguan"),
    ("pemantauan_pemeliharaan", "Evaluasi Pemantauan dan Pemeliharaan Layanan"),
    ("pemulihan_layanan", "Evaluasi Pemulihan Layanan"),
    ("rilis_layanan", "Evaluasi Rilis Layanan"),
)
_DASH = "-"


@dataclass(frozen=True)
class _Generated:
    """A generated file, handed to the attachment service as an upload."""

    filename: str
    mimetype: str
    stream: IO[bytes]


def _text(value: Any) -> str:
    return str(value).strip() if value not in (None, "") else _DASH


def _count(value: Any) -> str:
    return _DASH if value is None else indonesian_number(value)


def _yes(value: Any) -> str:
    return _DASH if value is None else ("Ya" if value else "Tidak")


def _chapter(key: str, title: str, data: dict[str, Any]) -> Section:
    """One chapter: the recap from the records, then what staff wrote (2.3 angka 6)."""
    recap = data.get(f"rekap_{key}") or {}
    written = data.get(f"bab_{key}") or {}
    services = recap.get("layanan") or []
    blocks: list[Paragraph | Table] = [
        Paragraph(
            f"a. Rekapitulasi (dihitung dari catatan aplikasi): "
            f"{_count(recap.get('jumlah_mencapai_target'))} dari "
            f"{_count(recap.get('jumlah_layanan'))} layanan mencapai target."
        )
    ]
    if services:
        blocks.append(
            Table(
                header=(
                    "Layanan",
                    "Kasus",
                    "Tanggap (tercapai/tidak)",
                    "Penyelesaian (tercapai/tidak)",
                    "Pemenuhan (tercapai/tidak)",
                    "Ketersediaan (capaian/target)",
                    "Mencapai target",
                ),
                rows=tuple(
                    (
                        f"{row.get('layanan')} - {row.get('nama_layanan')}",
                        _count(row.get("jumlah_kasus")),
                        *(
                            _DASH
                            if row.get(f"{words}_tercapai") is None
                            else f"{_count(row.get(f'{words}_tercapai'))}/"
                            f"{_count(row.get(f'{words}_tidak_tercapai'))}"
                            for words in ("tanggap", "penyelesaian", "pemenuhan")
                        ),
                        _DASH
                        if row.get("ketersediaan_tercapai_persen") is None
                        else f"{_count(row.get('ketersediaan_tercapai_persen'))}% / "
                        f"{_count(row.get('ketersediaan_target_persen'))}%",
                        _yes(row.get("mencapai_target")),
                    )
                    for row in services
                ),
                widths=(0.24, 0.08, 0.13, 0.14, 0.13, 0.16, 0.12),
            )
        )
    missed = recap.get("kasus_tidak_tercapai") or []
    if missed:
        blocks.append(
            Table(
                header=("Kasus yang tidak mencapai target", "Layanan", "Target", "Tautan"),
                rows=tuple(
                    (
                        _text(case.get("nomor_referensi")),
                        _text(case.get("layanan")),
                        _text(case.get("target_tidak_tercapai")),
                        _text(case.get("tautan")),
                    )
                    for case in missed
                ),
                widths=(0.3, 0.2, 0.25, 0.25),
            )
        )
    blocks += [
        Paragraph(f"Uraian: {_text(written.get('rekapitulasi'))}"),
        Paragraph(f"b. Analisa hambatan: {_text(written.get('analisis_hambatan'))}"),
        Paragraph(f"Peluang penyempurnaan: {_text(written.get('peluang_penyempurnaan'))}"),
        Paragraph(
            f"c. Tindak lanjut penyempurnaan: {_text(written.get('tindak_lanjut_penyempurnaan'))}"
        ),
    ]
    return Section(title, tuple(blocks))


def _coverage(data: dict[str, Any]) -> str:
    """Whose services the report counts: its PD's, or every PD's (a kabupaten-wide
    evaluation, issued under its organising PD's letterhead)."""
    if data.get("perangkat_daerah"):
        return f"Perangkat Daerah {data['perangkat_daerah']}"
    return "Seluruh Kabupaten"


def report_document(data: dict[str, Any], letterhead: Letterhead, today: date) -> Document:
    """The evaluation report of a case's data (its chapters, SLA evaluation, follow-ups,
    review and sign-off), as adopted."""
    sections = [Section("Ringkasan", (Paragraph(_text(data.get("ringkasan_evaluasi"))),))]
    sections += [_chapter(key, title, data) for key, title in CHAPTERS]
    sla = data.get("evaluasi_sla") or {}
    sections.append(
        Section(
            "Evaluasi Komitmen Service Level Agreement",
            (
                Paragraph(f"Kesesuaian komitmen: {_text(sla.get('kesesuaian_komitmen'))}"),
                Paragraph(f"Perlu perubahan SLA: {_yes(sla.get('perlu_perubahan_sla'))}"),
                Paragraph(f"Usulan perubahan: {_text(sla.get('usulan_perubahan_sla'))}"),
            ),
        )
    )
    follow_ups = data.get("daftar_tindak_lanjut") or []
    sections.append(
        Section(
            "Tindak Lanjut",
            (
                Table(
                    header=("Uraian", "Bab", "Penanggung jawab", "Target selesai"),
                    rows=tuple(
                        (
                            _text(item.get("uraian")),
                            _text(item.get("bab")),
                            _text(item.get("penanggung_jawab")),
                            _text(item.get("target_selesai")),
                        )
                        for item in follow_ups
                    ),
                    widths=(0.45, 0.15, 0.25, 0.15),
                )
                if follow_ups
                else Paragraph("Tidak ada tindak lanjut."),
            ),
        )
    )
    sections.append(
        Section(
            "Reviu dan Pengesahan",
            (
                Paragraph(f"Reviu Penanggung Jawab: {_text(data.get('keputusan_reviu'))}"),
                Paragraph(f"Pengesahan Pimpinan PD: {_text(data.get('keputusan_pengesahan'))}"),
                Paragraph(f"Arahan pimpinan: {_text(data.get('arahan_pimpinan'))}"),
            ),
        )
    )
    reference_number = _text(data.get("nomor_referensi"))
    return Document(
        title="Laporan Evaluasi Manajemen Layanan SPBE",
        letterhead=letterhead,
        issued_on=today,
        sections=tuple(sections),
        subtitle=f"Periode {_text(data.get('periode'))} · {_coverage(data)} · {reference_number}",
        footer=f"Laporan Evaluasi {reference_number}",
        author=letterhead.name,
    )


_RECAP_HEADER = (
    "Layanan",
    "Nama layanan",
    "Jumlah kasus",
    "Tanggap tercapai",
    "Tanggap tidak tercapai",
    "Penyelesaian tercapai",
    "Penyelesaian tidak tercapai",
    "Pemenuhan tercapai",
    "Pemenuhan tidak tercapai",
    "Ketersediaan target (%)",
    "Ketersediaan capaian (%)",
    "Mencapai target",
)
_WRITTEN = (
    ("rekapitulasi", "Uraian rekapitulasi"),
    ("analisis_hambatan", "Analisa hambatan"),
    ("peluang_penyempurnaan", "Peluang penyempurnaan"),
    ("tindak_lanjut_penyempurnaan", "Tindak lanjut penyempurnaan"),
)


def _cell_yes(value: Any) -> str | None:
    return None if value is None else ("Ya" if value else "Tidak")


def _chapter_rows(title: str, key: str, data: dict[str, Any]) -> list[list[Any]]:
    """One chapter's sheet: the recap (figures as numbers, so they add up when edited),
    the missed cases, then what staff wrote."""
    recap = data.get(f"rekap_{key}") or {}
    written = data.get(f"bab_{key}") or {}
    rows: list[list[Any]] = [
        [title],
        ["Rekapitulasi (dihitung dari catatan aplikasi)"],
        ["Jumlah layanan", recap.get("jumlah_layanan")],
        ["Jumlah mencapai target", recap.get("jumlah_mencapai_target")],
        [],
        list(_RECAP_HEADER),
    ]
    rows += [
        [
            row.get("layanan"),
            row.get("nama_layanan"),
            row.get("jumlah_kasus"),
            *(
                row.get(f"{words}_{verdict}")
                for words in ("tanggap", "penyelesaian", "pemenuhan")
                for verdict in ("tercapai", "tidak_tercapai")
            ),
            row.get("ketersediaan_target_persen"),
            row.get("ketersediaan_tercapai_persen"),
            _cell_yes(row.get("mencapai_target")),
        ]
        for row in recap.get("layanan") or []
    ]
    rows += [[], ["Kasus yang tidak mencapai target"], ["Nomor", "Layanan", "Target", "Tautan"]]
    rows += [
        [
            case.get("nomor_referensi"),
            case.get("layanan"),
            case.get("target_tidak_tercapai"),
            case.get("tautan"),
        ]
        for case in recap.get("kasus_tidak_tercapai") or []
    ]
    rows.append([])
    rows += [[label, written.get(field)] for field, label in _WRITTEN]
    return rows


def report_workbook(data: dict[str, Any], letterhead: Letterhead) -> bytes:
    """The adopted report as an XLSX workbook: a summary sheet (the PD, period, summary,
    SLA evaluation, review and sign-off), one sheet per chapter and the follow-ups."""
    sla = data.get("evaluasi_sla") or {}
    summary: list[list[Any]] = [
        ["Laporan Evaluasi Manajemen Layanan SPBE"],
        ["Perangkat Daerah", letterhead.name],
        ["Cakupan", _coverage(data)],
        ["Periode", data.get("periode")],
        ["Nomor referensi", data.get("nomor_referensi")],
        ["Ringkasan", data.get("ringkasan_evaluasi")],
        [],
        ["Evaluasi Komitmen Service Level Agreement"],
        ["Kesesuaian komitmen", sla.get("kesesuaian_komitmen")],
        ["Perlu perubahan SLA", _cell_yes(sla.get("perlu_perubahan_sla"))],
        ["Usulan perubahan", sla.get("usulan_perubahan_sla")],
        [],
        ["Reviu Penanggung Jawab", data.get("keputusan_reviu")],
        ["Pengesahan Pimpinan PD", data.get("keputusan_pengesahan")],
        ["Arahan pimpinan", data.get("arahan_pimpinan")],
    ]
    follow_ups: list[list[Any]] = [["Uraian", "Bab", "Penanggung jawab", "Target selesai"]]
    follow_ups += [
        [item.get(name) for name in ("uraian", "bab", "penanggung_jawab", "target_selesai")]
        for item in data.get("daftar_tindak_lanjut") or []
    ]
    sheets: list[tuple[str, list[list[Any]]]] = [("Ringkasan", summary)]
    sheets += [
        (f"Bab {number} {key.replace('_', ' ').title()}", _chapter_rows(title, key, data))
        for number, (key, title) in enumerate(CHAPTERS, start=1)
    ]
    sheets.append(("Tindak Lanjut", follow_ups))
    return write_workbook(sheets)


def attach_adopted_report(
    session: Session,
    clock: Clock,
    reader: InstanceReader,
    limits: AttachmentLimits,
    instance: Instance,
    before: dict[str, Any],
    actor: User | None,
) -> Attachment | None:
    """Attach the evaluation report's PDF and its XLSX copy to `instance` in the step
    where the diagram marks it adopted (`ADOPTED_FLAG` newly True); nothing otherwise (no
    table read). Returns the PDF's row.

    Args:
        reader: the instance read's rule, for the attachment service.
        limits: where and how files are stored.
        before: the case's data before the step.
        actor: who adopted it (None: a step of the scheduler; the case's starter then).

    Raises:
        FormInvalid, FileTooLarge: the attachment service refused a file (over the size
            limit), so the adoption is not saved.
    """
    data = instance.data or {}
    if data.get(ADOPTED_FLAG) is not True or before.get(ADOPTED_FLAG) is True:
        return None
    code = (
        (data.get("perangkat_daerah_info") or {}).get("kode")
        or data.get("perangkat_daerah")
        or (data.get("pd_penyelenggara_info") or {}).get("kode")
    )
    agency = session.scalar(select(Agency).where(Agency.code == code)) if code else None
    letterhead = letterhead_of(agency) if agency else Letterhead(name="Pemerintah Kabupaten")
    today = clock.now().astimezone(ZoneInfo(DEFAULT_TIME_ZONE)).date()
    pdf = render_pdf(report_document(data, letterhead, today))
    user = actor or session.get(User, instance.started_by_id)
    assert user is not None  # an instance always has its starter
    name = f"laporan-evaluasi-{data.get('nomor_referensi') or instance.id}"
    files = AttachmentService(session, reader, limits)
    stored = {
        key: files.store(
            _Generated(f"{name}.{kind}", mimetype, io.BytesIO(content)), user, ADOPTED_FLAG, (kind,)
        )
        for key, kind, mimetype, content in (
            ("lampiran", "pdf", "application/pdf", pdf),
            ("salinan_xlsx", "xlsx", MIME_TYPES["xlsx"], report_workbook(data, letterhead)),
        )
    }
    for attachment in stored.values():
        attachment.instance_id = instance.id
    record(
        session,
        instance,
        ATTACHED_EVENT,
        clock.now(),
        user,
        data={key: reference(attachment) for key, attachment in stored.items()},
    )
    return stored["lampiran"]
