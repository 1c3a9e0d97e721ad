"""The instance page's "Kirim pesan" form (issue 16, item 2): offered to supervisors for
each message the instance waits for; a bad payload comes back beside its field with what
was typed kept; a good one moves the instance on. Through the test client and Chromium."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from markupsafe import escape
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.models import Event, Instance, User
from app.services.context import Platform
from tests.api.test_messages import models  # noqa: F401 - the diagrams' fixture
from tests.web.conftest import client_sign_in, sign_in


def start(platform: Platform, model_id: str) -> int:
    with platform.sessions() as session, session.begin():
        user = session.scalars(select(User).where(User.username == "pengguna")).one()
        return platform.instances(session).start(model_id, {}, user).id


def status(platform: Platform, instance_id: int) -> str:
    with platform.sessions() as session:
        return session.get_one(Instance, instance_id).status


def form_of(html: str) -> str:
    found = re.search(r'<form[^>]*class="send-message".*?</form>', html, re.S)
    return found.group(0) if found else ""


def test_supervisors_are_offered_the_messages_it_waits_for(
    client: FlaskClient,
    models: Platform,  # noqa: F811
) -> None:
    ident = start(models, "kerja-batal")
    client_sign_in(client, "pj.layanan")
    form = form_of(client.get(f"/proses/{ident}").get_data(as_text=True))
    assert '<option value="batalkan"' in form
    assert 'name="payload"' in form
    # a requester reads her case but is offered nothing, and may not send
    other = client.application.test_client()
    token = client_sign_in(other, "pengguna")
    assert form_of(other.get(f"/proses/{ident}").get_data(as_text=True)) == ""
    refused = other.post(
        f"/proses/{ident}/pesan", data={"csrf_token": token, "name": "batalkan", "payload": ""}
    )
    assert refused.status_code == 403
    # an instance that waits for nothing has no form
    done = start(models, "siaga")
    assert form_of(client.get(f"/proses/{done}").get_data(as_text=True)) == ""


def test_a_bad_payload_is_shown_beside_the_field_and_kept(
    client: FlaskClient,
    models: Platform,  # noqa: F811
) -> None:
    ident = start(models, "kerja-batal")
    token = client_sign_in(client, "pj.layanan")
    for typed, said in (
        ('{"alasan": ', "Payload bukan JSON yang sah."),
        ("[1, 2]", "Payload harus objek JSON."),
    ):
        answer = client.post(
            f"/proses/{ident}/pesan",
            data={"csrf_token": token, "name": "batalkan", "payload": typed},
        )
        assert answer.status_code == 422
        form = form_of(answer.get_data(as_text=True))
        assert f'<span class="error" id="pesan-payload-galat">{said}' in form
        assert 'aria-describedby="pesan-payload-galat"' in form
        assert f">{escape(typed)}</textarea>" in form
    unknown = client.post(
        f"/proses/{ident}/pesan", data={"csrf_token": token, "name": "lain", "payload": "{}"}
    )
    assert unknown.status_code == 404
    assert 'id="pesan-nama-galat"' in form_of(unknown.get_data(as_text=True))
    assert status(models, ident) == "running"


def test_a_good_message_moves_the_instance_on(
    client: FlaskClient,
    models: Platform,  # noqa: F811
) -> None:
    ident = start(models, "kerja-batal")
    token = client_sign_in(client, "pj.layanan")
    answer = client.post(
        f"/proses/{ident}/pesan",
        data={"csrf_token": token, "name": "batalkan", "payload": '{"alasan": "ganda"}'},
    )
    assert answer.status_code == 302
    assert status(models, ident) == "complete"
    with models.sessions() as session:
        event = session.scalars(
            select(Event).where(Event.instance_id == ident, Event.kind == "message_received")
        ).one()
        assert event.data["payload"] == {"alasan": "ganda"}
        assert event.user.username == "pj.layanan"
    page = client.get(f"/proses/{ident}").get_data(as_text=True)
    assert "Pesan diterima" in page
    assert form_of(page) == ""


def test_in_english(client: FlaskClient, models: Platform) -> None:  # noqa: F811
    ident = start(models, "kerja-batal")
    token = client_sign_in(client, "pj.layanan")
    client.post("/bahasa", data={"lang": "en", "next": "/", "csrf_token": token})
    form = form_of(client.get(f"/proses/{ident}").get_data(as_text=True))
    assert "Send message" in form
    assert "Payload (JSON, optional)" in form


def test_in_chromium_a_refused_payload_is_fixed_and_sent(
    page: Page,
    models: Platform,  # noqa: F811
) -> None:
    ident = start(models, "kerja-batal")
    sign_in(page, "pj.layanan")
    page.goto(f"/proses/{ident}")
    page.get_by_label("Pesan", exact=True).select_option("batalkan")
    payload = page.get_by_label("Payload (JSON, tidak wajib)")
    payload.fill('{"alasan": "ganda"')
    page.get_by_role("button", name="Kirim pesan").click()
    expect(page.locator("#pesan-payload-galat")).to_contain_text("Payload bukan JSON yang sah.")
    expect(payload).to_have_value('{"alasan": "ganda"')
    payload.fill('{"alasan": "ganda"}')
    page.get_by_role("button", name="Kirim pesan").click()
    expect(page.get_by_text("Pesan batalkan terkirim.")).to_be_visible()
    assert status(models, ident) == "complete"
