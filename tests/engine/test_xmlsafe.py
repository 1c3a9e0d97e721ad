"""The XML pre-check reads DTD markup in whichever encoding a document is written, and
the parser's own check holds behind it (app/engine/xmlsafe.py; issue 13, item 6)."""

from __future__ import annotations

import codecs
import re

import pytest

from app.engine import xmlsafe
from app.engine.xmlsafe import XmlRejected, parse_xml

WITH_ENTITY = (
    '<?xml version="1.0" encoding="{encoding}"?>\n'
    '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    "<d>&xxe;</d>"
)
PLAIN = '<?xml version="1.0" encoding="{encoding}"?>\n<d>Dinas Pendidikan é</d>'

#: (declared encoding, codec, byte order mark): every way the parser accepts UTF-16 and
#: UTF-32, with and without a mark, beside UTF-8 and a single-byte encoding.
ENCODINGS = [
    pytest.param("UTF-8", "utf-8", b"", id="utf-8"),
    pytest.param("UTF-8", "utf-8", codecs.BOM_UTF8, id="utf-8-bom"),
    pytest.param("ISO-8859-1", "latin-1", b"", id="latin-1"),
    pytest.param("UTF-16", "utf-16-le", codecs.BOM_UTF16_LE, id="utf-16-le-bom"),
    pytest.param("UTF-16", "utf-16-be", codecs.BOM_UTF16_BE, id="utf-16-be-bom"),
    pytest.param("UTF-16LE", "utf-16-le", b"", id="utf-16-le"),
    pytest.param("UTF-16BE", "utf-16-be", b"", id="utf-16-be"),
    pytest.param("UTF-32", "utf-32-le", codecs.BOM_UTF32_LE, id="utf-32-le-bom"),
    pytest.param("UTF-32", "utf-32-be", codecs.BOM_UTF32_BE, id="utf-32-be-bom"),
    pytest.param("UTF-32LE", "utf-32-le", b"", id="utf-32-le"),
    pytest.param("UTF-32BE", "utf-32-be", b"", id="utf-32-be"),
]


def encoded(template: str, declared: str, codec: str, mark: bytes) -> bytes:
    return mark + template.format(encoding=declared).encode(codec)


class TestParseXml:
    @pytest.mark.parametrize(("declared", "codec", "mark"), ENCODINGS)
    def test_a_dtd_is_refused_in_every_encoding(self, declared: str, codec: str, mark: bytes):
        with pytest.raises(XmlRejected, match="DTD") as refused:
            parse_xml(encoded(WITH_ENTITY, declared, codec, mark))
        assert refused.value.line == 2

    @pytest.mark.parametrize(("declared", "codec", "mark"), ENCODINGS)
    def test_a_document_without_dtd_parses_in_every_encoding(
        self, declared: str, codec: str, mark: bytes
    ):
        root = parse_xml(encoded(PLAIN, declared, codec, mark))
        assert (root.tag, root.text) == ("d", "Dinas Pendidikan é")

    @pytest.mark.parametrize(("declared", "codec", "mark"), ENCODINGS)
    def test_the_parser_refuses_a_dtd_the_pre_check_did_not_see(
        self, monkeypatch: pytest.MonkeyPatch, declared: str, codec: str, mark: bytes
    ):
        monkeypatch.setattr(xmlsafe, "_DTD_MARKUP", re.compile("(?!)"))  # never matches
        with pytest.raises(XmlRejected, match="DTD"):
            parse_xml(encoded(WITH_ENTITY, declared, codec, mark))

    def test_ebcdic_is_refused(self):
        with pytest.raises(XmlRejected, match="utf-8"):
            parse_xml(WITH_ENTITY.format(encoding="IBM037").encode("cp037"))

    @pytest.mark.parametrize("declared", ["x-tidak-ada", "rot13"])
    def test_an_unknown_or_non_text_encoding_is_refused(self, declared: str):
        with pytest.raises(XmlRejected, match="unknown encoding"):
            parse_xml(PLAIN.format(encoding=declared).encode())

    def test_bytes_invalid_in_the_declared_encoding_are_refused_with_their_line(self):
        content = PLAIN.format(encoding="UTF-8").encode() + b"\n<!-- \xff -->"
        with pytest.raises(XmlRejected, match="not valid UTF-8") as refused:
            parse_xml(content)
        assert refused.value.line == 3

    def test_a_declaration_that_lies_about_the_encoding_does_not_carry_a_dtd(self):
        with pytest.raises(XmlRejected):
            parse_xml(WITH_ENTITY.format(encoding="UTF-16").encode())
