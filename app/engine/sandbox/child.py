"""The sandbox process: runs the code the server sends it under a memory limit.

`pool.py` starts it (through `launch.py`) and talks to it in JSON lines, one message per
line, never pickle (see `wire.py`):

- the server sends a run: `{"code", "mode", "context", "external", "helpers",
  "time_limit", "max_bytes", "now"}`, code the server has already checked, and the
  engine's time (ISO-8601; without it, the wall clock), which `datetime.now()` answers
  during the run;
- the process answers `{"result": value}` (an expression) or `{"data": task data}` (a
  script), or `{"error": kind, ...}` with kind `raise` (the script raised), `timeout`,
  `limit` or `forbidden` (a guard), `memory`, or `data` (what it left is not data or is
  larger than `max_bytes`); after an error a script's data come too, as far as they go,
  since the server keeps what a script set before it failed;
- in between, a helper call `{"call": name, "args", "kwargs"}`, which the server answers
  with `{"result": value}` or `{"raise": error}`: helpers read the instance's calendar,
  tables and clock in the server's thread, so they run there.

The limit is RLIMIT_AS, set at start, soft and hard alike (a script that got out of the
sandbox still could not raise it), as a budget above what the process holds after its
imports. A MemoryError clears the run's globals (freeing what the script took) and is
reported; the server then replaces the process. Core dumps are off, so a crash leaves
no file as large as the limit.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import warnings
from collections.abc import Callable
from datetime import datetime
from typing import IO, Any

from app.engine.sandbox import wire
from app.engine.sandbox.deadline import _run
from app.engine.sandbox.errors import ScriptForbidden, ScriptLimitExceeded, ScriptTimeout
from app.engine.sandbox.namespace import leave_data, run_globals
from app.engine.sandbox.rewrite import _rewritten
from app.engine.sandbox.standard_names import moment

MB = 1024 * 1024
_READY_BYTES = 4096  # what pool.py reads of the first message


class _Channel:
    """JSON lines over the process's stdin and stdout."""

    def __init__(self, reader: IO[bytes], writer: IO[bytes]) -> None:
        self._reader = reader
        self._writer = writer

    def send(self, message: dict[str, Any], max_bytes: int) -> None:
        """Write `message`, or raise ValueError if it is longer than the server reads."""
        line = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        if len(line) > max_bytes:
            raise ValueError(f"larger than {max_bytes} bytes")
        self._writer.write(line)
        self._writer.flush()

    def receive(self) -> Any:
        """The next message; exits when the server has closed the pipe."""
        line = self._reader.readline()
        if not line:
            raise SystemExit(0)
        return json.loads(line)


def main(argv: list[str]) -> None:
    """Set the memory limit, say so, then serve runs until the server closes stdin.

    Args:
        argv: the memory budget in MB.
    """
    held, limit = _limit_memory(int(argv[0]))
    warnings.simplefilter("ignore")  # the server compiled the code and warned already
    channel = _Channel(sys.stdin.buffer, sys.stdout.buffer)
    ready = {"ready": True, "pid": os.getpid(), "held": held, "memory_limit": limit}
    channel.send(ready, _READY_BYTES)
    while True:
        request = channel.receive()
        max_bytes = int(request["max_bytes"])
        try:
            reply = _serve(request, channel)
        except MemoryError as err:  # outside the script's run: decoding, building globals
            reply = {"error": "memory", "line": wire.script_line(err)}
        try:
            channel.send(reply, max_bytes)
        except ValueError as err:  # non-ASCII text takes more bytes than `encode` counts
            channel.send(_without_data(reply, err), max_bytes)


def _limit_memory(budget_mb: int) -> tuple[int, int]:
    """Cap the address space at what the process holds now plus `budget_mb`.

    Returns:
        What it held and the limit, in bytes.
    """
    with open("/proc/self/statm", encoding="ascii") as statm:
        held = int(statm.read().split()[0]) * resource.getpagesize()
    limit = held + budget_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return held, limit


def _serve(request: dict[str, Any], channel: _Channel) -> dict[str, Any]:
    """Run one request and build the reply (see the module docstring)."""
    mode, budget = request["mode"], int(request["max_bytes"])
    helpers = {name: _helper(name, channel, budget) for name in request["helpers"]}
    context, external = wire.decode(request["context"]), wire.decode(request["external"])
    namespace = run_globals(mode, context, helpers, external)
    now = datetime.fromisoformat(request["now"]) if request.get("now") else None
    reply: dict[str, Any] = {}
    try:
        with moment(now):
            result = _run(
                _rewritten(request["code"], mode), namespace, float(request["time_limit"])
            )
    except MemoryError as err:
        namespace.clear()  # free what the script took before answering
        context.clear()
        return {"error": "memory", "line": wire.script_line(err)}
    except ScriptTimeout as err:
        reply = {"error": "timeout", "message": str(err), "line": wire.script_line(err)}
    except ScriptForbidden as err:
        kind = "limit" if isinstance(err, ScriptLimitExceeded) else "forbidden"
        reply = {"error": kind, "problems": [[p.line, p.message] for p in err.problems]}
    except Exception as err:  # noqa: BLE001 - the script's own error, sent to the server
        reply = {"error": "raise", **wire.error_to_wire(err), "line": wire.script_line(err)}
    try:
        if mode == "exec":
            leave_data(context, helpers, external)
            reply["data"] = wire.encode(context, budget)
        elif not reply:
            reply["result"] = wire.encode(result, budget)
    except ValueError as err:
        return _without_data(reply, err)
    return reply


def _without_data(reply: dict[str, Any], err: ValueError) -> dict[str, Any]:
    """The reply when its value or data cannot be sent: a script's error stands without
    the data it set (they are a courtesy), else the data are the error."""
    reply.pop("data", None)
    reply.pop("result", None)
    return reply if "error" in reply else {"error": "data", "message": str(err)}


def _helper(name: str, channel: _Channel, budget: int) -> Callable[..., Any]:
    """A stand-in for the server's helper `name`: asks the server to call it."""

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            message = {
                "call": name,
                "args": wire.encode(list(args), budget),
                "kwargs": wire.encode(kwargs, budget),
            }
        except ValueError as err:
            raise TypeError(f"{name}() takes data only: {err}") from None
        try:
            channel.send(message, budget)
        except ValueError as err:
            raise TypeError(f"{name}() arguments are too large: {err}") from None
        answer = channel.receive()
        if "raise" in answer:
            raise wire.error_from_wire(answer["raise"])
        return wire.decode(answer["result"])

    call.__name__ = name
    return call
