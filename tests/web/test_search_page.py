"""The search page (/cari) and the search box in the top bar (issue 12, item 5): plain GET
forms and links (no JavaScript), results the reader may see, matched words marked,
everything escaped, paged, readable on a phone (the viewport and one column of cards)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.services.demo import SAMPLE_REQUEST
from tests.conftest import Auth
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("deployed")


def _filed(auth: Auth, **changes: str) -> dict[str, object]:
    started = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": {**SAMPLE_REQUEST, **changes}},
    )
    assert started.status_code == 201, started.json
    return dict(started.json)


def test_the_top_bar_has_a_search_box_leading_to_the_results(client: FlaskClient) -> None:
    client_sign_in(client, "admin.layanan")
    page = client.get("/tugas").get_data(as_text=True)
    assert 'role="search"' in page
    assert 'action="/cari"' in page
    assert 'name="q"' in page
    assert 'name="viewport"' in page
    empty = client.get("/cari")
    assert empty.status_code == 200
    assert "Kata yang dicari" in empty.get_data(as_text=True)


def test_results_link_to_the_case_with_the_words_marked_and_escaped(
    client: FlaskClient, auth: Auth
) -> None:
    case = _filed(auth, judul="Akun <b>tebal</b> SIMPEG", uraian="Perlu akun untuk ujicobaan.")
    client_sign_in(client, "admin.layanan")
    response = client.get("/cari", query_string={"q": "ujicoba"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'href="/proses/{case["id"]}"' in page
    assert "Perlu akun untuk <mark>ujicoba</mark>an." in page
    assert "Akun &lt;b&gt;tebal&lt;/b&gt; SIMPEG" in page
    assert "<b>tebal</b>" not in page
    assert 'value="ujicoba"' in page  # the top bar keeps the query


def test_the_requester_sees_only_their_own_and_another_pd_nothing(
    client: FlaskClient, auth: Auth
) -> None:
    case = _filed(auth, uraian="Kata khususcari di sini.")
    client_sign_in(client, "pengguna")
    assert f'href="/proses/{case["id"]}"' in client.get("/cari?q=khususcari").get_data(as_text=True)
    client_sign_in(client, "penyedia.disdukcapil")
    page = client.get("/cari?q=khususcari").get_data(as_text=True)
    assert f'href="/proses/{case["id"]}"' not in page
    assert "Tidak ada kasus yang cocok" in page


def test_a_query_without_words_is_422_with_the_reason(client: FlaskClient) -> None:
    client_sign_in(client, "admin.layanan")
    response = client.get("/cari", query_string={"q": "**"})
    assert response.status_code == 422
    assert "Tulis kata yang dicari" in response.get_data(as_text=True)
    assert client.get("/cari?q=a&halaman=0").status_code == 404


def test_pages_follow_with_plain_links(client: FlaskClient, auth: Auth) -> None:
    for n in range(21):
        _filed(auth, judul=f"Halamanuji {n}")
    client_sign_in(client, "admin.layanan")
    first = client.get("/cari?q=halamanuji").get_data(as_text=True)
    assert first.count('class="card"') >= 20
    assert 'rel="next" href="/cari?q=halamanuji&amp;halaman=2"' in first
    second = client.get("/cari?q=halamanuji&halaman=2").get_data(as_text=True)
    assert 'rel="prev" href="/cari?q=halamanuji&amp;halaman=1"' in second
    assert 'rel="next"' not in second


def test_in_english(client: FlaskClient) -> None:
    token = client_sign_in(client, "admin.layanan")
    client.post("/bahasa", data={"csrf_token": token, "lang": "en", "next": "/"})
    page = client.get("/cari?q=apa").get_data(as_text=True)
    assert "Search cases" in page
    assert "No case you may see matches." in page
