"""Wires one backtest: the paper venue over a pre-loaded price feed, and the agent's dependencies.

The venue, ledger, risk gate and kill switch are the real ones; the ledger and switch live in a
throw-away directory (on tmpfs when available). The risk policy is permissive unless one is given,
because a backtest measures the strategy; pass `risk=` to replay the gate's limits too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langgraph.runtime import Runtime

from agent.context import AgentDeps
from agent.fastpath import run_nodes  # at import time: langgraph's import cost is not a backtest's
from agent.risk import RiskGate, RiskPolicy
from agent.settings import Settings
from agent.state import AgentState, fresh_tick
from backtests.memledger import MemoryKillSwitch
from backtests.rolling_ledger import RollingLedger
from connectors.domain import Action, Fill, MarketView
from connectors.paper import PaperConfig, PaperVenue, PriceFeed
from connectors.paper.exposure import Exposure
from connectors.protocol import SimClock

if TYPE_CHECKING:
    from backtests.engine import Replay

BIG = Decimal(10) ** 15
RECENT_FILLS = 1_000  # the replay drains fills as they happen; the venue only answers recent lookups
BPS = Decimal(10_000)


def permissive_policy() -> RiskPolicy:
    """No notional, position, loss or approval limits; any asset and venue."""
    return RiskPolicy(
        max_notional_per_action_usd=BIG,
        max_notional_per_day_usd=BIG,
        max_leverage=Decimal(100),
        max_slippage_bps=5000,
        max_position_usd_per_market=BIG,
        daily_loss_limit_usd=BIG,
        min_health_factor=Decimal("1.01"),
        allowed_assets=None,
        allowed_venues=None,
        approval_threshold_usd=BIG,
    )


def load_feed(feed: PriceFeed, replay: Replay) -> None:
    """All bars go in up front: the feed itself hides every bar that has not closed at `now`."""
    prev_close_fill = replay.fill.fill_price == "close"
    for b in replay.bars:
        opens = np.r_[b.open[:1], b.close[:-1]] if prev_close_fill else b.open
        # the fill-at-close model opens each bar at the previous close; bad ticks in the data
        # (a high below the close, ...) are widened so every bar is a consistent OHLC range
        highs = np.maximum(b.high, np.maximum(opens, b.close))
        lows = np.minimum(b.low, np.minimum(opens, b.close))
        interval = timedelta(microseconds=replay.interval_ns // 1000) if len(b) > 1 else timedelta(hours=1)
        secs = (b.times // 1000).astype(np.float64) / 1e6
        feed.add_columns(b.symbol, secs, opens, highs, lows, b.close, b.volume, interval=interval)
    for symbol, series in replay.funding.items():
        for t, v in zip((series.times // 1000 / 1e6).tolist(), series.values.tolist(), strict=True):
            feed.append_funding(symbol, t, v)
    for symbol, series in replay.marks.items():
        for t, v in zip((series.times // 1000 / 1e6).tolist(), series.values.tolist(), strict=True):
            feed.append_mark(symbol, t, v)


class _Market:
    """The venue's market view, plus lending rates from the data when given (as of the last bar)."""

    def __init__(self, venue: PaperVenue, lending: dict[str, Any], handle: VenueHandle) -> None:
        self.venue = venue
        self.lending = lending
        self.handle = handle

    async def market_view(self, symbols: Any, lookback: int) -> MarketView:
        view = self.venue.view(symbols, lookback)
        if self.lending and self.handle.k > 0:
            apy = dict(view.lending_apy)
            for asset, series in self.lending.items():
                v = series[self.handle.k - 1]
                if v == v:
                    apy[asset] = Decimal(repr(float(v)))
            view = MarketView.model_construct(
                at=view.at,
                prices=view.prices,
                closes=view.closes,
                funding_rates=view.funding_rates,
                lending_apy=apy,
            )
        return view


class VenueHandle:
    """What the replay loop needs: move the cursor, run a tick through the nodes, step the venue."""

    def __init__(self, replay: Replay, workdir: Path) -> None:
        start = datetime.fromtimestamp(int(replay.bars[0].times[0]) // 10**9, tz=UTC)
        self.clock = SimClock(start)
        self.feed = PriceFeed(
            self.clock, interval=timedelta(microseconds=max(replay.interval_ns, 1000) // 1000)
        )
        load_feed(self.feed, replay)
        fee_bps = replay.fill.fee * BPS
        slip = replay.fill.slippage_bps
        cash_asset = replay.cash_asset
        config = PaperConfig(
            spot_fee_bps=fee_bps,
            spot_slippage_bps=slip,
            spot_depth_usd=BIG,
            perp_taker_fee_bps=fee_bps,
            perp_maker_fee_bps=fee_bps,
            perp_slippage_bps=slip,
            collateral_asset=cash_asset,
            stablecoins=tuple(sorted(replay.stables)),  # the replay's equity counts the same ones
            gas_usd=replay.fill.gas_usd,
        )
        self.venue = PaperVenue(
            self.clock, self.feed, config=config, cash={cash_asset: replay.cash}, recent_fills=RECENT_FILLS
        )
        self.closes = {b.symbol: b.close for b in replay.bars}
        self.k = 0
        lending = {a: s.asof(replay.bars[0].times) for a, s in replay.lending.items()}
        settings = Settings(data_dir=workdir, risk=replay.risk or permissive_policy())
        self.deps = AgentDeps(
            venues={self.venue.name: self.venue},
            market=_Market(self.venue, lending, self),
            clock=self.clock,
            settings=settings,
            ledger=RollingLedger(workdir / "ledger.sqlite", self.clock),
            gate=RiskGate(settings.risk),
            kill_switch=MemoryKillSwitch(self.clock),
            strategy=replay.strategy,
            portfolio="backtest",
            auto_approve=True,
        )
        self.path = replay.path
        self._graph: Any = None
        self._runtime = Runtime(context=self.deps)  # one per run: the nodes only read its context
        self._pending: list[Fill] = []

    def cursor(self, k: int) -> None:
        self.k = k

    def ranges(self, symbol: str) -> tuple[np.ndarray, np.ndarray]:
        """(highs, lows) of `symbol`'s bars as the venue trades them (widened to hold open and close):
        views of the feed's columns, which a replay never appends to."""
        _, lows, highs = self.feed.bar_columns(symbol)
        return np.frombuffer(highs, dtype=np.float64), np.frombuffer(lows, dtype=np.float64)

    def step(self) -> tuple[list[Fill], Exposure]:
        """Venue-only: settle stops, liquidations, funding and interest up to now."""
        fills = self.venue.advance()
        return fills, self.venue.exposure()

    async def tick(
        self, run_id: str, requested: list[Action] | None = None, strategy: bool = True
    ) -> AgentState:
        """Settle the venue, then one pass of analyse -> decide -> risk -> execute -> record."""
        self._pending.extend(self.venue.advance())
        saved = self.deps.strategy
        if not strategy:
            self.deps.strategy = None
        try:
            if self.path == "graph":
                if self._graph is None:
                    from agent.graph import build_graph

                    self._graph = build_graph()
                state: AgentState = await self._graph.ainvoke(
                    fresh_tick(run_id, requested), context=self.deps
                )
            else:
                state = await run_nodes(self.deps, run_id, requested, self._runtime)
        finally:
            self.deps.strategy = saved
        self._pending.extend(state.get("fills", []))
        return state

    def drain(self) -> list[Fill]:
        out, self._pending = self._pending, []
        return out

    def close(self) -> None:
        self.deps.close_stores()

    def exposure(self) -> Exposure:
        return self.venue.exposure()


def open_venue(replay: Replay, workdir: Path) -> VenueHandle:
    return VenueHandle(replay, workdir)
