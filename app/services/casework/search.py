"""Finding cases by their words: `GET /api/v1/search` and the search page (issue 12, item 5).

Each database searches its own index of `search_document` (migration 0019): PostgreSQL's
full-text search (`simple` configuration, a GIN index) ranked by `ts_rank`, SQLite's FTS5
ranked by `bm25`. Every word must match, each as the start of a word, so "simp" finds
SIMPEG; a number (REQ-2026-000123), its start (REQ-2026) or its last part find the case.
The newest `WINDOW` matches are ranked, so a word found in most cases costs what that many
rows cost (bench/search.py). Who sees which case is `InstanceService.visible_clause`, the
instance list's own rule, in the same query; readers without a staff role match only what
a requester may read (no internal note). Snippets are cut from that same text, which holds
no personal field, so nothing masked can show through them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import column, func, literal_column, select, table
from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.models import Instance, SearchDocument, User
from app.services.accounts.permissions import STAFF, allows
from app.services.instances.lifecycle import InstanceService

PAGE_SIZE = 20
#: Longest query accepted, and how many of its words count.
QUERY_MAX = 200
WORDS_MAX = 8
#: Characters of text a snippet shows around the first match.
SNIPPET = 160
_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"(?<![^\W_])([a-z]{2,6})-(\d{4})(?:-(\d+))?")
#: How many of the newest matching cases are ranked: a word in most cases (a service's
#: name) costs what this many rows cost, not what the whole table does. Later pages
#: than this many results are empty.
WINDOW = 200
#: The FTS5 columns a requester may match (no internal notes).
_PUBLIC_COLUMNS = "{reference title body public_notes}"
#: bm25 weights of reference, title, body, public notes, internal notes.
_BM25_WEIGHTS = (10.0, 8.0, 4.0, 2.0, 2.0)


@dataclass(frozen=True)
class SearchHit:
    """One case found, with the text around the first matching word."""

    id: int
    reference: str | None
    process_model_id: str
    title: str
    snippet: str


@dataclass
class SearchResult:
    """One page of hits, best first; `next` is the following page's number, if any."""

    items: list[SearchHit]
    next: int | None
    words: list[str]


def words_of(query: str) -> list[str]:
    """The distinct words of a query, lower case, at most `WORDS_MAX`: letters and digits
    only, so nothing in them is search syntax on either database. A number (or its start,
    `ADU-2026`) is one word, `adu2026...`, as the index holds it."""
    lowered = query.lower()
    found = [
        "".join(part for part in match.groups() if part) for match in _NUMBER.finditer(lowered)
    ]
    for word in _WORD.findall(_NUMBER.sub(" ", lowered)):
        if word not in found:
            found.append(word[:50])
    return list(dict.fromkeys(found))[:WORDS_MAX]


def snippet(texts: list[str], words: list[str]) -> str:
    """About `SNIPPET` characters of the first line of `texts` where a word starts, cut at
    spaces; the beginning of the first non-empty line when none does (a number matched).
    Each line is one field or one note, so a snippet never runs two of them together."""
    texts = [line for text in texts for line in text.splitlines()]
    pattern = re.compile(
        r"(?<![^\W_])(" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE
    )
    for text in texts:
        flat = " ".join(text.split())
        found = pattern.search(flat)
        if found is None:
            continue
        start = max(0, found.start() - SNIPPET // 3)
        if start:
            space = flat.find(" ", start, found.start())
            start = space + 1 if space >= 0 else found.start()
        end = min(len(flat), start + SNIPPET)
        if end < len(flat) and flat.rfind(" ", found.end(), end) > 0:
            end = flat.rfind(" ", found.end(), end)
        return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")
    first = next((" ".join(t.split()) for t in texts if t.strip()), "")
    return first[:SNIPPET] + ("…" if len(first) > SNIPPET else "")


class SearchService:
    """Full-text search over the cases a user may read."""

    def __init__(self, session: Session, instances: InstanceService) -> None:
        self.session = session
        self.instances = instances

    def search(self, user: User, query: str, page: int = 1, size: int = PAGE_SIZE) -> SearchResult:
        """The cases `user` may read whose words match `query`, best first, a page at a time.

        Raises:
            InvalidInput: the query is empty, has no word, or is too long (`q`), or the
                page is not a positive number (`page`).
        """
        text = query.strip() if isinstance(query, str) else ""
        if len(text) > QUERY_MAX:
            raise InvalidInput(
                "Kata kunci terlalu panjang / query too long",
                {"q": [f"Paling banyak {QUERY_MAX} karakter / at most {QUERY_MAX} characters"]},
            )
        words = words_of(text)
        if not words:
            raise InvalidInput(
                "Kata kunci kosong / empty query",
                {"q": ["Tulis kata yang dicari / enter the words to search for"]},
            )
        if page < 1:
            raise InvalidInput(
                "Halaman tidak valid / invalid page",
                {"page": ["Bilangan bulat mulai 1 / a whole number from 1"]},
            )
        staff = allows(self.session, user, STAFF)
        visible = self.instances.visible_clause(user)
        if self.session.get_bind().dialect.name == "postgresql":
            ranked = self._postgresql(words, staff, visible)
        else:
            ranked = self._sqlite(words, staff, visible)
        ids = list(self.session.scalars(ranked.offset((page - 1) * size).limit(size + 1)))
        hits = self._hits(ids[:size], words, staff)
        more = len(ids) > size and page * size < WINDOW
        return SearchResult(hits, page + 1 if more else None, words)

    def _postgresql(self, words: list[str], staff: bool, visible: Any) -> Any:
        """Staff match the indexed vector (GIN) over the cases they see; anyone else the
        vector without internal notes of their own few cases, whose ids are read first
        (the planner then looks each up instead of scanning every document)."""
        terms = func.to_tsquery(
            literal_column("'simple'::regconfig"), " & ".join(f"{w}:*" for w in words)
        )
        if staff:
            vector: Any = literal_column("search_document.tsv")
            scope = select(SearchDocument.instance_id, vector.label("vector")).join(
                Instance, Instance.id == SearchDocument.instance_id
            )
            scope = scope.where(visible)
        else:
            own = list(self.session.scalars(select(Instance.id).where(visible)))
            vector = literal_column("search_document.tsv_public")
            scope = select(SearchDocument.instance_id, vector.label("vector")).where(
                SearchDocument.instance_id.in_(own)
            )
        window = (
            scope.where(vector.op("@@")(terms))
            .order_by(SearchDocument.instance_id.desc())
            .limit(WINDOW)
            .subquery()
        )
        return select(window.c.instance_id).order_by(
            func.ts_rank(window.c.vector, terms).desc(), window.c.instance_id.desc()
        )

    def _sqlite(self, words: list[str], staff: bool, visible: Any) -> Any:
        """FTS5 over every column for staff, without the internal notes for anyone else."""
        fts = table("search_fts", column("rowid"))
        terms = " AND ".join(f'"{w}"*' for w in words)
        match = terms if staff else f"{_PUBLIC_COLUMNS} : ({terms})"
        window = (
            select(
                fts.c.rowid.label("instance_id"),
                func.bm25(literal_column("search_fts"), *_BM25_WEIGHTS).label("score"),
            )
            .join(Instance, Instance.id == fts.c.rowid)
            .where(literal_column("search_fts").op("MATCH")(match), visible)
            .order_by(fts.c.rowid.desc())
            .limit(WINDOW)
            .subquery()
        )
        return select(window.c.instance_id).order_by(window.c.score, window.c.instance_id.desc())

    def _hits(self, ids: list[int], words: list[str], staff: bool) -> list[SearchHit]:
        if not ids:
            return []
        rows = {
            document.instance_id: (document, model_id)
            for document, model_id in self.session.execute(
                select(SearchDocument, Instance.process_model_id)
                .join(Instance, Instance.id == SearchDocument.instance_id)
                .where(SearchDocument.instance_id.in_(ids))
            )
        }
        hits = []
        for ident in ids:
            document, model_id = rows[ident]
            # The title is shown anyway: the snippet comes from the text below it first.
            texts = [document.body, document.public_notes]
            if staff:
                texts.append(document.internal_notes)
            texts.append(document.title)
            hits.append(
                SearchHit(
                    id=ident,
                    reference=document.reference or None,
                    process_model_id=model_id,
                    title=document.title,
                    snippet=snippet(texts, words),
                )
            )
        return hits
