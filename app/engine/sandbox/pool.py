"""Sandbox processes: a small pool per server process, and the conversation with one.

Code that may take much memory runs in a separate process under RLIMIT_AS (`child.py`),
so a script that allocates without end meets a MemoryError there, and the server neither
grows nor keeps anything. Processes start on first need (`subprocess`, never a fork of
the multithreaded server), run one request at a time, are reused, and are replaced after
a memory error; at most `POOL_SIZE` run at once per limit, and further callers wait for one.

The server trusts nothing a process sends: it reads at most `max_bytes` per message,
parses JSON only (never pickle), accepts only the messages `child.py` documents and calls
only the helpers it offered. It waits at most the time limit plus `GRACE_SECONDS`, then
kills the process: the guards and the tracer cannot stop a C-level loop (hashing a tuple
that holds itself twice sixty levels deep), but this does. A process that does not
answer, answers out of turn or dies is killed and replaced.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.engine.sandbox.errors import (
    ScriptDataRejected,
    ScriptForbidden,
    ScriptLimitExceeded,
    ScriptMemoryExceeded,
    ScriptProblem,
    ScriptTimeout,
)
from app.engine.sandbox.limits import GRACE_SECONDS
from app.engine.sandbox.wire import decode, encode, error_from_wire, error_to_wire

POOL_SIZE = 4
"""Sandbox processes per server process and memory limit (about 13 MB each when idle)."""
STARTUP_SECONDS = 30.0
_LAUNCH = Path(__file__).with_name("launch.py")
_CHUNK = 1 << 16
_READY_BYTES = 4096


class _Late(Exception):
    """The process did not answer before the deadline."""


class _Broken(Exception):
    """The process died or sent something that is not a message; `refusal` says so."""

    def __init__(self, refusal: Exception) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal


def _garbled(detail: str) -> _Broken:
    return _Broken(
        ScriptDataRejected(
            f"Balasan proses skrip tidak sah / the script process's reply is not valid: {detail}"
        )
    )


@dataclass(frozen=True)
class Answer:
    """What a run in a sandbox process gave: a value, a script's task data, or an error.

    `data` may come with `error`: what a script set before it failed.
    """

    value: Any = None
    data: dict[str, Any] | None = None
    error: Exception | None = None


class _Process:
    """One sandbox process and its pipes, read and written against a deadline."""

    def __init__(self, command: Sequence[str]) -> None:
        self.popen = subprocess.Popen(  # noqa: S603 - our own interpreter and launch.py
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
            env={},  # the server's secrets (SECRET_KEY, DATABASE_URL) stay in the server
            cwd="/",
            start_new_session=True,  # a Ctrl-C to the server's terminal is the server's
        )
        assert self.popen.stdin is not None
        assert self.popen.stdout is not None
        self._in, self._out = self.popen.stdin.fileno(), self.popen.stdout.fileno()
        os.set_blocking(self._in, False)
        self._readable, self._writable = select.poll(), select.poll()
        self._readable.register(self._out, select.POLLIN)
        self._writable.register(self._in, select.POLLOUT)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def send(self, message: Mapping[str, Any], deadline: float) -> None:
        text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
        data = memoryview(text.encode() + b"\n")
        while data:
            _wait(self._writable, deadline)
            try:
                data = data[os.write(self._in, data) :]
            except BlockingIOError:
                continue
            except OSError:  # EPIPE: it has gone
                raise self._died() from None

    def receive(self, deadline: float, max_bytes: int) -> Any:
        """The next message, refused past `max_bytes` before anything is parsed."""
        chunks: list[bytes] = []
        size = 0
        while not chunks or b"\n" not in chunks[-1]:
            _wait(self._readable, deadline)
            chunk = os.read(self._out, _CHUNK)
            if not chunk:
                raise self._died()
            size += len(chunk)
            if size > max_bytes:
                raise _Broken(ScriptDataRejected(_too_large(max_bytes)))
            chunks.append(chunk)
        line = b"".join(chunks)
        if line.index(b"\n") != len(line) - 1:
            raise _garbled("more than one message")
        try:
            return json.loads(line)
        except (ValueError, RecursionError) as err:
            raise _garbled(f"not JSON ({type(err).__name__})") from None

    def _died(self) -> _Broken:
        try:
            status: int | None = self.popen.wait(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            status = None
        problem = (
            "Proses skrip berhenti tanpa jawaban / the script's process stopped without "
            f"answering (status {status})"
        )
        return _Broken(ScriptLimitExceeded([ScriptProblem(None, problem)]))

    def close(self) -> None:
        """Kill the process (a no-op if it has ended) and release its pipes."""
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()
        for pipe in (self.popen.stdin, self.popen.stdout):
            if pipe is not None:
                pipe.close()


def _wait(poller: select.poll, deadline: float) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0 or not poller.poll(remaining * 1000):
        raise _Late


def _too_large(max_bytes: int) -> str:
    return (
        f"Data skrip lebih dari {max_bytes} bita / the script's data are larger than "
        f"{max_bytes} bytes"
    )


class ChildPool:
    """Sandbox processes with one memory limit, started on demand and reused.

    Args:
        memory_limit_mb: what each process may take above what it holds at start.
        command: how to start one (tests start stand-ins); by default `launch.py`.

    Attributes:
        started: processes started so far; runs: runs sent so far.
        limits: what the last started process reported: its `pid`, what it `held` at
            start and its `memory_limit`, in bytes.
    """

    def __init__(self, memory_limit_mb: int, command: Sequence[str] | None = None) -> None:
        self.memory_limit_mb = memory_limit_mb
        self._command = list(command or [sys.executable, "-I", str(_LAUNCH), str(memory_limit_mb)])
        self._lock = threading.Lock()
        self._idle: list[_Process] = []
        self._slots = threading.BoundedSemaphore(POOL_SIZE)
        self._pid = os.getpid()
        self.started = 0
        self.runs = 0
        self.limits: dict[str, int] = {}

    def run(
        self,
        request: Mapping[str, Any],
        helpers: Mapping[str, Callable[..., Any]],
        time_limit: float,
        max_bytes: int,
    ) -> Answer:
        """Send one run to a process and answer its helper calls until it replies.

        Helpers run here, in the calling thread, with its context variables.

        Raises:
            ScriptTimeout: no answer within `time_limit` plus GRACE_SECONDS.
            ScriptDataRejected: a message over `max_bytes`, or not one `child.py` sends.
            ScriptLimitExceeded: the process died.
        """
        process = self._acquire()
        keep = False
        try:
            deadline = time.monotonic() + time_limit + GRACE_SECONDS
            with self._lock:
                self.runs += 1
            try:
                process.send(request, deadline)
                message = process.receive(deadline, max_bytes)
                while isinstance(message, dict) and "call" in message:
                    process.send(_call(message, helpers, max_bytes), deadline)
                    message = process.receive(deadline, max_bytes)
                answer = self._answer(message)
            except _Late:
                raise ScriptTimeout(f"script exceeded its time limit of {time_limit:g} s") from None
            except _Broken as err:
                raise err.refusal from None
            keep = not isinstance(answer.error, ScriptMemoryExceeded)
            return answer
        finally:
            self._release(process, keep)

    def close(self) -> None:
        """Stop the idle processes (those running finish and are stopped on release)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for process in idle:
            process.close()

    def _acquire(self) -> _Process:
        with self._lock:
            if os.getpid() != self._pid:  # forked: the processes are the parent's
                self._idle, self._pid = [], os.getpid()
                self._slots = threading.BoundedSemaphore(POOL_SIZE)
            slots = self._slots
        slots.acquire()
        with self._lock:
            while self._idle:
                process = self._idle.pop()
                if process.alive():
                    return process
                process.close()
        try:
            return self._start()
        except BaseException:
            slots.release()
            raise

    def _start(self) -> _Process:
        process = _Process(self._command)
        try:
            ready = process.receive(time.monotonic() + STARTUP_SECONDS, _READY_BYTES)
            self.limits = {key: int(ready[key]) for key in ("pid", "held", "memory_limit")}
        except (_Late, _Broken, KeyError, TypeError, ValueError) as err:
            process.close()
            raise RuntimeError(f"the sandbox process did not start: {err}") from None
        with self._lock:
            self.started += 1
        return process

    def _release(self, process: _Process, keep: bool) -> None:
        with self._lock:
            mine = os.getpid() == self._pid
            if keep and mine:
                self._idle.append(process)
        if not (keep and mine):
            process.close()
        if mine:
            self._slots.release()

    def _answer(self, message: Any) -> Answer:
        """The final message as an `Answer`; raises `_Broken` for anything else."""
        if not isinstance(message, dict):
            raise _garbled("not an object")
        try:
            data = decode(message["data"]) if "data" in message else None
            value = decode(message["result"]) if "result" in message else None
            error = _error(message, self.memory_limit_mb) if "error" in message else None
        except (KeyError, TypeError, ValueError) as err:
            raise _garbled(str(err)) from None
        if data is not None and not isinstance(data, dict):
            raise _garbled("task data that are not a dict")
        return Answer(value=value, data=data, error=error)


def _error(message: dict[str, Any], memory_limit_mb: int) -> Exception:
    """The exception an error message stands for, with the script's line where known."""
    kind, line = message["error"], message.get("line")
    error: Exception
    if kind == "memory":
        error = ScriptMemoryExceeded(memory_limit_mb, line)
    elif kind == "timeout":
        error = ScriptTimeout(str(message["message"]))
    elif kind in ("limit", "forbidden"):
        cls = ScriptLimitExceeded if kind == "limit" else ScriptForbidden
        error = cls(ScriptProblem(p[0], str(p[1])) for p in message["problems"])
    elif kind == "raise":
        error = error_from_wire(message)
    elif kind == "data":
        detail = str(message["message"])
        error = ScriptDataRejected(
            f"Data skrip bukan JSON / the script's data are not JSON: {detail}"
        )
    else:
        raise ValueError(f"unknown error kind {kind!r}")
    if line is not None and not isinstance(line, int):
        raise ValueError("a line that is not a number")
    error.script_line = line  # type: ignore[attr-defined]  # read by environment._link
    return error


def _call(
    message: dict[str, Any], helpers: Mapping[str, Callable[..., Any]], max_bytes: int
) -> dict[str, Any]:
    """Run the helper a process asked for; its answer (raises `_Broken` for a bad call)."""
    helper = helpers.get(message["call"]) if isinstance(message["call"], str) else None
    try:
        args, kwargs = decode(message.get("args", ["L"])), decode(message.get("kwargs", ["D"]))
    except ValueError as err:
        raise _garbled(str(err)) from None
    if helper is None or not isinstance(args, list) or not isinstance(kwargs, dict):
        raise _garbled("a call to no helper on offer")
    if not all(isinstance(key, str) for key in kwargs):
        raise _garbled("keyword names that are not strings")
    try:
        return {"result": encode(helper(*args, **kwargs), max_bytes)}
    except Exception as err:  # noqa: BLE001 - the helper's error belongs to the script
        return {"raise": error_to_wire(err)}


_POOLS: dict[int, ChildPool] = {}
_POOLS_LOCK = threading.Lock()


def pool_for(memory_limit_mb: int) -> ChildPool:
    """The process-wide pool for `memory_limit_mb`: environments with one limit share it."""
    with _POOLS_LOCK:
        pool = _POOLS.get(memory_limit_mb)
        if pool is None:
            pool = _POOLS[memory_limit_mb] = ChildPool(memory_limit_mb)
        return pool


@atexit.register
def _close_pools() -> None:
    for pool in list(_POOLS.values()):
        pool.close()
