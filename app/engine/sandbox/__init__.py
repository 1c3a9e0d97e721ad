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
   `NameError`.
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

Guards live in the run's globals under `_spbe_*` names, which user code cannot spell.
`environment.py` puts the defences together as a SpiffWorkflow environment and script
engine; `errors.py` holds the exceptions; `limits.py` the bounds.

Limitations: memory is bounded per operation, not in total (a loop may allocate many
million-item lists before its deadline), so run workers with an OS memory limit. `str()` of
a structure holding a million references to one long string, built in a loop, runs in C
and is only stopped by that memory limit. Objects returned by helpers are reachable by
their public attributes: helpers should return plain data.
"""

from __future__ import annotations

from app.engine.sandbox.check import check_script
from app.engine.sandbox.environment import (
    RestrictedEnvironment,
    RestrictedScriptEngine,
    make_script_engine,
)
from app.engine.sandbox.errors import (
    ScriptForbidden,
    ScriptLimitExceeded,
    ScriptProblem,
    ScriptTimeout,
    sandbox_error,
)
from app.engine.sandbox.limits import (
    MAX_CODE_CHARS,
    MAX_FORMAT_DIGITS,
    MAX_INT_BITS,
    MAX_ITEMS,
    MAX_NESTING,
    MAX_ROUND_DIGITS,
    MAX_TUPLE_DEPTH,
    SCRIPT_FILENAME,
    Mode,
)
from app.engine.sandbox.safe_builtins import SAFE_BUILTINS

__all__ = [
    "MAX_CODE_CHARS",
    "MAX_FORMAT_DIGITS",
    "MAX_INT_BITS",
    "MAX_ITEMS",
    "MAX_NESTING",
    "MAX_ROUND_DIGITS",
    "MAX_TUPLE_DEPTH",
    "SAFE_BUILTINS",
    "SCRIPT_FILENAME",
    "Mode",
    "RestrictedEnvironment",
    "RestrictedScriptEngine",
    "ScriptForbidden",
    "ScriptLimitExceeded",
    "ScriptProblem",
    "ScriptTimeout",
    "check_script",
    "make_script_engine",
    "sandbox_error",
]
