"""strategies/rebalance.py: target weights, drift band, sells before buys, cash never overspent."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from connectors.domain import Holdings, MarketView, Swap
from connectors.errors import ConfigError
from strategies.base import get_strategy

VIEW = MarketView(at=datetime(2026, 1, 1, tzinfo=UTC), prices={"ETH": Decimal(2000), "BTC": Decimal(50000)})


def book(**balances: str) -> Holdings:
    return Holdings(balances={k: Decimal(v) for k, v in balances.items()})


def test_all_cash_buys_each_target_with_a_fee_buffer() -> None:
    strategy = get_strategy("rebalance", {"targets": "ETH:0.5,BTC:0.25"})
    assert strategy.symbols == ("BTC", "ETH")
    actions = strategy.decide(VIEW, book(USDC="10000"))
    assert all(isinstance(a, Swap) and a.sell == "USDC" for a in actions)
    spend = {a.buy: Decimal(a.amount) for a in actions if isinstance(a, Swap)}
    assert spend == {"BTC": Decimal("2500.00"), "ETH": Decimal("5000.00")}


def test_within_band_does_nothing_and_drift_sells_first() -> None:
    strategy = get_strategy("rebalance", {"targets": {"ETH": 0.5}, "band_bps": 200})
    assert strategy.decide(VIEW, book(ETH="2.55", USDC="4900")) == []  # 51% vs 50%: inside the band
    actions = strategy.decide(VIEW, book(ETH="4", USDC="2000"))  # 80% ETH
    assert len(actions) == 1
    sell = actions[0]
    assert isinstance(sell, Swap) and sell.sell == "ETH" and sell.buy == "USDC"
    assert Decimal(sell.amount) == Decimal("1.5")  # 3000 USD of ETH back to cash
    assert "80.0%" in sell.reason


def test_buys_are_scaled_to_the_cash_that_sells_provide() -> None:
    strategy = get_strategy("rebalance", {"targets": {"ETH": 0.2, "BTC": 0.8}, "fee_buffer_bps": 0})
    actions = strategy.decide(VIEW, book(ETH="5"))  # all ETH, no cash
    assert isinstance(actions[0], Swap) and actions[0].sell == "ETH"
    assert isinstance(actions[1], Swap) and actions[1].buy == "BTC"
    assert Decimal(actions[1].amount) <= Decimal(actions[0].amount) * 2000


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"targets": {"ETH": 0.7, "BTC": 0.5}}, "more than 1"),
        ({"targets": {"ETH": -0.1}}, "between 0 and 1"),
        ({"targets": {}}, "at least one"),
        ({"targets": "ETH=0.5"}, "look like"),
        ({"targets": {"ETH": 0.5, "USDC": 0.4}}, "exactly 1"),
        ({"targets": {"ETH": 0.5}, "surprise": 1}, "surprise"),
    ],
)
def test_bad_params_name_the_problem(params: dict[str, object], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        get_strategy("rebalance", params)
