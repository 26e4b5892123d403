"""Typed inputs and outputs of every tool. Descriptions are written for the LLM that calls them.

Amounts are Decimal (JSON strings on output) in the named asset's own units; USD values say `_usd`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, field_serializer

from connectors.domain import Action


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value.is_finite() else str(value)


class ToolModel(BaseModel):
    """Strict inputs; outputs print Decimals plainly in JSON ("0.166075275", never "1.66E-1" or 28 digits)."""

    model_config = ConfigDict(extra="forbid")

    @field_serializer("*", mode="wrap", when_used="json")
    def _decimals(self, value: Any, handler: SerializerFunctionWrapHandler) -> Any:
        if isinstance(value, Decimal):
            return _plain(value)
        if isinstance(value, dict) and value and all(isinstance(v, Decimal) for v in value.values()):
            return {k: _plain(v) for k, v in value.items()}
        return handler(value)


class NoInput(ToolModel):
    """Tools that take no arguments."""


# --- portfolio and market -------------------------------------------------------------------------


class Balance(ToolModel):
    asset: str
    amount: Decimal = Field(description="in the asset's own units")
    value_usd: Decimal | None = Field(default=None, description="None when no price is known")


class PositionInfo(ToolModel):
    market: str
    side: str
    size: Decimal = Field(description="base-asset units")
    entry_price: Decimal
    mark_price: Decimal | None = None
    leverage: Decimal
    unrealized_pnl_usd: Decimal
    liquidation_price: Decimal | None = None


class VenueHoldings(ToolModel):
    venue: str
    balances: list[Balance]
    positions: list[PositionInfo]
    supplied: dict[str, Decimal] = Field(default_factory=dict)
    borrowed: dict[str, Decimal] = Field(default_factory=dict)
    health_factor: Decimal | None = None


class Portfolio(ToolModel):
    portfolio: str
    mode: Literal["paper", "live"]
    trading_state: str = Field(description="active | reducing | halted")
    total_value_usd: Decimal
    venues: list[VenueHoldings]
    at: datetime


class PricesInput(ToolModel):
    symbols: list[str] = Field(
        default_factory=list, description="asset symbols like ETH, BTC, USDC; empty = the portfolio's assets"
    )


class Prices(ToolModel):
    prices_usd: dict[str, Decimal] = Field(description="USD per unit")
    missing: list[str] = Field(default_factory=list, description="symbols with no price on this venue")
    at: datetime


class QuoteInput(ToolModel):
    action: Action = Field(
        description="the action to price, e.g. {'kind': 'swap', 'sell': 'USDC', 'buy': 'ETH', 'amount': '500'}"
    )


class QuoteInfo(ToolModel):
    venue: str
    asset_in: str
    amount_in: Decimal
    asset_out: str
    amount_out: Decimal
    price: Decimal = Field(description="asset_in paid per unit of asset_out, fees included")
    fee: Decimal
    fee_asset: str
    price_impact_bps: Decimal
    route: str = ""


# --- intents and plans ----------------------------------------------------------------------------


class IntentInput(ToolModel):
    text: str = Field(
        min_length=1,
        max_length=500,
        description="what the user wants, in their words, e.g. 'swap 4 WETH for DAI' or 'long BTC 3x with $1000'",
    )


class ParsedIntent(ToolModel):
    kind: str = Field(description="swap, wrap, open_position, ..., dca, yield_goal, or clarify")
    fields: dict[str, str | int | float | bool | None] = Field(
        description="the typed intent's fields (amounts are in the named asset's units)"
    )
    question: str | None = Field(default=None, description="set when kind is clarify: ask the user this")
    summary: str


class PlannedAction(ToolModel):
    description: str
    action: Action
    status: str = Field(description="approved | resized | rejected (by the risk gate)")
    violations: list[str] = Field(default_factory=list)
    notional_usd: Decimal
    quote: QuoteInfo | None = None


class Preview(ToolModel):
    summary: str
    actions: list[PlannedAction]
    executable: bool = Field(description="False when the gate rejected something or trading is halted")
    needs_approval: bool = Field(description="total notional is above the approval threshold")
    total_notional_usd: Decimal
    confirmation_token: str | None = Field(
        default=None, description="pass to execute_plan to run exactly this plan; None when not executable"
    )
    expires_at: datetime | None = None
    notes: list[str] = Field(default_factory=list)


class ExecuteInput(ToolModel):
    token: str = Field(min_length=8, description="the confirmation_token from preview_intent")


class FillInfo(ToolModel):
    client_id: str
    venue: str
    kind: str
    status: str
    asset_in: str
    amount_in: Decimal
    asset_out: str
    amount_out: Decimal
    price: Decimal | None = None
    fee: Decimal
    fee_asset: str
    reference: str | None = Field(default=None, description="order id or transaction hash")


class Execution(ToolModel):
    executed: bool
    fills: list[FillInfo]
    message: str


# --- strategies, backtests, schedules -------------------------------------------------------------


class StrategyEntry(ToolModel):
    name: str
    description: str
    params: dict[str, str] = Field(default_factory=dict, description="parameter -> default or meaning")


class StrategyList(ToolModel):
    strategies: list[StrategyEntry]


class BacktestInput(ToolModel):
    strategy: str = Field(description="a name from list_strategies, e.g. sma_cross")
    data: list[str] = Field(
        default_factory=list,
        description="candle files under the server's market-data folder, e.g. ['ETH=binance/ETH_USDT-1h.feather']; "
        "leave empty to get the list of available files",
    )
    start: str | None = Field(default=None, description="ISO date, e.g. 2024-01-01; default: all data")
    end: str | None = Field(default=None, description="ISO date; default: all data")
    params: dict[str, str] = Field(
        default_factory=dict, description="strategy parameters, e.g. {'fast': '10'}"
    )
    cash_usd: Decimal = Field(default=Decimal(10_000), gt=0)
    fee: Decimal = Field(
        default=Decimal("0.001"),
        ge=0,
        lt=Decimal("0.1"),
        description="per fill, fraction of notional (0.001 = 0.1%)",
    )
    slippage_bps: Decimal = Field(default=Decimal(0), ge=0, le=1000, description="per fill, basis points")
    gas_usd: Decimal = Field(
        default=Decimal(0),
        ge=0,
        le=10_000,
        description="USD of gas per on-chain action (swaps, wraps, lending)",
    )


class BacktestResult(ToolModel):
    strategy: str
    stats: dict[str, str | float | int | None]
    report_path: str | None = Field(description="where the full report (HTML/JSON) was written")
    fill_model: str = Field(default="", description="how orders were filled: timing, fees, slippage, gas")


class ScheduleInput(ToolModel):
    text: str | None = Field(
        default=None,
        description="a recurring order in words, e.g. 'buy $100 of ETH with USDC every day, 10 times'",
    )
    strategy: str | None = Field(default=None, description="or: run this strategy (see list_strategies)")
    params: dict[str, str] = Field(default_factory=dict, description="strategy parameters")
    every: str | None = Field(
        default=None, description="interval like 30m, 1h, 1d, 1w (for a strategy or text)"
    )
    cron: str | None = Field(default=None, description="or a UTC cron expression, e.g. '0 9 * * 1'")
    count: int | None = Field(default=None, ge=1, le=1000, description="stop after this many runs")


class JobInfo(ToolModel):
    id: str
    kind: str = Field(description="strategy or actions")
    description: str
    schedule: str
    next_run: datetime | None = None
    paused: bool = False


class JobList(ToolModel):
    jobs: list[JobInfo]


class CancelInput(ToolModel):
    job_id: str = Field(min_length=1, description="an id from list_schedules")


class Cancelled(ToolModel):
    job_id: str
    cancelled: bool
    message: str


# --- risk and audit -------------------------------------------------------------------------------


class RiskStatus(ToolModel):
    trading_state: str = Field(description="active | reducing | halted")
    reason: str
    since: str | None = None
    mode: Literal["paper", "live"]
    limits: dict[str, str] = Field(description="the risk policy in force")


class PauseInput(ToolModel):
    reason: str = Field(min_length=1, max_length=200, description="why trading is being paused")
    reduce_only: bool = Field(
        default=False, description="True: allow only risk-reducing actions (REDUCING); False: halt everything"
    )


class ResumeInput(ToolModel):
    reason: str = Field(min_length=1, max_length=200, description="why it is safe to trade again")


class AuditInput(ToolModel):
    limit: int = Field(default=20, ge=1, le=500, description="most recent entries to return")


class AuditEntry(ToolModel):
    seq: int
    at: str
    event: str
    payload: dict[str, object]


class AuditLog(ToolModel):
    entries: list[AuditEntry]
    chain_ok: bool = Field(description="the hash chain verifies: no entry was altered or removed")
    count: int
