"""In the browser: a task inside a collapsed subprocess is marked on the subprocess, and
the element list drills into the subprocess's plane in bpmn-js (issue 16, item 1)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.api.test_nested_tasks import deploy, start
from tests.conftest import Auth
from tests.web.conftest import sign_in
from tests.web.test_instances_browser import Shot, marker

pytestmark = pytest.mark.usefixtures("demo")


def test_supervisor_drills_into_the_subprocess_holding_the_active_task(
    page: Page, auth: Auth, shot: Shot
) -> None:
    instance_id = start(auth, deploy(auth, "subproses"))
    sign_in(page, "pj.layanan")
    page.goto(f"/proses/{instance_id}")
    expect(page.locator("#diagram[data-ready='true']")).to_be_attached()
    expect(marker(page, "penanganan")).to_have_class(re.compile(r"\bstate-active\b"))
    expect(marker(page, "mulai")).to_have_class(re.compile(r"\bstate-completed\b"))
    expect(marker(page, "isi_catatan")).to_have_count(0)  # on the subprocess's own plane
    page.get_by_role("button", name="Buka subproses di diagram").click()
    expect(marker(page, "isi_catatan")).to_have_class(re.compile(r"\bstate-active\b"))
    expect(marker(page, "penanganan_mulai")).to_have_class(re.compile(r"\bstate-completed\b"))
    shot(page, "proses-subproses")
