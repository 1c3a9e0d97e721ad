"""The case record on the pages (issue 12, item 1): beside the task's form (folded above it
on a phone), and in the instance page's timeline instead of raw JSON, which only Analis
Proses and Admin Sistem still see."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.models import User
from app.services.context import Platform
from app.services.demo import SAMPLE_COMPLAINT
from app.services.instances.personal_data import MASK
from tests.web.conftest import client_sign_in, sign_in
from tests.web.test_task_page import open_task

pytestmark = pytest.mark.usefixtures("deployed")

SYMPTOM = SAMPLE_COMPLAINT["gejala"]


def _complaint(platform: Platform) -> tuple[int, str]:
    """A complaint the provider filed: (instance id, its classification task id)."""
    with platform.sessions() as session, session.begin():
        user = session.scalars(select(User).where(User.username == "penyedia")).one()
        instance_id = (
            platform.instances(session).start("penanganan-aduan", SAMPLE_COMPLAINT, user).id
        )
    return instance_id, open_task(platform, instance_id).id


def test_the_task_page_shows_the_reporters_text(client: FlaskClient, platform: Platform):
    _, task_id = _complaint(platform)
    client_sign_in(client, "admin.layanan")
    html = client.get(f"/tugas/{task_id}").get_data(as_text=True)
    assert html.count(SYMPTOM) >= 2  # folded above the form and beside it
    assert 'class="card record record-narrow"' in html
    assert SAMPLE_COMPLAINT["telepon"] in html  # the desk acts on it


def test_the_timeline_shows_sections_and_raw_data_only_to_analysts(
    client: FlaskClient, platform: Platform
):
    instance_id, _ = _complaint(platform)
    client_sign_in(client, "pj.layanan")
    supervisor = client.get(f"/proses/{instance_id}").get_data(as_text=True)
    assert SYMPTOM in supervisor
    assert "Data tersimpan (JSON)" not in supervisor
    assert '"layanan_info"' not in supervisor
    assert "layanan_info" not in supervisor

    client_sign_in(client, "analis")
    analyst = client.get(f"/proses/{instance_id}").get_data(as_text=True)
    assert SYMPTOM in analyst
    assert "Data tersimpan (JSON)" in analyst
    assert SAMPLE_COMPLAINT["telepon"] not in analyst
    assert MASK in analyst


def test_the_desk_classifies_reading_the_reporters_text_beside_the_form(
    page: Page, phone: Page, platform: Platform, shot
) -> None:
    _, task_id = _complaint(platform)
    sign_in(page, "admin.layanan")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/tugas/{task_id}")
    beside = page.locator("aside .record-wide")
    expect(beside).to_be_visible()
    expect(beside).to_contain_text(SYMPTOM)
    expect(page.locator(".record-narrow")).to_be_hidden()
    form_box = page.locator("form.schema-form").bounding_box()
    record_box = beside.bounding_box()
    assert form_box is not None
    assert record_box is not None
    assert record_box["x"] > form_box["x"] + form_box["width"] / 2  # beside, not below
    page.get_by_label("Kategori gangguan").select_option("aplikasi")
    shot(page, "rekaman-di-samping-formulir")

    sign_in(phone, "admin.layanan")
    phone.goto(f"/tugas/{task_id}")
    folded = phone.locator(".record-narrow")
    expect(folded).to_be_visible()
    expect(phone.locator(".record-wide")).to_be_hidden()
    expect(folded.get_by_text(SYMPTOM)).to_be_hidden()
    folded.locator("summary").click()
    expect(folded.get_by_text(SYMPTOM)).to_be_visible()
    assert isinstance(shot(phone, "rekaman-terlipat-di-ponsel"), Path)
