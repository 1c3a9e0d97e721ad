"""Alembic environment: the engine comes from app.migrations, never from an ini file."""

from alembic import context

from app.models import Base
from app.models.search import include_name

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,  # the search index each database builds its own way
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
