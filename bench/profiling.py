"""Where a service-layer completion spends its time: cProfile over completions only.

Used when completions cost far more than the engine's own transition (e): it names the
app functions that dominate (cumulative time) and the hottest functions anywhere
(own time), so the gap can be argued about with numbers.
"""

from __future__ import annotations

import cProfile
import pstats
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from app.config import PROJECT_ROOT
from app.services.context import Platform
from bench.service_layer import ServiceDriver, Timing, drive_instance

APP_DIR = str(PROJECT_ROOT / "app")
SITE_DIR = sysconfig.get_paths()["purelib"]
TOP = 15


@dataclass(frozen=True)
class ProfileLine:
    """One function's share of the profiled completions."""

    function: str
    calls: int
    own_ms: float
    cumulative_ms: float
    share: float  # cumulative time over all profiled completion time


@dataclass(frozen=True)
class ProfileResult:
    """The profile's headline: app functions by cumulative time, all by own time."""

    completions: int
    profiled_ms: float
    app: list[ProfileLine]
    hottest: list[ProfileLine]
    stats_file: str


class _ProfiledDriver(ServiceDriver):
    """A driver whose completions, and nothing else, run under the profiler."""

    def __init__(self, platform: Platform, path: str, profiler: cProfile.Profile) -> None:
        super().__init__(platform, path)
        self.profiler = profiler

    def complete(self, task_id: str, bpmn_id: str) -> Timing:
        self.profiler.enable()
        try:
            return super().complete(task_id, bpmn_id)
        finally:
            self.profiler.disable()


def _label(filename: str, line: int, name: str) -> str:
    for root in (APP_DIR.rsplit("/", 1)[0], SITE_DIR):
        if filename.startswith(root + "/"):
            filename = filename[len(root) + 1 :]
            break
    return f"{filename}:{line}({name})"


def _lines(
    stats: pstats.Stats, profiled_ms: float, *, app_only: bool, key: int
) -> list[ProfileLine]:
    """Top functions; `key` picks own time (2) or cumulative time (3) from pstats rows."""
    rows = [
        (func, row)
        for func, row in stats.stats.items()  # type: ignore[attr-defined]
        if not app_only or func[0].startswith(APP_DIR + "/")
    ]
    rows.sort(key=lambda item: item[1][key], reverse=True)
    return [
        ProfileLine(
            _label(*func),
            row[1],
            row[2] * 1000,
            row[3] * 1000,
            row[3] * 1000 / profiled_ms if profiled_ms else 0.0,
        )
        for func, row in rows[:TOP]
    ]


def profile_completions(
    platform: Platform, path: str, instances: int, out_dir: Path
) -> ProfileResult:
    """Run `instances` more instances, profiling their completions; save the raw stats."""
    profiler = cProfile.Profile()
    driver = _ProfiledDriver(platform, path, profiler)
    timings: list[Timing] = []
    for _ in range(instances):
        drive_instance(driver, lambda _bpmn_id, timing: timings.append(timing))
    profiled_ms = sum(t.total for t in timings) * 1000
    out_dir.mkdir(parents=True, exist_ok=True)
    stats_file = out_dir / f"completions-{platform.engine.dialect.name}.prof"
    profiler.dump_stats(stats_file)
    stats = pstats.Stats(profiler)
    return ProfileResult(
        completions=len(timings),
        profiled_ms=profiled_ms,
        app=_lines(stats, profiled_ms, app_only=True, key=3),
        hottest=_lines(stats, profiled_ms, app_only=False, key=2),
        stats_file=str(stats_file),
    )
