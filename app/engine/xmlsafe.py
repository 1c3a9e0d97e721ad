"""Parse untrusted BPMN/DMN XML without letting it reach files, the network or memory.

Diagrams are uploaded by analysts through the browser. A document type declaration is
what every XML attack needs (external entities read files or URLs, nested internal
entities explode into gigabytes), and BPMN never needs one, so any DTD is refused
outright before libxml2 sees the bytes, and the parser is configured so that it could not
resolve entities or load anything even if one slipped through.
"""

from __future__ import annotations

import re

from lxml import etree

_DTD_MARKUP = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)


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


def parse_xml(content: bytes) -> etree._Element:
    """Return the root element of `content`.

    Raises:
        XmlRejected: the document declares a DTD or entities, is not well formed, or is
            not UTF-8 decodable text.
    """
    found = _DTD_MARKUP.search(content)
    if found:
        line = content.count(b"\n", 0, found.start()) + 1
        raise XmlRejected(
            "Deklarasi DTD/entitas tidak diizinkan / DTD and entity declarations are not "
            "allowed (XXE and entity-expansion protection)",
            line,
        )
    try:
        root = etree.fromstring(content, parser=_parser())
    except etree.XMLSyntaxError as err:
        raise XmlRejected(f"XML tidak valid / malformed XML: {err.msg}", err.lineno) from None
    except ValueError as err:
        raise XmlRejected(f"XML tidak valid / malformed XML: {err}") from None
    if root is None:
        raise XmlRejected("Dokumen XML kosong / empty XML document")
    return root
