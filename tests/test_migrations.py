"""The schema exists only through migrations, and they agree with the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from app.migrations import downgrade, upgrade
from app.models import Base
from app.services.context import Platform


def test_models_and_migrations_agree(platform: Platform) -> None:
    with platform.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_downgrade_to_base_and_back(platform: Platform) -> None:
    downgrade(platform.engine, "base")
    assert set(inspect(platform.engine).get_table_names()) <= {"alembic_version"}
    upgrade(platform.engine)
    assert "task" in inspect(platform.engine).get_table_names()
