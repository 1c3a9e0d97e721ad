"""The order of a form's fields, for the pages and the API alike
(app/services/process_models/form_order.py)."""

from __future__ import annotations

from app.services.process_models.form_order import field_order, in_ui_order

PROPERTIES = {"b": {}, "a": {}, "c": {}, "d": {}}


def test_ui_order_first_then_the_rest_in_schema_order() -> None:
    assert field_order(PROPERTIES, {"ui:order": ["c", "a"]}) == ["c", "a", "b", "d"]


def test_a_star_stands_for_the_unlisted_fields() -> None:
    assert field_order(PROPERTIES, {"ui:order": ["c", "*", "a"]}) == ["c", "b", "d", "a"]


def test_without_ui_order_or_with_unknown_names_the_schema_decides() -> None:
    assert field_order(PROPERTIES, None) == ["b", "a", "c", "d"]
    assert field_order(PROPERTIES, {"ui:order": ["x", "d"]}) == ["d", "b", "a", "c"]


def test_nested_objects_and_array_items_follow_their_own_ui_order() -> None:
    schema = {
        "type": "object",
        "required": ["z"],
        "properties": {
            "z": {"type": "string"},
            "rows": {
                "type": "array",
                "items": {"type": "object", "properties": {"q": {}, "p": {}}},
            },
            "person": {"type": "object", "properties": {"n": {}, "m": {}}},
        },
    }
    ui = {
        "ui:order": ["person", "rows", "z"],
        "rows": {"items": {"ui:order": ["p", "q"]}},
        "person": {"ui:order": ["m", "n"]},
    }
    served = in_ui_order(schema, ui)
    assert list(served["properties"]) == ["person", "rows", "z"]
    assert list(served["properties"]["rows"]["items"]["properties"]) == ["p", "q"]
    assert list(served["properties"]["person"]["properties"]) == ["m", "n"]
    assert served["required"] == ["z"]
    assert list(schema["properties"]) == ["z", "rows", "person"]  # the original is kept
