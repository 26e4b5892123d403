"""Load OHLCV candles and side series (funding, mark, lending) from CSV, parquet or feather.

Accepts freqtrade-style `date,open,high,low,close,volume` files and common variants: epoch
timestamps in s/ms/us/ns, `time`/`timestamp`/`open_time`/`datetime` columns, an unnamed index
column, capitalised names, a banner line above the header. Everything comes back UTC, sorted,
de-duplicated, as plain numpy arrays (the replay loop never touches pandas per bar).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

TIME_COLUMNS = ("date", "time", "timestamp", "open_time", "datetime", "block_timestamp", "unnamed: 0", "")
VOLUME_ALIASES = ("volume", "vol", "volume_base", "volume_btc", "volumefrom", "base_volume")
NS_PER_S = 1_000_000_000


class DataError(ValueError):
    """A data file is missing, unreadable or malformed; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Bars:
    """OHLCV candles for one symbol. `times` are bar open times, int64 nanoseconds since epoch, UTC."""

    symbol: str
    times: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    source: str = ""

    def __len__(self) -> int:
        return len(self.times)

    def time_at(self, i: int) -> datetime:
        return datetime.fromtimestamp(int(self.times[i]) / NS_PER_S, tz=UTC)

    def window(self, start: datetime | None, end: datetime | None) -> Bars:
        """Bars whose open time is in [start, end)."""
        lo = 0 if start is None else int(np.searchsorted(self.times, _ns(start), "left"))
        hi = len(self) if end is None else int(np.searchsorted(self.times, _ns(end), "left"))
        return self.take(lo, hi)

    def take(self, lo: int, hi: int) -> Bars:
        """Bars [lo, hi) by position (views, no copy)."""
        return Bars(
            self.symbol,
            self.times[lo:hi],
            self.open[lo:hi],
            self.high[lo:hi],
            self.low[lo:hi],
            self.close[lo:hi],
            self.volume[lo:hi],
            self.source,
        )

    @property
    def interval_ns(self) -> int:
        """The most common spacing between bars (the timeframe)."""
        if len(self) < 2:
            return 0
        diffs = np.diff(self.times)
        values, counts = np.unique(diffs, return_counts=True)
        return int(values[np.argmax(counts)])

    @classmethod
    def from_frame(cls, symbol: str, df: pd.DataFrame) -> Bars:
        """From a frame with a UTC `date` column (bar open times) and open/high/low/close/volume."""
        times = df["date"].dt.as_unit("ns").astype("int64").to_numpy()
        return cls(symbol, times, *(df[c].to_numpy() for c in ("open", "high", "low", "close", "volume")))

    def to_frame(self) -> pd.DataFrame:
        idx = pd.to_datetime(self.times, utc=True)
        cols = {"open": self.open, "high": self.high, "low": self.low, "close": self.close}
        return pd.DataFrame({**cols, "volume": self.volume}, index=idx)


@dataclass(frozen=True, slots=True)
class TimeSeries:
    """A sparse series joined to bars by time (funding per interval, mark price, lending APY)."""

    name: str
    times: np.ndarray
    values: np.ndarray

    def asof(self, bar_times: np.ndarray) -> np.ndarray:
        """The latest value at or before each bar time (NaN before the first point)."""
        idx = np.searchsorted(self.times, bar_times, "right") - 1
        out = np.full(len(bar_times), np.nan)
        ok = idx >= 0
        out[ok] = self.values[idx[ok]]
        return out


def _ns(when: datetime) -> int:
    if when.tzinfo is None:
        raise DataError(f"time {when} must be timezone-aware (UTC)")
    return int(pd.Timestamp(when).tz_convert("UTC").value)


def parse_when(text: str) -> datetime:
    """`2024-01-01`, `2024-01-01T12:00`, or epoch seconds/ms -> UTC datetime (naive means UTC)."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{9,}", text):
            return pd.Timestamp(_epoch_to_ns(np.array([int(text)]))[0], tz="UTC").to_pydatetime()
        ts = pd.Timestamp(text)
    except (ValueError, OverflowError) as e:
        raise DataError(f"cannot read {text!r} as a date (use YYYY-MM-DD or ISO 8601)") from e
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.to_pydatetime()


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV / parquet / feather file into a DataFrame with lower-case, stripped column names."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"data file not found: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix in (".feather", ".arrow", ".ipc"):
            df = pd.read_feather(path)
        elif suffix in (".parquet", ".pq"):
            df = pd.read_parquet(path)
        elif suffix in CSV_SUFFIXES:
            df = pd.read_csv(path, skiprows=_banner_rows(path))
        else:
            raise DataError(f"{path}: unknown data format {suffix!r} (use .csv, .parquet or .feather)")
    except DataError:
        raise
    except Exception as e:
        raise _unreadable(path, e) from e
    if df.index.name and df.index.name.lower() in TIME_COLUMNS:
        df = df.reset_index()
    return _lower_columns(df)


CSV_SUFFIXES = (".csv", ".txt", ".gz")
CSV_CHUNK_ROWS = 250_000


def _banner_rows(path: Path) -> int:
    """1 when a banner line sits above the CSV header (the first line has no time column), else 0."""
    head = pd.read_csv(path, nrows=5)
    return 1 if not _time_column(head) and len(head.columns) < 3 else 0


def _unreadable(path: Path, e: Exception) -> DataError:
    return DataError(f"{path}: cannot read ({type(e).__name__}: {e})")


def _lower_columns(df: pd.DataFrame) -> pd.DataFrame:
    df.columns = [str(c).strip().lower() for c in df.columns]
    return df


def read_frames(path: Path) -> Iterator[pd.DataFrame]:
    """`read_table` in pieces for CSV (parsed whole, a big CSV holds every row's text at once)."""
    path = Path(path)
    if path.suffix.lower() not in CSV_SUFFIXES or not path.is_file():
        yield read_table(path)
        return
    try:  # a read error surfaces when a piece is parsed; the caller's own errors never pass through here
        for chunk in pd.read_csv(path, skiprows=_banner_rows(path), chunksize=CSV_CHUNK_ROWS):
            yield _lower_columns(chunk)
    except Exception as e:
        raise _unreadable(path, e) from e


def _time_column(df: pd.DataFrame) -> str | None:
    lower = {str(c).strip().lower(): c for c in df.columns}
    return next((lower[c] for c in TIME_COLUMNS if c in lower), None)


def _epoch_to_ns(values: np.ndarray) -> np.ndarray:
    v = values.astype(np.int64)
    top = int(np.abs(v).max()) if len(v) else 0
    if top >= 10**17:
        return v
    if top >= 10**14:
        return v * 1_000
    if top >= 10**11:
        return v * 1_000_000
    return v * NS_PER_S


def _times_ns(df: pd.DataFrame, source: str) -> np.ndarray:
    col = _time_column(df)
    if col is None:
        raise DataError(f"{source}: no time column (expected one of date, time, timestamp, open_time)")
    raw = df[col]
    if pd.api.types.is_datetime64_any_dtype(raw):
        ts = pd.to_datetime(raw, utc=True)
    elif pd.api.types.is_numeric_dtype(raw):
        return _epoch_to_ns(raw.to_numpy())
    else:
        try:
            ts = pd.to_datetime(raw, utc=True, format="mixed")
        except (ValueError, TypeError):
            try:
                ts = pd.to_datetime(raw, utc=True, format="%Y-%m-%d %I-%p")
            except (ValueError, TypeError) as e:
                raise DataError(f"{source}: cannot parse times in column {col!r}: {e}") from e
    return ts.dt.as_unit("ns").astype("int64").to_numpy()


def _candle_arrays(df: pd.DataFrame, source: str) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """(open times in ns, [open, high, low, close], volume) of one frame, unchecked."""
    for name in ("open", "high", "low", "close"):
        if name not in df.columns:
            raise DataError(f"{source}: missing column {name!r} (have {', '.join(df.columns)})")
    vol_col = next((c for c in VOLUME_ALIASES if c in df.columns), None)
    volume = np.nan_to_num(_column(df, vol_col)) if vol_col else np.zeros(len(df))
    return _times_ns(df, source), [_column(df, n) for n in ("open", "high", "low", "close")], volume


def _column(df: pd.DataFrame, name: str) -> np.ndarray:
    return np.ascontiguousarray(df[name].to_numpy(dtype=np.float64))


def _release_arrow_memory() -> None:
    """Hand the memory pyarrow kept from reading a file back to the system (its pool holds on to it)."""
    try:
        import pyarrow as pa
    except ImportError:
        return
    pa.default_memory_pool().release_unused()


def symbol_from_path(path: Path) -> str:
    """`BTC_USDT-1h.feather` -> `BTC`; `ETH-USD.csv` -> `ETH`; falls back to the file stem."""
    stem = Path(path).name.split(".")[0]
    token = re.split(r"[_\-/ ]", stem)[0]
    return (token or stem).upper()


def load_candles(
    path: Path,
    symbol: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Bars:
    """Read one candle file; `start`/`end` keep bars with open time in [start, end)."""
    source = str(path)
    # a piece at a time, one column at a time (a view of the frame's storage where pandas allows):
    # a 1M-bar file is ~50 MB of numbers, and every whole-table copy would add as much to the peak
    parts = [_candle_arrays(df, source) for df in read_frames(Path(path))]
    _release_arrow_memory()
    if not parts:
        raise DataError(f"{source}: no rows")
    if len(parts) == 1:
        times, cols, volume = parts[0]
    else:
        times = np.concatenate([p[0] for p in parts])
        cols = [np.concatenate([p[1][i] for p in parts]) for i in range(4)]
        volume = np.concatenate([p[2] for p in parts])
    del parts
    bad = np.zeros(len(times), dtype=bool)
    for col in cols:
        bad |= ~np.isfinite(col)
    if bad.any():
        first = int(np.argmax(bad))
        raise DataError(
            f"{source}: {int(bad.sum())} rows with missing/non-numeric prices (first row {first})"
        )
    if any((col <= 0).any() for col in cols):
        raise DataError(f"{source}: prices must be positive")
    if len(times) > 1 and not (times[1:] > times[:-1]).all():  # out of order or repeated: fix (copies)
        order = np.argsort(times, kind="stable")
        times, volume, cols = times[order], volume[order], [col[order] for col in cols]
        keep = np.ones(len(times), dtype=bool)
        keep[:-1] = times[1:] != times[:-1]  # on duplicate times keep the last row
        times, volume, cols = times[keep], volume[keep], [col[keep] for col in cols]
    bars = Bars(
        symbol=(symbol or symbol_from_path(Path(path))).upper(),
        times=np.ascontiguousarray(times),
        open=cols[0],
        high=cols[1],
        low=cols[2],
        close=cols[3],
        volume=volume,
        source=source,
    )
    bars = bars.window(start, end)
    if len(bars) == 0:
        raise DataError(f"{source}: no bars in the requested time range")
    return bars


def load_series(path: Path, name: str, column: str | None = None, round_to: str | None = None) -> TimeSeries:
    """Read a sparse series. Funding files keep the rate in `open`; `round_to='h'` removes ms jitter."""
    source = str(path)
    df = read_table(Path(path))
    times = _times_ns(df, source)
    candidates = (
        [column]
        if column
        else ["open", "rate", "funding_rate", "fundingrate", "value", "apy", "liquidity_rate", "close"]
    )
    col = next((c for c in candidates if c and c in df.columns), None)
    if col is None:
        raise DataError(f"{source}: no value column (tried {', '.join(c for c in candidates if c)})")
    values = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=np.float64)
    if round_to:
        times = pd.to_datetime(times, utc=True).round(round_to).as_unit("ns").asi8
    order = np.argsort(times, kind="stable")
    times, values = times[order], values[order]
    keep = np.isfinite(values)
    return TimeSeries(name, np.ascontiguousarray(times[keep]), np.ascontiguousarray(values[keep]))


def load_funding(path: Path) -> TimeSeries:
    """Funding rate per interval (freqtrade `*-funding_rate.feather`: rate in `open`), rounded to the hour."""
    return load_series(path, "funding", round_to="h")


def classify(path: Path) -> str:
    """Guess what a file holds from its name: candles, funding, mark or lending."""
    name = Path(path).name.lower()
    if "funding" in name:
        return "funding"
    if "mark" in name:
        return "mark"
    if "lending" in name or "aave" in name or "apy" in name:
        return "lending"
    return "candles"


def align(bars: list[Bars]) -> list[Bars]:
    """Put every symbol on the first one's timeline, from the latest common start.

    A bar missing from a secondary symbol becomes a flat bar at its previous close (volume 0), so all
    symbols tick together and nothing is read before it happened.
    """
    if len(bars) < 2:
        return bars
    start = max(int(b.times[0]) for b in bars)
    master = bars[0].take(int(np.searchsorted(bars[0].times, start, "left")), len(bars[0]))
    if len(master) == 0:
        raise DataError("the data files do not overlap in time")
    out = [master]
    for b in bars[1:]:
        if len(b) == len(master) and np.array_equal(b.times, master.times):
            out.append(b)
            continue
        idx = np.searchsorted(b.times, master.times, "right") - 1
        exact = b.times[idx] == master.times
        prev = b.close[idx]
        out.append(
            Bars(
                b.symbol,
                master.times,
                np.where(exact, b.open[idx], prev),
                np.where(exact, b.high[idx], prev),
                np.where(exact, b.low[idx], prev),
                b.close[idx].copy(),
                np.where(exact, b.volume[idx], 0.0),
                b.source,
            )
        )
    return out
