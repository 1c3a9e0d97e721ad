"""What the SLA clocks need from an instance's events, folded one event at a time.

The clocks are derived from the event log (app/services/deadlines/service_levels.py), but
re-reading the whole log on every step made each transition cost a query and a pass over
every event (issue 13, item 1). `ClockHistory.fold` takes one event at a time; `record`
folds each new event into the instance's `sla_history` column as it appends it, so a step
reads what is stored. Folding the whole log from the start gives the same value (a property
test holds the two equal), which is how an instance recorded before the column existed
gets its first one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.models import REQUESTER_LANE, Event, Instance
from app.sla.stopwatch import Pause

#: When the user reported what a child complaint is about, among a clock's inputs: a
#: request found to be a disruption hands its own start time on (Perbup Bangka 21/2025,
#: 2.2.1.1 Tabel 5 no. 2).
REPORTED_AT = "waktu_laporan"

SLA_CHANGED = "sla_changed"
ESCALATED = "escalated"
#: The reporter's confirmation that stops the resolution clock.
CONFIRMED = "diterima"
#: The requester did not answer in time and the diagram closed the case: the resolution
#: clock stops when confirmation was asked (the provider's last step), as if answered then.
CLOSED_UNCONFIRMED = "closed_unconfirmed"
#: Data fields that start and stop the RTO clock of a Kritis service under its DRP.
DRP_ACTIVATED = "drp_diaktifkan"
SERVICE_RESTORED = "layanan_pulih"
SUSPENDED = "instance_suspended"
RESUMED = "instance_resumed"
MESSAGE_RECEIVED = "message_received"
TASK_EVENTS = ("task_claimed", "task_completed")
#: The only event kinds that change a clock; others leave the history as it is.
FOLDED = frozenset(
    {SLA_CHANGED, ESCALATED, CLOSED_UNCONFIRMED, SUSPENDED, RESUMED, MESSAGE_RECEIVED}
    | set(TASK_EVENTS)
)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text is not None else None


@dataclass
class ClockHistory:
    """The clocks' facts so far: pauses, milestones, the latest targets, escalations.

    Attributes:
        pauses: closed suspensions, as (start, end).
        paused_since: when the suspension in progress began.
        responded: when the provider first acted (any lane but the starter's).
        resolved: when the reporter confirmed, or the case closed unconfirmed.
        provider_done: when the provider last completed a task.
        activated, restored: the DRP's activation and the service's recovery (RTO).
        latest: the data of the last `sla_changed` (inputs, targets, warnings).
        escalated: the (clock, level) pairs escalated so far.
    """

    pauses: list[tuple[datetime, datetime]] = field(default_factory=list)
    paused_since: datetime | None = None
    responded: datetime | None = None
    resolved: datetime | None = None
    provider_done: datetime | None = None
    activated: datetime | None = None
    restored: datetime | None = None
    latest: dict[str, Any] | None = None
    escalated: list[tuple[str, int]] = field(default_factory=list)

    def fold(self, kind: str, at: datetime, data: Mapping[str, Any]) -> None:
        """Take one more event into account, in the order the log holds them."""
        if kind == SLA_CHANGED:
            self.latest = {k: data[k] for k in ("inputs", "targets", "peringatan") if k in data}
        elif kind == ESCALATED:
            pair = (str(data.get("clock")), int(data.get("level") or 0))
            if pair not in self.escalated:
                self.escalated.append(pair)
        elif kind == SUSPENDED:
            if self.paused_since is None:
                self.paused_since = at
        elif kind == RESUMED:
            if self.paused_since is not None:
                self.pauses.append((self.paused_since, at))
                self.paused_since = None
        elif kind == CLOSED_UNCONFIRMED:
            self.resolved = self.resolved or self.provider_done or at
        elif kind == MESSAGE_RECEIVED:
            self._message(at, data)
        elif kind in TASK_EVENTS:
            self._task(kind, at, data)

    def _message(self, at: datetime, data: Mapping[str, Any]) -> None:
        # The DRP procedure reports back: recovered, or no DRP after all (not a disaster,
        # or activation refused), in which case no RTO clock runs.
        result = data.get("payload") or {}
        if not isinstance(result, Mapping):
            return
        if result.get(DRP_ACTIVATED) is False and self.restored is None:
            self.activated = None
        elif self.activated is not None and result.get(SERVICE_RESTORED) is True:
            # the recovery itself (the child's form), not the DRP's later sign-off
            recovered = data.get("restored_at")
            self.restored = self.restored or (
                datetime.fromisoformat(recovered) if recovered else at
            )

    def _task(self, kind: str, at: datetime, data: Mapping[str, Any]) -> None:
        provider = data.get("lane") not in (None, REQUESTER_LANE)
        if provider:
            self.responded = self.responded or at
        if kind != "task_completed":
            return
        if provider:
            self.provider_done = at
        submitted = data.get("data") or {}
        if not isinstance(submitted, Mapping):
            return
        if not provider and submitted.get("konfirmasi") == CONFIRMED:
            self.resolved = self.resolved or at
        if submitted.get(DRP_ACTIVATED) is True:
            self.activated = self.activated or at
        if self.activated is not None and submitted.get(SERVICE_RESTORED) is True:
            self.restored = self.restored or at

    def pause_list(self) -> list[Pause]:
        """The suspensions as the stopwatch reads them, the one in progress last."""
        pauses = [Pause(start, end) for start, end in self.pauses]
        if self.paused_since is not None:
            pauses.append(Pause(self.paused_since, None))
        return pauses

    def to_json(self) -> dict[str, Any]:
        """The stored form (the `sla_history` column)."""
        return {
            "pauses": [[start.isoformat(), end.isoformat()] for start, end in self.pauses],
            "paused_since": _iso(self.paused_since),
            "responded": _iso(self.responded),
            "resolved": _iso(self.resolved),
            "provider_done": _iso(self.provider_done),
            "activated": _iso(self.activated),
            "restored": _iso(self.restored),
            "latest": self.latest,
            "escalated": [list(pair) for pair in self.escalated],
        }

    @classmethod
    def from_json(cls, stored: Mapping[str, Any]) -> ClockHistory:
        """Read the stored form back."""
        return cls(
            pauses=[
                (datetime.fromisoformat(start), datetime.fromisoformat(end))
                for start, end in stored.get("pauses") or []
            ],
            paused_since=_moment(stored.get("paused_since")),
            responded=_moment(stored.get("responded")),
            resolved=_moment(stored.get("resolved")),
            provider_done=_moment(stored.get("provider_done")),
            activated=_moment(stored.get("activated")),
            restored=_moment(stored.get("restored")),
            latest=stored.get("latest"),
            escalated=[(str(c), int(level)) for c, level in stored.get("escalated") or []],
        )

    @classmethod
    def of_events(cls, events: Iterable[Event]) -> ClockHistory:
        """Fold a whole log, oldest first: the full rebuild."""
        history = cls()
        for event in events:
            history.fold(event.kind, event.at, event.data or {})
        return history


def fold_into(instance: Instance, event: Event) -> None:
    """Keep the instance's stored history current with an event just recorded.

    An instance without one (recorded before migration 0022) is left alone: its first
    reading folds the whole log (`SlaService.clock_history`).
    """
    if event.kind not in FOLDED or instance.sla_history is None:
        return
    history = ClockHistory.from_json(instance.sla_history)
    history.fold(event.kind, event.at, event.data or {})
    instance.sla_history = history.to_json()
