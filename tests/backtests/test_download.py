"""The ccxt downloader against a real ccxt binance client whose HTTP `fetch` serves generated pages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import ccxt
import pandas as pd
import pytest
from typer.testing import CliRunner

from agent.cli.main import app
from backtests.data import load_candles, load_funding
from backtests.download import candle_path, download_candles, download_funding, funding_path

HOUR = 3_600_000
T0 = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp() * 1000)


def _market(symbol: str, mid: str, *, swap: bool) -> dict[str, Any]:
    base, quote = symbol.split("/")[0], symbol.split("/")[1].split(":")[0]
    return {
        "id": mid,
        "symbol": symbol,
        "base": base,
        "quote": quote,
        "settle": quote if swap else None,
        "baseId": base,
        "quoteId": quote,
        "settleId": quote if swap else None,
        "type": "swap" if swap else "spot",
        "spot": not swap,
        "margin": False,
        "swap": swap,
        "future": False,
        "option": False,
        "contract": swap,
        "linear": True if swap else None,
        "inverse": False if swap else None,
        "active": True,
        "precision": {"amount": 0.001, "price": 0.01},
        "limits": {},
        "info": {},
        "contractSize": 1 if swap else None,
        "subType": "linear" if swap else None,
    }


class FakeBinance(ccxt.binance):  # type: ignore[misc]
    """Real ccxt request building and parsing; the network is replaced by generated klines/funding."""

    def __init__(self, last_ms: int, fail_after: int | None = None) -> None:
        super().__init__({"enableRateLimit": False})
        self.last_ms = last_ms
        self.calls: list[str] = []
        self.fail_after = fail_after
        self.set_markets(
            [_market("BTC/USDT", "BTCUSDT", swap=False), _market("BTC/USDT:USDT", "BTCUSDT", swap=True)]
        )

    def fetch(self, url: str, method: str = "GET", headers: Any = None, body: Any = None) -> Any:
        self.calls.append(url)
        if self.fail_after is not None and len(self.calls) > self.fail_after:
            raise ccxt.ExchangeNotAvailable("simulated outage")
        q = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
        start, limit = int(q.get("startTime", T0)), int(q.get("limit", 500))
        if "fundingRate" in url:
            first = -(-start // (8 * HOUR)) * 8 * HOUR
            times = [t for t in range(first, self.last_ms, 8 * HOUR)][:limit]
            return [
                {"symbol": "BTCUSDT", "fundingTime": t + 3, "fundingRate": "0.0001", "markPrice": "1"}
                for t in times
            ]
        times = list(range(start, self.last_ms, HOUR))[:limit]
        return [
            [
                t,
                f"{100 + i % 7}",
                f"{101 + i % 7}",
                f"{99 + i % 7}",
                f"{100.5 + i % 7}",
                "12.5",
                t + HOUR - 1,
                "0",
                10,
                "0",
                "0",
                "0",
            ]
            for i, t in enumerate(times)
        ]


def test_paginates_caches_and_resumes(tmp_path: Path) -> None:
    end = T0 + 2500 * HOUR
    path = candle_path(tmp_path, "binance", "BTC/USDT", "1h")
    ex = FakeBinance(last_ms=T0 + 1200 * HOUR)
    got = download_candles(
        ex, "BTC/USDT", "1h", datetime(2024, 1, 1, tzinfo=UTC), datetime.fromtimestamp(end / 1000, UTC), path
    )
    assert got.rows == 1200 and len(ex.calls) >= 2  # more than one page
    assert "klines" in ex.calls[0]
    ex2 = FakeBinance(last_ms=end)
    got2 = download_candles(
        ex2, "BTC/USDT", "1h", datetime(2024, 1, 1, tzinfo=UTC), datetime.fromtimestamp(end / 1000, UTC), path
    )
    assert got2.rows == 2500
    first_start = int(parse_qs(urlparse(ex2.calls[0]).query)["startTime"][0])
    assert first_start == T0 + 1200 * HOUR  # resumed after the cached bar, not from the start
    bars = load_candles(path)
    assert len(bars) == 2500 and (bars.times[1:] - bars.times[:-1] == HOUR * 1_000_000).all()


def test_outage_raises_clear_error_and_keeps_flushed_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backtests import download

    monkeypatch.setattr(download.time, "sleep", lambda s: None)
    monkeypatch.setattr(download, "FLUSH_EVERY", 1)
    path = candle_path(tmp_path, "binance", "BTC/USDT", "1h")
    ex = FakeBinance(last_ms=T0 + 5000 * HOUR, fail_after=2)
    with pytest.raises(download.DataError, match="unreachable"):
        download_candles(ex, "BTC/USDT", "1h", datetime(2024, 1, 1, tzinfo=UTC), None, path)
    assert len(pd.read_parquet(path)) == 2000  # two full pages were flushed before the outage


def test_funding_history_rounds_to_the_hour(tmp_path: Path) -> None:
    ex = FakeBinance(last_ms=T0 + 30 * 24 * HOUR)
    path = funding_path(tmp_path, "binance", "BTC/USDT:USDT")
    got = download_funding(
        ex,
        "BTC/USDT:USDT",
        datetime(2024, 1, 1, tzinfo=UTC),
        datetime.fromtimestamp((T0 + 30 * 24 * HOUR) / 1000, UTC),
        path,
    )
    assert got.rows == 90
    series = load_funding(path)
    assert (series.times % (3600 * 10**9) == 0).all()  # the 3 ms jitter is gone
    assert series.values[0] == pytest.approx(0.0001)


def test_unknown_market_is_a_clear_error(tmp_path: Path) -> None:
    from backtests.data import DataError

    with pytest.raises(DataError, match="no market 'DOGE/EUR'"):
        download_candles(
            FakeBinance(T0), "DOGE/EUR", "1h", datetime(2024, 1, 1, tzinfo=UTC), None, tmp_path / "x.parquet"
        )


def test_data_list_shows_the_cache(tmp_path: Path) -> None:
    path = candle_path(tmp_path, "binance", "BTC/USDT", "1h")
    download_candles(
        FakeBinance(T0 + 48 * HOUR),
        "BTC/USDT",
        "1h",
        datetime(2024, 1, 1, tzinfo=UTC),
        datetime(2024, 1, 3, tzinfo=UTC),
        path,
    )
    out = CliRunner().invoke(app, ["data", "list", "--data-dir", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert "BTC_USDT-1h.parquet" in out.output and "48" in out.output
    empty = CliRunner().invoke(app, ["data", "list", "--data-dir", str(tmp_path / "none")])
    assert "no cached data" in empty.output
