"""The server's field errors in the reader's language.

`TaskService.complete` and `InstanceService.start` decide which fields are wrong (422,
keyed by dotted path) and say why as "Indonesian / English" sentences
(`app.engine.forms.explain`); a page shows the reader's half.
"""

from __future__ import annotations

from app.web.i18n import half


def localized_errors(errors: dict[str, list[str]] | None) -> dict[str, list[str]]:
    """The server's `errors`, each field's messages in the reader's language."""
    return {path: [half(str(text)) for text in texts] for path, texts in (errors or {}).items()}
