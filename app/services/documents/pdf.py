"""Render a `Document` to PDF: the PD's letterhead, a title, numbered sections of
paragraphs and tables, and "Halaman X dari Y" on every page.

ReportLab's Platypus lays the flow out: paragraphs wrap, tables split across pages with
their header row repeated. The total page count is known only once the flow is laid out,
so the canvas keeps each finished page and writes the footers when it is saved.

Text is set in Bitstream Vera, which ReportLab ships and embeds (with its Unicode map, so
the text can be extracted and searched): no font is looked for on the machine.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from reportlab import platypus
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.services.documents.formatting import indonesian_date

#: Who the PDF's metadata names as its creator.
CREATOR = "Manajemen Layanan SPBE"
FONT = "Vera"
BOLD = "Vera-Bold"
_FONT_FILES = {
    FONT: "Vera.ttf",
    BOLD: "VeraBd.ttf",
    "Vera-Italic": "VeraIt.ttf",
    "Vera-BoldItalic": "VeraBI.ttf",
}
_MARGIN = 20 * mm
_FOOTER_Y = 10 * mm


@dataclass(frozen=True)
class Letterhead:
    """The issuing PD's heading (kop), drawn at the top of the first page.

    Attributes:
        name: the PD's name, set in capitals.
        lines: what follows under it (its address, telephone, site), one line each.
    """

    name: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text; a newline breaks the line. With `url`, the whole
    paragraph is a link to it (evidence an assessor follows from the PDF)."""

    text: str
    url: str = ""


@dataclass(frozen=True)
class Table:
    """A table of plain-text cells.

    Attributes:
        rows: the rows, each with as many cells as the others.
        header: the column titles, repeated on each page the table runs onto; empty for a
            table of labels (first column, bold) and values.
        widths: each column's share of the text width; empty for equal columns.
    """

    rows: tuple[tuple[str, ...], ...]
    header: tuple[str, ...] = ()
    widths: tuple[float, ...] = ()


Block = Paragraph | Table


@dataclass(frozen=True)
class Section:
    """A numbered heading and what it holds."""

    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    """Everything a document shows; `render_pdf` lays it out.

    Attributes:
        title: the document's title, also its PDF title.
        letterhead: the issuing PD's heading.
        issued_on: the date printed under the title ("3 Desember 2026").
        sections: numbered 1, 2, ... in this order.
        subtitle: a line under the title (what or whom it is about).
        footer: the left side of every page's footer (which document, which version).
        author: the PDF's author (the PD).
    """

    title: str
    letterhead: Letterhead
    issued_on: date
    sections: tuple[Section, ...]
    subtitle: str = ""
    footer: str = ""
    author: str = ""


def _register_fonts() -> None:
    """Register the Vera family with ReportLab once per process (its registry is global)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, filename in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, filename))  # found on ReportLab's own font path
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic="Vera-Italic", boldItalic="Vera-BoldItalic"
    )


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5, spaceAfter=4)
    return {
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=11.5, spaceAfter=0),
        "label": ParagraphStyle("label", parent=body, fontName=BOLD, fontSize=9, leading=11.5),
        "agency": ParagraphStyle(
            "agency", parent=body, fontName=BOLD, fontSize=14, leading=18, alignment=TA_CENTER
        ),
        "agency_line": ParagraphStyle(
            "agency_line", parent=body, fontSize=9, leading=11, alignment=TA_CENTER, spaceAfter=0
        ),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=BOLD,
            fontSize=13,
            leading=17,
            alignment=TA_CENTER,
            spaceBefore=6,
        ),
        "subtitle": ParagraphStyle("subtitle", parent=body, alignment=TA_CENTER),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=BOLD,
            fontSize=11,
            leading=14,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=True,
        ),
    }


def _text(value: str, style: ParagraphStyle) -> platypus.Paragraph:
    """A Platypus paragraph of plain text: ReportLab reads markup, so escape it first."""
    return platypus.Paragraph(escape(value).replace("\n", "<br/>"), style)


def _link(paragraph: Paragraph, style: ParagraphStyle) -> platypus.Paragraph:
    """A paragraph that links to its `url`, shown blue and underlined."""
    href = escape(paragraph.url, {'"': "&quot;"})
    text = escape(paragraph.text).replace("\n", "<br/>")
    return platypus.Paragraph(f'<link href="{href}" color="blue"><u>{text}</u></link>', style)


def _table(table: Table, styles: dict[str, ParagraphStyle], width: float) -> platypus.Table:
    columns = len(table.header or (table.rows[0] if table.rows else ("",)))
    shares = table.widths or tuple(1 / columns for _ in range(columns))
    label = styles["label"] if not table.header else styles["cell"]
    rows: list[list[platypus.Paragraph]] = []
    if table.header:
        rows.append([_text(cell, styles["label"]) for cell in table.header])
    for row in table.rows:
        rows.append(
            [_text(cell, label if i == 0 else styles["cell"]) for i, cell in enumerate(row)]
        )
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if table.header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")))
    return platypus.Table(
        rows,
        colWidths=[share * width for share in shares],
        repeatRows=1 if table.header else 0,
        style=platypus.TableStyle(commands),
        hAlign="LEFT",
    )


def _flow(document: Document, width: float) -> list[platypus.Flowable]:
    styles = _styles()
    head = document.letterhead
    flow: list[platypus.Flowable] = [_text(head.name.upper(), styles["agency"])]
    flow += [_text(line, styles["agency_line"]) for line in head.lines]
    flow += [
        platypus.HRFlowable(width="100%", thickness=1.5, color=colors.black, spaceBefore=4),
        _text(document.title, styles["title"]),
    ]
    if document.subtitle:
        flow.append(_text(document.subtitle, styles["subtitle"]))
    flow.append(_text(indonesian_date(document.issued_on), styles["subtitle"]))
    for number, section in enumerate(document.sections, 1):
        flow.append(_text(f"{number}. {section.heading}", styles["heading"]))
        for block in section.blocks:
            if isinstance(block, Table):
                flow += [_table(block, styles, width), platypus.Spacer(1, 4)]
            elif block.url:
                flow.append(_link(block, styles["body"]))
            else:
                flow.append(_text(block.text, styles["body"]))
    return flow


class _NumberedCanvas(Canvas):
    """A canvas that holds its pages until it is saved, then writes each one's footer:
    `footer` on the left, "Halaman X dari Y" on the right."""

    def __init__(self, *args: Any, footer: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer_text = footer
        self._finished: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name, overridden)
        """Keep the finished page's state instead of writing it out."""
        self._finished.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Write every kept page with its footer, now that their count is known."""
        total = len(self._finished)
        for number, state in enumerate(self._finished, 1):
            self.__dict__.update(state)
            self.setFont(FONT, 8)
            self.setFillColor(colors.dimgrey)
            self.drawString(_MARGIN, _FOOTER_Y, self._footer_text)
            self.drawRightString(A4[0] - _MARGIN, _FOOTER_Y, f"Halaman {number} dari {total}")
            super().showPage()
        super().save()


def render_pdf(document: Document) -> bytes:
    """Lay `document` out on A4 pages and return the PDF's bytes."""
    _register_fonts()
    buffer = io.BytesIO()
    template = platypus.SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN,
        title=document.title,
        subject=document.subtitle,
        author=document.author,
        creator=CREATOR,
    )
    template.build(
        _flow(document, template.width),
        canvasmaker=partial(_NumberedCanvas, footer=document.footer),
    )
    return buffer.getvalue()
