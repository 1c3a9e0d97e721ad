"""`/api/v1/process-models/{id}/settings`: the review layers the regulations do not name
are settings an Admin Sistem switches per PD or kabupaten-wide (issue 11, item 9)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("deployed")

URL = "/api/v1/process-models/pemantauan-pemeliharaan/settings"


def _put(auth: Auth, username: str, body: dict[str, Any], url: str = URL) -> Any:
    return auth.client.put(url, headers=auth.headers(username), json=body)


def test_get_serves_each_setting_with_its_source_and_a_json_schema(auth: Auth) -> None:
    shown = auth.get("pj.layanan", f"{URL}?agency=BKPSDM").json
    assert shown["agency"] == "BKPSDM"
    [setting] = shown["settings"]
    assert setting["name"] == "reviu_laporan"
    assert "tambahan produk" in setting["title"]
    assert (setting["type"], setting["default"], setting["value"]) == ("boolean", True, True)
    assert (setting["source"], setting["kabupaten"], setting["pd"]) == ("default", None, None)
    assert shown["schema"]["properties"]["reviu_laporan"]["type"] == "boolean"
    assert shown["schema"]["additionalProperties"] is False


def test_put_for_a_pd_and_kabupaten_wide(auth: Auth) -> None:
    kabupaten = _put(auth, "admin", {"agency": None, "values": {"reviu_laporan": False}})
    assert kabupaten.status_code == 200, kabupaten.json
    assert kabupaten.json["settings"][0]["source"] == "kabupaten"
    pd = _put(auth, "admin", {"agency": "BKPSDM", "values": {"reviu_laporan": True}})
    assert pd.status_code == 200, pd.json
    [setting] = pd.json["settings"]
    assert (setting["value"], setting["source"], setting["kabupaten"], setting["pd"]) == (
        True,
        "pd",
        False,
        True,
    )
    other = auth.get("pengguna", f"{URL}?agency=DISKOMINFO").json["settings"][0]
    assert (other["value"], other["source"]) == (False, "kabupaten")


def test_only_admin_sistem_may_put(auth: Auth) -> None:
    refused = _put(auth, "analis", {"agency": None, "values": {"reviu_laporan": False}})
    assert refused.status_code == 403
    assert "Admin Sistem" in refused.json["message"]


@pytest.mark.parametrize(
    ("values", "field"),
    [({"reviu_lain": False}, "reviu_lain"), ({"reviu_laporan": "tidak"}, "reviu_laporan")],
    ids=["unknown-name", "wrong-type"],
)
def test_put_names_the_setting_it_refuses(auth: Auth, values: dict[str, Any], field: str) -> None:
    refused = _put(auth, "admin", {"agency": "BKPSDM", "values": values})
    assert refused.status_code == 422
    assert list(refused.json["errors"]) == [field]
    assert " / " in refused.json["errors"][field][0]  # Indonesian / English


def test_unknown_model_or_pd_is_404(auth: Auth) -> None:
    assert auth.get("admin", "/api/v1/process-models/tidak-ada/settings").status_code == 404
    assert auth.get("admin", f"{URL}?agency=TIDAK-ADA").status_code == 404
    body = {"agency": "TIDAK-ADA", "values": {"reviu_laporan": False}}
    assert _put(auth, "admin", body).status_code == 404


def test_the_openapi_document_describes_the_settings(auth: Auth) -> None:
    paths = auth.client.get("/api/v1/openapi.json").json["paths"]
    served = paths["/api/v1/process-models/{model_id}/settings"]
    assert {"get", "put"} <= set(served)
