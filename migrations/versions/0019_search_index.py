"""search: one document per instance, indexed by PostgreSQL full-text search or SQLite FTS5

PostgreSQL: generated tsvector columns (configuration `simple`: no stemming, so Indonesian
and English words match as typed), all the text with a GIN index and the text
without internal notes (for requesters). SQLite: an FTS5 table over the same
rows (external content, unicode61 without diacritics, prefix indexes for 2 and 3
characters) kept in step by triggers. A number such as REQ-2026-000123 is indexed as
`req2026000123` and `000123`. Either way the database updates the index in the
transaction that writes the document. Existing instances and comments are indexed here.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 13:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

#: The data fields that describe a case (never a personal one), as of this revision.
DESCRIBING = ("uraian", "gejala", "uraian_perubahan", "uraian_kejadian")
COLUMNS = ("reference", "title", "body", "public_notes", "internal_notes")


#: A number as words: ADU-2026-000123 is `adu2026000123` (its prefixes find a year's or a
#: procedure's cases) and `000123`; the prefix and year alone would match every case.
PG_NUMBER = "translate(reference, '-', '') || ' ' || regexp_replace(reference, '^.*-', '')"
SQLITE_NUMBER = "replace({row}.reference, '-', '') || ' ' || {row}.reference"


def _vector(expression: str, weight: str) -> str:
    return (
        f"setweight(to_tsvector('simple'::regconfig, translate({expression}, '-', ' ')), "
        f"'{weight}')"
    )


def upgrade() -> None:
    op.create_table(
        "search_document",
        sa.Column("instance_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False, server_default=""),
        *(sa.Column(name, sa.Text(), nullable=False, server_default="") for name in COLUMNS[1:]),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instance.id"],
            name=op.f("fk_search_document_instance_id_process_instance"),
        ),
        sa.PrimaryKeyConstraint("instance_id", name=op.f("pk_search_document")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
    else:
        _sqlite()
    _backfill()


def _postgresql() -> None:
    """`tsv` over everything, with a GIN index, for staff; `tsv_public` without the
    internal notes for requesters, whose search covers only their own few cases (looked
    up by id), so it needs no index."""
    number = f"setweight(to_tsvector('simple'::regconfig, {PG_NUMBER}), 'A')"
    parts = [number, _vector("title", "A"), _vector("body", "B"), _vector("public_notes", "C")]
    public = " || ".join(parts)
    everything = f"{public} || {_vector('internal_notes', 'C')}"
    for column, expression in (("tsv", everything), ("tsv_public", public)):
        op.execute(
            f"ALTER TABLE search_document ADD COLUMN {column} tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED"
        )
    op.execute("CREATE INDEX ix_search_document_tsv ON search_document USING gin (tsv)")


def _sqlite() -> None:
    columns = ", ".join(COLUMNS)
    new = ", ".join([SQLITE_NUMBER.format(row="new"), *(f"new.{c}" for c in COLUMNS[1:])])
    old = ", ".join([SQLITE_NUMBER.format(row="old"), *(f"old.{c}" for c in COLUMNS[1:])])
    op.execute(
        f"CREATE VIRTUAL TABLE search_fts USING fts5({columns}, content='search_document', "
        f"content_rowid='instance_id', tokenize='unicode61 remove_diacritics 2', "
        f"prefix='2 3')"
    )
    op.execute(
        f"CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN "
        f"INSERT INTO search_fts(rowid, {columns}) VALUES (new.instance_id, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {columns}) "
        f"VALUES ('delete', old.instance_id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {columns}) "
        f"VALUES ('delete', old.instance_id, {old}); "
        f"INSERT INTO search_fts(rowid, {columns}) VALUES (new.instance_id, {new}); END"
    )


def _backfill() -> None:
    """Index what exists: each instance's number, title, description fields, service
    and PD names, and its comments by visibility."""
    bind = op.get_bind()
    instance = sa.table(
        "process_instance",
        sa.column("id", sa.Integer()),
        sa.column("reference", sa.String()),
        sa.column("data", sa.JSON()),
        sa.column("service_id", sa.Integer()),
        sa.column("agency_id", sa.Integer()),
    )
    names = {
        table: dict(bind.execute(sa.text(f"SELECT id, name FROM {table}")).all())  # noqa: S608
        for table in ("service", "agency")
    }
    notes: dict[tuple[int, str], list[str]] = {}
    for instance_id, visibility, body in bind.execute(
        sa.text("SELECT instance_id, visibility, body FROM comment ORDER BY id")
    ):
        notes.setdefault((instance_id, visibility), []).append(body)
    rows = []
    for ident, reference, data, service_id, agency_id in bind.execute(sa.select(instance)):
        data = data if isinstance(data, dict) else {}
        parts = [str(data[k]) for k in DESCRIBING if isinstance(data.get(k), str)]
        parts += [names["service"].get(service_id) or "", names["agency"].get(agency_id) or ""]
        rows.append(
            {
                "instance_id": ident,
                "reference": reference or "",
                "title": str(data.get("judul") or ""),
                "body": "\n".join(p for p in parts if p),
                "public_notes": "\n".join(notes.get((ident, "public"), [])),
                "internal_notes": "\n".join(notes.get((ident, "internal"), [])),
            }
        )
    if rows:
        document = sa.table("search_document", *(sa.column(c) for c in ("instance_id", *COLUMNS)))
        op.bulk_insert(document, rows)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS search_document_{trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_document")
