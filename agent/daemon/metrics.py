"""Daemon counters and gauges, rendered in the Prometheus text exposition format (v0.0.4)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict

_COUNTERS = {
    "defai_ticks_total": "Graph ticks run, by job and outcome (ok|error).",
    "defai_actions_total": "Actions proposed to the risk gate.",
    "defai_rejections_total": "Actions the risk gate rejected.",
    "defai_fills_total": "Fills recorded.",
    "defai_errors_total": "Errors during ticks (strategy, connector or internal).",
}


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    body = ",".join(
        '{}="{}"'.format(k, v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n"))
        for k, v in sorted(labels.items())
    )
    return "{" + body + "}"


class Metrics:
    """Thread-safe counters keyed by job; `last_tick_age_s` is derived at scrape time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, dict[tuple[tuple[str, str], ...], float]] = defaultdict(dict)
        self._last_tick: float | None = None
        self.started_at = time.time()

    def inc(self, name: str, amount: float = 1, **labels: str) -> None:
        if name not in _COUNTERS:
            raise KeyError(f"unknown metric {name}")
        key = tuple(sorted(labels.items()))
        with self._lock:
            series = self._counts[name]
            series[key] = series.get(key, 0) + amount

    def tick_done(self, when: float | None = None) -> None:
        with self._lock:
            self._last_tick = time.time() if when is None else when

    def total(self, name: str) -> float:
        with self._lock:
            return sum(self._counts.get(name, {}).values())

    @property
    def last_tick_age_s(self) -> float | None:
        with self._lock:
            return None if self._last_tick is None else max(0.0, time.time() - self._last_tick)

    def render(self, extra_gauges: dict[str, tuple[str, float]] | None = None) -> str:
        lines: list[str] = []
        with self._lock:
            for name, help_text in _COUNTERS.items():
                lines += [f"# HELP {name} {help_text}", f"# TYPE {name} counter"]
                series = self._counts.get(name) or {(): 0.0}
                lines += [f"{name}{_labels(dict(k))} {v:g}" for k, v in sorted(series.items())]
            last = self._last_tick
        gauges: dict[str, tuple[str, float]] = {
            "defai_uptime_seconds": ("Seconds since the daemon started.", time.time() - self.started_at),
        }
        if last is not None:
            gauges["defai_last_tick_timestamp_seconds"] = ("Unix time of the last finished tick.", last)
            gauges["defai_last_tick_age_seconds"] = (
                "Seconds since the last finished tick.",
                time.time() - last,
            )
        gauges.update(extra_gauges or {})
        for name, (help_text, value) in gauges.items():
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {value:g}"]
        return "\n".join(lines) + "\n"
