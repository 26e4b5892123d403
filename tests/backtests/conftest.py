"""Synthetic candles for replay tests (real data tests live in test_parity.py and skip without it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def random_walk(n: int, seed: int = 1, start: str = "2024-01-01", freq: str = "1h") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    open_ = np.r_[100.0, close[:-1]] * (1 + rng.normal(0, 0.001, n))
    wick = np.abs(rng.normal(0, 0.004, n)) * close
    return pd.DataFrame(
        {
            "date": pd.date_range(start, periods=n, freq=freq, tz="UTC"),
            "open": open_,
            "high": np.maximum(open_, close) + wick,
            "low": np.minimum(open_, close) - wick,
            "close": close,
            "volume": np.full(n, 10.0),
        }
    )


@pytest.fixture
def walk_csv(tmp_path: Path) -> Path:
    path = tmp_path / "BTC_USDT-1h.csv"
    random_walk(400).to_csv(path, index=False)
    return path
