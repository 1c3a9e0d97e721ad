"""What SpiffWorkflow 3.2 itself cannot run is refused at deploy, located, rather than
deployed to fail later (issue 16, item 7)."""

from __future__ import annotations

import pytest

from tests.conformance.harness import refused
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")


def test_compensation_is_refused_where_spiffworkflow_refuses_it(auth: Auth) -> None:
    [error] = refused(auth, "compensation")
    assert (error["file"], error["line"], error["element_id"]) == (
        "compensation.bpmn",
        11,
        "kompensasi_pesan",
    )
    assert "Unsupported Catch Event" in error["message"]
