"""Flask extensions, and the guards every request passes before a view reads it.

flask-smorest keeps each app's OpenAPI document on the `Api` object, so one is made per
app in `app.api.register_api` rather than shared at module level.

Input is refused here, in one place each, rather than in every view (issue 13, item 4):
JSON bodies by `StrictJSONProvider` and `Api.refuse_bad_json`, ids in paths by
`IdConverter`. Each answers 400 or 404 in the contract's `{"message", "errors"}` shape.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, current_app, jsonify, request
from flask.json.provider import DefaultJSONProvider
from flask_smorest import Api as _SmorestApi
from werkzeug.exceptions import BadRequest, HTTPException, UnprocessableEntity
from werkzeug.routing import IntegerConverter, Map, ValidationError

_LOCATIONS = {"json", "query", "form", "files", "headers", "view_args"}
#: The largest id a path may carry: PostgreSQL's `integer`, which every id column is.
MAX_ID = 2**31 - 1
#: Nesting a request body may have. Form data is capped lower (DataLimits.max_depth); this
#: only keeps a body nested thousands deep from the parser's and validators' recursion.
MAX_BODY_DEPTH = 64


class BodyRefused(ValueError):
    """A JSON body that is not JSON as RFC 8259 has it, or nested past MAX_BODY_DEPTH."""


def _refuse_constant(name: str) -> Any:
    raise BodyRefused(f"{name} bukan JSON / {name} is not JSON")


#: What no text the app keeps may hold: PostgreSQL refuses it in every text parameter.
NUL = "\x00"
NUL_REFUSED = "NUL (U+0000) tidak diterima dalam teks / text may not contain NUL (U+0000)"


def _nul_paths(value: Any) -> list[str]:
    """The dotted paths of a parsed body's strings (keys or values) that hold NUL, without
    recursion, as the services name fields (`measurements.0.item`; "" for the body)."""
    found, stack = [], [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                found.append(path)
        elif isinstance(item, dict):
            for key, child in item.items():
                named = f"{path}.{key}" if path else str(key)
                if NUL in str(key):
                    found.append(named.replace(NUL, "\\0"))
                else:
                    stack.append((child, named))
        elif isinstance(item, list):
            stack.extend(
                (child, f"{path}.{index}" if path else str(index))
                for index, child in enumerate(item)
            )
    return sorted(found)


class NulRefused(UnprocessableEntity):
    """422 for NUL in a field: PostgreSQL refuses it in every text parameter, so it is
    refused before any view, the field named."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(NUL_REFUSED)
        self.data = {"message": NUL_REFUSED, "errors": {name: [NUL_REFUSED] for name in fields}}


def _depth(value: Any) -> int:
    """Nesting of lists and objects, without recursion (a body may be nested 5,000 deep)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, dict | list):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in children)
    return deepest


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading only what RFC 8259 allows: UTF-8 text (Python would guess
    UTF-16 or UTF-32 from bytes), no `NaN` or `Infinity` (PostgreSQL refuses them in JSON
    columns), nesting at most MAX_BODY_DEPTH. Every refusal is a ValueError, which Flask
    turns into 400."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse `s`; raises ValueError (BodyRefused, JSONDecodeError, UnicodeDecodeError)."""
        text = s.decode("utf-8") if isinstance(s, bytes | bytearray) else s
        try:
            value = json.loads(text, parse_constant=_refuse_constant, **kwargs)
        except RecursionError:
            raise BodyRefused("JSON terlalu bertingkat / JSON nested too deep") from None
        if _depth(value) > MAX_BODY_DEPTH:
            raise BodyRefused(
                f"JSON bertingkat lebih dari {MAX_BODY_DEPTH} / JSON nested deeper than "
                f"{MAX_BODY_DEPTH}"
            )
        return value


class IdConverter(IntegerConverter):
    """`<int:...>` that matches only ids a database column can hold (at most MAX_ID), so a
    larger number is 404 instead of an overflow in the query; the OpenAPI shows the range.
    Digits are counted before converting: Python refuses to read a 5,000-digit int."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)

    def to_python(self, value: str) -> Any:
        """The id, or ValidationError (no match) when it has more digits than MAX_ID."""
        if len(value.lstrip("-")) > len(str(MAX_ID)):
            raise ValidationError()
        return super().to_python(value)


class Api(_SmorestApi):  # type: ignore[misc]
    """flask-smorest, with every error in the contract's shape `{"message", "errors"}`."""

    def init_app(self, app: Flask, *args: Any, **kwargs: Any) -> None:
        """Attach to `app`, refusing bad JSON bodies before any view parses them."""
        super().init_app(app, *args, **kwargs)
        app.before_request(refuse_bad_json)

    def handle_http_exception(self, error: HTTPException) -> Any:
        """Render an HTTP error (webargs' 422 included) as JSON with a message."""
        data = getattr(error, "data", None) or {}
        errors = data.get("errors", data.get("messages")) or {}
        if isinstance(errors, dict) and errors and set(errors) <= _LOCATIONS:
            # webargs files field errors by location ({"json": {"name": [...]}}); a body
            # it could not read at all is a list under its location, kept as it is.
            flat: dict[str, Any] = {}
            for location, part in errors.items():
                flat.update(part if isinstance(part, dict) else {location: part})
            errors = flat
        if "message" in data:
            message = data["message"]
        elif error.code == 422:
            message = "Data tidak valid / invalid data"
        else:
            message = error.description or error.name
        response = jsonify({"message": message, "errors": errors})
        response.status_code = error.code or 500
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        return response


class BodyInvalid(BadRequest):
    """400 for a JSON body the app will not read, carrying the contract's fields."""

    def __init__(self, reason: str) -> None:
        super().__init__("Isi permintaan bukan JSON yang sah / the body is not valid JSON")
        self.data = {
            "message": "Isi permintaan bukan JSON yang sah / the body is not valid JSON",
            "errors": {"json": [reason]},
        }


def refuse_bad_json() -> None:
    """Read a JSON body once, strictly, before the view: webargs parses bodies with the
    standard library's lenient `json.loads`, which takes NaN and recurses without bound.
    NUL is refused here too, for every view: in the path, a query parameter, a form field
    or any string of a JSON body.

    Raises:
        BodyInvalid: the body is declared JSON and is not, or is nested too deep.
        NulRefused: NUL in the path (`path`), a parameter or field (by its name) or the
            body (by the field's dotted path).
    """
    fields = ["path"] if NUL in request.path else []
    for source in (request.args, request.form):
        fields += [
            name.replace(NUL, "\\0")
            for name, value in source.items(multi=True)
            if NUL in name or NUL in value
        ]
    if fields:
        raise NulRefused(sorted(set(fields)))
    if not request.is_json:
        return
    body = request.get_data(cache=True)
    if not body:
        return
    try:
        value = current_app.json.loads(body)
    except ValueError as err:  # JSONDecodeError, UnicodeDecodeError and BodyRefused are
        raise BodyInvalid(str(err)) from None
    fields = _nul_paths(value)
    if fields:
        raise NulRefused(fields)
