"""The demo's capacity records (issue 14, items 5 and 8): thresholds on two of the demo
CMDB's machines and a month of daily measurements, so the capacity answer and its forecast
show something on first run.

The shared database VM's storage grows about 10 GB a day towards its warning threshold,
which the forecast then dates; the mail server's processor load wanders below its warning
threshold. Nothing crosses a threshold, so loading files no complaint. Set by the demo's
infrastructure administrator, with the demo's service desk as the complaints' reporter,
through the capacity service as a person would; what exists is left as it is.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models import CapacityThreshold, ConfigurationItem, ProcessModel, User
from app.services.configuration.capacity import COMPLAINT_MODEL, CapacityService
from app.services.configuration.items import name_key
from app.services.ports import Instances

KEEPER = "admin.infra"
REPORTER = "admin.layanan"
REPORTER_FIELDS = {
    "nip_nik": "198503152010012001",
    "instansi": "Diskominfo",
    "telepon": "0717 000000",
}
DAYS = 30
#: item, metric, unit, capacity, warning, critical, the value DAYS days ago, the daily rise,
#: and a repeating wobble added to it.
SERIES = (
    ("VM-DB-01", "storage", "GB", 2000.0, 1600.0, 1800.0, 1180.0, 10.0, (0.0, 4.0, -3.0)),
    ("VM-MAIL-01", "cpu", "%", 100.0, 75.0, 90.0, 42.0, 0.0, (0.0, 9.0, -6.0, 14.0, 3.0)),
)


def load_demo_capacity(instances: Instances) -> int:
    """Set the demo thresholds and record their measurements once; returns how many
    measurements were recorded (0 when the items, the people or the complaint procedure
    are missing, or the thresholds are there already)."""
    session = instances.session
    keeper = session.scalar(select(User).where(User.username == KEEPER))
    reporter = session.scalar(select(User.id).where(User.username == REPORTER))
    if keeper is None or reporter is None or session.get(ProcessModel, COMPLAINT_MODEL) is None:
        return 0
    capacity = CapacityService(session, instances.clock, instances, keeper)
    now = instances.clock.now()
    recorded = 0
    for name, metric, unit, size, warning, critical, start, rise, wobble in SERIES:
        item_id = session.scalar(
            select(ConfigurationItem.id).where(ConfigurationItem.name_key == name_key(name))
        )
        if item_id is None or session.scalar(
            select(CapacityThreshold.id).where(CapacityThreshold.item_id == item_id)
        ):
            continue
        capacity.set_threshold(
            item_id,
            metric,
            {
                "unit": unit,
                "capacity": size,
                "warning": warning,
                "critical": critical,
                "reporter": REPORTER_FIELDS,
                "reporter_username": REPORTER,
            },
        )
        measurements = [
            {
                "item": item_id,
                "metric": metric,
                "value": start + rise * day + wobble[day % len(wobble)],
                "at": now - timedelta(days=DAYS - day),
            }
            for day in range(DAYS)
        ]
        stored, _ = capacity.record(measurements, "api")
        recorded += len(stored)
    return recorded
