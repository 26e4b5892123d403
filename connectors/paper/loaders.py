"""Fill a `PriceFeed` from pandas frames or freqtrade-style feather files (pandas only at load time)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from connectors.paper.feed import PriceFeed


def add_candles_frame(feed: PriceFeed, symbol: str, df: Any, *, interval: timedelta | None = None) -> int:
    """Columns date (UTC, bar open), open, high, low, close[, volume]; returns the number of bars."""
    dates = df["date"]
    vols = df["volume"].tolist() if "volume" in df else [0.0] * len(df)
    times = [t.timestamp() for t in dates]
    rows = zip(
        times,
        df["open"].tolist(),
        df["high"].tolist(),
        df["low"].tolist(),
        df["close"].tolist(),
        vols,
        strict=True,
    )
    feed.add_candles(symbol, rows, interval=interval)
    return len(times)


def add_funding_frame(
    feed: PriceFeed, symbol: str, df: Any, *, column: str = "open", round_to: str = "h"
) -> int:
    """Funding settlements: `date` rounded to `round_to` (exchange stamps jitter by milliseconds), the
    rate per funding interval in `column` (freqtrade stores it in `open`)."""
    dates = df["date"].dt.round(round_to)
    feed.add_funding(symbol, zip((t.timestamp() for t in dates), df[column].tolist(), strict=True))
    return len(df)


def add_mark_frame(feed: PriceFeed, symbol: str, df: Any, *, interval: timedelta) -> int:
    """Mark candles: each bar's close becomes a mark point at the bar's end (`date + interval`)."""
    step = interval.total_seconds()
    feed.add_marks(symbol, zip((t.timestamp() + step for t in df["date"]), df["close"].tolist(), strict=True))
    return len(df)


def load_freqtrade_futures(
    feed: PriceFeed,
    folder: str | Path,
    pair: str,
    symbol: str,
    *,
    timeframe: str = "1h",
    start: Any = None,
    end: Any = None,
) -> dict[str, int]:
    """Load `{pair}-{timeframe}-futures`, `-mark` and any `{pair}-*-funding_rate` feather files from
    `folder` into `feed` under `symbol`, optionally cut to `start <= date < end`. Returns row counts."""
    import pandas as pd

    folder = Path(folder)
    interval = pd.Timedelta(timeframe).to_pytimedelta()

    def read(path: Path) -> Any:
        df = pd.read_feather(path)
        df["date"] = pd.to_datetime(df["date"], utc=True)
        if start is not None:
            df = df[df["date"] >= pd.Timestamp(start)]
        if end is not None:
            df = df[df["date"] < pd.Timestamp(end)]
        return df.sort_values("date").reset_index(drop=True)

    counts = {
        "candles": add_candles_frame(
            feed, symbol, read(folder / f"{pair}-{timeframe}-futures.feather"), interval=interval
        )
    }
    mark = folder / f"{pair}-{timeframe}-mark.feather"
    if mark.exists():
        counts["marks"] = add_mark_frame(feed, symbol, read(mark), interval=interval)
    for funding in sorted(folder.glob(f"{pair}-*-funding_rate.feather"))[:1]:
        counts["funding"] = add_funding_frame(feed, symbol, read(funding))
    return counts
