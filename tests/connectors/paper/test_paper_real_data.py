"""Funding and marks on real Binance BTC perp data (January 2025); skipped without ../shared/data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.domain import OpenPosition, Side
from connectors.paper import PaperVenue, PriceFeed
from connectors.paper.loaders import load_freqtrade_futures
from connectors.protocol import SimClock

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "binance_2024_2026" / "futures"
pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(not DATA.exists(), reason="needs ../shared/data (real Binance perp data)"),
]
T0 = datetime(2025, 1, 1, tzinfo=UTC)
T1 = datetime(2025, 1, 31, tzinfo=UTC)


def test_funding_paid_matches_the_exchange_series() -> None:
    import pandas as pd

    clock = SimClock(T0)
    feed = PriceFeed(clock)
    counts = load_freqtrade_futures(
        feed, DATA, "BTC_USDT_USDT", "BTC", start=T0 - timedelta(days=1), end=datetime(2025, 2, 2, tzinfo=UTC)
    )
    assert counts["candles"] > 700 and counts["funding"] > 90 and counts["marks"] > 700
    venue = PaperVenue.with_defaults(clock, feed, cash={"USDC": Decimal(100_000)})
    fill = venue.execute_sync(
        OpenPosition(market="BTC", side=Side.LONG, size=Decimal(1), leverage=Decimal(2)), client_id="L"
    )
    candles = pd.read_feather(DATA / "BTC_USDT_USDT-1h-futures.feather")
    first_open = candles.loc[candles["date"] == pd.Timestamp(T0), "open"].item()
    assert fill.price == Decimal(repr(first_open))  # at 00:00 the 00:00 bar has opened: its open
    t = T0
    while t < T1:
        t += timedelta(hours=1)
        clock.set(t)
        venue.advance()
    # independent reckoning: each settlement in (T0, T1] pays 1 BTC x mark x rate, where the mark is the
    # close of the 1h mark candle ending at the settlement
    marks = pd.read_feather(DATA / "BTC_USDT_USDT-1h-mark.feather")
    mark_at = dict(zip(marks["date"] + pd.Timedelta(hours=1), marks["close"], strict=True))
    funding = pd.read_feather(DATA / "BTC_USDT_USDT-1h-funding_rate.feather")
    funding["date"] = funding["date"].dt.round("h")
    due = funding[(funding["date"] > pd.Timestamp(T0)) & (funding["date"] <= pd.Timestamp(T1))]
    expected = sum(
        (Decimal(repr(mark_at[d])) * Decimal(repr(r)) for d, r in zip(due["date"], due["open"], strict=True)),
        Decimal(0),
    )
    pos = venue.holdings().position("BTC")
    assert pos is not None and len(due) == 90
    assert pos.funding_paid == expected
    assert pos.margin == fill.amount_in - expected
    end_mark = Decimal(repr(mark_at[pd.Timestamp(T1)]))
    assert pos.mark_price == end_mark and pos.unrealized_pnl == end_mark - fill.price
