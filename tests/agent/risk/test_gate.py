"""Each risk rule, on its own, with the numbers written out."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from agent.risk import DayStats, Proposal, RiskGate, RiskPolicy, TradingState
from connectors.domain import (
    ACTION_TYPES,
    Borrow,
    ClosePosition,
    Holdings,
    MarketView,
    OpenPosition,
    Position,
    Quote,
    Repay,
    Side,
    SizeUnit,
    Supply,
    Swap,
    Transfer,
    Unwrap,
    VerdictStatus,
    Withdraw,
    Wrap,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
VIEW = MarketView(at=NOW, prices={"ETH": Decimal(3000), "BTC": Decimal(60000), "USDC": Decimal(1)})
BOOK = Holdings(balances={"USDC": Decimal(100_000), "ETH": Decimal(10)})


def verdict(action, book=BOOK, policy=None, day=DayStats(), state=TradingState.ACTIVE, quote=None):
    gate = RiskGate(policy or RiskPolicy())
    quotes = {"c1": quote} if quote else None
    return gate.evaluate([Proposal(client_id="c1", action=action)], book, VIEW, day, state, quotes)[0]


def rules(v):
    return {x.rule for x in v.violations}


def test_small_swap_is_approved_with_policy_slippage_filled_in():
    v = verdict(Swap(sell="USDC", buy="ETH", amount=Decimal(1000)))
    assert v.status is VerdictStatus.APPROVED
    assert v.action.max_slippage_bps == 100
    assert v.notional_usd == "1000.00"
    assert not v.needs_approval


def test_halted_rejects_everything_even_reducing():
    v = verdict(Swap(sell="ETH", buy="USDC", amount=Decimal(1)), state=TradingState.HALTED)
    assert v.status is VerdictStatus.REJECTED and rules(v) == {"kill_switch"}


def test_reducing_lets_only_risk_reducing_actions_through():
    assert verdict(Swap(sell="ETH", buy="USDC", amount=Decimal(1)), state=TradingState.REDUCING).passed
    buy = verdict(Swap(sell="USDC", buy="ETH", amount=Decimal(100)), state=TradingState.REDUCING)
    assert not buy.passed and "kill_switch" in rules(buy)


def test_per_action_notional_resizes_a_swap_down_to_the_cap():
    # 10 ETH * 3000 = 30,000 USD > 25,000 cap -> 25,000 / 30,000 * 10 ETH = 8.33333333 ETH
    v = verdict(Swap(sell="ETH", buy="USDC", amount=Decimal(10)))
    assert v.status is VerdictStatus.RESIZED
    assert v.action.amount == Decimal("8.33333333")
    assert v.original.amount == Decimal(10)
    assert "max_notional_per_action:resized" in rules(v)


def test_per_action_notional_rejects_when_resizing_is_off():
    v = verdict(Swap(sell="ETH", buy="USDC", amount=Decimal(10)), policy=RiskPolicy(resize_to_limits=False))
    assert v.status is VerdictStatus.REJECTED and "max_notional_per_action" in rules(v)


def test_per_day_notional_counts_what_was_already_traded():
    v = verdict(
        Swap(sell="USDC", buy="ETH", amount=Decimal(5000)),
        policy=RiskPolicy(resize_to_limits=False),
        day=DayStats(notional_usd=Decimal(98_000)),
    )
    assert not v.passed and "max_notional_per_day" in rules(v)


def test_leverage_above_the_limit_is_rejected():
    v = verdict(
        OpenPosition(
            market="BTC", side=Side.LONG, size=Decimal(1000), size_unit=SizeUnit.USD, leverage=Decimal(20)
        )
    )
    assert not v.passed and "max_leverage" in rules(v)


def test_requested_slippage_above_the_policy_is_capped():
    v = verdict(Swap(sell="USDC", buy="ETH", amount=Decimal(100), max_slippage_bps=500))
    assert v.status is VerdictStatus.RESIZED and v.action.max_slippage_bps == 100


def test_quote_price_impact_above_the_limit_rejects():
    quote = Quote(
        venue="paper",
        asset_in="USDC",
        amount_in=Decimal(100),
        asset_out="ETH",
        amount_out=Decimal("0.03"),
        price=Decimal(3333),
        price_impact_bps=Decimal(250),
        at=NOW,
    )
    v = verdict(Swap(sell="USDC", buy="ETH", amount=Decimal(100)), quote=quote)
    assert not v.passed and "max_slippage" in rules(v)


def test_position_limit_per_market_includes_the_existing_position():
    pos = Position(market="BTC", side=Side.LONG, size=Decimal("0.8"), entry_price=Decimal(60000))  # $48,000
    book = BOOK.model_copy(update={"positions": (pos,)})
    v = verdict(
        OpenPosition(market="BTC", side=Side.LONG, size=Decimal(5000), size_unit=SizeUnit.USD),
        book=book,
        policy=RiskPolicy(resize_to_limits=False),
    )
    assert not v.passed and "max_position" in rules(v)


def test_daily_loss_limit_blocks_new_risk_but_not_closing():
    day = DayStats(realized_pnl_usd=Decimal(-6000))
    assert "daily_loss_limit" in rules(verdict(Swap(sell="USDC", buy="ETH", amount=Decimal(10)), day=day))
    pos = Position(market="ETH", side=Side.LONG, size=Decimal(1), entry_price=Decimal(3000))
    close = verdict(ClosePosition(market="ETH"), book=BOOK.model_copy(update={"positions": (pos,)}), day=day)
    assert close.passed


def test_borrow_that_would_drop_health_factor_below_minimum_is_rejected():
    # collateral 10,000 USDC * 0.8 = 8,000; debt 6,000 -> HF 1.33 < 1.5
    book = Holdings(supplied={"USDC": Decimal(10_000)})
    v = verdict(Borrow(asset="USDC", amount=Decimal(6000)), book=book)
    assert not v.passed and "min_health_factor" in rules(v)
    assert verdict(Borrow(asset="USDC", amount=Decimal(4000)), book=book).passed  # HF 2.0


def test_withdraw_against_debt_checks_health_factor():
    book = Holdings(supplied={"USDC": Decimal(10_000)}, borrowed={"USDC": Decimal(4000)})
    assert "min_health_factor" in rules(verdict(Withdraw(asset="USDC", amount=Decimal(3000)), book=book))


def test_unknown_asset_and_venue_are_refused_by_allowlists():
    v = verdict(
        Swap(sell="USDC", buy="PEPE", amount=Decimal(10), venue="sushiswap"),
        policy=RiskPolicy(allowed_venues=("uniswap",)),
    )
    assert {"asset_allowlist", "venue_allowlist"} <= rules(v)


def test_transfer_only_to_allowlisted_recipients():
    to = "0x000000000000000000000000000000000000dEaD"
    assert "address_allowlist" in rules(verdict(Transfer(asset="USDC", amount=Decimal(5), to=to)))
    assert verdict(
        Transfer(asset="USDC", amount=Decimal(5), to=to), policy=RiskPolicy(allowed_contracts=(to,))
    ).passed


def test_selling_more_than_held_names_units_and_balance():
    v = verdict(
        Swap(sell="USDC", buy="ETH", amount=Decimal(150_000)),
        policy=RiskPolicy(
            max_notional_per_action_usd=Decimal(10**6), max_notional_per_day_usd=Decimal(10**6)
        ),
    )
    assert not v.passed
    reason = next(x.reason for x in v.violations if x.rule == "balance")
    assert "150000 USDC" in reason and "hold 100000" in reason


def test_above_approval_threshold_needs_a_human():
    assert verdict(Swap(sell="USDC", buy="ETH", amount=Decimal(12_000))).needs_approval


def test_every_violated_rule_is_listed():
    v = verdict(
        OpenPosition(
            market="DOGE", side=Side.LONG, size=Decimal(1000), size_unit=SizeUnit.USD, leverage=Decimal(50)
        ),
        state=TradingState.HALTED,
    )
    assert {"kill_switch", "asset_allowlist", "max_leverage"} <= rules(v)


@pytest.mark.parametrize("amount", [Decimal(0), Decimal(-1)])
def test_non_positive_amounts_never_reach_the_gate(amount):
    with pytest.raises(ValueError):
        Swap(sell="USDC", buy="ETH", amount=amount)


def test_closing_a_perp_named_by_its_venue_symbol_is_never_blocked_by_the_allowlist():
    pos = Position(market="ETH-PERP", side=Side.LONG, size=Decimal(1), entry_price=Decimal(3000))
    book = BOOK.model_copy(update={"positions": (pos,)})
    v = verdict(
        ClosePosition(market="ETH-PERP"),
        book=book,
        policy=RiskPolicy(allowed_assets=("USDC",)),
        state=TradingState.REDUCING,
    )
    assert v.passed and v.notional_usd == "3000.00"


def test_holdings_find_a_position_by_its_base_asset():
    pos = Position(market="BTC/USDT:USDT", side=Side.SHORT, size=Decimal(1), entry_price=Decimal(60000))
    assert Holdings(positions=(pos,)).position("BTC") is pos
    assert Holdings(positions=(pos,)).position("ETH") is None


def test_a_wrap_earlier_in_the_batch_funds_a_weth_swap_after_it():
    from connectors.domain import Wrap

    book = Holdings(balances={"ETH": Decimal(3)})
    gate = RiskGate(RiskPolicy())
    wrap = Proposal(client_id="w", action=Wrap(amount=Decimal(2)))
    swap = Proposal(client_id="s", action=Swap(sell="WETH", buy="USDC", amount=Decimal(2)))
    verdicts = gate.evaluate([wrap, swap], book, VIEW)
    assert [v.passed for v in verdicts] == [True, True]
    alone = gate.evaluate([swap], book, VIEW)[0]
    assert not alone.passed and "balance" in rules(alone)


LONG_BTC = Position(market="BTC-PERP", side=Side.LONG, size=Decimal("0.3"), entry_price=Decimal(50000))


def _reverse(usd: int) -> OpenPosition:
    return OpenPosition(
        market="BTC-PERP", side=Side.SHORT, size=Decimal(usd), size_unit=SizeUnit.USD, reverse=True
    )


def test_a_reversal_counts_both_legs_and_is_not_risk_reducing():
    book = BOOK.model_copy(update={"positions": (LONG_BTC,)})
    v = verdict(_reverse(6000), book=book)
    assert v.passed and v.notional_usd == "24000.00"  # $6,000 opened + 0.3 BTC closed at $60,000
    halted = verdict(_reverse(6000), book=book, state=TradingState.REDUCING)
    assert not halted.passed and rules(halted) == {"kill_switch"}
    assert verdict(_reverse(6000)).notional_usd == "6000.00"  # nothing held: only the open counts


def test_a_reversal_is_rejected_not_resized_and_its_position_limit_sees_only_the_new_side():
    book = BOOK.model_copy(update={"positions": (LONG_BTC,)})
    over = verdict(_reverse(20_000), book=book)  # $38,000 traded > $25,000 per action
    assert not over.passed and rules(over) == {"max_notional_per_action"} and over.action == _reverse(20_000)
    big_long = Position(market="BTC-PERP", side=Side.LONG, size=Decimal("0.8"), entry_price=Decimal(60000))
    roomy = RiskPolicy(max_notional_per_action_usd=Decimal(100_000))
    flip = verdict(_reverse(20_000), book=book.model_copy(update={"positions": (big_long,)}), policy=roomy)
    assert flip.passed  # the $48,000 long closes; the $20,000 short is within the $50,000 market limit
    assert "max_position" in rules(verdict(_reverse(60_000), book=book, policy=roomy))


def test_a_rule_the_gate_skips_for_an_action_type_would_not_have_acted_on_it():
    """The gate runs, per action type, only the rules scoped to it (computed once per type): every rule
    it leaves out must be a no-op on that type, even in a context where each rule fires when it applies."""
    from agent.risk.gate import _Check, _Ctx  # the gate's own rule plumbing: what this test guards

    strict = RiskPolicy(
        max_notional_per_action_usd=Decimal(1),
        max_notional_per_day_usd=Decimal(1),
        max_leverage=Decimal(1),
        max_slippage_bps=1,
        max_position_usd_per_market=Decimal(1),
        daily_loss_limit_usd=Decimal(1),
        min_health_factor=Decimal(100),
        allowed_assets=(),
        allowed_venues=("nowhere",),
        resize_to_limits=False,
    )
    gate = RiskGate(strict)
    book = Holdings(supplied={"ETH": Decimal(1)}, borrowed={"USDC": Decimal(2000)}, positions=(LONG_BTC,))
    quote = Quote(
        venue="x", asset_in="USDC", amount_in=Decimal(1), asset_out="ETH", amount_out=Decimal(1),
        price=Decimal(1), price_impact_bps=Decimal(500), at=NOW,
    )  # fmt: skip
    samples = [
        Swap(sell="USDC", buy="ETH", amount=Decimal(1000), max_slippage_bps=50, venue="paper"),
        Wrap(amount=Decimal(1), venue="paper"),
        Unwrap(amount=Decimal(1), venue="paper"),
        Transfer(asset="USDC", amount=Decimal(5), to="0xabc", venue="paper"),
        Supply(asset="ETH", amount=Decimal(5), venue="paper"),
        Withdraw(asset="ETH", amount=Decimal(1), venue="paper"),
        Borrow(asset="USDC", amount=Decimal(100), venue="paper"),
        Repay(asset="USDC", amount=Decimal(100), venue="paper"),
        OpenPosition(market="BTC-PERP", side=Side.LONG, size=Decimal(1), leverage=Decimal(5), venue="paper"),
        ClosePosition(market="BTC-PERP", venue="paper"),
    ]
    assert {type(a) for a in samples} == set(ACTION_TYPES)
    for action in samples:
        kept = gate._rules_for(type(action))
        assert [r for r in gate._rules if r in kept] == list(kept)  # same order as declared
        for rule in gate._rules:
            check = _Check(action, Decimal(10**6), [])
            rule(check, _Ctx(book, VIEW, DayStats(realized_pnl_usd=Decimal(-50)), Decimal(0), False,
                             TradingState.ACTIVE, quote))  # fmt: skip
            acted = bool(check.violations) or check.action is not action
            if rule not in kept:
                assert not acted, f"{rule.__name__} skipped for {type(action).__name__} but acts on it"
