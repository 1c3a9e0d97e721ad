"""Messages and signals sent to running instances from outside (issue 16, item 2).

`POST /process-instances/{id}/messages`, `POST /messages` and `POST /signals` (and the
instance page's "Kirim pesan") come here. Who may send: the supervisors of an instance
(`SUPERVISE`); the global endpoints reach only the instances the caller supervises and
answer 404 when none of those waits, whether or not others outside their reach do, so
nothing about them leaks. A message no instance waits for starts the newest model whose
message start event has that name, when the caller may start it.

Which instances wait for a name is read from the engine state, not from a table: the
models of the open instances' versions say whether they can catch it at all, and only the
instances of those versions are loaded and asked (`Runtime.catches`, which is
SpiffWorkflow's own `catches` with the event `send_event` would get). Each delivery locks
its instance as a task completion does, is one engine step saved with the instance, and
an event (`message_received`, `signal_received`) naming the sender.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.catching import (
    MESSAGE,
    SIGNAL,
    Delivery,
    Waiting,
    catchable,
    payload_problem,
)
from app.engine.serializer import DataRejected, check_data
from app.engine.specs import ParsedModel
from app.errors import Conflict, FormInvalid, NotFound
from app.models import Instance, InstanceStatus, User
from app.services.accounts.permissions import may_start, supervises
from app.services.audit.events import record
from app.services.instances.lifecycle import InstanceService, status_conflict
from app.services.instances.races import lost_race_is_conflict

#: Instances that take a message or signal from outside: a suspended one waits for its
#: supervisor to resume it, and a closed or failed one waits for nothing.
RECEIVING = (InstanceStatus.RUNNING, InstanceStatus.WAITING)
#: The event each kind of delivery leaves on the instance.
EVENT_KINDS = {MESSAGE: "message_received", SIGNAL: "signal_received"}
NAME_MAX = 200


@dataclass
class Delivered:
    """What a message or signal sent from outside did: the instances that caught it, or
    the instance it started."""

    instances: list[Instance]
    started: bool = False


def _name(name: Any) -> str:
    text = name.strip() if isinstance(name, str) else ""
    if not text or len(text) > NAME_MAX:
        raise FormInvalid(
            "Nama wajib diisi / a name is required",
            {"name": [f"Nama wajib diisi, paling banyak {NAME_MAX} karakter."]},
        )
    return text


def _model_catches(model: ParsedModel, kind: str, name: str) -> bool:
    """Whether anything in the model (its subprocesses included) catches `kind` `name`."""
    return (kind, name) in catchable(model.spec, model.subprocess_specs)


class EventSender:
    """Delivers messages and signals from outside, through `InstanceService`'s locks."""

    def __init__(self, instances: InstanceService) -> None:
        self.instances = instances
        self.session: Session = instances.session

    # -- reading ---------------------------------------------------------------------

    def waiting_for(self, instance: Instance) -> list[Waiting]:
        """What the instance waits for from outside now (nothing unless it is open)."""
        if instance.status not in RECEIVING:
            return []
        model = self.instances.model_for(instance)
        return self.instances.runtime.waiting_for(model, instance.state)

    # -- sending ---------------------------------------------------------------------

    def to_instance(self, instance_id: int, user: User, name: Any, payload: Any) -> Instance:
        """Hand a message to one instance, which its supervisor names.

        Raises:
            NotFound: no such instance, or it waits for no message of that name.
            NotPermitted: the user may not supervise it (403, as suspend and terminate).
            Conflict: it is not running or waiting, or the message's correlation does not
                match it, or another writer changed it meanwhile.
            FormInvalid: no name, or a payload that is not a JSON object within the
                task data's caps, or lacks a correlation value the diagram reads.
        """
        delivery = self._delivery(MESSAGE, name, payload, {})
        with lost_race_is_conflict():
            instance = self.instances.supervised(instance_id, user)
            if instance.status not in RECEIVING:
                raise status_conflict(instance)
            self._deliver(instance, delivery, user)
        return instance

    def message(self, user: User, name: Any, correlation: Any, payload: Any) -> Delivered:
        """Hand a message to the one waiting instance the user supervises whose
        correlation matches, or start the model whose message start event has the name.

        Raises:
            NotFound: no instance within the user's reach waits for it and no model the
                user may start starts on it.
            Conflict: more than one waiting instance matches (nothing is changed), or
                more than one model starts on it.
            FormInvalid: as `to_instance`, and `correlation` not an object.
        """
        if correlation is None:
            correlation = {}
        if not isinstance(correlation, dict):
            raise FormInvalid(
                "Korelasi harus objek / correlation must be an object",
                {"correlation": ["Harus objek JSON. / Must be a JSON object."]},
            )
        delivery = self._delivery(MESSAGE, name, payload, correlation)
        matched = self._matching(delivery, user)
        if len(matched) > 1:
            raise Conflict(
                f"Korelasi cocok dengan {len(matched)} instans / the correlation matches "
                f"{len(matched)} waiting instances",
                {"correlation": ["Korelasi tidak menunjuk satu instans. / Ambiguous."]},
            )
        if not matched:
            return Delivered([self._start(delivery, user)], started=True)
        with lost_race_is_conflict():
            instance = self._deliver_found(matched[0], delivery, user)
        return Delivered([instance])

    def signal(self, user: User, name: Any, payload: Any) -> Delivered:
        """Hand a signal to every waiting instance the user supervises.

        Raises:
            NotFound: none of them waits for it.
            Conflict: another writer changed one of them meanwhile (nothing is changed).
            FormInvalid: as `to_instance`.
        """
        delivery = self._delivery(SIGNAL, name, payload, {})
        matched = self._matching(delivery, user)
        if not matched:
            raise self._none_waits(delivery)
        reached = []
        with lost_race_is_conflict():
            for instance_id in sorted(matched):
                reached.append(self._deliver_found(instance_id, delivery, user))
        return Delivered(reached)

    # -- the parts -------------------------------------------------------------------

    def _delivery(
        self, kind: str, name: Any, payload: Any, correlation: dict[str, Any]
    ) -> Delivery:
        """The delivery, once its name and payload pass (payload capped as task data)."""
        checked = _name(name)
        if payload is None:
            payload = {}
        problem = payload_problem(payload)
        if problem:
            raise FormInvalid("Payload tidak valid / invalid payload", problem)
        try:
            check_data(payload, self.instances.runtime.limits)
            check_data(correlation, self.instances.runtime.limits)
        except DataRejected as err:
            where = f"payload.{err.field}" if err.field else "payload"
            raise FormInvalid(
                "Payload tidak valid / invalid payload", {where: [err.message]}
            ) from None
        return Delivery(kind, checked, dict(payload), dict(correlation))

    @staticmethod
    def _none_waits(delivery: Delivery) -> NotFound:
        return NotFound(
            f"Tidak ada instans yang menunggu {delivery.kind} '{delivery.name}' / no instance "
            f"waits for {delivery.kind} '{delivery.name}'"
        )

    def _matching(self, delivery: Delivery, user: User) -> list[int]:
        """Ids of the receiving instances the user supervises that would catch it.

        Raises:
            FormInvalid: the payload lacks a correlation value that every instance of the
                name would read from it (a payload that fits some diagram is not refused
                for not fitting another).
        """
        service = self.instances
        versions = self.session.scalars(
            select(Instance.version_id).where(Instance.status.in_(RECEIVING)).distinct()
        ).all()
        # A version calling other models may wait inside the versions its instances
        # pinned (app/engine/bundles.py): each of its instances is asked below.
        catching = [
            v
            for v in versions
            if _model_catches(service.deployments.parsed(v), delivery.kind, delivery.name)
            or service.deployments.parsed(v).external_calls
        ]
        if not catching:
            return []
        candidates = self.session.execute(
            select(Instance.id, Instance.version_id, Instance.service_id, Instance.agency_id)
            .where(Instance.version_id.in_(catching), Instance.status.in_(RECEIVING))
            .order_by(Instance.id)
        ).all()
        reach: dict[tuple[int | None, int | None], bool] = {}
        reachable: dict[int, int] = {}
        for instance_id, version_id, service_id, agency_id in candidates:
            scope = (service_id, agency_id)
            if scope not in reach:
                reach[scope] = supervises(self.session, user, service_id, agency_id)
            if reach[scope]:
                reachable[instance_id] = version_id
        matched: list[int] = []
        refused: FormInvalid | None = None
        if not reachable:
            return matched
        states = self.session.execute(
            select(Instance.id, Instance.state, Instance.called_versions)
            .where(Instance.id.in_(list(reachable)))
            .order_by(Instance.id)
        ).all()
        for instance_id, state, called in states:
            model = service.deployments.parsed_with(reachable[instance_id], called)
            try:
                if service.runtime.catches(model, state, delivery, service.clock):
                    matched.append(instance_id)
            except FormInvalid as err:
                refused = refused or err
        if not matched and refused is not None:
            raise refused
        return matched

    def _deliver_found(self, instance_id: int, delivery: Delivery, user: User) -> Instance:
        """Lock an instance `_matching` found and deliver; one that stopped waiting for
        it since (another writer moved it on) is a lost race, 409."""
        meanwhile = Conflict("Instans berubah bersamaan / the instance changed meanwhile")
        instance = self.instances.lock(instance_id)
        if instance.status not in RECEIVING:
            raise meanwhile
        try:
            self._deliver(instance, delivery, user)
        except (NotFound, Conflict):
            raise meanwhile from None
        return instance

    def _deliver(self, instance: Instance, delivery: Delivery, user: User) -> None:
        """One engine step with the event, saved with the instance, and its audit event."""
        service = self.instances
        model = service.model_for(instance)
        outcome = service.runtime.send(
            model, instance.state, delivery, service.clock, service.scripts_of(instance)
        )
        data: dict[str, Any] = {delivery.kind: delivery.name, "payload": delivery.payload}
        if delivery.kind == MESSAGE:
            data["message"] = delivery.name
            if delivery.correlation:
                data["correlation"] = delivery.correlation
        record(
            self.session,
            instance,
            EVENT_KINDS[delivery.kind],
            service.clock.now(),
            user,
            data={**data, "from": user.username},
        )
        service.apply(instance, model, outcome, user)
        self.session.flush()

    def _start(self, delivery: Delivery, user: User) -> Instance:
        """Start the newest model whose message start event is `delivery.name`.

        Raises:
            NotFound: no such model the user may start (none waits either).
            Conflict: several models start on that name.
        """
        service = self.instances
        starting = [
            model.id
            for model, version in service.deployments.models()
            if service.deployments.parsed(version.id).start_message == delivery.name
        ]
        allowed = [
            model_id
            for model_id in starting
            if may_start(self.session, user, service.newest_model(model_id).start_roles)
        ]
        if not allowed:
            raise self._none_waits(delivery)
        if len(allowed) > 1:
            raise Conflict(
                f"Pesan '{delivery.name}' memulai {len(allowed)} prosedur / the message "
                f"starts {len(allowed)} procedures",
                {"name": [", ".join(allowed)]},
            )
        try:
            instance = service.start(allowed[0], delivery.payload, user)
        except FormInvalid as err:
            raise FormInvalid(
                err.message, {f"payload.{k}" if k else "payload": v for k, v in err.errors.items()}
            ) from None
        record(
            self.session,
            instance,
            EVENT_KINDS[MESSAGE],
            service.clock.now(),
            user,
            data={"message": delivery.name, "payload": delivery.payload, "from": user.username},
        )
        self.session.flush()
        return instance
