"""Start a sandbox process (`child.py`) without importing the `app` package.

`python -m app.engine.sandbox.child` would run `app/__init__.py`, which imports Flask and
through the services everything else: 1.3 s and 84 MB before the first script, all of it
inside the memory budget. The sandbox's own modules use the standard library only, so
this entry point stands empty packages in for `app`, `app.engine` and
`app.engine.sandbox` (their folders as `__path__`, their `__init__` not run) and imports
`child.py` through them. `pool.py` runs it as `python -I launch.py <budget MB>`.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path


def _stand_in_packages() -> None:
    root = Path(__file__).resolve().parents[3]
    for name in ("app", "app.engine", "app.engine.sandbox"):
        package = types.ModuleType(name)
        package.__path__ = [str(root.joinpath(*name.split(".")))]
        sys.modules[name] = package


if __name__ == "__main__":
    _stand_in_packages()
    from app.engine.sandbox.child import main

    main(sys.argv[1:])
