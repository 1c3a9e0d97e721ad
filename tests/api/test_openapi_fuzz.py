"""Schemathesis over the served OpenAPI, in-process (issue 13, item 4).

Every operation gets Schemathesis' coverage cases (boundaries and just past them: the
largest integers, empty and oversized strings, wrong types, missing fields, unknown
methods) and Hypothesis examples from a fixed seed, valid and invalid, signed in as the
system administrator, who may reach every operation. None may answer 5xx or a body its
documented schema does not describe. Bounded (COVERAGE_CASES, EXAMPLES) so the run takes
seconds per database; `pytest_collection_modifyitems` runs it on PostgreSQL too.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.overrides import Override
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("deployed")

SEED = 20261203
#: Coverage cases per operation (Schemathesis yields them most telling first).
COVERAGE_CASES = 12
#: Hypothesis examples per operation and generation mode.
EXAMPLES = 2
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
CHECKS = [not_a_server_error, response_schema_conformance]
#: Signing out would revoke the token every other request carries.
SKIP = {("POST", "/api/v1/auth/logout")}


def check(case: Any, headers: dict[str, str], failures: list[str], phase: str) -> None:
    """Send `case` and file what the checks find against its operation."""
    response = case.call(headers=headers)
    try:
        case.validate_response(response, checks=CHECKS)
    except AssertionError as err:  # what schemathesis raises for failed checks
        failures.append(f"{phase} {case.operation.label}: {err}")


def coverage_cases(schema: Any, operation: Any) -> Iterator[Any]:
    """Schemathesis' coverage phase for one operation, as its CLI runs it."""
    return iter(
        CoverageGenerator(
            operation=operation,
            generation_modes=list(MODES),
            generation_config=schema.config.generation_for(operation=operation, phase="coverage"),
            auth_storage=None,
            override=Override(),
            feedback=FeedbackSources(),
        )
    )


def fuzz(
    operation: Any, mode: GenerationMode, headers: dict[str, str], failures: list[str]
) -> None:
    """EXAMPLES Hypothesis examples of `operation` in `mode`, from SEED."""

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        check(case, headers, failures, str(mode))

    try:
        run()
    except Unsatisfiable:  # an operation without input has nothing to make invalid
        assert mode is GenerationMode.NEGATIVE


# Schemathesis' WSGI transport reads a response's body without closing it
# (schemathesis/transport/wsgi.py), so a download's file is closed by the collector.
@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <_io.FileIO:pytest.PytestUnraisableExceptionWarning"
)
def test_no_operation_answers_5xx_or_off_its_schema(app: Flask, auth: Auth) -> None:
    document = app.test_client().get("/api/v1/openapi.json").json
    # Signed in for every request: with the security scheme left in, invalid examples
    # drop the token and stop at 401 before any input is read.
    document.pop("security", None)
    document["components"].pop("securitySchemes", None)
    schema = schemathesis.openapi.from_dict(document)
    schema.app = app
    headers = auth.headers("admin")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        if (operation.method.upper(), operation.path) in SKIP:
            continue
        for case in islice(coverage_cases(schema, operation), COVERAGE_CASES):
            check(case, headers, failures, "coverage")
        for mode in MODES:
            fuzz(operation, mode, headers, failures)
    assert len(operations) > 50
    assert failures == [], "\n\n".join(failures)
