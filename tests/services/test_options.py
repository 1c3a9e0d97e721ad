"""Form fields bound to live data (app/services/catalog/options.py), against the demo
kabupaten: each source, dependent lists, checks."""

from __future__ import annotations

import jsonschema
import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.engine.form_options import source_problem
from app.models import Agency, RoleAssignment, RoleName, Service
from app.services.accounts.users import AccountService
from app.services.catalog.options import FormOptions
from app.services.context import Platform

pytestmark = pytest.mark.usefixtures("demo")

FORM = {
    "type": "object",
    "properties": {
        "layanan": {"type": "string", "x-options": "services"},
        "jenis_permintaan": {"type": "string", "x-options": "request-types"},
        "perangkat_daerah": {"type": "string", "x-options": "agencies"},
        "pelaksana": {"type": "string", "x-options": "holders:Administrator Layanan"},
    },
}


def _options(session: Session, platform: Platform) -> FormOptions:
    return FormOptions(session, platform.clock)


def _ids(session: Session, code: str) -> tuple[int, int]:
    service = session.scalars(select(Service).where(Service.code == code)).one()
    return service.id, service.agency_id


def test_services_and_agencies_are_the_catalogs(session: Session, platform: Platform) -> None:
    options = _options(session, platform)
    assert {c.const for c in options.choices("services")} == set(
        session.scalars(select(Service.code))
    )
    assert {c.const for c in options.choices("agencies")} == set(
        session.scalars(select(Agency.code))
    )
    simpeg = [c for c in options.choices("services") if c.const == "SIMPEG"]
    assert simpeg[0].title.endswith("(SIMPEG)")


def test_request_types_are_those_of_the_chosen_service(
    session: Session, platform: Platform
) -> None:
    options = _options(session, platform)
    simpeg = {c.const for c in options.choices("request-types", "SIMPEG")}
    assert {"AKUN-BARU", "RESET-SANDI"} <= simpeg
    siak = {c.const for c in options.choices("request-types", "SIAK")}
    assert siak
    assert siak != simpeg
    assert options.choices("request-types", None) == []


def test_holders_follow_the_scope_and_the_grants(session: Session, platform: Platform) -> None:
    options = _options(session, platform)
    simpeg = _ids(session, "SIMPEG")
    siak = _ids(session, "SIAK")
    source = "holders:Administrator Layanan"
    assert "pelaksana" in {c.const for c in options.choices(source, None, *simpeg)}
    assert "petugas.siak" in {c.const for c in options.choices(source, None, *siak)}
    assert "petugas.siak" not in {c.const for c in options.choices(source, None, *simpeg)}
    AccountService(session, platform.clock).grant("pengguna", "Administrator Layanan", "SIMPEG")
    assert "pengguna" in {c.const for c in options.choices(source, None, *simpeg)}


def test_a_served_form_is_valid_json_schema_with_oneof(
    session: Session, platform: Platform
) -> None:
    simpeg = _ids(session, "SIMPEG")
    served = _options(session, platform).serve(FORM, {"layanan": "SIMPEG"}, *simpeg)
    jsonschema.Draft202012Validator.check_schema(served)
    properties = served["properties"]
    for name in ("layanan", "jenis_permintaan", "perangkat_daerah", "pelaksana"):
        assert "x-options" not in properties[name]
        assert all(set(entry) == {"const", "title"} for entry in properties[name]["oneOf"])
    validator = jsonschema.Draft202012Validator(served)
    assert validator.is_valid({"layanan": "SIMPEG", "jenis_permintaan": "AKUN-BARU"})
    assert not validator.is_valid({"layanan": "TIDAK-ADA"})
    assert not validator.is_valid({"pelaksana": "pengguna"})


def test_without_its_parent_a_dependent_field_is_served_as_if_then_branches(
    session: Session, platform: Platform
) -> None:
    served = _options(session, platform).serve(FORM, {})
    jsonschema.Draft202012Validator.check_schema(served)
    branches = served["allOf"]
    assert {b["if"]["properties"]["layanan"]["const"] for b in branches} == set(
        session.scalars(select(Service.code))
    )
    validator = jsonschema.Draft202012Validator(served)
    assert validator.is_valid({"layanan": "SIMPEG", "jenis_permintaan": "AKUN-BARU"})
    assert not validator.is_valid({"layanan": "SIAK", "jenis_permintaan": "AKUN-BARU"})


def test_an_empty_list_accepts_nothing_and_says_so(session: Session, platform: Platform) -> None:
    role = RoleName.PROBLEM_COORDINATOR
    session.execute(delete(RoleAssignment).where(RoleAssignment.role == role))
    form = {
        "type": "object",
        "properties": {"x": {"type": "string", "x-options": f"holders:{role}"}},
    }
    served = _options(session, platform).serve(form, {})
    jsonschema.Draft202012Validator.check_schema(served)
    assert served["properties"]["x"]["not"] == {}
    assert "no choices" in served["properties"]["x"]["description"]


def test_check_names_every_field_the_lists_do_not_offer(
    session: Session, platform: Platform
) -> None:
    simpeg = _ids(session, "SIMPEG")
    options = _options(session, platform)
    errors = options.check(
        FORM,
        {
            "layanan": "SIMPEG",
            "jenis_permintaan": "BUAT-KTP",
            "perangkat_daerah": "BKPSDM",
            "pelaksana": "pengguna",
        },
        *simpeg,
    )
    assert set(errors) == {"jenis_permintaan", "pelaksana"}
    assert "bukan pilihan" in errors["pelaksana"][0]
    assert "not one of the valid choices" in errors["pelaksana"][0]
    assert options.check(FORM, {"pelaksana": "pelaksana"}, *simpeg) == {}
    # the parent comes from the instance when the form does not carry it
    known = {"layanan": "SIMPEG"}
    assert options.check(FORM, {"jenis_permintaan": "AKUN-BARU"}, known=known) == {}


@pytest.mark.parametrize(
    ("source", "ok"),
    [
        ("services", True),
        ("request-types", True),
        ("agencies", True),
        ("holders:Administrator Layanan", True),
        ("holders:Juru Kunci", False),
        ("users", False),
        (3, False),
    ],
)
def test_deploy_knows_the_sources(source: object, ok: bool) -> None:
    assert (source_problem(source, {"Administrator Layanan"}) is None) == ok
