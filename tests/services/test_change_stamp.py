"""The change stamp keeps per-process caches honest (app/models/change_stamp.py): every
table a cache is built from has its trigger, and an edit committed by another session is
what the next transaction reads, whatever this process kept."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select, text, update
from sqlalchemy.orm import Session

from app.models import Agency, Instance, Service, User
from app.models.change_stamp import WATCHED_TABLES, change_token
from app.services.catalog.codes import service_by_code
from app.services.context import Platform
from app.services.process_models.settings import SettingsService, effective_values

pytestmark = pytest.mark.usefixtures("deployed")

MODEL = "evaluasi"
SETTING = "reviu_penanggung_jawab"


@contextmanager
def counted(platform: Platform) -> Iterator[list[str]]:
    """The statements sent to the database inside the block."""
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        statements.append(statement)

    event.listen(platform.engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(platform.engine, "before_cursor_execute", seen)


def triggered_tables(session: Session) -> set[str]:
    """The tables whose triggers replace the token, as the database holds them."""
    if session.get_bind().dialect.name == "postgresql":
        query = (
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'change_stamp_%'"
        )
    else:
        query = (
            "SELECT tbl_name FROM sqlite_master "
            "WHERE type = 'trigger' AND name LIKE 'change_stamp_%'"
        )
    return set(session.scalars(text(query)))


def test_every_watched_table_has_a_trigger_and_no_other(session: Session) -> None:
    assert triggered_tables(session) == WATCHED_TABLES


def test_a_statement_on_another_table_keeps_the_token_one_on_a_watched_table_drops_it(
    platform: Platform, session: Session
) -> None:
    with session.begin(), counted(platform) as statements:
        first = change_token(session)
        session.execute(update(Instance).where(Instance.id == -1).values(error_message=""))
        assert change_token(session) == first
        assert len(statements) == 2  # the token, the update: not the token again
        session.execute(update(Agency).where(Agency.code == "BKPSDM").values(name="BKPSDM baru"))
        assert change_token(session) != first
        assert len(statements) == 4  # the update, then the token read anew


def test_a_setting_saved_elsewhere_applies_to_the_next_transaction(platform: Platform) -> None:
    with platform.sessions() as reader:
        model = platform.instances(reader).deployments
        settings = model.parsed(model.latest(MODEL).id).settings
        assert effective_values(reader, MODEL, settings, None)[SETTING] is True  # cached now
        reader.commit()
        with platform.sessions() as writer, writer.begin():
            admin = writer.scalars(select(User).where(User.username == "admin")).one()
            SettingsService(writer, platform.clock, platform.specs, admin).update(
                MODEL, None, {SETTING: False}
            )
        assert effective_values(reader, MODEL, settings, None)[SETTING] is False


def test_cached_settings_are_handed_out_as_copies(platform: Platform, session: Session) -> None:
    model = platform.instances(session).deployments
    settings = model.parsed(model.latest(MODEL).id).settings
    first = effective_values(session, MODEL, settings, None)
    first[SETTING] = "changed by a script"
    assert effective_values(session, MODEL, settings, None)[SETTING] is True


def test_a_service_renamed_elsewhere_is_read_renamed_and_its_pd_costs_no_statement(
    platform: Platform,
) -> None:
    with platform.sessions() as reader:
        code = reader.scalars(select(Service.code).order_by(Service.id)).first()
        assert code is not None
        assert service_by_code(reader, code) is not None
        reader.commit()
        with platform.sessions() as writer, writer.begin():
            writer.execute(update(Service).where(Service.code == code).values(name="Nama baru"))
        after = service_by_code(reader, code)
        assert after is not None
        assert after in reader
        assert after.name == "Nama baru"
        with counted(platform) as statements:
            assert after.agency.name
        assert statements == []
        assert service_by_code(reader, "TIDAK-ADA") is None
