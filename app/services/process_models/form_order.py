"""The order of a form's fields: its UI schema's `ui:order`, else the schema's own.

One rule for the pages, which draw fields in this order, and for the API, which serves a
form's `properties` in it, so a generic client that shows fields as served asks for a
request's service before the request types that depend on it.
"""

from __future__ import annotations

from typing import Any


def field_order(properties: dict[str, Any], ui_schema: dict[str, Any] | None) -> list[str]:
    """Property names in `ui:order` (with "*" standing for the rest), else schema order.

    Names `ui:order` lists that the schema lacks are skipped; properties it omits follow
    the listed ones (or stand where its "*" is).
    """
    order = (ui_schema or {}).get("ui:order")
    names = list(properties)
    if not isinstance(order, list):
        return names
    listed = [name for name in order if name in properties]
    rest = [name for name in names if name not in listed]
    if "*" in order:
        star = order.index("*")
        before = [n for n in order[:star] if n in properties]
        after = [n for n in order[star + 1 :] if n in properties]
        return before + rest + after
    return listed + rest


def in_ui_order(schema: dict[str, Any], ui_schema: dict[str, Any] | None) -> dict[str, Any]:
    """A copy of `schema` whose `properties`, and those of nested objects and of array
    items, follow the UI schema's order at each level. Nothing else changes."""
    served = dict(schema)
    properties = schema.get("properties")
    ui = ui_schema or {}
    if isinstance(properties, dict):
        served["properties"] = {
            name: in_ui_order(properties[name], _part(ui, name))
            if isinstance(properties[name], dict)
            else properties[name]
            for name in field_order(properties, ui)
        }
    items = schema.get("items")
    if isinstance(items, dict):
        served["items"] = in_ui_order(items, _part(ui, "items"))
    return served


def _part(ui_schema: dict[str, Any], key: str) -> dict[str, Any]:
    part = ui_schema.get(key)
    return part if isinstance(part, dict) else {}
