"""Input a hostile tester sent (issue 13, items 3 and 4): each answers 400 or 422 in the
contract's `{"message", "errors"}` shape, never 500, and nothing of it is stored."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.clock import FixedClock
from app.config import DataLimits
from app.engine.runtime import Runtime
from app.engine.specs import Bundle, parse_bundle
from app.services.demo import SAMPLE_REQUEST
from tests.bpmn import linear
from tests.conftest import T0, Auth

START = "/api/v1/process-instances"


def assert_error_shape(response: Any, *statuses: int) -> dict[str, Any]:
    assert response.status_code in statuses, (response.status_code, response.get_data()[:300])
    body = response.get_json()
    assert set(body) == {"message", "errors"}, body
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


class TestJsonBody:
    """Refused before any view reads it, signed in or not."""

    @pytest.mark.parametrize(
        "body",
        [
            b'{"username": ',
            b"[1, 2]",
            b'"text"',
            b'{"username": "\xff\xfe", "password": "x"}',
            '{"username": "a", "password": "b"}'.encode("utf-16"),
            nested(5000).encode(),
            b'{"username": NaN, "password": "x"}',
            b'{"username": "a", "password": Infinity}',
        ],
        ids=[
            "malformed",
            "list",
            "string",
            "non-utf8",
            "utf16",
            "nested-5000",
            "nan",
            "infinity",
        ],
    )
    def test_sign_in_with_a_bad_body_is_4xx(self, client: FlaskClient, body: bytes) -> None:
        response = client.post("/api/v1/auth/login", data=body, content_type="application/json")
        assert_error_shape(response, 400, 422)

    @pytest.mark.usefixtures("demo")
    def test_nul_anywhere_is_422_naming_the_field(self, auth: Auth) -> None:
        """PostgreSQL refuses NUL in every text parameter: it never reaches a query."""
        body = b'{"measurements": [{"item": "\\u0000", "metric": "cpu", "value": 1}]}'
        answer = auth.post(
            "admin.infra", "/api/v1/measurements", data=body, content_type="application/json"
        )
        assert list(assert_error_shape(answer, 422)["errors"]) == ["measurements.0.item"]
        key = b'{"name\\u0000": "x"}'
        answer = auth.post(
            "admin", "/api/v1/integration-tokens", data=key, content_type="application/json"
        )
        assert list(assert_error_shape(answer, 422)["errors"]) == ["name\\0"]
        query = auth.get("admin.infra", "/api/v1/configuration-items?q=a%00b")
        assert list(assert_error_shape(query, 422)["errors"]) == ["q"]
        path = auth.get("admin.infra", "/api/v1/services/EMAIL%00/drp")
        assert list(assert_error_shape(path, 422)["errors"]) == ["path"]
        form = auth.client.post(
            "/api/v1/measurements/import",
            headers=auth.headers("admin.infra"),
            data={"catatan": "x\x00", "file": (io.BytesIO(b"komponen"), "a.csv")},
            content_type="multipart/form-data",
        )
        assert list(assert_error_shape(form, 422)["errors"]) == ["catatan"]

    @pytest.mark.usefixtures("demo")
    def test_nesting_past_the_cap_is_400_naming_the_depth(self, auth: Auth) -> None:
        body = '{"process_model_id": "x", "data": {"a": ' + nested(100) + "}}"
        response = auth.post("pengguna", START, data=body, content_type="application/json")
        errors = assert_error_shape(response, 400)["errors"]
        assert "json" in errors


@pytest.mark.usefixtures("deployed")
class TestStartAndComplete:
    def start(self, auth: Auth, data: Any, **kwargs: Any) -> Any:
        return auth.post(
            "pengguna", START, json={"process_model_id": "permintaan-layanan", "data": data}
        )

    def total(self, auth: Auth) -> int:
        return auth.get("pengguna", START).json["total"]

    def test_nan_in_form_data_is_400(self, auth: Auth) -> None:
        body = (
            '{"process_model_id": "permintaan-layanan", "data": {"judul": NaN, '
            '"telepon": -Infinity}}'
        )
        response = auth.post("pengguna", START, data=body, content_type="application/json")
        assert_error_shape(response, 400)
        assert self.total(auth) == 0

    def test_undeclared_properties_are_dropped(self, auth: Auth) -> None:
        response = self.start(auth, {**SAMPLE_REQUEST, "extra": "x" * 1000})
        assert response.status_code == 201, response.json
        assert "extra" not in response.json["data"]

    def test_data_past_the_size_cap_is_422(self, auth: Auth) -> None:
        big = "x" * (DataLimits().max_bytes + 1)
        response = self.start(auth, {**SAMPLE_REQUEST, "uraian": big})
        errors = assert_error_shape(response, 422)["errors"]
        assert "uraian" in errors
        assert self.total(auth) == 0

    def test_ten_megabytes_of_undeclared_data_are_not_stored(self, auth: Auth) -> None:
        response = self.start(auth, {**SAMPLE_REQUEST, "extra": "x" * 10_000_000})
        assert response.status_code == 201, response.json
        assert "extra" not in response.json["data"]

    def test_data_past_the_depth_cap_is_422(self, auth: Auth) -> None:
        deep: Any = "dasar"
        for _ in range(DataLimits().max_depth + 1):
            deep = {"a": deep}
        response = self.start(auth, {**SAMPLE_REQUEST, "uraian": deep})
        errors = assert_error_shape(response, 422)["errors"]
        assert "uraian" in errors
        assert self.total(auth) == 0

    def test_completion_with_undeclared_properties_keeps_only_the_form(self, auth: Auth) -> None:
        instance = self.start(auth, SAMPLE_REQUEST).json
        task = next(
            t
            for t in auth.get("admin.layanan", "/api/v1/tasks").json["items"]
            if t["process_instance_id"] == instance["id"]
        )
        response = auth.post(
            "admin.layanan",
            f"/api/v1/tasks/{task['id']}/complete",
            json={
                "data": {
                    "klasifikasi": "akses",
                    "prioritas": "sedang",
                    "gangguan": False,
                    "pelaksana": "pelaksana",
                    "sisipan": "x" * 1000,
                }
            },
        )
        assert response.status_code == 200, response.json
        assert "sisipan" not in response.json["process_instance"]["data"]


@pytest.mark.usefixtures("demo")
class TestNumbersInTheUrl:
    @pytest.mark.parametrize(
        "url",
        [
            f"{START}/{2**31}",
            f"{START}/{2**63}",
            f"{START}/99999999999999999999999999/sla",
            f"/api/v1/attachments/{2**64}",
            f"/api/v1/notifications/{2**40}/read",
        ],
    )
    def test_id_above_int32_is_404(self, auth: Auth, url: str) -> None:
        method = auth.post if url.endswith("/read") else auth.get
        assert_error_shape(method("pengguna", url), 404)

    @pytest.mark.parametrize(
        "query",
        ["page=99999999999999999999", f"page={2**31}", "per_page=100000", "page=0"],
    )
    def test_huge_page_is_422_naming_it(self, auth: Auth, query: str) -> None:
        response = auth.get("pengguna", f"{START}?{query}")
        errors = assert_error_shape(response, 422)["errors"]
        assert set(errors) & {"page", "per_page"}

    def test_openapi_gives_integer_parameters_ranges(self, client: FlaskClient) -> None:
        spec = client.get("/api/v1/openapi.json").json
        unbounded = []
        for path, operations in spec["paths"].items():
            for method, operation in operations.items():
                params = operation.get("parameters", []) if isinstance(operation, dict) else []
                if method == "parameters":
                    params = operations["parameters"]
                for param in params:
                    schema = param.get("schema", {})
                    if schema.get("type") == "integer" and "maximum" not in schema:
                        unbounded.append((path, param["name"]))
        assert unbounded == []


class TestScriptData:
    """A script's data that is not JSON, or past the caps, fails the instance, never the
    request, and what the script wrote is not kept."""

    def model(self, script: str) -> Any:
        task = f'<bpmn:scriptTask id="hitung"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
        return parse_bundle("uji", Bundle({"uji.bpmn": linear(task)}))

    @pytest.mark.parametrize(
        "script",
        [
            "x = b'ab'",
            "x = float('nan')",
            "x = float('inf')",
            "x = 'x' * 300000",
            "x = [0] * 200000",
        ],
    )
    def test_script_leaving_bad_data_puts_the_instance_in_error(self, script: str) -> None:
        outcome = Runtime(time_limit=1.0).start(self.model(script), {"awal": 1}, FixedClock(T0))
        assert outcome.status == "error"
        assert outcome.failure is not None
        assert outcome.failure.kind == "data"
        assert "x" not in outcome.data
        assert outcome.data == {"awal": 1}

    def test_script_nesting_past_the_cap_puts_the_instance_in_error(self) -> None:
        script = "x = []\nfor i in range(40):\n    x = [x]"
        outcome = Runtime(time_limit=1.0).start(self.model(script), {}, FixedClock(T0))
        assert outcome.status == "error"
        assert "x" not in outcome.data

    @pytest.mark.parametrize(
        "script",
        ["x = []\nx.append(x)", "a = [1]\nfor i in range(30):\n    a = [a, a]\nx = a"],
        ids=["itself", "shared-billion"],
    )
    def test_script_data_that_would_never_finish_writing_puts_the_instance_in_error(
        self, script: str
    ) -> None:
        outcome = Runtime(time_limit=1.0).start(self.model(script), {}, FixedClock(T0))
        assert outcome.status == "error"
        assert outcome.failure is not None
        assert outcome.failure.kind == "data"
