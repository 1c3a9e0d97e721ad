"""The pages that run scripts work under the Content-Security-Policy, and Chromium
reports no violation on them (issue 13, item 6): the form scripts, the diagram viewer,
the charts, the modeler and the language chooser whose inline handler moved to menu.js."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from app.services.context import Platform
from tests.services.tracking_data import complaint
from tests.web.conftest import sign_in

pytestmark = pytest.mark.usefixtures("deployed")

CSP = re.compile("Content Security Policy", re.IGNORECASE)


@pytest.fixture
def violations(page: Page) -> list[str]:
    """What Chromium says about the policy on `page`, and any script error, as it happens."""
    seen: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if CSP.search(message.text):
            seen.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: seen.append(f"script error: {error}"))
    return seen


def test_an_inline_script_is_refused_and_reported(page: Page):
    page.goto("/masuk")
    with page.expect_console_message(lambda m: bool(CSP.search(m.text))) as report:
        ran = page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.inlineRan = true";
                document.head.append(script);
                return window.inlineRan === true;
            }"""
        )
    assert ran is False
    assert "inline script" in report.value.text


def test_the_language_chooser_submits_on_change(page: Page, violations: list[str]):
    page.goto("/masuk")
    page.locator("#lang").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations == []


@pytest.mark.parametrize(
    ("username", "url", "ready"),
    [
        pytest.param("pengguna", "/mulai/permintaan-layanan", None, id="start-form"),
        pytest.param("pimpinan", "/proses/{instance}", "#diagram[data-ready='true']", id="viewer"),
        pytest.param("pimpinan", "/dasbor", "canvas[data-drawn='true']", id="dashboard"),
        pytest.param(
            "analis",
            "/model/permintaan-layanan/ubah",
            "body[data-modeler-ready=true]",
            id="modeler",
        ),
    ],
)
def test_scripted_pages_work_without_a_violation(
    page: Page,
    platform: Platform,
    violations: list[str],
    username: str,
    url: str,
    ready: str | None,
):
    instance = complaint(platform)
    sign_in(page, username)
    page.goto(url.format(instance=instance))
    if ready:
        expect(page.locator(ready).first).to_be_attached()
    else:  # forms.js removes the server-side filter buttons
        expect(page.get_by_role("button", name="Saring")).to_have_count(0)
    assert violations == []
