"""A procedure about a whole PD needs its PD at start (issue 11, item 6): the roles its
review and sign-off lanes name are granted per PD, so without one nobody could take them."""

from __future__ import annotations

import pytest

from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("deployed")


def _start(auth: Auth, model_id: str, data: dict[str, str]):
    return auth.post(
        "pj.layanan", "/api/v1/process-instances", json={"process_model_id": model_id, "data": data}
    )


def test_an_evaluation_without_its_pd_is_refused_naming_the_field(auth: Auth) -> None:
    """Without a PD the evaluation is the whole kabupaten's, and needs the PD that runs it
    (`pd_penyelenggara`, docs/bpmn-conventions.md) to route its review and sign-off."""
    refused = _start(auth, "evaluasi", {"periode": "2026-S2"})
    assert refused.status_code == 422, refused.json
    assert "pd_penyelenggara" in refused.json["errors"]
    started = _start(auth, "evaluasi", {"periode": "2026-S2", "perangkat_daerah": "DISKOMINFO"})
    assert started.status_code == 201, started.json


def test_a_plan_names_its_service_or_its_pd(auth: Auth) -> None:
    plan = {"jenis_dokumen": "daftar_kebutuhan_layanan", "periode": "2027", "judul": "Kebutuhan"}
    assert _start(auth, "perencanaan", plan).status_code == 422
    with_pd = _start(auth, "perencanaan", {**plan, "perangkat_daerah": "BKPSDM"})
    assert with_pd.status_code == 201, with_pd.json
    with_service = _start(auth, "perencanaan", {**plan, "layanan": "SIMPEG"})
    assert with_service.status_code == 201, with_service.json


def test_the_demo_staffs_every_lane_of_every_procedure_for_every_pd(auth: Auth) -> None:
    """Deploy warns of a lane nobody holds for some PD; over the demo data none of the
    shipped procedures has one (issue 11, item 8)."""
    for model in auth.get("analis", "/api/v1/process-models").json:
        detail = auth.get("analis", f"/api/v1/process-models/{model['id']}").json
        [newest] = [v for v in detail["versions"] if v["version"] == detail["version"]]
        unstaffed = [w for w in newest["warnings"] if "lajur" in w["message"]]
        assert unstaffed == [], (model["id"], unstaffed)
