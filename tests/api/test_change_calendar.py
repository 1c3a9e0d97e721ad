"""The change calendar: scheduled changes in a date range, from Manajemen Perubahan."""

from __future__ import annotations

import pytest

from tests.conftest import Auth
from tests.engine.test_manajemen_perubahan_model import PENGAJUAN, kategorisasi, penjadwalan
from tests.paths.driver import Driver

pytestmark = pytest.mark.usefixtures("deployed")
WEEK = "from=2026-12-01T00:00:00%2B07:00&to=2026-12-08T00:00:00%2B07:00"


def test_a_scheduled_change_is_on_the_calendar_of_its_week(auth: Auth) -> None:
    drive = Driver(auth)
    change = drive.start("penyedia", "manajemen-perubahan", PENGAJUAN)
    drive.complete("admin.layanan", change["id"], "kategorisasi_perubahan", kategorisasi("standar"))
    assert auth.get("admin.infra", f"/api/v1/change-calendar?{WEEK}").json == []
    drive.complete("admin.infra", change["id"], "penjadwalan_perubahan", penjadwalan(False))
    [entry] = auth.get("admin.infra", f"/api/v1/change-calendar?{WEEK}").json
    assert entry["id"] == change["id"]
    assert entry["reference"].startswith("PRB-2026-")
    assert entry["service"] == "SIMPEG"
    assert entry["starts_at"] == "2026-12-05T20:00:00+07:00"
    later = "from=2026-12-06T00:00:00%2B07:00&to=2026-12-13T00:00:00%2B07:00"
    assert auth.get("admin.infra", f"/api/v1/change-calendar?{later}").json == []


def test_a_bad_range_is_refused(auth: Auth) -> None:
    backwards = "from=2026-12-08T00:00:00%2B07:00&to=2026-12-01T00:00:00%2B07:00"
    assert auth.get("admin.infra", f"/api/v1/change-calendar?{backwards}").status_code == 422
    assert auth.get("admin.infra", "/api/v1/change-calendar").status_code == 422
