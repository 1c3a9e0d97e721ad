"""A supervisor opens an instance in the browser and sees where it stands on the diagram."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.services.context import Platform
from tests.web.conftest import sign_in
from tests.web.test_instances import complaint

pytestmark = pytest.mark.usefixtures("deployed")


def test_supervisor_sees_the_active_task_marked_on_the_diagram(
    page: Page, platform: Platform, shot: Callable[[Page, str], Path]
):
    ident = complaint(platform)
    sign_in(page, "pj.layanan")
    page.goto(f"/proses/{ident}")
    expect(page.locator("#diagram[data-ready='true']")).to_be_attached()
    active = page.locator('#diagram [data-element-id="klasifikasi_aduan"]')
    expect(active).to_have_class(re.compile(r"\bstate-active\b"))
    expect(page.locator('#diagram [data-element-id="eskalasi_respons_1"]')).to_have_class(
        re.compile(r"\bstate-waiting\b")
    )
    expect(page.locator('#diagram [data-element-id="pelaporan_aduan"]')).to_have_class(
        re.compile(r"\bstate-completed\b")
    )
    expect(page.locator(".active-elements")).to_contain_text("klasifikasi_aduan")
    shot(page, "proses-instans")
