"""What moves instances when nobody acts: periodic starts, due timers, abandoned uploads,
due e-mail; once (`spbe tick`), in a loop (`spbe worker`), or in the server's own thread.

The embedded default (`make run`, `spbe serve`) has no second process to run timers, so
escalations, closings and periodic procedures would never happen there; the server runs
the same loop in a background thread instead. In production the web processes run without
it (`spbe serve --no-worker`) beside one or more `spbe worker` processes, which may run at
once (each pass claims its instances with row locks).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from app.database import DatabaseUnavailable
from app.services.context import Platform

log = logging.getLogger("spbe.worker")


def tick_once(platform: Platform, limit: int, echo: Callable[[str], None]) -> int:
    """One pass: periodic procedures that are due start, due timers fire, files no
    instance took within a day of their upload are removed, and the keepers of licences
    about to expire are told; returns the instances moved."""
    from app.services.audit.attachments import remove_abandoned
    from app.services.configuration.licences import notify_expiring
    from app.services.instances.schedules import fire_due_schedules

    for started in fire_due_schedules(platform.sessions, platform.instances):
        echo(
            f"schedule {started.schedule_id}: started instance {started.instance_id} "
            f"for {started.period}"
        )
    fired = platform.timers().tick(limit)
    for item in fired:
        echo(
            f"instance {item.instance_id}: fired {', '.join(item.elements) or '-'} -> {item.status}"
        )
    removed = remove_abandoned(platform.sessions, platform.attachments)
    if removed:
        echo(f"{removed} abandoned attachment(s) removed")
    told = notify_expiring(platform.sessions, platform.clock, platform.mail)
    if told:
        echo(f"{told} expiring licence(s) told of")
    return len(fired)


def work(platform: Platform, interval: float, limit: int, stop: threading.Event) -> None:
    """Pass after pass until `stop` is set; one bad pass, a database away for a while or a
    broken mail server is logged and the loop goes on."""
    from app.services.notifications.messages import deliver_mail

    while not stop.is_set():
        try:
            tick_once(platform, limit, log.info)
        except DatabaseUnavailable as err:
            log.error("%s", err)
        except Exception:  # noqa: BLE001 - the loop must survive one bad pass
            log.exception("timer pass failed")
        try:  # apart from timers: a broken mail server must not stop the timers
            mail = deliver_mail(platform.sessions, platform.clock, platform.settings, limit)
            if mail is not None and any(mail):
                log.info("e-mail: %s sent, %s failed", *mail)
        except Exception:  # noqa: BLE001 - nor may a mail problem end the loop
            log.exception("mail pass failed")
        stop.wait(interval)


def start_in_background(
    platform: Platform, interval: float = 5.0, limit: int = 100
) -> tuple[threading.Thread, threading.Event]:
    """Run `work` in a daemon thread beside the server; set the event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=work, args=(platform, interval, limit, stop), name="spbe-worker", daemon=True
    )
    thread.start()
    return thread, stop
