"""Documents generated from the records as PDF (issue 15, item 7): the SLA document per
service first; the service-level report, the evaluation report and the maturity evidence
bundle are to be laid out with the same parts.

- `formatting`: Indonesian dates and numbers ("3 Desember 2026", "1.234,5"), by Babel.
- `pdf`: a `Document` (letterhead, title, numbered sections of paragraphs and tables) and
  `render_pdf`, which numbers its pages "Halaman X dari Y".
- `letterhead`: the PD's letterhead from its agency record.
- `sla`: the SLA document of a service, versioned when its data change.

Why ReportLab (5.1) renders them, rather than WeasyPrint or fpdf2:

- it installs with pip alone on every machine (a wheel; Pillow its only compiled
  dependency), where WeasyPrint needs Debian's Pango: it is on this machine only because
  `make test` installs Chromium, which pulls it in, so `make run` on a fresh machine would
  have to apt-get it too, and as root;
- it ships its own TrueType fonts (Bitstream Vera), embedded with their Unicode map, so
  the text is searchable and extractable and no font is looked for on the machine; fpdf2's
  built-in fonts stop at Latin-1 (a name with another character would fail the document)
  and it ships no TrueType font to embed;
- Platypus lays out what reports need: paragraphs that wrap, tables that split across
  pages and repeat their header row; a two-pass canvas gives "Halaman X dari Y";
- it has been maintained since 2000 and is released several times a year.

HTML templates (WeasyPrint's strength) would have let the pages' CSS be reused, but a
document is a few sections of text and tables, which `pdf.Document` states in Python.
Nothing here imports Flask or the engine.
"""
