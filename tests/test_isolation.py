"""Every test starts from the same state, whatever the tests before it did: the same rows
and next ids, the clock at T0, no parsed version cached (tests/conftest.py, `reset`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import Instance, User
from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from tests.conftest import T0, States, reset
from tests.snapshot import fingerprint


def _file_request(platform: Platform) -> tuple[int, str | None]:
    with platform.sessions() as session, session.begin():
        user = session.scalars(select(User).where(User.username == "pengguna")).one()
        instance = platform.instances(session).start(
            "permintaan-layanan", dict(SAMPLE_REQUEST), user
        )
        return instance.id, instance.reference


def _leave_a_mess(platform: Platform) -> None:
    """What a careless test leaves: rows, a moved clock, cached specs."""
    _file_request(platform)
    _file_request(platform)
    platform.clock.advance(timedelta(days=40))  # type: ignore[attr-defined]
    assert len(platform.specs) > 0


def test_a_reset_after_any_test_gives_the_same_rows_ids_clock_and_cache(
    platform: Platform, deployed: None, states: States
) -> None:
    before = fingerprint(platform.engine)
    first = _file_request(platform)
    reset(platform, states, "deployed")
    assert fingerprint(platform.engine) == before

    _leave_a_mess(platform)
    assert fingerprint(platform.engine) != before
    reset(platform, states, "deployed")

    assert fingerprint(platform.engine) == before
    assert platform.clock.now() == T0
    assert len(platform.specs) == 0
    # The next ids and reference numbers are the ones the first test got, on PostgreSQL's
    # sequences as on SQLite.
    assert _file_request(platform) == first


@pytest.mark.parametrize("state", ["empty", "demo", "deployed"])
def test_a_restored_state_is_what_building_it_gave(
    platform: Platform, states: States, state: str
) -> None:
    reset(platform, states, state)
    assert fingerprint(platform.engine) == states.built[state]
    with platform.sessions() as session:
        has_users = session.scalar(select(User.id).limit(1)) is not None
        has_instances = session.scalar(select(Instance.id).limit(1)) is not None
    assert has_users == (state != "empty")
    assert not has_instances
