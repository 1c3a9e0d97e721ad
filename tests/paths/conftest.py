"""Path tests: every test here drives procedures through the HTTP API, and what the
instances it leaves took is recorded for the coverage check (coverage.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.services.context import Platform
from tests.paths import coverage


@pytest.fixture(autouse=True)
def _record_paths(platform: Platform, deployed: None) -> Iterator[None]:
    yield
    coverage.record(platform)
