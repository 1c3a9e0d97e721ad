"""Indonesian first, English second.

Message ids are the Indonesian text, so Indonesian needs no catalog. The English catalogs
are `.po` files, one folder per page area under `translations/` so that areas are edited
apart; each is compiled to `.mo` beside it when missing or stale, at start-up.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, session
from flask_babel import Babel

TRANSLATIONS = Path(__file__).parent / "translations"
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"


def catalog_directories() -> list[Path]:
    """Every area's translation folder (`translations/<area>/<lang>/LC_MESSAGES`)."""
    return sorted(path for path in TRANSLATIONS.iterdir() if path.is_dir())


def compile_catalogs() -> None:
    """Write each `.mo` from its `.po` when it is missing or older (atomic rename)."""
    for po_path in TRANSLATIONS.glob("*/*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as source:
            catalog = read_po(source)
        handle, temporary = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as target:
            write_mo(target, catalog)
        os.replace(temporary, mo_path)


def current_language() -> str:
    """The language this browser chose, Indonesian until it chooses."""
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def half(message: str) -> str:
    """The reader's half of an "Indonesian / English" message from the services."""
    if " / " not in message:
        return message
    indonesian, english = message.split(" / ", 1)
    return english if current_language() == "en" else indonesian


def init_app(app: Flask, babel: Babel) -> None:
    """Compile the catalogs and attach Flask-Babel with the session's language."""
    compile_catalogs()
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LANGUAGE
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        str(path) for path in catalog_directories()
    )
    babel.init_app(app, locale_selector=current_language, timezone_selector=lambda: "Asia/Jakarta")

    @app.context_processor
    def languages() -> dict[str, object]:
        return {"languages": LANGUAGES, "current_language": current_language()}
