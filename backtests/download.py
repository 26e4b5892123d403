"""Download candles (and perp funding history) with ccxt into a parquet cache, resumably.

Files live under `<data_dir>/candles/<exchange>/` named freqtrade-style: `BTC_USDT-1h.parquet`
for spot, `BTC_USDT_USDT-1h-futures.parquet` and `BTC_USDT_USDT-8h-funding_rate.parquet` for perps.
A rerun continues after the last cached bar; progress is flushed every few pages, so an interrupted
download loses at most those pages.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from backtests.data import DataError

FLUSH_EVERY = 10
COLUMNS = ["date", "open", "high", "low", "close", "volume"]


@dataclass(frozen=True)
class CacheFile:
    path: Path
    rows: int
    first: datetime | None
    last: datetime | None


def cache_dir(data_dir: Path, exchange: str) -> Path:
    return Path(data_dir) / "candles" / exchange.lower()


def file_stem(pair: str) -> str:
    """`BTC/USDT` -> `BTC_USDT`; `BTC/USDT:USDT` -> `BTC_USDT_USDT`."""
    return pair.upper().replace("/", "_").replace(":", "_")


def candle_path(data_dir: Path, exchange: str, pair: str, timeframe: str) -> Path:
    suffix = "-futures" if ":" in pair else ""
    return cache_dir(data_dir, exchange) / f"{file_stem(pair)}-{timeframe}{suffix}.parquet"


def funding_path(data_dir: Path, exchange: str, pair: str) -> Path:
    return cache_dir(data_dir, exchange) / f"{file_stem(pair)}-8h-funding_rate.parquet"


def make_exchange(exchange_id: str, perp: bool) -> Any:
    import ccxt

    cls = getattr(ccxt, exchange_id.lower(), None)
    if cls is None:
        raise DataError(f"unknown exchange {exchange_id!r} (any ccxt id, e.g. binance, bybit, okx)")
    options = {"defaultType": "swap"} if perp else {}
    return cls({"enableRateLimit": True, "options": options})


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS)
    return pd.read_parquet(path)


def _write(path: Path, df: pd.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    df.to_parquet(tmp, index=False)
    tmp.replace(path)


def _frame(rows: list[list[Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["date"] = pd.to_datetime(df["date"], unit="ms", utc=True)
    return df.astype({c: "float64" for c in COLUMNS[1:]})


def _merge(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    if old.empty:
        return new.reset_index(drop=True)
    both = pd.concat([old, new], ignore_index=True)
    return both.drop_duplicates("date", keep="last").sort_values("date").reset_index(drop=True)


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def _call(fn: Callable[..., Any], *args: Any, retries: int = 5, **kwargs: Any) -> Any:
    """Retry ccxt's transient errors with backoff; anything else is a clear DataError."""
    import ccxt

    for attempt in range(retries):
        try:
            return fn(*args, **kwargs)
        except (ccxt.NetworkError, ccxt.RateLimitExceeded) as e:
            if attempt == retries - 1:
                raise DataError(f"exchange unreachable after {retries} tries: {e}") from e
            time.sleep(min(2**attempt, 30))
        except ccxt.BaseError as e:
            raise DataError(f"exchange refused the request: {e}") from e
    raise AssertionError("unreachable")


def download_candles(
    exchange: Any,
    pair: str,
    timeframe: str,
    since: datetime,
    until: datetime | None,
    path: Path,
    *,
    page: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> CacheFile:
    """Fetch `pair` candles from `since` (or after the cached last bar) to `until` (default: now)."""
    if not exchange.markets:
        _call(exchange.load_markets)
    if pair not in exchange.markets:
        raise DataError(f"{exchange.id} has no market {pair!r}")
    step = exchange.parse_timeframe(timeframe) * 1000
    df = _read(path)
    start = _ms(since)
    if not df.empty:
        start = max(start, int(pd.Timestamp(df["date"].iloc[-1]).value // 1_000_000) + step)
    end = _ms(until or datetime.now(UTC))
    buffer: list[list[Any]] = []
    pages = 0
    while start < end:
        rows = _call(exchange.fetch_ohlcv, pair, timeframe, start, page)
        rows = [r for r in rows if start <= r[0] < end]
        if not rows:
            break
        buffer.extend(rows)
        start = int(rows[-1][0]) + step
        pages += 1
        if progress is not None:
            progress(len(buffer))
        if pages % FLUSH_EVERY == 0:
            df = _merge(df, _frame(buffer))
            _write(path, df)
            buffer = []
    if buffer:
        df = _merge(df, _frame(buffer))
    if not df.empty:
        _write(path, df)
    return describe(path)


def download_funding(
    exchange: Any, pair: str, since: datetime, until: datetime | None, path: Path, *, page: int = 1000
) -> CacheFile:
    """Funding-rate history of a perp (rate per interval in `open`, like freqtrade's files)."""
    if not exchange.has.get("fetchFundingRateHistory"):
        raise DataError(f"{exchange.id} does not offer funding-rate history through ccxt")
    df = _read(path)
    start = _ms(since)
    if not df.empty:
        start = max(start, int(pd.Timestamp(df["date"].iloc[-1]).value // 1_000_000) + 1)
    end = _ms(until or datetime.now(UTC))
    rows: list[list[Any]] = []
    while start < end:
        got = _call(exchange.fetch_funding_rate_history, pair, start, page)
        got = [g for g in got if start <= g["timestamp"] < end]
        if not got:
            break
        rows.extend([g["timestamp"], g["fundingRate"], 0.0, 0.0, 0.0, 0.0] for g in got)
        start = int(got[-1]["timestamp"]) + 1
    if rows:
        df = _merge(df, _frame(rows))
        _write(path, df)
    return describe(path)


def describe(path: Path) -> CacheFile:
    if not path.exists():
        return CacheFile(path, 0, None, None)
    df = pd.read_parquet(path, columns=["date"])
    if df.empty:
        return CacheFile(path, 0, None, None)
    dates = pd.to_datetime(df["date"], utc=True)
    return CacheFile(path, len(df), dates.min().to_pydatetime(), dates.max().to_pydatetime())


def list_cache(data_dir: Path) -> list[CacheFile]:
    root = Path(data_dir) / "candles"
    if not root.is_dir():
        return []
    return [describe(p) for p in sorted(root.rglob("*.parquet"))]
