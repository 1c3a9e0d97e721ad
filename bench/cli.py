"""Run every part of the benchmark in order and report: `python -m bench [--quick] [--pg]`.

Progress goes to stderr, the table to stdout, the same results to
`bench/results/latest.json`. The exit code is 0 whatever the targets say; only a
broken run (an exception) fails.
"""

from __future__ import annotations

import dataclasses
import os
import platform as host
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from importlib.metadata import version

from app.engine.specs import ParsedModel
from app.services.context import Platform
from bench.config import BenchConfig, parse_config
from bench.database import (
    Backend,
    analyze,
    build_platform,
    created_postgres,
    redact,
    scratch_schema,
    server_version,
    sqlite_backend,
)
from bench.engine import SCRIPT_ENGINES, measure_transitions, run_in_memory
from bench.flow import engine_start_data, load_model
from bench.inbox import (
    InboxResult,
    QueryLimits,
    RowFactory,
    measure_inbox,
    prepare_people,
    top_up,
)
from bench.profiling import profile_completions
from bench.report import (
    BackendRun,
    InboxLoad,
    Machine,
    RunReport,
    build_rows,
    render,
    write_json,
)
from bench.service_layer import run_service_layer

#: Instances whose completions are profiled with `--profile`.
PROFILED_INSTANCES = 30


def progress(message: str) -> None:
    """One line on stderr, so stdout carries only the report."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _backends(config: BenchConfig) -> list[Callable[[], AbstractContextManager[Backend]]]:
    backends: list[Callable[[], AbstractContextManager[Backend]]] = []
    if config.sqlite:
        backends.append(sqlite_backend)
    url = config.postgres_url
    if url is not None:
        backends.append(lambda: scratch_schema(url))
    elif config.create_postgres:
        backends.append(lambda: created_postgres(config.pg_server))
    return backends


def _inbox(
    platform: Platform, config: BenchConfig, model: ParsedModel, name: str
) -> tuple[list[InboxLoad], list[InboxResult]]:
    """Top the task table up to each size, ANALYZE, and time both users' inboxes (c)."""
    people = prepare_people(platform)
    rows = RowFactory(people, model, config.seed, platform.clock.now())
    limits = QueryLimits(config.inbox_queries, config.inbox_seconds, config.warmup)
    loads: list[InboxLoad] = []
    results: list[InboxResult] = []
    for index, size in enumerate(config.inbox_sizes):
        progress(f"{name}: (c) bulk insert to {size:,} open tasks")
        began = time.perf_counter()
        added = top_up(platform.engine, rows, size, config.inbox_visible if index == 0 else 0)
        analyze(platform.engine)
        loads.append(InboxLoad(size, added, time.perf_counter() - began))
        for user in people.measured:
            progress(f"{name}: (c) inbox of {user.username} at {size:,} open tasks")
            results.append(measure_inbox(platform, user, rows.visible_per_user, limits))
    return loads, results


def run_backend(backend: Backend, config: BenchConfig, model: ParsedModel) -> BackendRun:
    """(b), (d), optionally the profile, then (c) on one fresh database."""
    progress(f"{backend.name}: migrate, demo data, deploy ({backend.origin})")
    platform = build_platform(backend)
    try:
        db_version = server_version(platform.engine)
        progress(f"{backend.name}: (b)(d) {config.app_instances} instances through the services")
        service = run_service_layer(platform, config.path, config.app_instances, config.warmup)
        profile = None
        if config.profile:
            progress(f"{backend.name}: profiling {PROFILED_INSTANCES} instances' completions")
            profile = profile_completions(
                platform, config.path, PROFILED_INSTANCES, config.results_dir
            )
        loads, inbox = _inbox(platform, config, model, backend.name)
    finally:
        platform.engine.dispose()
    safe = dataclasses.replace(backend, url=redact(backend.url))
    return BackendRun(safe, db_version, service, loads, inbox, profile)


def _machine(runs: list[BackendRun]) -> Machine:
    return Machine(
        cpu_count=os.cpu_count() or 0,
        python=host.python_version(),
        platform=host.platform(terse=True),
        spiffworkflow=version("spiffworkflow"),
        sqlalchemy=version("sqlalchemy"),
        databases={run.backend.name: run.version for run in runs},
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit code (0 unless something broke)."""
    config = parse_config(argv)
    began = time.perf_counter()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    model = load_model()
    data = engine_start_data(config.path, model)
    in_memory = []
    for name in SCRIPT_ENGINES:
        progress(f"(a) {config.engine_instances} instances in memory, {name} script engine")
        in_memory.append(run_in_memory(model, data, name, config.engine_instances, config.warmup))
    progress(f"(e) {config.transitions} engine transitions")
    transitions = measure_transitions(model, data, config.transitions, config.warmup * 4)
    runs = []
    for make in _backends(config):
        with make() as backend:
            runs.append(run_backend(backend, config, model))
    safe_config = dataclasses.replace(
        config,
        postgres_url=redact(config.postgres_url) if config.postgres_url else None,
        pg_server=redact(config.pg_server),
    )
    report = RunReport(
        started_at,
        time.perf_counter() - began,
        _machine(runs),
        safe_config,
        in_memory,
        transitions,
        runs,
    )
    rows = build_rows(report)
    print(render(report, rows))
    path = config.results_dir / "latest.json"
    write_json(report, rows, path)
    progress(f"wrote {path}")
    return 0
