"""Candle and side-series loading: formats, column variants, time units, ordering, ranges, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backtests.data import DataError, load_candles, load_funding, parse_when, symbol_from_path

T0 = pd.Timestamp("2024-03-01", tz="UTC")


def _frame(n: int = 5) -> pd.DataFrame:
    dates = pd.date_range(T0, periods=n, freq="1h")
    close = 100.0 + np.arange(n)
    return pd.DataFrame(
        {
            "date": dates,
            "open": close - 0.5,
            "high": close + 1,
            "low": close - 1,
            "close": close,
            "volume": np.ones(n),
        }
    )


def _expect(bars_times: np.ndarray, n: int = 5) -> None:
    want = pd.date_range(T0, periods=n, freq="1h").as_unit("ns").asi8
    assert bars_times.tolist() == want.tolist()


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".feather"])
def test_freqtrade_layout_in_every_format(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"ETH_USDT-1h{suffix}"
    df = _frame()
    {
        ".csv": lambda: df.to_csv(path, index=False),
        ".parquet": lambda: df.to_parquet(path),
        ".feather": lambda: df.to_feather(path),
    }[suffix]()
    bars = load_candles(path)
    assert bars.symbol == "ETH"
    _expect(bars.times)
    assert bars.close.tolist() == [100.0, 101.0, 102.0, 103.0, 104.0]
    assert bars.interval_ns == 3600 * 10**9


@pytest.mark.parametrize(
    ("column", "scale"), [("timestamp", 1000), ("time", 1), ("open_time", 1000), ("timestamp", 10**9)]
)
def test_epoch_columns_in_any_unit(tmp_path: Path, column: str, scale: int) -> None:
    df = _frame()
    df[column] = [int(t.timestamp()) * scale for t in df.pop("date")]
    df.to_csv(tmp_path / "x.csv", index=False)
    _expect(load_candles(tmp_path / "x.csv", symbol="btc").times)


def test_capitalised_names_index_column_unsorted_and_duplicates(tmp_path: Path) -> None:
    df = _frame().rename(columns=str.capitalize).set_index("Date")
    df = pd.concat([df.iloc[[3, 0, 4, 1, 2]], df.iloc[[2]].assign(Close=999.0)])  # shuffled + a duplicate
    df.index = df.index.tz_localize(None)
    df.to_csv(tmp_path / "BTCUSD.csv")
    bars = load_candles(tmp_path / "BTCUSD.csv")
    _expect(bars.times)
    assert bars.close[2] == 999.0  # the last row for a duplicated time wins


def test_banner_line_and_twelve_hour_times(tmp_path: Path) -> None:
    path = tmp_path / "Coinbase_BTCUSD_1h.csv"
    path.write_text(
        "Timestamps are UTC timezone,https://example.com\n"
        "date,symbol,open,high,low,close,volume_btc\n"
        "2019-10-17 10-AM,BTCUSD,2,3,1,2.5,1\n2019-10-17 09-AM,BTCUSD,1,2,0.5,2,1\n"
    )
    bars = load_candles(path)
    assert bars.symbol == "COINBASE"
    assert bars.time_at(0) == datetime(2019, 10, 17, 9, tzinfo=UTC)
    assert bars.close.tolist() == [2.0, 2.5]


def test_from_to_window(tmp_path: Path) -> None:
    _frame(10).to_csv(tmp_path / "x.csv", index=False)
    bars = load_candles(
        tmp_path / "x.csv", start=parse_when("2024-03-01T02:00"), end=parse_when("2024-03-01T05:00")
    )
    assert [b.hour for b in (bars.time_at(i) for i in range(len(bars)))] == [2, 3, 4]
    with pytest.raises(DataError, match="no bars"):
        load_candles(tmp_path / "x.csv", start=parse_when("2030-01-01"))


def test_errors_name_the_file_and_problem(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        load_candles(tmp_path / "missing.csv")
    _frame().drop(columns="close").to_csv(tmp_path / "a.csv", index=False)
    with pytest.raises(DataError, match=r"a\.csv: missing column 'close'"):
        load_candles(tmp_path / "a.csv")
    df = _frame()
    df.loc[2, "close"] = None
    df.to_csv(tmp_path / "b.csv", index=False)
    with pytest.raises(DataError, match="1 rows with missing"):
        load_candles(tmp_path / "b.csv")
    (tmp_path / "c.xlsx").write_text("x")
    with pytest.raises(DataError, match="unknown data format"):
        load_candles(tmp_path / "c.xlsx")
    with pytest.raises(DataError, match="cannot read"):
        parse_when("next tuesday")


def test_funding_rate_in_open_with_ms_jitter(tmp_path: Path) -> None:
    times = pd.to_datetime([T0 + pd.Timedelta(hours=8 * i, milliseconds=7 * (i % 2)) for i in range(4)])
    pd.DataFrame(
        {
            "date": times,
            "open": [1e-4, -2e-4, 3e-4, 0.0],
            "high": 0.0,
            "low": 0.0,
            "close": 0.0,
            "volume": 0.0,
        }
    ).to_feather(tmp_path / "BTC_USDT_USDT-8h-funding_rate.feather")
    s = load_funding(tmp_path / "BTC_USDT_USDT-8h-funding_rate.feather")
    assert (s.times % (3600 * 10**9) == 0).all()
    assert s.values.tolist() == [1e-4, -2e-4, 3e-4, 0.0]
    at = s.asof(np.array([T0.value - 1, T0.value + 9 * 3600 * 10**9]))
    assert np.isnan(at[0]) and at[1] == -2e-4


def test_symbol_from_path() -> None:
    assert symbol_from_path(Path("BTC_USDT-1h.feather")) == "BTC"
    assert symbol_from_path(Path("eth-usd.csv")) == "ETH"


def test_a_csv_read_in_pieces_gives_the_same_bars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import backtests.data as data

    df = _frame(50)
    df.to_csv(tmp_path / "x.csv", index=False)
    df.to_feather(tmp_path / "x.feather")
    whole = load_candles(tmp_path / "x.feather")
    monkeypatch.setattr(data, "CSV_CHUNK_ROWS", 7)  # 8 pieces, the last one short
    pieces = load_candles(tmp_path / "x.csv")
    for name in ("times", "open", "high", "low", "close", "volume"):
        assert getattr(pieces, name).tolist() == getattr(whole, name).tolist(), name
    # across piece boundaries: shuffled rows, a duplicate (the last wins), a banner line, a bad row
    monkeypatch.setattr(data, "CSV_CHUNK_ROWS", 1)
    test_capitalised_names_index_column_unsorted_and_duplicates(tmp_path)
    test_banner_line_and_twelve_hour_times(tmp_path)
    monkeypatch.setattr(data, "CSV_CHUNK_ROWS", 7)
    df.loc[30, "close"] = None
    df.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(DataError, match=r"1 rows with missing/non-numeric prices \(first row 30\)"):
        load_candles(tmp_path / "bad.csv")
