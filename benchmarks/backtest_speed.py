"""sma_cross on ~120k 5-minute BTC bars: this project vs backtesting.py, same process, same trades.

Prints bars/s for both, the ratio, trade counts and first differing trade (if any), and peak memory
(tracemalloc peak of Python allocations, plus the process's max RSS). `--million` also times a
1M-bar synthetic series for the memory target. Needs ../shared/data and the `backtesting` package.

    .venv/bin/python benchmarks/backtest_speed.py [--fast 20 --slow 50 --mode long_short] [--million]
        [--repeat 5] [--grid]

`--grid` first times several fast/slow pairs: backtesting.py pays per bar, this project per decision
that trades, so the ratio depends on how often the strategy trades.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "binance_2024_2026" / "spot" / "BTC_USDT-5m.feather"
sys.path.insert(0, str(ROOT))

from backtests import BacktestResult  # noqa: E402


def reference(
    df: pd.DataFrame, fast: int, slow: int, long_short: bool, fee: float
) -> tuple[float, pd.DataFrame, float]:
    from backtests.reference import backtesting_frame, backtesting_py_sma_cross

    bt = backtesting_frame(df)
    t = time.perf_counter()
    r = backtesting_py_sma_cross(bt, fast, slow, long_short, fee)
    dt = time.perf_counter() - t
    return dt, r["_trades"], float(r["Equity Final [$]"])


def ours(
    path: Path | pd.DataFrame, fast: int, slow: int, mode: str, fee: float
) -> tuple[float, BacktestResult]:
    from backtests import load_dataset, run_backtest
    from backtests.api import DataSet
    from backtests.data import Bars

    ds = DataSet([Bars.from_frame("BTC", path)]) if isinstance(path, pd.DataFrame) else load_dataset([path])
    t = time.perf_counter()
    res = run_backtest(
        "sma_cross", ds, {"fast": str(fast), "slow": str(slow), "mode": mode}, cash=10_000, fee=str(fee)
    )
    return time.perf_counter() - t, res


def synthetic(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    close = 30_000 * np.exp(np.cumsum(rng.normal(0, 0.002, n)))
    open_ = np.r_[close[0], close[:-1]]
    spread = np.abs(rng.normal(0, 0.001, n)) * close
    return pd.DataFrame(
        {
            "date": pd.date_range("2020-01-01", periods=n, freq="1min", tz="UTC"),
            "open": open_,
            "high": np.maximum(open_, close) + spread,
            "low": np.minimum(open_, close) - spread,
            "close": close,
            "volume": np.ones(n),
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fast", type=int, default=20)
    ap.add_argument("--slow", type=int, default=50)
    ap.add_argument("--mode", default="long_short", choices=["long_only", "long_short"])
    ap.add_argument("--fee", type=float, default=0.0005)
    ap.add_argument(
        "--repeat", type=int, default=1, help="time each engine N times (interleaved), report the best"
    )
    ap.add_argument("--million", action="store_true", help="also run 1M synthetic bars (memory target)")
    ap.add_argument(
        "--grid",
        action="store_true",
        help="also time several fast/slow pairs: the ratio depends on how often the strategy trades",
    )
    ap.add_argument("--million-child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.million_child:
        million(a)
        return
    if not DATA.exists():
        sys.exit(f"needs {DATA} (../shared/data)")
    df = pd.read_feather(DATA)
    n = len(df)
    if a.grid:
        grid(df, a)
    ref_dt, ref_trades, ref_eq, our_dt, res, same = best_of(df, a.fast, a.slow, a)
    tracemalloc.start()  # a second, untimed run measures memory (tracing slows Python down)
    ours(DATA, a.fast, a.slow, a.mode, a.fee)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"bars: {n:,}  sma_cross fast={a.fast} slow={a.slow} {a.mode} fee={a.fee}")
    print(
        f"backtesting.py : {n / ref_dt:>10,.0f} bars/s  ({ref_dt:.2f}s)  trades {len(ref_trades)}  "
        f"final equity {ref_eq:,.2f}"
    )
    print(
        f"defai          : {n / our_dt:>10,.0f} bars/s  ({our_dt:.2f}s)  trades {len(res.trades)}  "
        f"final equity {res.stats['final_equity']:,.2f}  node ticks {res.stats['ticks']}"
    )
    print(f"ratio (defai / backtesting.py bars/s): {ref_dt / our_dt:.2f}x   identical entry times: {same}")
    print(
        f"defai peak traced memory: {peak / 2**20:.0f} MB   process peak RSS (both engines, whole run): "
        f"{peak_rss_mb():.0f} MB"
    )
    if a.million:  # a fresh process, so max RSS is the 1M-bar run's own
        import subprocess

        cmd = [
            sys.executable,
            __file__,
            "--million-child",
            "--fast",
            str(a.fast),
            "--slow",
            str(a.slow),
            "--mode",
            a.mode,
            "--fee",
            str(a.fee),
        ]
        subprocess.run(cmd, check=True)


GRID = ((10, 30), (20, 50), (50, 200), (100, 400), (200, 800))


def best_of(
    df: pd.DataFrame, fast: int, slow: int, a: argparse.Namespace
) -> tuple[float, pd.DataFrame, float, float, BacktestResult, bool]:
    """Both engines `a.repeat` times, interleaved (a shared box is noisy: the best of N is each
    engine's own speed): backtesting.py's time, trades and final equity, this project's time and
    result, and whether the entry times are identical."""
    ref_dt, ref_trades, ref_eq = reference(df, fast, slow, a.mode == "long_short", a.fee)
    our_dt, res = ours(DATA, fast, slow, a.mode, a.fee)
    for _ in range(a.repeat - 1):
        ref_dt = min(ref_dt, reference(df, fast, slow, a.mode == "long_short", a.fee)[0])
        our_dt = min(our_dt, ours(DATA, fast, slow, a.mode, a.fee)[0])
    same = [t.entry_time.replace(tzinfo=None) for t in res.trades] == [
        t.to_pydatetime() for t in ref_trades["EntryTime"]
    ]
    return ref_dt, ref_trades, ref_eq, our_dt, res, same


def grid(df: pd.DataFrame, a: argparse.Namespace) -> None:
    """Where the time goes: backtesting.py pays per bar, this project per decision that trades."""
    n = len(df)
    print(
        f"{'fast/slow':>10} {'trades':>7} {'bars/trade':>10} {'bt.py bars/s':>13} {'defai bars/s':>13} "
        f"{'ratio':>6}  same trades"
    )
    for fast, slow in GRID:
        ref_dt, _, _, our_dt, res, same = best_of(df, fast, slow, a)
        trades = len(res.trades)
        print(
            f"{f'{fast}/{slow}':>10} {trades:>7} {n / max(trades, 1):>10.0f} {n / ref_dt:>13,.0f} "
            f"{n / our_dt:>13,.0f} {ref_dt / our_dt:>5.2f}x  {same}"
        )
    print()


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM; ru_maxrss would include the parent's peak after exec on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def million(a: argparse.Namespace) -> None:
    import backtests  # noqa: F401  (libraries loaded before measuring the baseline)

    base = peak_rss_mb()
    big = synthetic(1_000_000)
    dt, res = ours(big, a.fast, a.slow, a.mode, a.fee)
    rss = peak_rss_mb()
    print(
        f"1M synthetic 1m bars: {1_000_000 / dt:,.0f} bars/s ({dt:.1f}s), trades {len(res.trades)}, "
        f"max RSS {rss:.0f} MB (interpreter + libraries before loading: {base:.0f} MB)"
    )


if __name__ == "__main__":
    main()
