"""`spbe tick --at` as the worker would run it, for tests that let time pass."""

from __future__ import annotations

from datetime import datetime

from click.testing import CliRunner

from app.cli import main
from app.clock import FixedClock
from app.services.context import Platform


def tick(platform: Platform, at: datetime) -> str:
    """Run one tick at `at` in a fresh CLI process context, then move the app's clock there
    too (as time would have moved); returns what the command printed."""
    result = CliRunner().invoke(
        main, ["tick", "--at", at.isoformat()], env={"DATABASE_URL": platform.settings.database_url}
    )
    assert result.exit_code == 0, result.output
    if isinstance(platform.clock, FixedClock):
        platform.clock.set(at)
    return result.output
