"""Preview -> execute on the paper venue: exactly what was previewed runs, once, or nothing runs."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal

import pytest

from agent.risk import TradingState
from agent.tools import ToolContext, ToolFailure, call
from agent.tools.trading import preview_actions
from connectors.domain import OpenPosition, Side, Swap


def swap(amount: int, sell: str = "USDC", buy: str = "ETH") -> Swap:
    return Swap(sell=sell, buy=buy, amount=Decimal(amount))


async def balances(tools: ToolContext) -> dict[str, Decimal]:
    return dict((await tools.deps.venues["paper"].snapshot()).balances)


async def test_preview_quotes_gates_and_returns_a_token(tools: ToolContext) -> None:
    preview = await preview_actions(tools, "buy eth", [swap(500)])
    assert preview.executable and preview.confirmation_token
    assert not preview.needs_approval
    (planned,) = preview.actions
    assert planned.status == "approved"
    assert planned.quote is not None and planned.quote.asset_out == "ETH" and planned.quote.amount_out > 0
    assert planned.notional_usd == Decimal("500.00")
    assert await balances(tools) == {"USDC": Decimal(20_000), "WETH": Decimal(5)}, "preview must not trade"


async def test_execute_runs_the_previewed_plan_once(tools: ToolContext) -> None:
    preview = await preview_actions(tools, "buy eth", [swap(500)])
    result = await call(tools, "execute_plan", {"token": preview.confirmation_token})
    assert result.executed, result.message  # type: ignore[attr-defined]
    (fill,) = result.fills  # type: ignore[attr-defined]
    assert (fill.asset_in, fill.amount_in, fill.asset_out) == ("USDC", Decimal(500), "ETH")
    after = await balances(tools)
    assert after["USDC"] == Decimal(19_500) and after["ETH"] == fill.amount_out
    with pytest.raises(ToolFailure, match="already used"):
        await call(tools, "execute_plan", {"token": preview.confirmation_token})
    assert await balances(tools) == after


async def test_insufficient_funds_is_explained_in_units_and_not_executable(tools: ToolContext) -> None:
    preview = await preview_actions(tools, "sell usdc", [swap(25_000)])
    assert not preview.executable and preview.confirmation_token is None
    (planned,) = preview.actions
    assert any("you asked for 25000 USDC but hold 20000" in v for v in planned.violations), planned.violations


async def test_halt_between_preview_and_execute_executes_nothing(tools: ToolContext) -> None:
    preview = await preview_actions(tools, "buy eth", [swap(500), swap(1, "WETH", "USDC")])
    assert preview.executable and len(preview.actions) == 2
    before = await balances(tools)
    await call(tools, "pause_trading", {"reason": "test halt"})
    with pytest.raises(ToolFailure, match=r"no longer passes the risk gate.*Nothing was executed"):
        await call(tools, "execute_plan", {"token": preview.confirmation_token})
    assert await balances(tools) == before
    assert tools.deps.kill_switch.state is TradingState.HALTED


async def test_halted_trading_previews_as_not_executable(tools: ToolContext) -> None:
    await call(tools, "pause_trading", {"reason": "maintenance"})
    preview = await preview_actions(tools, "buy eth", [swap(500)])
    assert not preview.executable
    assert any(v.startswith("kill_switch") for v in preview.actions[0].violations)


async def test_reduce_only_still_allows_risk_reducing_actions(tools: ToolContext) -> None:
    status = await call(tools, "pause_trading", {"reason": "de-risk", "reduce_only": True})
    assert status.trading_state == "reducing"  # type: ignore[attr-defined]
    opening = await preview_actions(
        tools, "long", [OpenPosition(market="ETH", side=Side.LONG, size=Decimal(1))]
    )
    assert not opening.executable


async def test_large_plan_needs_approval(tools: ToolContext) -> None:
    preview = await preview_actions(tools, "sell weth", [swap(4, "WETH", "USDC")])
    assert preview.executable and preview.needs_approval
    assert preview.total_notional_usd > tools.settings.risk.approval_threshold_usd


async def test_preview_and_execution_are_audited(tools: ToolContext) -> None:
    preview = await preview_actions(tools, "buy eth", [swap(100)])
    await call(tools, "execute_plan", {"token": preview.confirmation_token})
    log = await call(tools, "audit_log", {"limit": 50})
    events = [e.event for e in log.entries]  # type: ignore[attr-defined]
    assert "mcp.preview" in events and "mcp.execute" in events
    assert log.chain_ok  # type: ignore[attr-defined]


async def test_unknown_token_is_refused_with_next_step(tools: ToolContext) -> None:
    with pytest.raises(ToolFailure, match="call preview_intent again"):
        await call(tools, "execute_plan", {"token": "cfm-not-a-real-token"})


async def test_preview_intent_from_words_then_execute(tools: ToolContext) -> None:
    preview = await call(tools, "preview_intent", {"text": "swap 500 USDC for ETH"})
    assert preview.executable and not preview.needs_approval  # type: ignore[attr-defined]
    (planned,) = preview.actions  # type: ignore[attr-defined]
    assert planned.action.kind == "swap" and planned.action.amount == Decimal(500)
    done = await call(tools, "execute_plan", {"token": preview.confirmation_token})  # type: ignore[attr-defined]
    assert done.executed and (await balances(tools))["USDC"] == Decimal(19_500)  # type: ignore[attr-defined]


async def test_perp_preview_shows_the_plan_steps(tools: ToolContext) -> None:
    preview = await call(tools, "preview_intent", {"text": "long ETH 2x with $1000, stop 5%"})
    assert preview.executable  # type: ignore[attr-defined]
    assert any("stop at 2850" in n for n in preview.notes)  # type: ignore[attr-defined]
    assert any("liquidation" in n for n in preview.notes)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("buy some eth", "Ask the user; do not guess"),
        ("swap 25000 USDC for ETH", "25000 USDC requested, USDC balance is 20000"),
        ("buy $100 of ETH every day for 10 days", "call `schedule`"),
        ("earn $1000 a month with 1 BTC", "this is a goal, not a trade: needs 20.0% APY"),
    ],
)
async def test_preview_refusals_tell_the_model_what_to_do(
    tools: ToolContext, text: str, expected: str
) -> None:
    with pytest.raises(ToolFailure, match=re.escape(expected)):
        await call(tools, "preview_intent", {"text": text})
    assert len(tools.plans) == 0


async def test_parse_intent_never_trades(tools: ToolContext) -> None:
    parsed = await call(tools, "parse_intent", {"text": "swap 4 WETH for DAI"})
    assert parsed.kind == "swap" and parsed.fields["amount"] == 4  # type: ignore[attr-defined]
    assert await balances(tools) == {"USDC": Decimal(20_000), "WETH": Decimal(5)}


async def test_concurrent_executes_of_one_token_run_it_once(tools: ToolContext) -> None:
    preview = await preview_actions(tools, "buy eth", [swap(500)])
    token = preview.confirmation_token
    results = await asyncio.gather(
        *(call(tools, "execute_plan", {"token": token}) for _ in range(3)), return_exceptions=True
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, ToolFailure) for r in results if isinstance(r, BaseException))
    assert (await balances(tools))["USDC"] == Decimal(19_500)


async def test_the_token_never_reaches_the_audit_log(tools: ToolContext) -> None:
    preview = await preview_actions(tools, "buy eth", [swap(100)])
    token = preview.confirmation_token
    assert token is not None
    await call(tools, "execute_plan", {"token": token})
    log = await call(tools, "audit_log", {"limit": 100})
    secret = token.removeprefix("cfm-")
    assert not any(secret[i : i + 6] in log.model_dump_json() for i in range(len(secret) - 6))


async def test_named_venue_that_is_simulated_is_disclosed(tools: ToolContext) -> None:
    preview = await call(tools, "preview_intent", {"text": "swap 500 USDC for ETH on uniswap"})
    assert "uniswap is simulated on the paper venue (paper mode)" in preview.notes  # type: ignore[attr-defined]


async def test_preview_of_a_perp_market_is_priced_by_its_base_asset(tools: ToolContext) -> None:
    action = OpenPosition(market="BTC-PERP", side=Side.LONG, size=Decimal("0.01"))
    preview = await preview_actions(tools, "long btc", [action])
    (planned,) = preview.actions
    assert not any(v.startswith("unpriced") for v in planned.violations), planned.violations
    assert planned.notional_usd == Decimal("600.00")  # 0.01 BTC at the fixed 60000
    assert preview.executable
