"""The one tool registry: each tool once, with its input/output models, an LLM-facing description,
and whether it changes anything (write tools need the `trade` scope over MCP)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from agent.tools import market, research, risk, schedules, trading
from agent.tools.context import ToolContext
from agent.tools.models import (
    AuditInput,
    AuditLog,
    BacktestInput,
    BacktestResult,
    CancelInput,
    Cancelled,
    ExecuteInput,
    Execution,
    IntentInput,
    JobInfo,
    JobList,
    NoInput,
    ParsedIntent,
    PauseInput,
    Portfolio,
    Preview,
    Prices,
    PricesInput,
    QuoteInfo,
    QuoteInput,
    ResumeInput,
    RiskStatus,
    ScheduleInput,
    StrategyList,
)

TRADE_SCOPE = "trade"
READ_SCOPE = "read"

ToolFn = Callable[[ToolContext, Any], Awaitable[BaseModel]]


@dataclass(frozen=True)
class ToolSpec:
    name: str
    fn: ToolFn
    input: type[BaseModel]
    output: type[BaseModel]
    description: str
    write: bool = False

    @property
    def scope(self) -> str:
        return TRADE_SCOPE if self.write else READ_SCOPE


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "get_portfolio", market.get_portfolio, NoInput, Portfolio,
        "Current holdings on every venue: balances (in each asset's units, with USD value), perp positions, "
        "lending, total USD value, and whether trading is active. Paper mode unless stated.",
    ),
    ToolSpec(
        "get_prices", market.get_prices, PricesInput, Prices,
        "Current USD prices for asset symbols (e.g. ['ETH','BTC']). Unknown symbols are listed in `missing`.",
    ),
    ToolSpec(
        "quote", market.quote, QuoteInput, QuoteInfo,
        "Price one concrete action without executing it: what goes in, what comes out, fee, price impact.",
    ),
    ToolSpec(
        "parse_intent", trading.parse_intent, IntentInput, ParsedIntent,
        "Turn the user's words into a typed intent (swap, open_position, dca, ...) without doing anything. "
        "If kind is 'clarify', ask the user the returned question instead of guessing.",
    ),
    ToolSpec(
        "preview_intent", trading.preview_intent, IntentInput, Preview,
        "Plan a request in words: concrete actions, venue quotes and the risk gate's verdict on each. "
        "When executable, returns a confirmation_token that expires; show the plan to the user and only "
        "call execute_plan after they agree. Nothing is executed here.",
    ),
    ToolSpec(
        "execute_plan", trading.execute_plan, ExecuteInput, Execution,
        "Execute exactly the plan previewed under this confirmation_token (single use, expires). "
        "Only call after the user confirmed the preview. Needs the trade scope.",
        write=True,
    ),
    ToolSpec(
        "list_strategies", research.list_strategies, NoInput, StrategyList,
        "Built-in trading strategies and their parameters, for run_backtest and schedule.",
    ),
    ToolSpec(
        "run_backtest", research.run_backtest, BacktestInput, BacktestResult,
        "Backtest a strategy on historical data; returns return, drawdown, Sharpe, trades and the report path.",
    ),
    ToolSpec(
        "schedule", schedules.schedule, ScheduleInput, JobInfo,
        "Create a recurring job: a DCA order in words ('buy $50 of ETH every day, 10 times') or a strategy "
        "with `every`/`cron`. Each run passes the risk gate. Confirm with the user first. Needs the trade scope.",
        write=True,
    ),
    ToolSpec(
        "list_schedules", schedules.list_schedules, NoInput, JobList,
        "Scheduled jobs for this portfolio with their next run time.",
    ),
    ToolSpec(
        "cancel_schedule", schedules.cancel_schedule, CancelInput, Cancelled,
        "Remove a scheduled job by id (from list_schedules). Needs the trade scope.",
        write=True,
    ),
    ToolSpec(
        "risk_status", risk.risk_status, NoInput, RiskStatus,
        "Trading state (active / reducing / halted, with reason) and every risk limit in force.",
    ),
    ToolSpec(
        "pause_trading", risk.pause_trading, PauseInput, RiskStatus,
        "Kill switch: halt all new trading (or reduce_only=true to allow only risk-reducing actions). "
        "Takes effect immediately for this portfolio, including a running daemon. Needs the trade scope.",
        write=True,
    ),
    ToolSpec(
        "resume_trading", risk.resume_trading, ResumeInput, RiskStatus,
        "Set trading back to active after a pause; all risk limits still apply. Needs the trade scope.",
        write=True,
    ),
    ToolSpec(
        "audit_log", risk.audit_log, AuditInput, AuditLog,
        "Recent audit entries (previews, executions, risk changes) and whether the tamper-evident chain verifies.",
    ),
)  # fmt: skip

BY_NAME: dict[str, ToolSpec] = {t.name: t for t in TOOLS}


async def call(ctx: ToolContext, name: str, arguments: dict[str, Any]) -> BaseModel:
    """Validate `arguments` with the tool's input model and run it (the path every adapter uses)."""
    spec = BY_NAME[name]
    return await spec.fn(ctx, spec.input.model_validate(arguments))
