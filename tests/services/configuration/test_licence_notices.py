"""Notices before a licence expires (issue 14, item 1): once per expiry date, to the
item's administrators, again after a renewal when its own time comes; run by `spbe tick`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.models import Notification, User
from app.services.configuration.items import ItemService
from app.services.configuration.licences import notify_expiring
from app.services.context import Platform
from app.worker import tick_once
from tests.conftest import T0

pytestmark = pytest.mark.usefixtures("demo")

IN_20_DAYS = (T0 + timedelta(days=20)).date()


def licence_item(items: ItemService, session: Session, expires_on: str) -> int:
    item = items.create(
        {
            "type": "licence",
            "name": "LIC-OFFICE-2026",
            "agency": "DISKOMINFO",
            "administrators": ["admin.infra"],
            "attributes": {"vendor": "V", "agreement_number": "K-1"},
            "licences": [{"holder": "DISKOMINFO", "seats": 25, "expires_on": expires_on}],
        }
    )
    session.commit()
    return item.id


def told(platform: Platform) -> list[tuple[str, str]]:
    with platform.sessions() as session:
        return [
            (username, title)
            for username, title in session.execute(
                select(User.username, Notification.title)
                .join(User, User.id == Notification.user_id)
                .where(Notification.kind == "licence_expiring")
                .order_by(Notification.id)
            )
        ]


def test_told_once_per_expiry_and_again_after_a_renewal(
    items: ItemService, session: Session, platform: Platform, clock: FixedClock
) -> None:
    item_id = licence_item(items, session, IN_20_DAYS.isoformat())
    assert notify_expiring(platform.sessions, clock, platform.mail) == 1
    assert notify_expiring(platform.sessions, clock, platform.mail) == 0
    assert told(platform) == [
        ("admin.infra", "Lisensi LIC-OFFICE-2026: berakhir 20 hari lagi / expires in 20 days")
    ]
    # the same record given again (a form saved, an export imported) is not told anew
    same = {"holder": "DISKOMINFO", "seats": 25, "expires_on": IN_20_DAYS.isoformat()}
    items.update(item_id, {"licences": [same], "location": "Rak 1"}, "Lokasi")
    session.commit()
    assert notify_expiring(platform.sessions, clock, platform.mail) == 0
    renewed = (T0 + timedelta(days=385)).date().isoformat()
    items.update(
        item_id,
        {"licences": [{"holder": "DISKOMINFO", "seats": 25, "expires_on": renewed}]},
        "Perpanjangan",
    )
    session.commit()
    assert notify_expiring(platform.sessions, clock, platform.mail) == 0  # a year away
    clock.advance(timedelta(days=360))
    assert notify_expiring(platform.sessions, clock, platform.mail) == 1
    assert len(told(platform)) == 2


def test_far_off_perpetual_and_retired_licences_are_not_told_and_tick_runs_it(
    items: ItemService, session: Session, platform: Platform, clock: FixedClock
) -> None:
    far = licence_item(items, session, (T0 + timedelta(days=31)).date().isoformat())
    lines: list[str] = []
    tick_once(platform, 10, lines.append)
    assert told(platform) == []
    clock.advance(timedelta(days=1))
    tick_once(platform, 10, lines.append)
    assert "1 expiring licence(s) told of" in lines
    items.retire(far, "Tidak dipakai")
    session.commit()
    clock.advance(timedelta(days=400))
    assert notify_expiring(platform.sessions, clock, platform.mail) == 0
