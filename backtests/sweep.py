"""Parameter sweeps on Ray (local by default, `address` for a cluster) or a local process pool.

`--grid fast=5:50:5` expands start..stop inclusive by step; `--grid mode=long_only,long_short` lists
values. Walk-forward (`walk_forward=N`) cuts the data into N+1 consecutive slices; fold i picks the
best parameters on slice i and reports them on slice i+1, so the ranking that matters is out of sample.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from backtests.api import DataSet, load_dataset, run_backtest
from connectors.errors import FrameworkError

Job = tuple[dict[str, str], int, int]  # params, first bar, end bar (exclusive)


@dataclass(frozen=True)
class SweepSpec:
    strategy: str
    data: list[str]
    grid: dict[str, list[str]]
    fixed: dict[str, str] = field(default_factory=dict)
    metric: str = "sharpe"
    walk_forward: int = 0
    cash: str = "10000"
    fee: str = "0.001"
    slippage_bps: str = "0"
    gas_usd: str = "0"
    start: datetime | None = None
    end: datetime | None = None


def _expand(name: str, text: str) -> list[str]:
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise ValueError(f"--grid {name}={text}: expected start:stop:step")
        try:
            lo, hi, step = (Decimal(p) for p in parts)
        except InvalidOperation:
            raise ValueError(f"--grid {name}={text}: start, stop and step must be numbers") from None
        if step <= 0 or hi < lo:
            raise ValueError(f"--grid {name}={text}: need step > 0 and stop >= start")
        count = int((hi - lo) / step) + 1
        if count > 10_000:
            raise ValueError(f"--grid {name}={text}: {count} values is too many")
        return [_plain(lo + i * step) for i in range(count)]
    values = [v.strip() for v in text.split(",") if v.strip()]
    if not values:
        raise ValueError(f"--grid {name}: no values")
    return values


def _plain(d: Decimal) -> str:
    """10 -> '10', 0.50 -> '0.5' (never exponent notation, which integer params reject)."""
    text = f"{d:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_grid(items: Sequence[str]) -> dict[str, list[str]]:
    grid: dict[str, list[str]] = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--grid {item!r}: expected name=start:stop:step or name=a,b,c")
        grid[name.strip()] = _expand(name.strip(), text.strip())
    if not grid:
        raise ValueError("give at least one --grid")
    return grid


def combos(spec: SweepSpec) -> list[dict[str, str]]:
    names = list(spec.grid)
    return [
        {**spec.fixed, **dict(zip(names, values, strict=True))}
        for values in itertools.product(*(spec.grid[n] for n in names))
    ]


_CACHE: dict[tuple[Any, ...], DataSet] = {}


def _dataset(spec: SweepSpec) -> DataSet:
    key = (tuple(spec.data), spec.start, spec.end)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = load_dataset(spec.data, spec.start, spec.end)
    return _CACHE[key]


def run_job(spec: SweepSpec, job: Job) -> dict[str, Any]:
    """One backtest on bars [lo, hi); returns params + stats, or params + error (bad combination)."""
    params, lo, hi = job
    ds = _dataset(spec)
    part = DataSet([b.take(lo, hi) for b in ds.bars], ds.funding, ds.marks, ds.lending)
    try:
        res = run_backtest(
            spec.strategy,
            part,
            params,
            cash=spec.cash,
            fee=spec.fee,
            slippage_bps=spec.slippage_bps,
            gas_usd=spec.gas_usd,
        )
    except FrameworkError as e:
        return {"params": params, "lo": lo, "hi": hi, "error": str(e)}
    return {"params": params, "lo": lo, "hi": hi, "stats": res.stats}


@dataclass
class SweepOutcome:
    metric: str
    backend: str
    results: list[dict[str, Any]]
    folds: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0

    def ranked(self) -> list[dict[str, Any]]:
        def score(r: dict[str, Any]) -> float:
            v = r["stats"].get(self.metric)
            return float(v) if isinstance(v, int | float) else float("-inf")

        return sorted((r for r in self.results if "stats" in r), key=score, reverse=True)

    def _stat_keys(self) -> list[str]:
        return list(dict.fromkeys([self.metric, "return_pct", "max_drawdown_pct", "trades"]))

    def columns(self) -> list[str]:
        ranked = self.ranked()
        keys = list(ranked[0]["params"]) if ranked else []
        return [*keys, *self._stat_keys()]

    def rows(self, top: int) -> list[list[str]]:
        return [
            [*r["params"].values(), *(_cell(r["stats"].get(k)) for k in self._stat_keys())]
            for r in self.ranked()[:top]
        ]

    def to_json(self, top: int) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "backend": self.backend,
            "runs": len(self.results),
            "skipped": self.skipped,
            "top": [{"params": r["params"], "stats": r["stats"]} for r in self.ranked()[:top]],
            "walk_forward": self.folds,
        }


def _cell(v: Any) -> str:
    return f"{v:,.3f}" if isinstance(v, float) else str(v)


def _backend(address: str | None, note: Callable[[str], None], local: bool) -> Any:
    if local:
        return None
    try:
        import ray
    except ImportError:
        if address:
            raise ValueError("--address needs Ray: pip install 'defai[sweep]'") from None
        note("Ray is not installed (pip install 'defai\\[sweep]'); running on a local process pool instead")
        return None
    if not ray.is_initialized():
        ray.init(address=address, ignore_reinit_error=True, include_dashboard=False, log_to_driver=False)
    return ray


def _execute(
    spec: SweepSpec, jobs: list[Job], ray: Any, workers: int | None, progress: Callable[[int, int], None]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    total = len(jobs)
    progress(0, total)
    if ray is not None:
        remote = ray.remote(run_job)
        spec_ref = ray.put(spec)
        pending = [remote.remote(spec_ref, job) for job in jobs]
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            out.extend(ray.get(done))
            progress(len(out), total)
        return out
    n = workers or max(1, (os.cpu_count() or 1))
    if n == 1 or total == 1:
        for job in jobs:
            out.append(run_job(spec, job))
            progress(len(out), total)
        return out
    with ProcessPoolExecutor(max_workers=n) as pool:
        futures = [pool.submit(run_job, spec, job) for job in jobs]
        for f in as_completed(futures):
            out.append(f.result())
            progress(len(out), total)
    return out


def run_sweep(
    spec: SweepSpec,
    *,
    address: str | None = None,
    workers: int | None = None,
    local: bool = False,
    progress: Callable[[int, int], None] = lambda d, t: None,
    note: Callable[[str], None] = lambda m: None,
) -> SweepOutcome:
    """Run the grid (and the walk-forward folds); results ranked by `spec.metric`.

    Ray when installed (local, or the cluster at `address`), else - or with `local=True` - a process pool.
    """
    if spec.walk_forward < 0:
        raise ValueError("--walk-forward must be >= 0")
    n = len(_dataset(spec).bars[0])
    grid = combos(spec)
    ray = _backend(address, note, local)
    backend = "ray" if ray is not None else f"process pool ({workers or os.cpu_count() or 1} workers)"
    if not spec.walk_forward:
        results = _execute(spec, [(p, 0, n) for p in grid], ray, workers, progress)
        return _outcome(spec, backend, results)
    cuts = [round(n * i / (spec.walk_forward + 1)) for i in range(spec.walk_forward + 2)]
    if min(b - a for a, b in itertools.pairwise(cuts)) < 2:
        raise ValueError(f"--walk-forward {spec.walk_forward}: too many folds for {n} bars")
    jobs = [(p, cuts[i], cuts[i + 1]) for i in range(spec.walk_forward) for p in grid]
    results = _execute(spec, jobs, ray, workers, progress)
    folds: list[dict[str, Any]] = []
    best_jobs: list[Job] = []
    for i in range(spec.walk_forward):
        ranked = _outcome(spec, backend, [r for r in results if r["lo"] == cuts[i]]).ranked()
        if ranked:
            best_jobs.append((ranked[0]["params"], cuts[i + 1], cuts[i + 2]))
            folds.append(
                {
                    "fold": i + 1,
                    "in_sample": ranked[0]["stats"],
                    "params": ranked[0]["params"],
                    "lo": cuts[i + 1],
                }
            )
    oos = {r["lo"]: r for r in _execute(spec, best_jobs, ray, workers, progress)}
    for fold in folds:
        r = oos[fold.pop("lo")]
        fold["out_of_sample"] = r.get("stats", {"error": r.get("error")})
        fold["in_sample"] = {k: fold["in_sample"].get(k) for k in (spec.metric, "return_pct", "trades")}
    out = _outcome(spec, backend, [r for r in results if r["lo"] == cuts[spec.walk_forward - 1]])
    out.folds = folds
    return out


def _outcome(spec: SweepSpec, backend: str, results: list[dict[str, Any]]) -> SweepOutcome:
    skipped = sum(1 for r in results if "error" in r)
    return SweepOutcome(spec.metric, backend, results, skipped=skipped)
