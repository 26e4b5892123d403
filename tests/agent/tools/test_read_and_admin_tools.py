"""Read tools, the kill switch, schedules and the registry itself, on the paper venue."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from agent.settings import Settings
from agent.tools import TOOLS, ToolContext, ToolFailure, call, explain
from agent.tools.testing import fixed_price_tool_context
from connectors.errors import InsufficientFunds, UnknownOutcome

WRITE_TOOLS = {"execute_plan", "schedule", "cancel_schedule", "pause_trading", "resume_trading"}


def test_registry_has_every_tool_once_with_models_and_descriptions() -> None:
    names = [t.name for t in TOOLS]
    assert len(names) == len(set(names)) == 15
    assert {t.name for t in TOOLS if t.write} == WRITE_TOOLS
    for spec in TOOLS:
        assert issubclass(spec.input, BaseModel) and issubclass(spec.output, BaseModel)
        assert len(spec.description) > 40, spec.name
        assert spec.scope == ("trade" if spec.write else "read")


async def test_portfolio_values_holdings_in_usd(tools: ToolContext) -> None:
    portfolio = await call(tools, "get_portfolio", {})
    assert portfolio.mode == "paper" and portfolio.trading_state == "active"  # type: ignore[attr-defined]
    assert portfolio.total_value_usd == Decimal("35000.00")  # type: ignore[attr-defined]
    (venue,) = portfolio.venues  # type: ignore[attr-defined]
    assert {b.asset: b.value_usd for b in venue.balances} == {
        "USDC": Decimal("20000.00"),
        "WETH": Decimal("15000.00"),
    }


async def test_prices_report_missing_symbols_instead_of_failing(tools: ToolContext) -> None:
    prices = await call(tools, "get_prices", {"symbols": ["eth", "NOPE"]})
    assert prices.prices_usd == {"ETH": Decimal(3000)}  # type: ignore[attr-defined]
    assert prices.missing == ["NOPE"]  # type: ignore[attr-defined]


async def test_quote_prices_without_trading(tools: ToolContext) -> None:
    q = await call(
        tools, "quote", {"action": {"kind": "swap", "sell": "USDC", "buy": "ETH", "amount": "300"}}
    )
    assert (q.asset_in, q.amount_in, q.asset_out) == ("USDC", Decimal(300), "ETH")  # type: ignore[attr-defined]
    assert Decimal("0.09") < q.amount_out < Decimal("0.1")  # type: ignore[attr-defined]
    snapshot = await tools.deps.venues["paper"].snapshot()
    assert snapshot.balance("USDC") == Decimal(20_000)


async def test_bad_arguments_fail_validation_with_the_field_name(tools: ToolContext) -> None:
    with pytest.raises(ValidationError) as info:
        await call(tools, "quote", {"action": {"kind": "swap", "sell": "USDC", "buy": "USDC", "amount": "1"}})
    assert "cannot swap USDC for itself" in explain(info.value)


async def test_pause_and_resume_round_trip_and_are_audited(tools: ToolContext) -> None:
    halted = await call(tools, "pause_trading", {"reason": "news"})
    assert (halted.trading_state, halted.reason) == ("halted", "news")  # type: ignore[attr-defined]
    status = await call(tools, "risk_status", {})
    assert status.trading_state == "halted" and status.limits["max_slippage_bps"] == "100"  # type: ignore[attr-defined]
    resumed = await call(tools, "resume_trading", {"reason": "calm"})
    assert resumed.trading_state == "active"  # type: ignore[attr-defined]
    log = await call(tools, "audit_log", {"limit": 5})
    assert [e.payload["state"] for e in log.entries if e.event == "risk.state"] == ["active", "halted"]  # type: ignore[attr-defined]


async def test_strategies_are_listed(tools: ToolContext) -> None:
    listed = await call(tools, "list_strategies", {})
    assert "sma_cross" in {s.name for s in listed.strategies}  # type: ignore[attr-defined]


async def test_schedule_a_strategy_list_and_cancel(tools: ToolContext) -> None:
    job = await call(
        tools, "schedule", {"strategy": "sma_cross", "every": "1h", "params": {"fast": "5", "slow": "20"}}
    )
    assert job.kind == "strategy" and "sma_cross" in job.description  # type: ignore[attr-defined]
    listed = await call(tools, "list_schedules", {})
    assert [j.id for j in listed.jobs] == [job.id]  # type: ignore[attr-defined]
    cancelled = await call(tools, "cancel_schedule", {"job_id": job.id})  # type: ignore[attr-defined]
    assert cancelled.cancelled  # type: ignore[attr-defined]
    assert (await call(tools, "list_schedules", {})).jobs == []  # type: ignore[attr-defined]


async def test_schedule_errors_say_what_to_do(tools: ToolContext) -> None:
    with pytest.raises(ToolFailure, match="exactly one of `text`"):
        await call(tools, "schedule", {})
    with pytest.raises(ToolFailure, match="say how often"):
        await call(tools, "schedule", {"strategy": "sma_cross"})
    with pytest.raises(ToolFailure, match="call list_schedules"):
        await call(tools, "cancel_schedule", {"job_id": "nope"})


def test_framework_errors_become_actionable_messages() -> None:
    assert "lower the amount" in explain(InsufficientFunds("paper", "need 10 ETH"))
    message = explain(UnknownOutcome("paper", "timeout", client_id="dfa-1"))
    assert "Do NOT resend" in message and "dfa-1" in message
    assert explain(KeyError("secret")) == "internal error (KeyError); the server log has details"


async def test_schedule_a_dca_in_words(tools: ToolContext) -> None:
    job = await call(tools, "schedule", {"text": "buy $100 of ETH every day for 10 days"})
    assert job.kind == "actions"  # type: ignore[attr-defined]
    assert job.description == "swap 100 USDC (USDC -> ETH) every 1d, 10 times"  # type: ignore[attr-defined]
    assert job.schedule == "every 86400s" and not job.paused  # type: ignore[attr-defined]
    assert tools.jobs is not None
    (stored,) = tools.jobs.list("test")
    assert stored.spec.source == "mcp" and stored.spec.parsed_actions()[0].kind == "swap"


async def test_schedules_land_in_the_configured_job_store(tmp_path: Path) -> None:
    from agent.daemon.jobs import JobStore
    from agent.tools.context import open_tool_context

    url = f"sqlite:///{tmp_path / 'shared' / 'jobs.sqlite'}"
    (tmp_path / "shared").mkdir()
    settings = Settings(data_dir=tmp_path / "data", portfolio="jobs", daemon={"job_store": url})  # type: ignore[call-arg]
    async with open_tool_context(settings) as ctx:
        job = await call(ctx, "schedule", {"text": "buy $100 of ETH every day for 10 days"})
    async with fixed_price_tool_context(settings) as ctx:
        strategy = await call(ctx, "schedule", {"strategy": "sma_cross", "every": "1h"})
    with JobStore(url) as jobs:
        assert sorted(j.id for j in jobs.list("jobs")) == sorted([job.id, strategy.id])  # type: ignore[attr-defined]
    assert not (tmp_path / "data" / "jobs.sqlite").exists()


async def test_wrapped_assets_are_valued_at_the_native_price(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, portfolio="wrapped")  # type: ignore[call-arg]
    async with fixed_price_tool_context(settings, prices={"ETH": 2000.0}, cash={"WETH": Decimal(2)}) as ctx:
        prices = await call(ctx, "get_prices", {"symbols": ["WETH", "USDC"]})
        portfolio = await call(ctx, "get_portfolio", {})
    assert prices.prices_usd == {"WETH": Decimal(2000), "USDC": Decimal(1)}  # type: ignore[attr-defined]
    assert portfolio.total_value_usd == Decimal(4000)  # type: ignore[attr-defined]


async def test_schedule_a_weekly_dca(tools: ToolContext) -> None:
    job = await call(tools, "schedule", {"text": "buy 25 USDC of ETH every week, 10 times"})
    assert job.schedule == "every 604800s"  # type: ignore[attr-defined]
    assert "10 times" in job.description  # type: ignore[attr-defined]


async def test_the_tool_context_closes_its_ledger_and_kill_switch(tmp_path: Path) -> None:
    import sqlite3

    from agent.tools.context import open_tool_context

    settings = Settings(data_dir=tmp_path, portfolio="closing")  # type: ignore[call-arg]
    async with open_tool_context(settings, with_jobs=False) as ctx:
        ctx.deps.ledger.audit("still open", {})
        deps = ctx.deps
    with pytest.raises(sqlite3.ProgrammingError):  # the kept connection is closed on exit
        deps.ledger.audit("after exit", {})
    with pytest.raises(sqlite3.ProgrammingError):
        deps.kill_switch.status()
