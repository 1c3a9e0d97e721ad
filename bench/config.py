"""What one benchmark run does and how big it is: CLI flags over env vars over defaults.

The defaults keep a full run (SQLite and PostgreSQL, inbox up to 100,000 open tasks)
within a few minutes on a 2-core machine; `--quick` is a smoke run of well under 30 s on
SQLite only.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.config import PROJECT_ROOT

RESULTS_DIR = PROJECT_ROOT / "bench" / "results"
DEFAULT_PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PATHS = ("approval", "direct")


@dataclass(frozen=True)
class BenchConfig:
    """Sizes and switches of one run.

    Attributes:
        engine_instances: instances driven start to end in memory, per script engine (a).
        app_instances: instances driven through the service layer, per backend (b, d).
        transitions: engine transitions measured on their own (e).
        inbox_sizes: open-task counts at which the inbox is measured (c), ascending.
        inbox_visible: tasks per measured user that the user may act on (c).
        inbox_queries: inbox calls timed per size and user (c).
        inbox_seconds: time cap for one size and user, so slow queries cannot stall a run.
        warmup: untimed repetitions before each measurement.
        path: `approval` (AKUN-BARU, four user tasks) or `direct` (RESET-SANDI, three).
        sqlite: run the SQLite backend.
        postgres_url: a PostgreSQL database to use (BENCH_DATABASE_URL), or None.
        create_postgres: create a throwaway PostgreSQL database on `pg_server` (`--pg`).
        pg_server: where `--pg` creates that database.
        profile: cProfile the service-layer completions and print the top app functions.
        quick: the smoke-run sizes were chosen.
        seed: random seed for the bulk inbox data.
        results_dir: where `latest.json` (and profiles) are written.
    """

    engine_instances: int = 1_000
    app_instances: int = 300
    transitions: int = 2_000
    inbox_sizes: tuple[int, ...] = (10_000, 100_000)
    inbox_visible: int = 300
    inbox_queries: int = 40
    inbox_seconds: float = 15.0
    warmup: int = 5
    path: str = "approval"
    sqlite: bool = True
    postgres_url: str | None = None
    create_postgres: bool = False
    pg_server: str = DEFAULT_PG_SERVER
    profile: bool = False
    quick: bool = False
    seed: int = 20261123
    results_dir: Path = RESULTS_DIR

    @property
    def postgres(self) -> bool:
        """Whether a PostgreSQL run was asked for (a URL, or `--pg`)."""
        return self.postgres_url is not None or self.create_postgres


#: The smoke run: every part once, small enough for well under 30 s on SQLite.
QUICK = BenchConfig(
    engine_instances=40,
    app_instances=8,
    transitions=60,
    inbox_sizes=(1_000, 3_000),
    inbox_visible=50,
    inbox_queries=8,
    inbox_seconds=3.0,
    warmup=2,
    quick=True,
)


def _sizes(text: str) -> tuple[int, ...]:
    sizes = tuple(sorted(int(part.replace("_", "")) for part in text.split(",") if part.strip()))
    if not sizes or sizes[0] <= 0:
        raise argparse.ArgumentTypeError("give positive counts, e.g. 10000,100000")
    return sizes


def _parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark SpiffWorkflow alone and the SPBE service layer "
        "(SQLite, and PostgreSQL with BENCH_DATABASE_URL or --pg).",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: small counts, SQLite only unless --pg is given",
    )
    parser.add_argument(
        "--pg",
        action="store_true",
        help="also run on PostgreSQL: BENCH_DATABASE_URL if set, otherwise a "
        "database created with createdb on --pg-server and dropped after",
    )
    parser.add_argument(
        "--pg-server",
        default=env.get("BENCH_PG_SERVER", DEFAULT_PG_SERVER),
        help="server for --pg (default %(default)s)",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite backend")
    parser.add_argument(
        "--path",
        choices=PATHS,
        default=env.get("BENCH_PATH", "approval"),
        help="approval: AKUN-BARU, 4 user tasks; direct: RESET-SANDI, 3",
    )
    parser.add_argument(
        "--engine-instances", type=int, default=_env_int(env, "BENCH_ENGINE_INSTANCES")
    )
    parser.add_argument("--app-instances", type=int, default=_env_int(env, "BENCH_APP_INSTANCES"))
    parser.add_argument("--transitions", type=int, default=_env_int(env, "BENCH_TRANSITIONS"))
    parser.add_argument(
        "--inbox-sizes",
        type=_sizes,
        default=_env_sizes(env),
        help="open-task counts, comma separated (default 10000,100000)",
    )
    parser.add_argument("--inbox-visible", type=int, default=_env_int(env, "BENCH_INBOX_VISIBLE"))
    parser.add_argument("--inbox-queries", type=int, default=_env_int(env, "BENCH_INBOX_QUERIES"))
    parser.add_argument(
        "--inbox-seconds",
        type=float,
        default=_env_float(env, "BENCH_INBOX_SECONDS"),
        help="time cap per inbox size and user (default 15)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile extra service-layer completions; print top app functions",
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    return parser


def _env_int(env: Mapping[str, str], name: str) -> int | None:
    value = env.get(name)
    return int(value) if value else None


def _env_float(env: Mapping[str, str], name: str) -> float | None:
    value = env.get(name)
    return float(value) if value else None


def _env_sizes(env: Mapping[str, str]) -> tuple[int, ...] | None:
    value = env.get("BENCH_INBOX_SIZES")
    return _sizes(value) if value else None


def parse_config(
    argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None
) -> BenchConfig:
    """Build the run's config from `argv` and `env` (the process's own by default).

    Counts come from the flag, else the BENCH_* env var, else the quick or default size.
    `--quick` keeps to SQLite unless `--pg` is given, so a smoke test stays fast even
    where BENCH_DATABASE_URL is set.
    """
    env = os.environ if env is None else env
    args = _parser(env).parse_args(argv)
    config = QUICK if args.quick else BenchConfig()
    overrides: dict[str, Any] = {
        "engine_instances": args.engine_instances,
        "app_instances": args.app_instances,
        "transitions": args.transitions,
        "inbox_sizes": args.inbox_sizes,
        "inbox_visible": args.inbox_visible,
        "inbox_queries": args.inbox_queries,
        "inbox_seconds": args.inbox_seconds,
    }
    config = replace(config, **{k: v for k, v in overrides.items() if v is not None})
    url = env.get("BENCH_DATABASE_URL") or None
    use_url = url is not None and (args.pg or not args.quick)
    return replace(
        config,
        path=args.path,
        sqlite=not args.no_sqlite,
        postgres_url=url if use_url else None,
        create_postgres=args.pg and url is None,
        pg_server=args.pg_server,
        profile=args.profile,
        results_dir=args.results_dir,
    )
