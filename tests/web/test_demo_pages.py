"""Issue 14, item 8: on the demo's first run the continuity, schedule and monitoring pages
show what the demo loaded (the `cmdb` state, as `spbe demo` leaves a deployed database)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Instance, Task, TaskState
from app.services.demo_periodic import DRP_TESTS, MONITOR, MONITORING_MODEL, VERIFIED
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("cmdb")


def test_the_email_drp_page_shows_both_versions_and_the_training(client: FlaskClient) -> None:
    client_sign_in(client, "admin.layanan")
    html = client.get("/layanan/EMAIL/drp").get_data(as_text=True)
    assert "DRP-EMAIL-2026 versi 1.1" in html
    assert "DRP-EMAIL-2026 versi 1.0" in html
    assert "Simulasi pengalihan layanan surel ke situs pemulihan" in html


def test_the_schedules_page_lists_the_drp_tests_and_the_verifications(
    client: FlaskClient,
) -> None:
    client_sign_in(client, "admin")
    html = client.get("/admin/jadwal/").get_data(as_text=True)
    kritis = len(VERIFIED)
    assert html.count("<td>uji-drp</td>") == len(DRP_TESTS) == kritis
    assert html.count("<td>verifikasi-konfigurasi</td>") == kritis


def test_the_monitoring_report_opens_with_the_computed_availability(
    client: FlaskClient, session: Session
) -> None:
    case = session.scalars(
        select(Instance).where(Instance.process_model_id == MONITORING_MODEL)
    ).one()
    task = session.scalars(
        select(Task).where(Task.instance_id == case.id, Task.state == TaskState.READY)
    ).one()
    achieved = case.data["ketersediaan_tercapai_persen"]
    client_sign_in(client, MONITOR)
    html = client.get(f"/tugas/{task.id}").get_data(as_text=True)
    assert str(achieved) in html
    assert str(case.data["target_ketersediaan_persen"]) in html
