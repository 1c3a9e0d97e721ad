"""SLA reference tables through the API: every cell of Tabel 2, 3 and 4, edits, resets."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Event
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")

# Perbup Bangka 21/2025, written out again so a wrong seed or a lossy API shows.
TABEL_3 = {
    ("Mayor", "Publik"): ("P1", "P2", "P3"),
    ("Mayor", "Administrasi Pemerintahan"): ("P2", "P3", "P4"),
    ("Minor", "Publik"): ("P3", "P4", "P5"),
    ("Minor", "Administrasi Pemerintahan"): ("P4", "P5", "P6"),
}
TABEL_4 = {"P1": 15, "P2": 30, "P3": 60, "P4": 90, "P5": 120, "P6": 150}
TABEL_2 = {
    ("Administrasi Pemerintahan", "Kritis"): 12,
    ("Administrasi Pemerintahan", "Esensial"): 48,
    ("Administrasi Pemerintahan", "Normal"): 72,
    ("Publik", "Kritis"): 24,
    ("Publik", "Esensial"): 36,
    ("Publik", "Normal"): None,
}
CLASSES = ("Kritis", "Esensial", "Normal")


def table(auth: Auth, name: str) -> dict:
    response = auth.get("pengguna", f"/api/v1/reference-tables/{name}")
    assert response.status_code == 200, response.json
    return response.json


@pytest.mark.parametrize(("impact", "group"), list(TABEL_3))
@pytest.mark.parametrize("index", range(3))
def test_every_cell_of_tabel_3(auth: Auth, impact: str, group: str, index: int) -> None:
    rows = table(auth, "matriks-prioritas")["rows"]
    [cell] = [
        r
        for r in rows
        if (r["impact"], r["group"], r["classification"]) == (impact, group, CLASSES[index])
    ]
    assert cell["priority"] == TABEL_3[impact, group][index]


@pytest.mark.parametrize(("priority", "minutes"), list(TABEL_4.items()))
def test_every_cell_of_tabel_4(auth: Auth, priority: str, minutes: int) -> None:
    rows = table(auth, "target-respons")["rows"]
    assert {r["priority"]: r["minutes"] for r in rows}[priority] == minutes


@pytest.mark.parametrize(("key", "hours"), list(TABEL_2.items()))
def test_every_cell_of_tabel_2(auth: Auth, key: tuple[str, str], hours: int | None) -> None:
    rows = table(auth, "target-penyelesaian")["rows"]
    [cell] = [r for r in rows if (r["group"], r["classification"]) == key]
    assert cell["hours"] == hours
    expected = "not set by the regulation" if hours is None else "regulation"
    assert cell["source"] == expected


def test_tables_list_and_unknown_table(auth: Auth) -> None:
    names = [t["name"] for t in auth.get("pengguna", "/api/v1/reference-tables").json]
    assert names == ["matriks-prioritas", "target-respons", "target-penyelesaian", "skema-urgensi"]
    assert all(
        t["source"] == "regulation" for t in auth.get("pengguna", "/api/v1/reference-tables").json
    )
    assert auth.get("pengguna", "/api/v1/reference-tables/tidak-ada").status_code == 404


def test_admin_sets_the_empty_cell_then_resets_with_audit(auth: Auth, platform) -> None:
    rows = table(auth, "target-penyelesaian")["rows"]
    for row in rows:
        if (row["group"], row["classification"]) == ("Publik", "Normal"):
            row.update(hours=96, source="administrator")
    url = "/api/v1/reference-tables/target-penyelesaian"
    assert (
        auth.client.put(url, headers=auth.headers("analis"), json={"rows": rows}).status_code == 403
    )
    response = auth.client.put(url, headers=auth.headers("admin"), json={"rows": rows})
    assert response.status_code == 200, response.json
    assert response.json["source"] == "administrator"
    assert response.json["updated_by"] == "admin"
    [cell] = [
        r
        for r in response.json["rows"]
        if (r["group"], r["classification"]) == ("Publik", "Normal")
    ]
    assert cell == {
        "group": "Publik",
        "classification": "Normal",
        "hours": 96,
        "source": "administrator",
    }
    reset = auth.client.delete(url, headers=auth.headers("admin"))
    assert reset.json["source"] == "regulation"
    with platform.sessions() as session:
        kinds = session.scalars(
            select(Event.kind).where(Event.kind.like("reference_table_%")).order_by(Event.id)
        ).all()
    assert kinds == ["reference_table_updated", "reference_table_reset"]


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [{"priority": "P1", "minutes": 15}],
        [{"priority": "P9", "minutes": 15}],
        "not a list",
    ],
)
def test_incomplete_or_wrong_tables_are_refused(auth: Auth, rows: object) -> None:
    response = auth.client.put(
        "/api/v1/reference-tables/target-respons",
        headers=auth.headers("admin"),
        json={"rows": rows},
    )
    assert response.status_code == 422
    assert response.json["errors"]["rows"]
    assert table(auth, "target-respons")["source"] == "regulation"


def test_agency_chooses_its_sla_scheme(auth: Auth) -> None:
    changed = auth.client.patch(
        "/api/v1/agencies/BKPSDM", headers=auth.headers("admin"), json={"sla_scheme": "urgensi"}
    )
    assert changed.status_code == 200
    assert changed.json["sla_scheme"] == "urgensi"
    bad = auth.client.patch(
        "/api/v1/agencies/BKPSDM", headers=auth.headers("admin"), json={"sla_scheme": "bebas"}
    )
    assert bad.status_code == 422
