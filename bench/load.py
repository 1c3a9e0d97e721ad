"""Concurrent load over HTTP: many clients starting and completing at once, with races.

`python -m bench.load [--clients 50] [--seconds 60] [--workers 2] [--threads 8]
[--pg SERVER_URL]` builds a database as `make run` does (on a new PostgreSQL database with
`--pg`, else SQLite), starts `spbe serve --workers N --no-worker` on it, and lets the
clients loop for the given time: a requester files a service request with no approval
step, then the client reads the service desk's inbox and completes one of the
classification tasks it offers, picked at random. Clients race for the same tasks, as a
desk's staff working one list do; a race lost is the API's 409 and counted apart. (Taking
always the first task made every client fight for the oldest one once a backlog formed,
and measured that fight rather than the server.) It prints the completed flows per second,
p50/p95/p99 of each call, the count of every other error (the target: p95 under 250 ms on
PostgreSQL with 2-4 processes, and no errors but 409s), and what Little's law makes of
the figures: with every client calling again as soon as it is answered, the mean time in
the server is the clients over the throughput, so a target latency needs a throughput the
machine's cores must be able to give.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from app.config import PROJECT_ROOT
from app.services.demo import DEMO_PASSWORD, SAMPLE_REQUEST
from bench.database import (
    Backend,
    build_platform,
    created_postgres,
    redact,
    server_version,
    sqlite_backend,
)
from bench.stats import percentile

REQUEST = {**SAMPLE_REQUEST, "jenis_permintaan": "RESET-SANDI"}  # no approval step
CLASSIFY = {"klasifikasi": "akses", "prioritas": "sedang", "gangguan": False}
DESK = "admin.layanan"
#: The desk's inbox page each client reads, then completes one task of at random: staff
#: working one shared list pick different cases, and sometimes the same one (a 409).
PAGE = 20
TARGET_MS = 250.0  # the p95 target
_SEEDS = itertools.count()


class Client:
    """One keep-alive connection, timing each call by its name."""

    def __init__(self, port: int, timings: dict[str, list[float]], codes: Counter[str]) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.timings = timings
        self.codes = codes
        self.tokens: dict[str, str] = {}
        self.pick = random.Random(port * 1000 + next(_SEEDS))  # noqa: S311 - not for security

    def call(self, name: str, method: str, path: str, body: Any, user: str | None) -> Any:
        """Send one request; record its time and status; return the JSON answer."""
        headers = {"Content-Type": "application/json"}
        if user is not None:
            headers["Authorization"] = f"Bearer {self.tokens[user]}"
        began = time.perf_counter()
        self.connection.request(method, path, json.dumps(body) if body else None, headers)
        response = self.connection.getresponse()
        payload = response.read()
        self.timings[name].append(time.perf_counter() - began)
        self.codes[f"{name} {response.status}"] += 1
        return response.status, json.loads(payload) if payload else None

    def sign_in(self, user: str) -> None:
        status, answer = self.call(
            "login",
            "POST",
            "/api/v1/auth/login",
            {"username": user, "password": DEMO_PASSWORD},
            None,
        )
        if status != 200:
            raise RuntimeError(f"sign-in of {user}: {status} {answer}")
        self.tokens[user] = answer["access_token"]

    def flow(self) -> bool:
        """File a request, then complete the desk's first open classification."""
        status, _ = self.call(
            "start",
            "POST",
            "/api/v1/process-instances",
            {"process_model_id": "permintaan-layanan", "data": REQUEST},
            "pengguna",
        )
        if status != 201:
            return False
        status, inbox = self.call("inbox", "GET", f"/api/v1/tasks?per_page={PAGE}", None, DESK)
        tasks = [t for t in (inbox or {}).get("items", []) if t["name"] == "klasifikasi_prioritas"]
        if status != 200 or not tasks:
            return False
        status, _ = self.call(
            "complete",
            "POST",
            f"/api/v1/tasks/{self.pick.choice(tasks)['id']}/complete",
            {"data": {**CLASSIFY, "pelaksana": "pelaksana"}},
            DESK,
        )
        return status == 200


def free_port() -> int:
    """A port nothing listens on now, for a server this bench starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(url: str, port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    """`spbe serve` on the database, waiting until it answers."""
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--no-worker"]
        + ["--workers", str(workers), "--threads", str(threads)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not answer within 60 s")


def run(
    backend: AbstractContextManager[Backend],
    clients: int,
    seconds: float,
    workers: int,
    threads: int,
) -> None:
    """Build, serve, load, print."""
    with backend as made:
        platform = build_platform(made)
        version = server_version(platform.engine)
        platform.engine.dispose()
        port = free_port()
        server = serve(made.url, port, workers, threads)
        timings: dict[str, list[float]] = defaultdict(list)
        codes: Counter[str] = Counter()
        flows = Counter[str]()
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def client_loop() -> None:
            local_t: dict[str, list[float]] = defaultdict(list)
            local_c: Counter[str] = Counter()
            client = Client(port, local_t, local_c)
            client.sign_in("pengguna")
            client.sign_in(DESK)
            done = 0
            while time.monotonic() < stop:
                done += client.flow()
            with lock:
                flows["completed"] += done
                for name, values in local_t.items():
                    timings[name].extend(values)
                codes.update(local_c)

        try:
            pool = [threading.Thread(target=client_loop) for _ in range(clients)]
            began = time.monotonic()
            for thread in pool:
                thread.start()
            for thread in pool:
                thread.join()
            elapsed = time.monotonic() - began
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        print(f"# {redact(made.url)}: {version}")
        print(f"# {clients} clients, {elapsed:.0f} s, {workers} processes x {threads} threads")
        print(f"completed flows: {flows['completed']} ({flows['completed'] / elapsed:.1f}/s)")
        print(f"{'call':<10} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        for name in ("start", "inbox", "complete"):
            values = timings[name]
            print(
                f"{name:<10} {len(values):>7} {percentile(values, 50) * 1000:>8.1f} "
                f"{percentile(values, 95) * 1000:>8.1f} {percentile(values, 99) * 1000:>8.1f}"
            )
        calls = sum(len(timings[name]) for name in ("start", "inbox", "complete"))
        rate = calls / elapsed
        print(
            f"calls: {rate:.0f}/s; Little's law: mean {clients / rate * 1000:.0f} ms per call "
            f"at {clients} clients; a mean of {TARGET_MS / 2:.0f} ms (to leave room for a "
            f"p95 of {TARGET_MS:.0f} ms) needs {clients / (TARGET_MS / 2000):.0f} calls/s"
        )
        races = sum(n for key, n in codes.items() if key.endswith(" 409"))
        errors = {key: n for key, n in codes.items() if not key.endswith((" 200", " 201", " 409"))}
        print(f"races lost (409): {races}")
        print(f"other errors: {sum(errors.values())} {dict(errors) if errors else ''}")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options and run on SQLite, or on a new PostgreSQL database with --pg."""
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2, help="web processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per process")
    parser.add_argument("--pg", metavar="SERVER_URL", help="e.g. postgresql://postgres@127.0.0.1")
    options = parser.parse_args(argv)
    backend = created_postgres(options.pg) if options.pg else sqlite_backend()
    run(backend, options.clients, options.seconds, options.workers, options.threads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
