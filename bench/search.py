"""Search latency (`GET /api/v1/search`) over a large case table with a work log.

`python -m bench.search [--rows N] [--pg SERVER_URL]` (or BENCH_DATABASE_URL: a scratch
schema in that database) bulk-inserts N instances (SQLAlchemy core, stub state) spread over
the demo catalog's services, each with a title and a description drawn from a vocabulary
whose word frequencies fall off as in real text (a few words in a third of the cases,
most in a handful), one to three comments, public or internal, and its search document,
which the database indexes as the app's writes would (generated tsvector / FTS5 triggers).
Then it times `SearchService.search` (the API's call, minus HTTP) for rare, common and
two-word queries, a word's start and a number, as a supervisor everywhere, a PD-level
supervisor, a service-level administrator and a requester, and prints each p95 and the
p95 over all of them (the target: under 100 ms on PostgreSQL at 100,000 instances).
"""

from __future__ import annotations

import argparse
import os
import random
import zlib
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import timedelta

from sqlalchemy import insert, select, text

from app.models import (
    Agency,
    Base,
    Comment,
    Instance,
    InstanceStatus,
    ProcessModelVersion,
    SearchDocument,
    Service,
    User,
)
from app.services.context import Platform
from bench.database import (
    Backend,
    build_platform,
    created_postgres,
    redact,
    scratch_schema,
    server_version,
    sqlite_backend,
)
from bench.flow import MODEL_ID
from bench.stats import Summary, percentile, repeat_for, summarize, timed

STUB_STATE = zlib.compress(b'{"bench":"stub state, search never reads it"}')
CHUNK = 5_000
USERS = {
    "pj.layanan": "supervisor everywhere",
    "pimpinan": "PD-level supervisor (DISKOMINFO)",
    "petugas.siak": "service-level administrator (SIAK)",
    "pengguna": "requester (1 % of the cases)",
}
#: Real words of the domain, the most frequent first; the vocabulary adds made-up ones.
COMMON = [
    "akun",
    "layanan",
    "aplikasi",
    "data",
    "gangguan",
    "server",
    "jaringan",
    "sandi",
    "pengguna",
    "akses",
    "pegawai",
    "laporan",
    "sistem",
    "tidak",
    "dapat",
    "mohon",
    "bantuan",
    "perbaikan",
    "kantor",
    "bidang",
    "informasi",
]
VOCABULARY = 20_000
PREFIX = "BNC"  # the bench's numbers, BNC-2026-000001


def _vocabulary(rng: random.Random) -> list[str]:
    """`COMMON` then made-up words of two to four syllables, `VOCABULARY` in all."""
    made: set[str] = set()
    while len(made) < VOCABULARY:
        syllables = rng.randint(2, 4)
        made.add(
            "".join(rng.choice("bdgklmnprstw") + rng.choice("aeiou") for _ in range(syllables))
        )
    return COMMON + sorted(made - set(COMMON))


class Words:
    """Draws words with Zipf-like frequencies: the n-th word about 1/n as often as the first."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = _vocabulary(rng)
        self.weights = [1 / (rank + 1) for rank in range(len(self.words))]
        self.cumulative: list[float] = []
        total = 0.0
        for weight in self.weights:
            total += weight
            self.cumulative.append(total)

    def sentence(self, low: int, high: int) -> str:
        count = self.rng.randint(low, high)
        return " ".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=count))


def load(platform: Platform, rows: int, seed: int = 7) -> dict[str, str]:
    """Insert `rows` instances with comments and search documents; returns the queries by
    name: words of known frequency (how many cases hold them), two words, a word's
    start and a number."""
    rng = random.Random(seed)
    words = Words(rng)
    now = platform.clock.now()
    with platform.sessions() as session:
        services = session.execute(
            select(Service.id, Service.agency_id, Service.name, Agency.name).join(
                Agency, Agency.id == Service.agency_id
            )
        ).all()
        people = dict(session.execute(select(User.username, User.id)).all())
        version = session.scalars(
            select(ProcessModelVersion.id).where(ProcessModelVersion.process_model_id == MODEL_ID)
        ).first()
        first_id = (
            session.scalar(select(Instance.id).order_by(Instance.id.desc()).limit(1)) or 0
        ) + 1
    vocabulary = words.words
    chosen = {
        "most frequent word": vocabulary[0],
        "60th word": vocabulary[60],
        "15,000th word": vocabulary[15_000],
        "two words": f"{vocabulary[3]} {vocabulary[200]}",
        "a word's start (3 letters)": vocabulary[120][:3],
    }
    tracked = {word: 0 for word in (vocabulary[0], vocabulary[60], vocabulary[15_000])}
    statuses = [s.value for s in InstanceStatus]
    tables = {m: Base.metadata.tables[m.__tablename__] for m in (Instance, SearchDocument, Comment)}
    batches: dict[type, list[dict[str, object]]] = {m: [] for m in tables}
    with platform.engine.begin() as connection:
        for n in range(rows):
            ident = first_id + n
            service_id, agency_id, service_name, agency_name = rng.choice(services)
            started = now - timedelta(seconds=30 * (rows - n))
            reference = f"{PREFIX}-2026-{n + 1:06d}"
            title = words.sentence(3, 6)
            description = words.sentence(12, 30)
            starter = people["pengguna"] if rng.random() < 0.01 else people["penyedia"]
            batches[Instance].append(
                {
                    "id": ident,
                    "process_model_id": MODEL_ID,
                    "version_id": version,
                    "status": rng.choice(statuses),
                    "started_by_id": starter,
                    "started_at": started,
                    "updated_at": started,
                    "service_id": service_id,
                    "agency_id": agency_id,
                    "data": {"judul": title, "uraian": description},
                    "state": STUB_STATE,
                    "reference": reference,
                    "lock_version": 1,
                }
            )
            notes: dict[str, list[str]] = {"public": [], "internal": []}
            for _ in range(rng.randint(1, 3)):
                kind = rng.choice(("public", "internal"))
                body = words.sentence(8, 20)
                notes[kind].append(body)
                batches[Comment].append(
                    {
                        "instance_id": ident,
                        "author_id": people["admin.layanan"],
                        "visibility": kind,
                        "body": body,
                        "created_at": started + timedelta(minutes=5),
                    }
                )
            written = set(f"{title} {description} {' '.join(sum(notes.values(), []))}".split())
            for word in tracked:
                tracked[word] += word in written
            batches[SearchDocument].append(
                {
                    "instance_id": ident,
                    "reference": reference,
                    "title": title,
                    "body": f"{description}\n{service_name}\n{agency_name}",
                    "public_notes": "\n".join(notes["public"]),
                    "internal_notes": "\n".join(notes["internal"]),
                }
            )
            if len(batches[Instance]) == CHUNK or n == rows - 1:
                for model in (Instance, SearchDocument, Comment):
                    connection.execute(insert(tables[model]), batches[model])
                    batches[model] = []
    with platform.engine.begin() as connection:
        for table in ("process_instance", "search_document", "comment", "role_assignment"):
            connection.execute(text(f"ANALYZE {table}"))
    found = {word: f" (in {count:,} cases)" for word, count in tracked.items()}
    queries = {f"{name}{found.get(query, '')}": query for name, query in chosen.items()}
    queries["a number"] = f"{PREFIX}-2026-{rows // 2:06d}"
    return queries


def measure(
    platform: Platform, queries: dict[str, str], count: int, seconds: float
) -> list[tuple[str, str, Summary, list[float]]]:
    """Time each (user, query); returns (user, query, summary, samples in seconds)."""
    results = []
    for username in USERS:
        for name, query in queries.items():

            def once(query: str = query, username: str = username) -> float:
                with platform.sessions() as session:
                    user = session.scalars(select(User).where(User.username == username)).one()
                    search = platform.search(session)
                    return timed(lambda: search.search(user, query))[1]

            samples = repeat_for(once, count, seconds)
            results.append((username, name, summarize(samples), samples))
    return results


def run(backend: AbstractContextManager[Backend], rows: int, count: int, seconds: float) -> None:
    """Build a database, load it, measure, print a table and the overall p95."""
    with backend as made:
        platform = build_platform(made)
        queries = load(platform, rows)
        print(f"# {redact(made.url)}: {server_version(platform.engine)}, {rows:,} instances")
        print(f"{'user':<14} {'query':<44} {'median ms':>10} {'p95 ms':>8}")
        every: list[float] = []
        for username, name, summary, samples in measure(platform, queries, count, seconds):
            every += samples
            print(f"{username:<14} {name:<44} {summary.median_ms:>10.1f} {summary.p95_ms:>8.1f}")
        print(f"p95 over every query and user: {percentile(every, 95) * 1000:.1f} ms")
        platform.engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options and run on SQLite, on a scratch schema of BENCH_DATABASE_URL, or
    on a new PostgreSQL database with --pg."""
    parser = argparse.ArgumentParser(prog="python -m bench.search")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--count", type=int, default=30, help="samples per query at most")
    parser.add_argument("--seconds", type=float, default=3.0, help="time per query at most")
    parser.add_argument("--pg", metavar="SERVER_URL", help="e.g. postgresql://postgres@127.0.0.1")
    parser.add_argument("--sqlite", action="store_true", help="SQLite even with BENCH_DATABASE_URL")
    options = parser.parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL")
    if options.pg:
        backend: AbstractContextManager[Backend] = created_postgres(options.pg)
    elif url and not options.sqlite:
        backend = scratch_schema(url)
    else:
        backend = sqlite_backend()
    run(backend, options.rows, options.count, options.seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
