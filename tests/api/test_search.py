"""GET /api/v1/search (issue 12, item 5): number, title, description, symptoms, the work
log and the service's and PD's names; ranked, paged, with a snippet; only the cases the
caller may read, internal notes for staff only, and no personal field in any snippet."""

from __future__ import annotations

from typing import Any

import pytest

from app.services.casework.search import snippet
from app.services.context import Platform
from app.services.demo import (
    SAMPLE_COMPLAINT,
    SAMPLE_COMPLAINT_MODEL,
    SAMPLE_REPORTER,
    SAMPLE_REQUEST,
)
from tests.conftest import Auth, States, reset

pytestmark = pytest.mark.usefixtures("deployed")

URL = "/api/v1/search"


def _request(auth: Auth, **changes: Any) -> dict[str, Any]:
    started = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": {**SAMPLE_REQUEST, **changes}},
    )
    assert started.status_code == 201, started.json
    return dict(started.json)


def _complaint(auth: Auth) -> dict[str, Any]:
    started = auth.post(
        SAMPLE_REPORTER,
        "/api/v1/process-instances",
        json={"process_model_id": SAMPLE_COMPLAINT_MODEL, "data": SAMPLE_COMPLAINT},
    )
    assert started.status_code == 201, started.json
    return dict(started.json)


def _found(auth: Auth, username: str, q: str, page: int = 1) -> dict[str, Any]:
    answer = auth.get(username, URL, query_string={"q": q, "page": page})
    assert answer.status_code == 200, answer.json
    return dict(answer.json)


def _ids(auth: Auth, username: str, q: str) -> list[int]:
    return [item["id"] for item in _found(auth, username, q)["items"]]


def test_a_word_of_the_description_finds_the_case_with_a_snippet(auth: Auth) -> None:
    case = _request(auth, uraian="Pegawai bidang mutasi belum punya akun kepegawaian.")
    body = _found(auth, "admin.layanan", "kepegawaian")
    [item] = body["items"]
    assert item == {
        "id": case["id"],
        "reference": case["reference"],
        "process_model_id": "permintaan-layanan",
        "title": SAMPLE_REQUEST["judul"],
        "snippet": "Pegawai bidang mutasi belum punya akun kepegawaian.",
    }
    assert body["next"] is None
    # A word's start is enough, in any case; every word must match.
    assert _ids(auth, "admin.layanan", "KEPEG") == [case["id"]]
    assert _ids(auth, "admin.layanan", "kepegawaian mutasi") == [case["id"]]
    assert _ids(auth, "admin.layanan", "kepegawaian srikandi") == []


def test_symptoms_number_service_and_pd_names_find_it_too(auth: Auth) -> None:
    complaint = _complaint(auth)
    assert _ids(auth, "pj.layanan", "galat 502") == [complaint["id"]]
    assert _ids(auth, "pj.layanan", complaint["reference"]) == [complaint["id"]]
    number_part = complaint["reference"].rsplit("-", 1)[1]
    assert _ids(auth, "pj.layanan", number_part) == [complaint["id"]]
    assert _ids(auth, "pj.layanan", complaint["reference"][:8]) == [complaint["id"]]  # ADU-2026
    request = _request(auth)
    assert request["id"] in _ids(auth, "pj.layanan", "Badan Kepegawaian")  # SIMPEG's PD


def test_a_word_of_a_comment_finds_it_internal_ones_for_staff_only(auth: Auth) -> None:
    case = _request(auth)
    url = f"/api/v1/process-instances/{case['id']}/comments"
    auth.post(
        "admin.layanan",
        url,
        json={"body": "Server kepegawaian dipindah.", "visibility": "internal"},
    )
    auth.post(
        "admin.layanan", url, json={"body": "Silakan coba sandi sementara.", "visibility": "public"}
    )

    assert _ids(auth, "admin.layanan", "dipindah") == [case["id"]]
    [hit] = _found(auth, "admin.layanan", "dipindah")["items"]
    assert hit["snippet"] == "Server kepegawaian dipindah."
    assert _ids(auth, "pengguna", "sementara") == [case["id"]]
    assert _ids(auth, "pengguna", "dipindah") == []  # the requester never matches a note
    for item in _found(auth, "pengguna", "akun")["items"]:
        assert "dipindah" not in item["snippet"]


def test_never_a_case_the_reader_may_not_read(auth: Auth) -> None:
    request = _request(auth, uraian="Permintaan rahasiabersama untuk SIMPEG.")
    complaint = _complaint(auth)
    auth.post(
        SAMPLE_REPORTER,
        f"/api/v1/process-instances/{complaint['id']}/comments",
        json={"body": "Catatan rahasiabersama juga di sini.", "visibility": "public"},
    )
    assert sorted(_ids(auth, "pj.layanan", "rahasiabersama")) == sorted(
        [request["id"], complaint["id"]]
    )
    assert _ids(auth, "pengguna", "rahasiabersama") == [request["id"]]  # not the complaint
    assert _ids(auth, "penyedia.disdukcapil", "rahasiabersama") == []  # another PD's staff
    assert _ids(auth, "penyedia.disdukcapil", request["reference"]) == []


def test_personal_data_is_never_in_a_snippet_nor_found(auth: Auth) -> None:
    _request(auth)
    for username in ("analis", "admin", "pj.layanan", "pengguna"):
        for personal in (SAMPLE_REQUEST["nip_nik"], SAMPLE_REQUEST["telepon"]):
            assert _found(auth, username, personal)["items"] == []
        for item in _found(auth, username, "akun")["items"]:
            assert SAMPLE_REQUEST["nip_nik"] not in item["snippet"]
            assert SAMPLE_REQUEST["telepon"] not in item["snippet"]


def test_results_are_ranked_and_paged(auth: Auth) -> None:
    weak = _request(auth, uraian="Sekali disebut: jaringanlambat.")
    for _ in range(20):
        _request(auth, judul="Akun baru", uraian="Akun untuk staf baru.")
    strong = _request(
        auth, judul="jaringanlambat di kantor", uraian="jaringanlambat sejak pagi, jaringanlambat."
    )
    for n in range(19):
        _request(auth, judul=f"Permintaan jaringanlambat {n}", uraian="Akun untuk staf.")
    first = _found(auth, "admin.layanan", "jaringanlambat")
    assert len(first["items"]) == 20
    assert first["next"] == 2
    assert first["items"][0]["id"] == strong["id"]  # in the title and twice in the text
    second = _found(auth, "admin.layanan", "jaringanlambat", page=2)
    assert [i["id"] for i in second["items"]] == [weak["id"]]  # only once, in the text
    assert second["next"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"q": ""}, "q"),
        ({"q": "-- ** ()"}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "a", "page": 0}, "page"),
    ],
)
def test_no_word_is_422_naming_the_field(auth: Auth, query: dict[str, Any], field: str) -> None:
    answer = auth.get("admin.layanan", URL, query_string=query)
    assert answer.status_code == 422
    assert field in answer.json["errors"]


def test_search_syntax_is_only_words(auth: Auth) -> None:
    """Quotes, operators and prefixes of either database are read as separators."""
    case = _request(auth, uraian="Kata unikxyz di sini.")
    for query in (
        '"unikxyz',
        "unikxyz*",
        "(unikxyz)",
        "unikxyz:*",
        "^unikxyz & !|",
        "unikxyz'; --",
    ):
        assert case["id"] in _ids(auth, "admin.layanan", query), query


def test_a_snippet_is_cut_around_the_first_match() -> None:
    text = ("awal " * 40) + "kata dicari di tengah " + ("akhir " * 40)
    cut = snippet([text], ["dicari"])
    assert cut.startswith("…")
    assert cut.endswith("…")
    assert "kata dicari di tengah" in cut
    assert len(cut) <= 165
    assert snippet(["", "Judul saja"], ["nomor"]) == "Judul saja"


def test_a_reset_between_tests_leaves_no_word_behind(
    auth: Auth, platform: Platform, states: States
) -> None:
    """The snapshot restores `search_document`; the database's own index (FTS5 through
    its triggers, the generated tsvector) follows it and still agrees with it."""
    _request(auth, uraian="Kata sisaujian yang tidak boleh tertinggal.")
    assert _ids(auth, "admin.layanan", "sisaujian") != []
    reset(platform, states, "deployed")
    assert _ids(auth, "admin.layanan", "sisaujian") == []
    if platform.engine.dialect.name == "sqlite":
        with platform.engine.begin() as connection:  # raises when the index disagrees
            connection.exec_driver_sql(
                "INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"
            )
    case = _request(auth, uraian="Kata sisaujian lagi.")
    assert _ids(auth, "admin.layanan", "sisaujian") == [case["id"]]
