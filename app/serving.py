"""Serving with several processes: gunicorn's master forks N workers, each with T threads.

One waitress process is enough for the embedded default; an office with many users and
PostgreSQL wants several processes, so that one busy request (an export, a deploy) never
holds the others up. Each worker builds its own app and database engine after the fork
(connections must never cross a fork); the master may run the timers' loop beside them
(`app.worker`), which its children do not inherit.
"""

from __future__ import annotations

import gc

from flask import Flask
from gunicorn.app.base import BaseApplication

from app.config import Settings


def settle_heap() -> None:
    """Put what the app holds once built (modules, schemas, parsed models) out of the
    garbage collector's reach before serving.

    A completion allocates many short-lived objects (the workflow's tasks, ORM rows), so
    the collector runs often, and each full pass walked the whole app: about 2 ms of a
    10 ms completion in a profile. Frozen objects are still freed by reference counting;
    only cycles among them stay.
    """
    gc.collect()
    gc.freeze()


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

        app = create_app(self.settings)
        settle_heap()
        return app
