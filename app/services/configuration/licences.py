"""Notices before a licence expires (Kepbup Polewali Mandar 685/2021, II.3 c.4: licence
records are kept; issue 14, item 1: "with notices before expiry").

`spbe tick` and the worker run `notify_expiring` on every pass: the administrators of a
licence item whose record expires within `NOTICE` (or has expired) are told once per
expiry date; a renewal, which moves the date, is told of again when its own time comes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.models import ConfigurationItem, ConfigurationLicence, ItemStatus
from app.services.deadlines.calendars import DEFAULT_TIME_ZONE
from app.services.notifications.messages import MailConfig, NotificationService

#: How long before its expiry a licence is told of.
NOTICE = timedelta(days=30)
#: Expiry dates are days in the kabupaten's calendar.
_ZONE = ZoneInfo(DEFAULT_TIME_ZONE)


def notify_expiring(sessions: Callable[[], Session], clock: Clock, mail: MailConfig) -> int:
    """Tell the keepers of each licence expiring within `NOTICE`, once per expiry date;
    returns how many licence records were told of.

    Rows are taken with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers running at once
    do not tell twice.
    """
    today = clock.now().astimezone(_ZONE).date()
    with sessions() as session, session.begin():
        due = list(
            session.execute(
                select(ConfigurationLicence, ConfigurationItem)
                .join(ConfigurationItem, ConfigurationItem.id == ConfigurationLicence.item_id)
                .where(
                    ConfigurationLicence.expires_on.is_not(None),
                    ConfigurationLicence.expires_on <= today + NOTICE,
                    or_(
                        ConfigurationLicence.notified_for.is_(None),
                        ConfigurationLicence.notified_for != ConfigurationLicence.expires_on,
                    ),
                    ConfigurationItem.status != ItemStatus.RETIRED,
                )
                .order_by(ConfigurationLicence.id)
                .with_for_update(of=ConfigurationLicence, skip_locked=True)
            )
        )
        notices = NotificationService(session, clock, mail)
        for licence, item in due:
            assert licence.expires_on is not None
            left = (licence.expires_on - today).days
            when = (
                f"berakhir {left} hari lagi / expires in {left} days"
                if left >= 0
                else f"telah berakhir {-left} hari lalu / expired {-left} days ago"
            )
            notices.notify(
                item.administrators,
                "licence_expiring",
                f"Lisensi {item.name}: {when}"[:200],
                f"Lisensi {item.name} ({licence.holder}, {licence.seats} pengguna"
                f"{', ' + licence.reference if licence.reference else ''}) berakhir pada "
                f"{licence.expires_on.isoformat()}: {when}.",
                f"/api/v1/configuration-items/{item.id}",
            )
            licence.notified_for = licence.expires_on
        return len(due)
