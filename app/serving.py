"""Serving with several processes: gunicorn's master forks N workers, each with T threads.

One waitress process is enough for the embedded default; an office with many users and
PostgreSQL wants several processes, so that one busy request (an export, a deploy) never
holds the others up. Each worker builds its own app and database engine after the fork
(connections must never cross a fork); the master may run the timers' loop beside them
(`app.worker`), which its children do not inherit.
"""

from __future__ import annotations

from flask import Flask
from gunicorn.app.base import BaseApplication

from app.config import Settings


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn configured from the command line, loading the app in each worker."""

    def __init__(self, settings: Settings, bind: str, workers: int, threads: int) -> None:
        self.settings = settings
        self.options = {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "preload_app": False,
            "accesslog": "-",
            "graceful_timeout": 10,
        }
        super().__init__()

    def load_config(self) -> None:
        """Hand gunicorn the options (its own command line is not read)."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        """Build the app in the worker process, with its own database engine."""
        from app import create_app

        return create_app(self.settings)
