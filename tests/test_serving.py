"""`spbe serve --workers N` serves with several processes (issue 13, item 2): the server
starts, its master forks the workers asked for, and each answers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.services.context import Platform

pytestmark = pytest.mark.usefixtures("deployed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    listed = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in listed]


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - a local URL
        return int(response.status)


def test_several_processes_serve_the_api(platform: Platform, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": platform.settings.database_url}
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--workers", "2", "--threads", "2"]
        + ["--port", str(port), "--no-worker"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/api/v1/openapi.json"
    try:
        status, waited = None, 0.0
        while status is None and waited < 30:
            try:
                status = _get(url)
            except OSError:
                time.sleep(0.2)
                waited += 0.2
        assert status == 200, (tmp_path / "serve.log").read_text()
        while len(_children(server.pid)) < 2 and waited < 30:
            time.sleep(0.2)
            waited += 0.2
        assert len(_children(server.pid)) == 2
        assert [_get(url) for _ in range(6)] == [200] * 6
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        log.close()
