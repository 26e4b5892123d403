"""Planner: intents resolved against holdings and prices into connector actions, or blocked with reasons."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from agent.intents import parse
from agent.intents.plan_models import YieldOption
from agent.intents.planner import dca_schedule, plan, to_actions
from agent.intents.yield_plan import carry_option, funding_carry_apr
from connectors.domain import (
    ClosePosition,
    Holdings,
    MarketView,
    OpenPosition,
    Position,
    Repay,
    Side,
    Supply,
    Swap,
    Transfer,
    Wrap,
    utc_now,
)
from connectors.errors import IntentError

PRICES = {"ETH": D(3000), "WETH": D(3000), "BTC": D(60000), "WBTC": D(60000), "USDC": D(1), "DAI": D(1)}
BOOK = Holdings(
    balances={"ETH": D(5), "USDC": D(10_000), "WETH": D(2)},
    supplied={"DAI": D(800)},
    borrowed={"USDC": D(500)},
    positions=(Position(market="ETH", side=Side.SHORT, size=D(3), entry_price=D(3100)),),
)
BTC_OPTIONS = (
    YieldOption(name="aave WBTC supply", kind="lending", asset="BTC", apy=D("0.001"), venue="aave"),
    YieldOption(
        name="BTC carry", kind="funding_carry", asset="BTC", apy=D("0.041"), risk="medium", venue="hl"
    ),
)


def _plan(text: str, **kw: object):  # type: ignore[no-untyped-def]
    return plan(parse(text), BOOK, PRICES, **kw)  # type: ignore[arg-type]


def test_percentage_resolves_against_the_balance() -> None:
    p = _plan("swap half my ETH for USDC")
    assert p.executable
    assert p.actions == (Swap(sell="ETH", buy="USDC", amount=D("2.5"), reason="intent"),)


def test_all_resolves_to_the_whole_balance() -> None:
    (action,) = _plan("wrap all my ETH").actions
    assert isinstance(action, Wrap) and action.amount == D(5)


def test_more_than_held_blocks_the_plan() -> None:
    p = _plan("send 20 ETH to 0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045")
    assert not p.executable and "not enough" in p.warnings[0]


def test_transfer_keeps_the_checksummed_recipient() -> None:
    (action,) = _plan("send 100 USDC to 0xd8da6bf26964af9d7eed9e03e53415d37aa96045").actions
    assert isinstance(action, Transfer) and action.to == "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045"


def test_dollars_convert_to_tokens_with_the_given_price() -> None:
    (action,) = _plan("buy $600 of BTC with ETH").actions
    assert isinstance(action, Swap)
    assert (action.amount_in, action.amount) == ("buy", D("0.01"))


def test_dollars_without_a_price_block_the_plan() -> None:
    p = plan(parse("buy $600 of BTC with ETH"), BOOK, {"ETH": D(3000)})
    assert not p.executable and "no price for BTC" in p.warnings[0]


def test_percentage_of_an_asset_not_held_blocks_the_plan() -> None:
    p = _plan("swap 25% of my DAI to USDC")
    assert not p.actions and "no DAI balance" in p.warnings[0]


def test_withdraw_all_uses_the_supplied_amount() -> None:
    (action,) = _plan("withdraw all my DAI from aave").actions
    assert action == action.model_copy(update={"amount": D(800)})


def test_repay_all_stays_all_so_accrued_interest_is_covered() -> None:
    (action,) = _plan("repay all my USDC debt").actions
    assert isinstance(action, Repay) and action.amount == "all"


def test_close_matches_the_open_position() -> None:
    p = _plan("cut my ETH short by a third")
    (action,) = p.actions
    assert isinstance(action, ClosePosition) and action.side is Side.SHORT
    assert abs(action.fraction - D(1) / 3) < D("1e-9")


def test_closing_a_position_that_is_not_open_blocks() -> None:
    assert "no open BTC position" in _plan("close my BTC long").warnings[0]
    assert "is a short, not a long" in _plan("close my ETH long").warnings[0]


def test_long_with_percentage_stop_sets_leverage_order_stop_and_liquidation() -> None:
    p = _plan("long BTC 3x with $1000, stop 5%")
    assert [s.kind for s in p.steps] == ["set_leverage", "order", "stop_order", "info"]
    (action,) = p.actions
    assert isinstance(action, OpenPosition)
    assert action.leverage == 3 and action.stop_loss == D(57000)
    assert p.liquidation_price == D("60000") * (1 - D(1) / 3 + D("0.005"))
    assert p.executable


def test_short_liquidation_and_target_are_above_and_below_entry() -> None:
    p = _plan("short ETH 5x with $2,000, stop 4%, tp 10%")
    (action,) = p.actions
    assert isinstance(action, OpenPosition)
    assert action.stop_loss == D(3120) and action.take_profit == D(2700)
    assert p.liquidation_price == D(3000) * (1 + D("0.2") - D("0.005"))


def test_stop_past_liquidation_blocks_the_plan() -> None:
    p = _plan("long BTC 20x with $1000, stop 6%")
    assert not p.executable and "never trigger" in p.warnings[0]


def test_stop_on_the_wrong_side_of_entry_blocks_the_plan() -> None:
    p = _plan("long 1 ETH 2x, stop 3,500")
    assert not p.executable and "not below the entry" in p.warnings[0]


def test_dca_becomes_a_schedule_not_an_immediate_action() -> None:
    p = _plan("buy 25 USDC of ETH every week, 10 times")
    assert p.actions == () and p.schedule is not None
    assert (p.schedule.interval_seconds, p.schedule.count, p.schedule.total) == (604800, 10, D(250))
    assert p.schedule.per_order.sell == "USDC" and p.schedule.per_order.amount == D(25)


def test_dca_schedule_from_intent_directly() -> None:
    intent = parse("each day for two weeks buy $50 of ETH")
    assert intent.kind == "dca"
    sched = dca_schedule(intent)  # type: ignore[arg-type]
    assert (sched.interval, sched.interval_seconds, sched.count) == ("1d", 86400, 14)


def test_unreachable_income_goal_says_so_and_lists_what_the_principal_earns() -> None:
    p = _plan("earn $1000 a month with 1 BTC", options=BTC_OPTIONS)
    report = p.yield_report
    assert report is not None and not report.feasible and p.actions == ()
    assert report.required_apy == D("0.2")
    assert report.answer.startswith("needs 20.0% APY")
    assert "best available 4.1%: not reachable without leverage" in report.answer
    assert [r.option.name for r in report.options] == ["BTC carry", "aave WBTC supply"]
    assert report.options[0].income_per_period == D(205)


def test_reachable_goal_picks_the_lowest_risk_option_that_meets_it() -> None:
    options = (
        *BTC_OPTIONS,
        YieldOption(name="vault", kind="vault", asset="BTC", apy=D("0.03"), venue="morpho"),
    )
    p = _plan("earn $100 a month with 1 BTC", options=options)
    assert p.yield_report is not None and p.yield_report.feasible
    (action,) = p.actions
    assert isinstance(action, Supply) and action.protocol == "morpho"


def test_funding_carry_apr_annualises_the_mean_rate() -> None:
    assert funding_carry_apr([D("0.0001"), D("0.0003")]) == D("0.0002") * 3 * 365
    option = carry_option("ETH", [D("0.0001")] * 10, "hyperliquid", interval_hours=D(1))
    assert option.apy == D("0.0001") * 24 * 365 and option.kind == "funding_carry"
    with pytest.raises(ValueError, match="empty"):
        funding_carry_apr([])


def test_clarify_plans_to_a_question_only() -> None:
    p = _plan("swap ETH")
    assert p.question and not p.actions and not p.executable


def test_to_actions_raises_intent_error_instead_of_guessing() -> None:
    view = MarketView(at=utc_now(), prices=PRICES)
    assert list(to_actions(parse("swap 1 WETH for DAI"), BOOK, view)) == [
        Swap(sell="WETH", buy="DAI", amount=D(1), reason="intent")
    ]
    with pytest.raises(IntentError, match="How much"):
        to_actions(parse("swap ETH to USDC"), BOOK, view)
    with pytest.raises(IntentError, match="no immediate action"):
        to_actions(parse("rebalance my portfolio"), BOOK, view)


def test_plan_json_carries_the_contract_intent() -> None:
    data = _plan("swap 1 WETH for DAI").to_json()
    assert data["intent"] == {"kind": "swap", "sell": "WETH", "buy": "DAI", "amount": 1, "amount_in": "sell"}
    assert data["executable"] is True and data["actions"][0]["amount"] == "1"
