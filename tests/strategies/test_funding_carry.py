from datetime import UTC, datetime
from decimal import Decimal

from connectors.domain import ClosePosition, Holdings, MarketView, OpenPosition, Position, Side, Swap
from strategies.base import get_strategy

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def view(rate: str) -> MarketView:
    return MarketView(at=NOW, prices={"BTC": Decimal(50_000)}, funding_rates={"BTC": Decimal(rate)})


def test_enters_both_legs_when_funding_pays_enough():
    s = get_strategy("funding_carry", {"notional_usd": "1000", "min_apr": "0.10"})
    actions = s.decide(view("0.0001"), Holdings())  # 0.0001 * 1095 = 10.95% APR
    assert [type(a) for a in actions] == [Swap, OpenPosition]
    assert actions[0].amount == Decimal("0.02") and actions[1].size == Decimal("0.02")
    assert actions[1].side is Side.SHORT


def test_stays_out_below_threshold_and_exits_on_negative_funding():
    s = get_strategy("funding_carry", {})
    assert s.decide(view("0.00005"), Holdings()) == []  # 5.5% APR
    short = Position(market="BTC", side=Side.SHORT, size=Decimal("0.02"), entry_price=Decimal(50_000))
    out = s.decide(view("-0.0001"), Holdings(positions=(short,)))
    assert isinstance(out[0], ClosePosition) and out[1].sell == "BTC"
