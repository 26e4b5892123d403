"""The sma_cross strategy on hand-made views, and its wake mask as a superset of its signals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import numpy as np

from connectors.domain import ClosePosition, Holdings, MarketView, OpenPosition, Position, Side, Swap
from strategies.base import get_strategy

AT = datetime(2024, 1, 1, tzinfo=UTC)
UP = (10.0, 10.0, 10.0, 10.0, 9.0, 12.0)  # fast(2) crosses above slow(4) on the last close
DOWN = (10.0, 10.0, 10.0, 10.0, 11.0, 8.0)


def _view(closes: tuple[float, ...]) -> MarketView:
    return MarketView(at=AT, prices={"BTC": Decimal("12")}, closes={"BTC": closes})


def test_long_only_buys_on_cross_up_and_sells_on_cross_down() -> None:
    s = get_strategy("sma_cross", {"fast": "2", "slow": "4"})
    cash = Holdings(balances={"USDC": Decimal(1000)})
    long = Holdings(balances={"BTC": Decimal(1)})
    [buy] = s.decide(_view(UP), cash)
    assert isinstance(buy, Swap) and (buy.sell, buy.buy, buy.amount) == ("USDC", "BTC", "all")
    assert "crossed above" in buy.reason
    assert s.decide(_view(UP), long) == []
    [sell] = s.decide(_view(DOWN), long)
    assert isinstance(sell, Swap) and (sell.sell, sell.buy) == ("BTC", "USDC")
    assert s.decide(_view(DOWN), cash) == [] and s.decide(_view(UP[:-1]), cash) == []


def test_long_short_reverses_with_all_equity_less_fees() -> None:
    s = get_strategy("sma_cross", {"fast": "2", "slow": "4", "mode": "long_short", "size_buffer": "0.001"})
    short = Position(
        market="BTC-PERP", side=Side.SHORT, size=Decimal(100), entry_price=Decimal(10), margin=Decimal(1000)
    )
    book = Holdings(positions=(short,), equity_usd=Decimal(800))
    [open_] = s.decide(_view(UP), book)  # one reversing order closes the short and opens the long
    assert isinstance(open_, OpenPosition) and open_.side is Side.LONG and open_.market == "BTC-PERP"
    assert open_.reverse
    exit_fee = Decimal(100) * Decimal(12) * Decimal("0.001")
    assert open_.size == ((Decimal(800) - exit_fee) * Decimal("0.999")).quantize(Decimal("0.00000001"))
    flat = Holdings(balances={"USDC": Decimal(500)}, equity_usd=Decimal(500))
    [only] = s.decide(_view(DOWN), flat)
    assert isinstance(only, OpenPosition) and only.side is Side.SHORT and only.size == Decimal("499.5")
    assert not only.reverse  # nothing held: a plain open


def test_long_short_closes_when_nothing_is_left_to_open() -> None:
    s = get_strategy("sma_cross", {"fast": "2", "slow": "4", "mode": "long_short"})
    short = Position(
        market="BTC-PERP", side=Side.SHORT, size=Decimal(100), entry_price=Decimal(10), margin=Decimal(1)
    )
    [close] = s.decide(_view(UP), Holdings(positions=(short,), equity_usd=Decimal(0)))
    assert isinstance(close, ClosePosition) and close.side is Side.SHORT


def test_wake_mask_covers_every_signal() -> None:
    rng = np.random.default_rng(5)
    closes = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 3000)))
    s = get_strategy("sma_cross", {"fast": "7", "slow": "30"})
    mask = s.wake_mask(closes)  # type: ignore[attr-defined]
    signals = [i for i in range(len(closes)) if s.cross(tuple(closes[: i + 1]))]  # type: ignore[attr-defined]
    assert len(signals) > 20
    assert all(mask[i] for i in signals)
    assert mask.sum() < len(closes) / 5  # and it does skip most bars
