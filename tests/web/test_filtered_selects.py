"""Long lists with a filter, and a list that follows another field, without JavaScript:
the renderer on its own, then the start page and the task page with the Flask client
(issue 11, item 3)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.models import Instance, User
from app.services.context import Platform
from app.services.demo import SAMPLE_COMPLAINT, SAMPLE_REQUEST
from app.web.formfields import (
    FILTER_PREFIX,
    FILTER_THRESHOLD,
    REFRESH,
    filter_texts,
    render_form,
    round_trip,
)
from tests.web.conftest import client_sign_in
from tests.web.test_task_page import _holder, field_error, open_task

START = "/mulai/permintaan-layanan"


def _options(html: str, name: str) -> list[str]:
    """The values a select offers (its blank "— pilih —" left out)."""
    match = re.search(rf'<select id="f-{name}" name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select for {name}"
    return [v for v in re.findall(r'<option value="([^"]*)"', match.group(1)) if v]


def _selected(html: str, name: str) -> str | None:
    match = re.search(rf'<select id="f-{name}" name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select for {name}"
    chosen = re.search(r'<option value="([^"]*)" selected>', match.group(1))
    return chosen.group(1) if chosen else None


def _services(count: int) -> dict[str, Any]:
    return {
        "type": "string",
        "title": "Layanan",
        "oneOf": [{"const": f"L{i}", "title": f"Layanan nomor {i}"} for i in range(count)],
    }


DEPENDENT = {
    "type": "object",
    "properties": {
        "layanan": {
            "type": "string",
            "title": "Layanan",
            "oneOf": [{"const": "A", "title": "Alfa"}, {"const": "B", "title": "Beta"}],
        },
        "jenis": {"type": "string", "title": "Jenis", "maxLength": 50},
    },
    "allOf": [
        {
            "if": {"properties": {"layanan": {"const": "A"}}, "required": ["layanan"]},
            "then": {"properties": {"jenis": {"oneOf": [{"const": "A1", "title": "Satu"}]}}},
        },
        {
            "if": {"properties": {"layanan": {"const": "B"}}, "required": ["layanan"]},
            "then": {"properties": {"jenis": {"not": {}}}},
        },
    ],
}


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.test_request_context("/"):
        yield


@pytest.mark.usefixtures("ctx")
class TestRenderer:
    def test_only_a_list_longer_than_the_threshold_gets_a_filter(self):
        short = {"type": "object", "properties": {"layanan": _services(FILTER_THRESHOLD)}}
        long = {"type": "object", "properties": {"layanan": _services(FILTER_THRESHOLD + 1)}}
        assert f'name="{FILTER_PREFIX}layanan"' not in str(render_form(short, None, None, None))
        html = str(render_form(long, None, None, None))
        assert f'<input type="search" id="f-layanan-cari" name="{FILTER_PREFIX}layanan"' in html
        assert '<label for="f-layanan-cari" class="visually-hidden">Saring pilihan Layanan' in html
        assert f'name="{REFRESH}" value="layanan" formnovalidate data-nojs>Saring<' in html

    def test_filter_narrows_by_code_or_title_and_keeps_the_choice(self):
        schema = {"type": "object", "properties": {"layanan": _services(12)}}
        by_title = str(
            render_form(schema, None, {"layanan": "L2"}, None, filters={"layanan": "NOMOR 1"})
        )
        assert _options(by_title, "layanan") == ["L1", "L2", "L10", "L11"]  # L2: chosen
        assert _selected(by_title, "layanan") == "L2"
        assert 'value="NOMOR 1"' in by_title
        assert "3 dari 12 pilihan" in by_title
        assert json.loads(
            re.search(r'data-all="([^"]*)"', by_title).group(1).replace("&#34;", '"')
        ) == [[f"L{i}", f"Layanan nomor {i}"] for i in range(12)]
        by_code = str(render_form(schema, None, None, None, filters={"layanan": "l11"}))
        assert _options(by_code, "layanan") == ["L11"]
        assert _selected(by_code, "layanan") == "L11"  # the only match of an empty field

    def test_a_field_with_an_error_is_not_chosen_for_the_user(self):
        schema = {"type": "object", "properties": {"layanan": _services(12)}}
        html = str(
            render_form(
                schema, None, None, {"layanan": ["Wajib diisi."]}, filters={"layanan": "l11"}
            )
        )
        assert _options(html, "layanan") == ["L11"]
        assert _selected(html, "layanan") is None

    def test_dependent_list_shows_the_branch_of_the_parent_and_carries_all(self):
        none = str(render_form(DEPENDENT, None, None, None))
        assert _options(none, "jenis") == []
        assert '<option value="">— pilih Layanan lebih dahulu —</option>' in none
        assert 'data-depends-on="layanan"' in none
        assert "maxlength" not in none
        assert f'name="{REFRESH}" value="jenis" formnovalidate' in none
        branches = re.search(r'data-branches="([^"]*)"', none).group(1).replace("&#34;", '"')
        assert json.loads(branches) == {"A": [["A1", "Satu"]], "B": []}
        assert _options(str(render_form(DEPENDENT, None, {"layanan": "A"}, None)), "jenis") == [
            "A1"
        ]
        kept = str(render_form(DEPENDENT, None, {"layanan": "B", "jenis": "A1"}, None))
        assert _options(kept, "jenis") == ["A1"]  # not B's, but what the user chose stays
        assert _selected(kept, "jenis") == "A1"

    def test_the_filter_and_refresh_buttons_are_read_from_the_post(self):
        form = MultiDict(
            {f"{FILTER_PREFIX}layanan": " simp ", f"{FILTER_PREFIX}x": " ", REFRESH: "layanan"}
        )
        assert filter_texts(form) == {"layanan": "simp"}
        assert round_trip(form) == ("refresh", "layanan")
        assert round_trip(MultiDict({"layanan": "SIMPEG"})) is None


def _count(platform: Platform) -> int:
    with platform.sessions() as session:
        return session.scalar(select(func.count(Instance.id)))


@pytest.mark.usefixtures("deployed")
class TestStartPage:
    def test_services_have_a_filter_and_request_types_wait_for_a_service(self, client: FlaskClient):
        client_sign_in(client, "pengguna")
        html = client.get(START).get_data(as_text=True)
        assert len(_options(html, "layanan")) == 12
        assert 'id="f-layanan-cari"' in html
        assert _options(html, "jenis_permintaan") == []
        assert 'data-depends-on="layanan"' in html
        assert "Daftar ini mengikuti Layanan" in html

    def test_filter_and_follow_texts_are_in_english_too(self, client: FlaskClient):
        token = client_sign_in(client, "pengguna")
        client.post("/bahasa", data={"lang": "en", "next": "/", "csrf_token": token})
        html = client.get(START).get_data(as_text=True)
        assert "Filter the choices of Layanan" in html
        assert 'data-count="{shown} of {total} choices"' in html
        assert "— choose Layanan first —" in html
        assert ">Update choices</button>" in html

    def test_filter_keeps_the_input_and_shows_the_chosen_service_types(
        self, client: FlaskClient, platform: Platform
    ):
        token = client_sign_in(client, "pengguna")
        posted = {
            **SAMPLE_REQUEST,
            "layanan": "",
            "jenis_permintaan": "",
            "csrf_token": token,
            f"{FILTER_PREFIX}layanan": "kepegawaian",
            REFRESH: "layanan",
        }
        page = client.post(START, data=posted)
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert _count(platform) == 0  # drawn again, not started
        assert _options(html, "layanan") == ["SIMPEG"]
        assert _selected(html, "layanan") == "SIMPEG"
        assert _options(html, "jenis_permintaan") == ["AKUN-BARU", "RESET-SANDI"]
        assert f'value="{SAMPLE_REQUEST["judul"]}"' in html
        assert f">{SAMPLE_REQUEST['uraian']}</textarea>" in html
        assert f'value="{SAMPLE_REQUEST["nip_nik"]}"' in html
        assert 'class="error"' not in html

    def test_refresh_follows_a_changed_service(self, client: FlaskClient):
        token = client_sign_in(client, "pengguna")
        posted = {"layanan": "EMAIL", "judul": "Kuota surel", "csrf_token": token}
        html = client.post(START, data={**posted, REFRESH: "jenis_permintaan"}).get_data(
            as_text=True
        )
        assert _selected(html, "layanan") == "EMAIL"
        assert _options(html, "jenis_permintaan") == ["AKUN-BARU", "KUOTA"]
        assert 'value="Kuota surel"' in html

    def test_request_type_of_another_service_is_refused_beside_the_field(
        self, client: FlaskClient, platform: Platform
    ):
        token = client_sign_in(client, "pengguna")
        posted = {**SAMPLE_REQUEST, "layanan": "EMAIL", "jenis_permintaan": "RESET-SANDI"}
        page = client.post(START, data={**posted, "csrf_token": token})
        html = page.get_data(as_text=True)
        assert page.status_code == 422
        assert _count(platform) == 0
        assert "tidak ada untuk layanan EMAIL" in field_error(html, "jenis_permintaan")
        assert _selected(html, "layanan") == "EMAIL"
        assert _options(html, "jenis_permintaan") == ["AKUN-BARU", "KUOTA", "RESET-SANDI"]
        assert _selected(html, "jenis_permintaan") == "RESET-SANDI"
        assert f'value="{SAMPLE_REQUEST["judul"]}"' in html

    def test_a_started_request_ignores_the_filter_text(
        self, client: FlaskClient, platform: Platform
    ):
        token = client_sign_in(client, "pengguna")
        posted = {**SAMPLE_REQUEST, "csrf_token": token, f"{FILTER_PREFIX}layanan": "simp"}
        assert client.post(START, data=posted).status_code == 302
        with platform.sessions() as session:
            data = session.scalars(select(Instance)).one().data
        assert not any(key.startswith("_") for key in data)
        assert data["layanan"] == "SIMPEG"


@pytest.mark.usefixtures("deployed")
def test_task_page_filters_its_service_list_and_keeps_the_input(
    client: FlaskClient, platform: Platform
):
    with platform.sessions() as session, session.begin():
        reporter = session.scalars(select(User).where(User.username == "penyedia")).one()
        instance_id = (
            platform.instances(session).start("penanganan-aduan", SAMPLE_COMPLAINT, reporter).id
        )
    task = open_task(platform, instance_id)
    token = client_sign_in(client, _holder(platform, task))
    url = f"/tugas/{task.id}"
    assert 'id="f-layanan-cari"' in client.get(url).get_data(as_text=True)
    posted = {
        "csrf_token": token,
        "analisis": "Server aplikasi kehabisan memori.",
        f"{FILTER_PREFIX}layanan": "surat elektronik",
        REFRESH: "layanan",
    }
    page = client.post(url, data=posted)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert _options(html, "layanan") == ["EMAIL"]
    assert "Server aplikasi kehabisan memori." in html
    assert open_task(platform, instance_id).id == task.id  # still open
