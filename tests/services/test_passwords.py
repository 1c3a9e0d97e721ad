"""Password hashing: strong by default, the cost a setting, old hashes still valid."""

from __future__ import annotations

import pytest
from argon2 import extract_parameters
from sqlalchemy import select

from app.config import PasswordCost, SettingInvalid, Settings
from app.models import User
from app.services.accounts.passwords import Passwords
from app.services.context import Platform
from app.services.demo import DEMO_PASSWORD
from tests.conftest import TEST_PASSWORD_COST


def test_the_default_cost_is_rfc_9106s_low_memory_profile() -> None:
    assert Settings(database_url="sqlite://", secret_key="k").password_cost == PasswordCost(
        time_cost=3, memory_kib=65536, parallelism=4
    )
    made = extract_parameters(Passwords().hash("rahasia-123"))
    assert (made.time_cost, made.memory_cost, made.parallelism) == (3, 65536, 4)


def test_the_cost_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASSWORD_TIME_COST", "2")
    monkeypatch.setenv("PASSWORD_MEMORY_KIB", "1024")
    monkeypatch.delenv("PASSWORD_PARALLELISM", raising=False)
    assert PasswordCost.from_env() == PasswordCost(time_cost=2, memory_kib=1024, parallelism=4)
    monkeypatch.setenv("PASSWORD_PARALLELISM", "nol")
    with pytest.raises(SettingInvalid, match="PASSWORD_PARALLELISM"):
        PasswordCost.from_env()


def test_a_hash_made_at_another_cost_still_verifies() -> None:
    strong = Passwords().hash("rahasia-123")
    cheap = Passwords(TEST_PASSWORD_COST)
    assert cheap.verify(strong, "rahasia-123")
    assert not cheap.verify(strong, "rahasia-124")
    assert not cheap.verify(None, "rahasia-123")
    assert not cheap.verify("not a hash", "rahasia-123")


def test_demo_users_share_one_hash_made_at_the_configured_cost(
    platform: Platform, demo: None
) -> None:
    with platform.sessions() as session:
        hashes = set(session.scalars(select(User.password_hash)))
    assert len(hashes) == 1
    (demo_hash,) = hashes
    made = extract_parameters(demo_hash)
    assert (made.time_cost, made.memory_cost, made.parallelism) == (1, 8, 1)
    assert platform.passwords.verify(demo_hash, DEMO_PASSWORD)
