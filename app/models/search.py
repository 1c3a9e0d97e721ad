"""The search index: one document per instance with the words people look cases up by.

The table holds the text (number, title, description and symptoms, the service's and PD's
names, the work log split by who may read it); each database indexes it its own way, made
by migration 0019 and kept up to date by the database in the same transaction:

- PostgreSQL: generated `tsvector` columns in the `simple` configuration (no stemming,
  so Indonesian and English words match as typed): `tsv` over everything, with a GIN
  index, and `tsv_public` without the internal notes, which requesters match.
- SQLite: the FTS5 table `search_fts` (external content: this table), kept in step by
  triggers, with its shadow tables `search_fts_*`.

Neither is part of the models, so `include_name` tells Alembic's comparison to leave them
alone. Personal fields (NIP/NIK, telephone, e-mail) are never copied here.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

#: The FTS5 table on SQLite; its shadow tables share the prefix.
FTS_TABLE = "search_fts"
#: The generated columns on PostgreSQL (`tsv` has the index).
TSVECTOR_COLUMNS = ("tsv", "tsv_public")


class SearchDocument(Base):
    """What search reads of one instance (app/services/casework/search.py)."""

    __tablename__ = "search_document"

    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instance.id"), primary_key=True, autoincrement=False
    )
    reference: Mapped[str] = mapped_column(String(20), default="", server_default="")
    title: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Description, symptoms, service and PD names: what every reader of the case sees.
    body: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Public replies, one per line.
    public_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Internal notes, one per line: matched and shown to staff only.
    internal_notes: Mapped[str] = mapped_column(Text, default="", server_default="")


def include_name(name: str | None, type_: str, parent_names: dict[str, str | None]) -> bool:
    """Alembic's `include_name`: skip what each database builds beside `search_document`
    (the FTS5 table and its shadow tables, the tsvector columns and their indexes), which
    the migration made and the models do not describe."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(FTS_TABLE)
    if type_ == "column" and parent_names.get("table_name") == SearchDocument.__tablename__:
        return name not in TSVECTOR_COLUMNS
    if type_ == "index":
        return not any(name == f"ix_search_document_{c}" for c in TSVECTOR_COLUMNS)
    return True
