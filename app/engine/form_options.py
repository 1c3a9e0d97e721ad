"""Form fields bound to live data: the `x-options` keyword and the sources it may name.

A form property marked `"x-options": "services"` (or `"continuity-services"`,
`"request-types"`, `"agencies"`, `"holders:<role>"`, `"configuration-items"`) takes its
valid values from the application's data; the services layer resolves them into standard
JSON Schema (`oneOf` of `const`/`title`) when a form is served and checks submissions
against the same list (app/services/catalog/options.py). A bound property may be an
array (a multi-select: the list then applies to its items), and a property of the rows of
an array of objects may be bound too (`bound_row_fields`). This module knows only the
words, so deploy can refuse a source nobody knows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

OPTIONS_KEYWORD = "x-options"
SERVICES = "services"
REQUEST_TYPES = "request-types"
AGENCIES = "agencies"
HOLDERS_PREFIX = "holders:"
#: The CMDB's items a case may touch (issue 14, item 2); values are item ids (integers).
CONFIGURATION_ITEMS = "configuration-items"
#: The services whose DRP is kept and tested (issue 14, item 7): Kritis ones and those
#: with a DRP version; values are service codes, as for `services`.
CONTINUITY_SERVICES = "continuity-services"
#: Sources whose list depends on another field's value: the field it depends on.
PARENT_FIELDS = {REQUEST_TYPES: "layanan"}


def bound_fields(schema: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(property name, source) of every top-level property bound to live data."""
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    for name, prop in properties.items():
        if isinstance(prop, dict) and OPTIONS_KEYWORD in prop:
            yield name, prop[OPTIONS_KEYWORD]


def bound_row_fields(schema: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(array property, row property, source) of every property bound to live data in
    the rows of a top-level array of objects (`{"type": "array", "items": {"type":
    "object", "properties": {...}}}`), one level down only."""
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    for name, prop in properties.items():
        items = prop.get("items") if isinstance(prop, dict) else None
        row = items.get("properties") if isinstance(items, dict) else None
        if not isinstance(row, dict):
            continue
        for field, sub in row.items():
            if isinstance(sub, dict) and OPTIONS_KEYWORD in sub:
                yield name, field, sub[OPTIONS_KEYWORD]


def source_problem(source: Any, known_roles: set[str]) -> str | None:
    """Why `source` is no source the app knows, or None when it is one."""
    if source in (SERVICES, CONTINUITY_SERVICES, REQUEST_TYPES, AGENCIES, CONFIGURATION_ITEMS):
        return None
    if isinstance(source, str) and source.startswith(HOLDERS_PREFIX):
        role = source.removeprefix(HOLDERS_PREFIX)
        if role in known_roles:
            return None
        return (
            f"{OPTIONS_KEYWORD}: '{role}' bukan peran yang dikenal / '{role}' names no known role"
        )
    return (
        f"{OPTIONS_KEYWORD}: sumber {source!r} tidak dikenal / unknown source {source!r} "
        f"(services, request-types, agencies, holders:<peran>, configuration-items)"
    )


def holders_role(source: str) -> str | None:
    """The role of a `holders:<role>` source, else None."""
    return source.removeprefix(HOLDERS_PREFIX) if source.startswith(HOLDERS_PREFIX) else None
