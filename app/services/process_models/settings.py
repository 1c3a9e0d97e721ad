"""Settings an administrator can change: the values a diagram leaves to each PD.

A diagram declares its settings (`setting:<name>` on the process, parsed into
`ParsedModel.settings`); where the product adds to the regulations (a review layer the
text does not name) the step is switched by one of them instead of being fixed in the
diagram (docs/bpmn-conventions.md, "Settings an administrator can change"). The value an
instance sees in `pengaturan` is the declared default, overlaid by the kabupaten-wide
choice, overlaid by its PD's choice. It is read once, at the start: a running instance
keeps the settings it started with.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.engine.specs import SettingSpec
from app.errors import InvalidInput
from app.models import Agency, ProcessSetting, User
from app.models.change_stamp import StampedCache
from app.services.accounts.permissions import ADMINISTER, require
from app.services.audit.events import audit
from app.services.catalog.agencies import AgencyService
from app.services.ports import Specs
from app.services.process_models.deploy import DeployService

#: Where an effective value comes from, weakest first.
DEFAULT, KABUPATEN, PD = "default", "kabupaten", "pd"


@dataclass(frozen=True)
class EffectiveSetting:
    """A declared setting with the value in force for one PD (or kabupaten-wide).

    Attributes:
        spec: the diagram's declaration (name, type, title, default, bounds).
        value: the value an instance started now gets.
        source: DEFAULT, KABUPATEN or PD: who chose `value`.
        kabupaten: the kabupaten-wide choice, None when there is none.
        own: the PD's own choice, None when it has none (or when reading kabupaten-wide).
    """

    spec: SettingSpec
    value: Any
    source: str
    kabupaten: Any = None
    own: Any = None


def _chosen(session: Session, model_id: str, agency_id: int | None) -> dict[tuple[str, bool], Any]:
    """The stored choices for the model: (name, for the PD?) -> value, a copy of this
    process's while the change stamp holds (every start reads them; the values become the
    instance's data, which its scripts may change)."""
    key = (model_id, agency_id)
    return copy.deepcopy(_CHOSEN.get(session, key, lambda: _read(session, *key)))


def _read(session: Session, model_id: str, agency_id: int | None) -> dict[tuple[str, bool], Any]:
    scopes = [ProcessSetting.agency_id.is_(None)]
    if agency_id is not None:
        scopes.append(ProcessSetting.agency_id == agency_id)
    rows = session.execute(
        select(ProcessSetting.name, ProcessSetting.agency_id, ProcessSetting.value).where(
            ProcessSetting.process_model_id == model_id, or_(*scopes)
        )
    ).all()
    return {(name, agency is not None): value for name, agency, value in rows}


_CHOSEN: StampedCache[dict[tuple[str, bool], Any]] = StampedCache(size=512)


def effective_settings(
    session: Session, model_id: str, settings: Mapping[str, SettingSpec], agency_id: int | None
) -> list[EffectiveSetting]:
    """Every declared setting with its value for the PD `agency_id` (None: kabupaten-wide).

    A stored choice that no longer fits the declaration (a new version changed the
    setting's type or bounds) is passed over, so the next level applies rather than a
    value the diagram cannot read.
    """
    if not settings:
        return []
    chosen = _chosen(session, model_id, agency_id)
    found = []
    for name, spec in settings.items():
        kabupaten = chosen.get((name, False))
        own = chosen.get((name, True))
        if kabupaten is not None and spec.problem(kabupaten) is not None:
            kabupaten = None
        if own is not None and spec.problem(own) is not None:
            own = None
        if own is not None:
            value, source = own, PD
        elif kabupaten is not None:
            value, source = kabupaten, KABUPATEN
        else:
            value, source = spec.default, DEFAULT
        found.append(EffectiveSetting(spec, value, source, kabupaten, own))
    return found


def effective_values(
    session: Session, model_id: str, settings: Mapping[str, SettingSpec], agency_id: int | None
) -> dict[str, Any]:
    """`pengaturan` of an instance of `model_id` started now in PD `agency_id`."""
    return {
        s.spec.name: s.value for s in effective_settings(session, model_id, settings, agency_id)
    }


class SettingsService:
    """Read and change a model's settings per PD; changes are Admin Sistem's, audited."""

    def __init__(
        self, session: Session, clock: Clock, specs: Specs, actor: User | None = None
    ) -> None:
        self.session = session
        self.clock = clock
        self.actor = actor
        self.models = DeployService(session, clock, specs)

    def declared(self, model_id: str) -> dict[str, SettingSpec]:
        """The settings the newest version of `model_id` declares.

        Raises:
            NotFound: no such model.
        """
        return self.models.parsed(self.models.latest(model_id).id).settings

    def configurable(self) -> list[tuple[str, str]]:
        """(id, name) of every model whose newest version declares settings, by id."""
        return [
            (model.id, model.name)
            for model, version in self.models.models()
            if self.models.parsed(version.id).settings
        ]

    def _agency(self, code: str | None) -> Agency | None:
        return None if code is None else AgencyService(self.session, self.clock).get(code)

    def read(self, model_id: str, agency_code: str | None) -> list[EffectiveSetting]:
        """The model's settings as they stand for a PD, or kabupaten-wide (None).

        Raises:
            NotFound: no such model or PD.
        """
        settings = self.declared(model_id)
        agency = self._agency(agency_code)
        return effective_settings(
            self.session, model_id, settings, agency.id if agency is not None else None
        )

    def update(
        self, model_id: str, agency_code: str | None, values: Mapping[str, Any]
    ) -> list[EffectiveSetting]:
        """Choose values for a PD, or kabupaten-wide (`agency_code` None); a None value
        removes the choice, so the next level (kabupaten, then the default) applies.

        Applies to instances started afterwards; running ones keep theirs.

        Raises:
            NotPermitted: the actor is not Admin Sistem.
            NotFound: no such model or PD.
            InvalidInput: a name the model does not declare or a value of the wrong type
                or outside its bounds, each named; nothing is changed then.
        """
        require(self.session, self.actor, ADMINISTER)
        settings = self.declared(model_id)
        agency = self._agency(agency_code)
        errors: dict[str, list[str]] = {}
        for name, value in values.items():
            spec = settings.get(name)
            if spec is None:
                errors[name] = ["pengaturan tidak dikenal model ini / unknown setting"]
            elif value is not None and (why := spec.problem(value)) is not None:
                errors[name] = [why]
        if errors:
            raise InvalidInput("Pengaturan tidak valid / invalid settings", errors)
        agency_id = agency.id if agency is not None else None
        rows = {
            row.name: row
            for row in self.session.scalars(
                select(ProcessSetting).where(
                    ProcessSetting.process_model_id == model_id,
                    ProcessSetting.agency_id.is_(None)
                    if agency_id is None
                    else ProcessSetting.agency_id == agency_id,
                )
            )
        }
        now = self.clock.now()
        changes: dict[str, dict[str, Any]] = {}
        for name, value in values.items():
            row = rows.get(name)
            before = row.value if row is not None else None
            if before == value and (value is None or type(before) is type(value)):
                continue
            changes[name] = {"before": before, "after": value}
            if row is not None and value is None:
                self.session.delete(row)
            elif row is None:
                self.session.add(
                    ProcessSetting(
                        process_model_id=model_id,
                        agency_id=agency_id,
                        name=name,
                        value=value,
                        updated_at=now,
                        updated_by=self.actor,
                    )
                )
            else:
                row.value = value
                row.updated_at = now
                row.updated_by = self.actor
        if changes:
            self.session.flush()
            audit(
                self.session,
                self.actor,
                "process_settings_changed",
                now,
                {
                    "process_model_id": model_id,
                    "agency": agency_code,
                    "settings": changes,
                },
            )
        return effective_settings(self.session, model_id, settings, agency_id)
