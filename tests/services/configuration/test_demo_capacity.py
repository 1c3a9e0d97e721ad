"""The demo's capacity records (issue 14, items 5 and 8), as `spbe demo` leaves a deployed
database (the `cmdb` state): a month of measurements, a dated forecast, no crossing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import CapacityMeasurement, CapacityThreshold, ConfigurationItem, User
from app.services.configuration.capacity import CapacityService
from app.services.configuration.demo_capacity import DAYS, SERIES, load_demo_capacity
from app.services.configuration.items import name_key
from app.services.context import Platform

pytestmark = pytest.mark.usefixtures("cmdb")


def test_a_month_per_series_with_a_dated_forecast_and_no_crossing(
    platform: Platform, session: Session
) -> None:
    assert session.scalar(select(func.count()).select_from(CapacityThreshold)) == len(SERIES)
    assert session.scalar(select(func.count()).select_from(CapacityMeasurement)) == DAYS * len(
        SERIES
    )
    assert session.scalars(select(CapacityThreshold.level)).all() == [None] * len(SERIES)
    keeper = session.scalars(select(User).where(User.username == "admin.infra")).one()
    database = session.scalars(
        select(ConfigurationItem.id).where(ConfigurationItem.name_key == name_key("VM-DB-01"))
    ).one()
    service = CapacityService(session, platform.clock, platform.instances(session), keeper)
    [storage] = service.readings(database)
    assert storage.metric == "storage"
    assert len(storage.measurements) == DAYS
    assert storage.forecast.slope_per_day == pytest.approx(10, abs=0.5)
    assert storage.forecast.warning_at is not None
    assert storage.forecast.warning_at > platform.clock.now()


def test_a_second_load_adds_nothing(platform: Platform, session: Session) -> None:
    assert load_demo_capacity(platform.instances(session)) == 0
