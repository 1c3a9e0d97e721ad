"""Every text the pages show has an English translation (Indonesian is the source)."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.web.i18n import TRANSLATIONS

WEB = TRANSLATIONS.parent
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None, "ngettext": (1, 2)}


def _english() -> dict[str, str]:
    merged: dict[str, str] = {}
    for po_path in TRANSLATIONS.glob("*/en/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as source:
            for message in read_po(source):
                if message.id and isinstance(message.id, str):
                    merged[message.id] = message.string
    return merged


def test_every_page_text_has_an_english_translation():
    english = _english()
    missing = set()
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        WEB, METHODS, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if not english.get(msgid):
            missing.add(f"{filename}: {msgid}")
    assert not missing, "no English for:\n" + "\n".join(sorted(missing))
