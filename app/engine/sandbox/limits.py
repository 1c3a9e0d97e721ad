"""The bounds every sandboxed run is held to, shared by the check, the guards and the tracer.

Kept apart from the code that enforces them so that each defence reads the same numbers and
no module has to import another just to learn a limit.
"""

from __future__ import annotations

from typing import Literal

Mode = Literal["exec", "eval"]


MAX_ITEMS = 1_000_000
"""Largest sequence, string or range a single operation may produce."""
MAX_INT_BITS = 33_220
"""Largest integer an operation may produce: about 10,000 decimal digits."""
MAX_FORMAT_DIGITS = 4
"""Widths and precisions in format specs have at most this many digits (9999)."""
MAX_ROUND_DIGITS = 10_000
MAX_TUPLE_DEPTH = 100
"""Deepest tuple nesting: CPython hashes nested tuples recursively in C, with no recursion
check, so `{t}` of a tuple nested ~200,000 deep crashes the process (SIGSEGV)."""
MAX_NESTING = 150
"""Deepest syntax nesting: the rewrite and the compiler recurse over the syntax tree."""
MAX_CODE_CHARS = 100_000
SCRIPT_FILENAME = "<string>"
"""SpiffWorkflow finds the failing line of a script by this frame file name."""
MEMORY_LIMIT_MB = 256
"""Memory a sandbox process may take for scripts, above what it holds when it starts."""
GRACE_SECONDS = 0.5
"""How long past the time limit the server waits for a sandbox process (which stops the
script itself at the limit) before it kills and replaces it."""
MAX_FAST_OPS = 4
"""Operations that can build a larger value allowed in code run inside the server."""
