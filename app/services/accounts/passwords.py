"""Password hashing: Argon2id at the cost the settings choose.

The cost is a setting (`PasswordCost`) because it is a trade between an attacker's work
and the server's: production keeps argon2-cffi's RFC 9106 profile, while the test suite,
which creates and signs in users thousands of times, runs at the minimum. Verifying reads
the cost from the stored hash, so hashes made at another cost stay valid.
"""

from __future__ import annotations

from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.config import PasswordCost


class Passwords:
    """Hash and verify passwords at one cost."""

    def __init__(self, cost: PasswordCost | None = None) -> None:
        cost = cost or PasswordCost()
        self._hasher = PasswordHasher(
            time_cost=cost.time_cost,
            memory_cost=cost.memory_kib,
            parallelism=cost.parallelism,
        )

    def hash(self, password: str) -> str:
        """An Argon2id hash of `password`, salted."""
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether `password` matches `stored`; with no stored hash (an unknown user) a
        dummy hash made at the same cost is checked, so the answer takes as long."""
        try:
            return self._hasher.verify(stored or self._dummy, password)
        except (VerificationError, InvalidHashError):
            return False

    @cached_property
    def _dummy(self) -> str:
        return self._hasher.hash("not-a-real-password")
