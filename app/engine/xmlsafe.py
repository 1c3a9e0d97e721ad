"""Parse untrusted BPMN/DMN XML without letting it reach files, the network or memory.

Diagrams are uploaded by analysts through the browser. A document type declaration is
what every XML attack needs (external entities read files or URLs, nested internal
entities explode into gigabytes), and BPMN never needs one, so any DTD is refused
outright before libxml2 sees the bytes, and the parser is configured so that it could not
resolve entities or load anything even if one slipped through.

The search for DTD markup reads the text, not the bytes: a UTF-16 or UTF-32 document
spells `<!DOCTYPE` with NUL bytes between the letters, so the bytes are first decoded the
way an XML processor would (XML 1.0, appendix F: byte order mark, else the first
characters, else the encoding declaration). What libxml2 finally parsed is checked as
well, so a document whose bytes and declaration disagree cannot carry a DTD past both.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

_DTD_MARKUP = re.compile(r"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)
_DTD_REFUSED = (
    "Deklarasi DTD/entitas tidak diizinkan / DTD and entity declarations are not "
    "allowed (XXE and entity-expansion protection)"
)
#: Byte order marks, longest first: UTF-32 LE's mark begins with UTF-16 LE's.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
#: `<` or `<?` in a wide encoding without a byte order mark.
_UNMARKED_WIDE = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']""")


class XmlRejected(Exception):
    """The bytes are not acceptable XML; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def _text_of(content: bytes) -> str:
    """`content` decoded as an XML processor would decode it.

    Raises:
        XmlRejected: the declared encoding is unknown, or the bytes are not valid in it.
    """
    for mark, encoding in _BYTE_ORDER_MARKS:
        if content.startswith(mark):
            return _decode(content[len(mark) :], encoding)
    for start, encoding in _UNMARKED_WIDE:
        if content.startswith(start):
            return _decode(content, encoding)
    declared = _DECLARED_ENCODING.match(content)
    return _decode(content, declared.group(1).decode("ascii") if declared else "utf-8")


def _decode(content: bytes, encoding: str) -> str:
    """`content` as text in `encoding`, or refused with the line of the first bad byte."""
    try:
        return content.decode(encoding)
    except LookupError:
        raise XmlRejected(f"Pengodean tidak dikenal / unknown encoding {encoding!r}", 1) from None
    except UnicodeError as err:  # a UnicodeDecodeError, or a bare one from a codec like idna
        start = err.start if isinstance(err, UnicodeDecodeError) else 0
        line = content.count(b"\n", 0, start) + 1
        raise XmlRejected(
            f"Teks bukan {encoding} yang sah / the text is not valid {encoding}", line
        ) from None


def parse_xml(content: bytes) -> etree._Element:
    """Return the root element of `content`.

    Raises:
        XmlRejected: the document declares a DTD or entities (in whichever encoding it is
            written), is not well formed, or is not valid text in its encoding.
    """
    text = _text_of(content)
    found = _DTD_MARKUP.search(text)
    if found:
        raise XmlRejected(_DTD_REFUSED, text.count("\n", 0, found.start()) + 1)
    try:
        root = etree.fromstring(content, parser=_parser())
    except etree.XMLSyntaxError as err:
        raise XmlRejected(f"XML tidak valid / malformed XML: {err.msg}", err.lineno) from None
    except ValueError as err:
        raise XmlRejected(f"XML tidak valid / malformed XML: {err}") from None
    if root is None:
        raise XmlRejected("Dokumen XML kosong / empty XML document")
    if root.getroottree().docinfo.doctype:
        raise XmlRejected(_DTD_REFUSED)
    return root
