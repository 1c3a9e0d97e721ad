"""The schema exists only through migrations, and they agree with the models."""

from __future__ import annotations

import zlib

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from app.clock import FixedClock
from app.engine.runtime import Runtime
from app.engine.serializer import load_state
from app.engine.specs import parse_bundle
from app.migrations import downgrade, upgrade
from app.models import Base
from app.models.search import include_name
from app.services.context import Platform
from app.services.process_models.deploy import bundle_from_directory
from tests.conftest import FORMS, PROCESSES, T0
from tests.engine.test_runtime import STARTED


def test_models_and_migrations_agree(platform: Platform) -> None:
    with platform.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_back(platform: Platform) -> None:
    downgrade(platform.engine, "base")
    assert set(inspect(platform.engine).get_table_names()) <= {"alembic_version"}
    upgrade(platform.engine)
    assert "task" in inspect(platform.engine).get_table_names()


def test_state_compression_migration_keeps_existing_instances(platform: Platform) -> None:
    """An instance stored as text before 0003 is readable after it, and back again."""

    downgrade(platform.engine, "0002")

    model = parse_bundle(
        "permintaan-layanan",
        bundle_from_directory(PROCESSES / "permintaan-layanan.bpmn", FORMS),
    )
    state_text = zlib.decompress(Runtime().start(model, STARTED, FixedClock(T0)).state).decode()
    with platform.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO user_account (id, username, full_name, password_hash, active, "
                "created_at) VALUES (1, 'u', 'u', 'x', true, :at)"
            ),
            {"at": T0.replace(tzinfo=None)},
        )
        connection.execute(
            text("INSERT INTO process_model (id, name, created_at) VALUES ('m', 'm', :at)"),
            {"at": T0.replace(tzinfo=None)},
        )
        connection.execute(
            text(
                "INSERT INTO process_model_version (id, process_model_id, version, process_id, "
                "name, content_hash, deployed_at, warnings) "
                "VALUES (1, 'm', 1, 'p', 'm', 'h', :at, '[]')"
            ),
            {"at": T0.replace(tzinfo=None)},
        )
        connection.execute(
            text(
                "INSERT INTO process_instance (id, process_model_id, version_id, status, "
                "started_by_id, started_at, updated_at, data, state, lock_version) "
                "VALUES (1, 'm', 1, 'running', 1, :at, :at, '{}', :state, 1)"
            ),
            {"at": T0.replace(tzinfo=None), "state": state_text},
        )
    upgrade(platform.engine)
    with platform.engine.connect() as connection:
        blob = connection.execute(text("SELECT state FROM process_instance")).scalar_one()
    workflow = load_state(bytes(blob), model.spec, model.subprocess_specs)
    assert [t.task_spec.bpmn_id for t in workflow.get_tasks(manual=True, state=16)] == [
        "klasifikasi_prioritas"
    ]
    downgrade(platform.engine, "0002")
    with platform.engine.connect() as connection:
        restored = connection.execute(text("SELECT state FROM process_instance")).scalar_one()
    assert restored == state_text
    upgrade(platform.engine)
