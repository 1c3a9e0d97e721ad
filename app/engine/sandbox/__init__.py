"""Run analyst-written Python (scripts, conditions, timer expressions, DMN entries) safely.

Everything written inside a diagram is untrusted: anyone who may upload a model would
otherwise run code in the web server. SpiffWorkflow's default environment calls plain
`eval`/`exec` with every builtin, so this package replaces it. The defences, in the order a
piece of code meets them:

1. A static check (`check_script`, in `check.py`), run at deploy and again before every
   first run of a code string: no imports, no names or attributes starting with `_` (every
   known escape walks dunders such as `__class__`, `__globals__`, `__subclasses__`), no
   dangerous builtins by name, no frame/code/traceback attributes (`gi_frame`, `f_globals`,
   `tb_frame`... do not start with `_`), no `str.format`/`format_map` (format fields read
   attributes by string), no classes, decorators, `global`, `yield`, `async`, `with`,
   `match`, bare `except:` or attribute assignment.
2. A whitelist of builtins (`SAFE_BUILTINS`, in `safe_builtins.py`): the real
   `__builtins__` is never reachable, so a name missed by the check still fails with
   `NameError`. Beside them, the standard names (`standard_names.py`): `datetime`, `date`,
   `time`, `timedelta`, `timezone` and a `math` of pure functions, no module object among
   them; `datetime.now()` reads the engine's clock. datetime's C code finds `__import__`
   there, for the two modules it needs and has loaded; it hands no module to anyone.
3. An AST rewrite before compiling (`rewrite.py`, calling the guards in `guards.py`).
   C-level operations never give a trace event, so the time limit cannot stop them: `**`,
   `*`, `<<`, `+`, `%` and their augmented forms, `*x` unpacking and size-taking methods
   (`join`, `ljust`, `replace`...) go through guards that refuse results over `MAX_ITEMS`
   items or `MAX_INT_BITS` bits; `range`, `sum` and `round` are replaced by checked
   versions. Tuples are depth-checked where scripts build them (displays, `tuple()`,
   `zip`, `enumerate`, `dict.items()`, `*args`): hashing a tuple nested ~200,000 deep
   recurses in C without a check and kills the process. Guards raise
   `ScriptLimitExceeded`, a `ScriptForbidden`.
4. A time limit per run (`deadline.py`): a trace function for the current thread only
   (scripts also run in worker threads, where `signal.alarm` cannot be used) raises
   `ScriptTimeout` past the deadline and the previous tracer is restored afterwards.
   CPython uninstalls a tracer that raises, and a one-line `while True: pass` gives no line
   events, so the rewrite also makes every loop, loop item and function call tick against
   the same deadline. `Exception` is not a builtin and bare `except:` is refused, so
   scripts cannot catch it.
5. A memory limit (`footprint.py`, `pool.py`, `child.py`). Code that provably cannot take
   much memory (no loops, comprehensions or functions, calls only to helpers and to
   builtins whose result is no larger than their arguments, at most `MAX_FAST_OPS`
   operations that build a larger value: a few tens of MB at worst) runs in the server,
   which is what almost every gateway condition and most diagram scripts are. Everything
   else runs in a sandbox process from a small pool per server process, started with
   `subprocess` and capped with RLIMIT_AS (`SCRIPT_MEMORY_LIMIT_MB`, 256 MB above what it
   holds at start), which runs the same rewrite, guards and deadline. A MemoryError there
   is `ScriptMemoryExceeded` and the process is replaced, so the server neither grows nor
   keeps what a script took. The server waits at most the time limit plus
   `GRACE_SECONDS`, then kills the process, so the time limit holds for C-level loops
   too. Messages are JSON lines, never pickle (`wire.py`), read at most three times the
   task data cap (`ScriptDataRejected` beyond, or for anything that is not data); helpers
   run in the server, where the instance's calendar, tables and clock are, when the
   process asks for them.

Guards live in the run's globals under `_spbe_*` names, which user code cannot spell.
`environment.py` puts the defences together as a SpiffWorkflow environment and script
engine; `namespace.py` builds a run's globals; `errors.py` holds the exceptions;
`limits.py` the bounds.

Limitations: the memory limit is per run and per process; an engine step that loops
through a diagram runs each script under it but has no limit of its own, though what each
script stores is measured. Objects returned by helpers are reachable by their public
attributes: helpers should return plain data (only data reach a sandbox process anyway).
RLIMIT_AS and `/proc/self/statm` make this Linux (or at least Unix) only.
"""

from __future__ import annotations

from app.engine.sandbox.check import check_script
from app.engine.sandbox.environment import (
    RestrictedEnvironment,
    RestrictedScriptEngine,
    make_script_engine,
)
from app.engine.sandbox.errors import (
    ScriptDataRejected,
    ScriptForbidden,
    ScriptLimitExceeded,
    ScriptMemoryExceeded,
    ScriptProblem,
    ScriptTimeout,
    sandbox_error,
)
from app.engine.sandbox.limits import (
    GRACE_SECONDS,
    MAX_CODE_CHARS,
    MAX_FAST_OPS,
    MAX_FORMAT_DIGITS,
    MAX_INT_BITS,
    MAX_ITEMS,
    MAX_NESTING,
    MAX_ROUND_DIGITS,
    MAX_TUPLE_DEPTH,
    MEMORY_LIMIT_MB,
    SCRIPT_FILENAME,
    Mode,
)
from app.engine.sandbox.safe_builtins import SAFE_BUILTINS

__all__ = [
    "GRACE_SECONDS",
    "MAX_CODE_CHARS",
    "MAX_FAST_OPS",
    "MAX_FORMAT_DIGITS",
    "MAX_INT_BITS",
    "MAX_ITEMS",
    "MAX_NESTING",
    "MAX_ROUND_DIGITS",
    "MAX_TUPLE_DEPTH",
    "MEMORY_LIMIT_MB",
    "SAFE_BUILTINS",
    "SCRIPT_FILENAME",
    "Mode",
    "RestrictedEnvironment",
    "RestrictedScriptEngine",
    "ScriptDataRejected",
    "ScriptForbidden",
    "ScriptLimitExceeded",
    "ScriptMemoryExceeded",
    "ScriptProblem",
    "ScriptTimeout",
    "check_script",
    "make_script_engine",
    "sandbox_error",
]
