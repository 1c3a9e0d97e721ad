"""Polewali's three coordinators are three roles (Kepbup Polewali Mandar 685/2021, II.1.a.1
huruf a-b: Koordinator Service Desk, Koordinator Manajemen Gangguan; II.2.1.a: Koordinator
Manajemen Masalah), and migration 0016 turns every grant and delegation of the old single
"Koordinator" into one of each at the same scope."""

from __future__ import annotations

from sqlalchemy import text

from app.migrations import downgrade, upgrade
from app.models import RoleName
from app.services.context import Platform
from tests.conftest import T0

COORDINATORS = {
    RoleName.SERVICE_DESK_COORDINATOR: "Koordinator Service Desk",
    RoleName.INCIDENT_COORDINATOR: "Koordinator Manajemen Gangguan",
    RoleName.PROBLEM_COORDINATOR: "Koordinator Manajemen Masalah",
}


def _rows(platform: Platform, sql: str) -> list[tuple[object, ...]]:
    with platform.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_the_three_coordinators_are_roles_named_as_polewali_names_them(
    platform: Platform,
) -> None:
    roles = {name for (name,) in _rows(platform, "SELECT name FROM role")}
    assert set(COORDINATORS.values()) <= roles
    assert "Koordinator" not in roles
    assert {member.value for member in COORDINATORS} == set(COORDINATORS.values())


def test_a_koordinator_grant_and_delegation_become_one_of_each_at_the_same_scope(
    platform: Platform,
) -> None:
    downgrade(platform.engine, "0015")
    at = T0.replace(tzinfo=None)
    with platform.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO agency (id, code, name, timezone, sla_scheme) "
                "VALUES (1, 'DISKOMINFO', 'Diskominfo', 'Asia/Jakarta', 'prioritas')"
            )
        )
        for user_id, name in ((1, "koord"), (2, "plh")):
            connection.execute(
                text(
                    "INSERT INTO user_account (id, username, full_name, password_hash, active, "
                    "created_at) VALUES (:id, :name, :name, 'x', true, :at)"
                ),
                {"id": user_id, "name": name, "at": at},
            )
        connection.execute(
            text(
                "INSERT INTO role_assignment (user_id, role, agency_id, service_id, granted_at) "
                "VALUES (1, 'Koordinator', 1, NULL, :at)"
            ),
            {"at": at},
        )
        connection.execute(
            text(
                "INSERT INTO delegation (kind, delegate_id, principal_id, role, service_id, "
                "agency_id, starts_at, ends_at, decree_reference, created_at) "
                "VALUES ('Plh', 2, 1, 'Koordinator', NULL, 1, :at, :until, 'SK 1', :at)"
            ),
            {"at": at, "until": at.replace(year=at.year + 1)},
        )
    upgrade(platform.engine)
    grants = _rows(platform, "SELECT user_id, role, agency_id FROM role_assignment")
    assert sorted(grants) == sorted((1, name, 1) for name in COORDINATORS.values())
    delegations = _rows(platform, "SELECT delegate_id, principal_id, role FROM delegation")
    assert sorted(delegations) == sorted((2, 1, name) for name in COORDINATORS.values())

    downgrade(platform.engine, "0015")
    assert _rows(platform, "SELECT user_id, role, agency_id FROM role_assignment") == [
        (1, "Koordinator", 1)
    ]
    assert _rows(platform, "SELECT delegate_id, role FROM delegation") == [(2, "Koordinator")]
    upgrade(platform.engine)
