"""The documents' foundation: Indonesian dates and numbers, and a PDF read back as text."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from app.services.documents.formatting import (
    indonesian_date,
    indonesian_datetime,
    indonesian_number,
    indonesian_percent,
)
from app.services.documents.pdf import (
    Document,
    Letterhead,
    Paragraph,
    Section,
    Table,
    render_pdf,
)


def pdf_text(content: bytes) -> list[str]:
    """Each page's text, as a reader extracting it sees it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1234.5, 2, "1.234,5"),
        (1234567, 2, "1.234.567"),
        (99.95, 2, "99,95"),
        (24, 2, "24"),
        (2.345, 1, "2,3"),
        (0.5, 0, "0"),
    ],
)
def test_numbers_take_the_dot_and_the_comma(value: float, decimals: int, text: str) -> None:
    assert indonesian_number(value, decimals) == text


def test_dates_and_percentages_are_written_in_indonesian() -> None:
    assert indonesian_date(date(2026, 12, 3)) == "3 Desember 2026"
    assert indonesian_date(date(2027, 1, 15)) == "15 Januari 2027"
    moment = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
    assert indonesian_datetime(moment, "Asia/Jakarta") == "3 Desember 2026 21.05"
    assert indonesian_datetime(moment, "Asia/Jayapura") == "3 Desember 2026 23.05"
    assert indonesian_percent(99.5) == "99,5%"
    with pytest.raises(ValueError, match="naive"):
        indonesian_datetime(datetime(2026, 12, 3), "Asia/Jakarta")


def test_a_long_document_reads_back_with_letterhead_and_page_numbers() -> None:
    sections = tuple(
        Section(
            f"Bagian {n}",
            (
                Paragraph("Kalimat yang panjang <b> & tetap teks. " * 30),
                Table(
                    tuple((f"K{n}-{i}", indonesian_number(1234.5 * i)) for i in range(1, 15)),
                    header=("Kode", "Nilai"),
                ),
            ),
        )
        for n in range(1, 7)
    )
    document = Document(
        title="Laporan Uji",
        letterhead=Letterhead("Dinas Komunikasi dan Informatika", ("Jalan Merdeka No. 1",)),
        issued_on=date(2026, 12, 3),
        sections=sections,
        subtitle="Untuk pengujian",
        footer="Laporan Uji versi 1",
        author="DISKOMINFO",
    )
    content = render_pdf(document)
    assert content.startswith(b"%PDF-")
    pages = pdf_text(content)
    total = len(pages)
    assert total > 1
    first = pages[0]
    assert "DINAS KOMUNIKASI DAN INFORMATIKA" in first
    assert "Jalan Merdeka No. 1" in first
    assert "3 Desember 2026" in first
    assert "1. Bagian 1" in first
    assert "<b> & tetap teks" in first  # markup characters are text, not markup
    for number, text in enumerate(pages, 1):
        assert f"Halaman {number} dari {total}" in text
        assert "Laporan Uji versi 1" in text
    whole = "\n".join(pages)
    assert "6. Bagian 6" in whole
    assert "17.283" in whole  # 1234.5 x 14, with the thousands dot
    assert PdfReader(io.BytesIO(content)).metadata.title == "Laporan Uji"
