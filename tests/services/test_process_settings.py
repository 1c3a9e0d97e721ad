"""Settings an administrator can change (app/services/process_models/settings.py): the
diagram's default, overlaid by the kabupaten-wide choice, overlaid by the PD's; changed
by Admin Sistem only, checked against the declaration, audited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInput, NotFound, NotPermitted
from app.models import Agency, Event, ProcessSetting, User
from app.services.context import Platform
from app.services.process_models.settings import SettingsService, effective_values
from tests.conftest import T0

pytestmark = pytest.mark.usefixtures("deployed")

MODEL = "evaluasi"
REVIEW, SIGN_OFF = "reviu_penanggung_jawab", "pengesahan_pimpinan"


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def service(session: Session, platform: Platform, username: str = "admin") -> SettingsService:
    return SettingsService(session, platform.clock, platform.specs, user(session, username))


def values(found: list[Any]) -> dict[str, tuple[Any, str]]:
    return {s.spec.name: (s.value, s.source) for s in found}


def test_a_pd_choice_overrides_the_kabupaten_which_overrides_the_default(
    session: Session, platform: Platform
) -> None:
    admin = service(session, platform)
    assert values(admin.read(MODEL, None)) == {
        REVIEW: (True, "default"),
        SIGN_OFF: (True, "default"),
    }
    admin.update(MODEL, None, {REVIEW: False, SIGN_OFF: False})
    admin.update(MODEL, "BKPSDM", {SIGN_OFF: True})
    assert values(admin.read(MODEL, "BKPSDM")) == {
        REVIEW: (False, "kabupaten"),
        SIGN_OFF: (True, "pd"),
    }
    assert values(admin.read(MODEL, "DISKOMINFO")) == {
        REVIEW: (False, "kabupaten"),
        SIGN_OFF: (False, "kabupaten"),
    }
    bkpsdm = session.scalars(select(Agency.id).where(Agency.code == "BKPSDM")).one()
    model = admin.models.parsed(admin.models.latest(MODEL).id)
    assert effective_values(session, MODEL, model.settings, bkpsdm) == {
        REVIEW: False,
        SIGN_OFF: True,
    }


def test_null_removes_a_choice_so_the_next_level_applies(
    session: Session, platform: Platform
) -> None:
    admin = service(session, platform)
    admin.update(MODEL, None, {REVIEW: False})
    admin.update(MODEL, "BKPSDM", {REVIEW: True})
    found = admin.update(MODEL, "BKPSDM", {REVIEW: None})
    assert values(found)[REVIEW] == (False, "kabupaten")
    assert session.scalars(select(ProcessSetting.agency_id)).all() == [None]


def test_an_unknown_name_or_a_wrong_value_is_refused_and_nothing_changes(
    session: Session, platform: Platform
) -> None:
    admin = service(session, platform)
    with pytest.raises(InvalidInput) as refused:
        admin.update(MODEL, "BKPSDM", {REVIEW: False, SIGN_OFF: "tidak", "reviu_lain": True})
    assert set(refused.value.errors) == {SIGN_OFF, "reviu_lain"}
    assert "boolean" in refused.value.errors[SIGN_OFF][0]
    assert session.scalars(select(ProcessSetting)).all() == []


def test_only_admin_sistem_changes_settings(session: Session, platform: Platform) -> None:
    with pytest.raises(NotPermitted):
        service(session, platform, "analis").update(MODEL, None, {REVIEW: False})
    with pytest.raises(NotFound):
        service(session, platform).update(MODEL, "TIDAK-ADA", {REVIEW: False})
    with pytest.raises(NotFound):
        service(session, platform).read("tidak-ada", None)


def test_a_change_is_audited_with_before_and_after(session: Session, platform: Platform) -> None:
    admin = service(session, platform)
    admin.update(MODEL, "BKPSDM", {REVIEW: False})
    admin.update(MODEL, "BKPSDM", {REVIEW: False})  # no change, no event
    admin.update(MODEL, "BKPSDM", {REVIEW: True})
    events = session.scalars(
        select(Event).where(Event.kind == "process_settings_changed").order_by(Event.id)
    ).all()
    assert [e.data for e in events] == [
        {
            "process_model_id": MODEL,
            "agency": "BKPSDM",
            "settings": {REVIEW: {"before": None, "after": False}},
        },
        {
            "process_model_id": MODEL,
            "agency": "BKPSDM",
            "settings": {REVIEW: {"before": False, "after": True}},
        },
    ]
    assert {e.user_id for e in events} == {user(session, "admin").id}


def test_a_stored_value_the_declaration_no_longer_fits_is_passed_over(
    session: Session, platform: Platform
) -> None:
    """A new version may change a setting's type; the old choice must not reach a gateway."""
    session.add(
        ProcessSetting(
            process_model_id=MODEL, agency_id=None, name=REVIEW, value="ya", updated_at=T0
        )
    )
    session.flush()
    assert values(service(session, platform).read(MODEL, None))[REVIEW] == (True, "default")
