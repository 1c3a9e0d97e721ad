"""The server's field errors in the reader's language.

`TaskService.complete` and `InstanceService.start` decide which fields are wrong (422,
keyed by dotted path) and say why as "Indonesian / English" sentences
(`app.engine.forms.explain`); a page shows the reader's half.
"""

from __future__ import annotations

from flask_babel import get_locale


def half(message: str) -> str:
    """The reader's half of an "Indonesian / English" message."""
    if " / " not in message:
        return message
    indonesian, english = message.split(" / ", 1)
    return english if str(get_locale()) == "en" else indonesian


def localized_errors(errors: dict[str, list[str]] | None) -> dict[str, list[str]]:
    """The server's `errors`, each field's messages in the reader's language."""
    return {path: [half(str(text)) for text in texts] for path, texts in (errors or {}).items()}
