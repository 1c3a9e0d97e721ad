"""BPMN scripts compute working time on the calendar of the instance's own service and PD."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.engine.specs import Bundle
from app.models import Agency, User
from app.services.context import Platform
from app.services.process_models.deploy import DeployService
from tests.bpmn import linear

SCRIPT = (
    '<bpmn:scriptTask id="hitung" scriptFormat="python"><bpmn:script>'
    'batas = tambah_waktu_kerja(mulai, "PT1H")\n'
    "terbuka = dalam_jam_kerja(mulai)"
    "</bpmn:script></bpmn:scriptTask>"
)
#: Monday 15:30 WIB, half an hour before closing in Jakarta, after closing in Jayapura.
MULAI = "2026-11-23T15:30:00+07:00"


@pytest.fixture
def deployed_script(platform: Platform, demo: None) -> Platform:
    with platform.sessions() as session, session.begin():
        DeployService(session, platform.clock, platform.specs).deploy(
            Bundle({"hitung-batas.bpmn": linear(SCRIPT)})
        )
        session.scalars(
            select(Agency).where(Agency.code == "BKPSDM")
        ).one().timezone = "Asia/Jayapura"
    return platform


def run(platform: Platform, service: str) -> dict:
    with platform.sessions() as session, session.begin():
        starter = session.scalars(select(User).where(User.username == "pengguna")).one()
        instance = platform.instances(session).start(
            "hitung-batas", {"layanan": service, "mulai": MULAI}, starter
        )
        assert instance.status == "complete", instance.error_message
        return dict(instance.data)


@pytest.mark.parametrize(
    ("service", "due", "open_"),
    [
        # SRIKANDI, DISKOMINFO in WIB: 30 minutes today, 30 from Tuesday 07:30 WIB.
        ("SRIKANDI", "2026-11-24T01:00:00+00:00", True),
        # SIMPEG, BKPSDM moved to WIT: closed since 16:00 WIT; Tuesday 07:30-08:30 WIT.
        ("SIMPEG", "2026-11-23T23:30:00+00:00", False),
        # EMAIL is Kritis with 24x7 support: one hour of wall-clock time.
        ("EMAIL", "2026-11-23T09:30:00+00:00", True),
    ],
)
def test_tambah_waktu_kerja_uses_the_services_support_hours_and_the_pds_zone(
    deployed_script: Platform, service: str, due: str, open_: bool
) -> None:
    data = run(deployed_script, service)
    assert data["batas"] == due
    assert data["terbuka"] is open_
