"""The replay loop: bars -> simulated clock -> the agent's own nodes -> the paper venue.

Each tick happens at a bar boundary. At tick k (clock = open time of bar k) bars 0..k-1 are closed
and visible; the strategy decides on them and the venue fills at bar k's open (or, with
`fill_price="close"`, at bar k-1's close). Decisions go through `agent.fastpath.run_nodes` (fast) or
the compiled LangGraph (`path="graph"`): analyse -> decide -> risk_check -> execute -> record, the
same functions as live. The equity curve is marked at every bar's close.

Skipping idle bars: a strategy may offer `wake_mask(closes) -> bool[]` (a superset of the bars
after which it can act). The fast path then calls the nodes only on those bars (plus venue-only
steps at funding settlements and at bars that touch a stop, target or liquidation price), which
is what makes it fast; `skip_idle=False` runs every bar.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import numpy as np

from backtests.data import Bars, TimeSeries, align
from backtests.equity import Segment, curve, equity_at, segment_of
from backtests.gc_tuning import replay_gc
from backtests.ledger_fills import STABLES, FillReader
from backtests.trades import Trade, TradeBook, utc
from backtests.triggers import BarRanges, Triggers, first_trigger, trigger_levels
from backtests.venue import VenueHandle, open_venue
from connectors.domain import Action, ClosePosition, Holdings, Side, Swap
from connectors.domain.market import market_base
from connectors.paper.exposure import Exposure

Path_ = Literal["fast", "graph"]
ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class FillModel:
    """How simulated orders fill. `fee` is a fraction of notional per fill (0.001 = 0.1%)."""

    fill_price: Literal["next_open", "close"] = "next_open"
    fee: Decimal = Decimal("0.001")
    slippage_bps: Decimal = Decimal(0)
    gas_usd: Decimal = Decimal(0)

    def describe(self) -> str:
        when = "at the next bar's open" if self.fill_price == "next_open" else "at the decision bar's close"
        return (
            f"Orders are decided on a bar's close and fill {when}; fee {self.fee * 100}% of notional "
            f"per fill; slippage {self.slippage_bps} bps against the order; perp funding settles at "
            f"each funding time at the mark; stops, targets and liquidations trigger intrabar on "
            f"high/low (worst case first); lending interest accrues continuously; {self._gas()}. Positions "
            f"still open when the data ends are closed at the last bar's close and counted as trades."
        )

    def _gas(self) -> str:
        if not self.gas_usd:
            return "no gas is charged (set gas_usd for on-chain actions)"
        return (
            f"gas ${self.gas_usd} per on-chain action (swaps, wraps, transfers, lending), paid from the cash "
            f"balance (a swap into cash may pay it from its proceeds); perps pay none"
        )


@dataclass
class ReplayResult:
    times: np.ndarray
    equity: np.ndarray
    trades: list[Trade]
    fees: float
    funding: float
    exposure_bars: int
    errors: list[str] = field(default_factory=list)
    ticks: int = 0
    gas: float = 0.0


class Replay:
    def __init__(
        self,
        strategy: Any,
        bars: list[Bars],
        *,
        cash: Decimal,
        cash_asset: str = "USDT",
        fill: FillModel = FillModel(),
        funding: dict[str, TimeSeries] | None = None,
        marks: dict[str, TimeSeries] | None = None,
        lending: dict[str, TimeSeries] | None = None,
        path: Path_ = "fast",
        skip_idle: bool = True,
        risk: Any = None,
        progress: ProgressFn | None = None,
        workdir: Path | None = None,
    ) -> None:
        if not bars:
            raise ValueError("no candle data given")
        self.strategy = strategy
        self.bars = align(bars)
        self.cash = cash
        self.cash_asset = cash_asset.upper()
        self.fill = fill
        self.funding = funding or {}
        self.marks = marks or {}
        self.lending = lending or {}
        self.path = path
        self.skip_idle = skip_idle
        self.risk = risk
        self.progress = progress
        self.workdir = workdir
        self._funding_seen: dict[str, Decimal] = {}
        self.stables = STABLES | {self.cash_asset}  # worth their face value in USD
        self._priced = frozenset(b.symbol for b in self.bars)  # symbols the data prices
        self.interval_ns = self.bars[0].interval_ns  # aligned bars share the first file's timeline
        self._ranges: dict[str, BarRanges] = {}  # the bars' ranges as the venue trades them

    async def run(self) -> ReplayResult:
        tmp: tempfile.TemporaryDirectory[str] | None = None
        workdir = self.workdir
        if workdir is None:
            base = "/dev/shm" if Path("/dev/shm").is_dir() else None
            tmp = tempfile.TemporaryDirectory(prefix="defai-bt-", dir=base)
            workdir = Path(tmp.name)
        venue: VenueHandle | None = None
        try:
            with replay_gc():  # see gc_tuning.py
                venue = open_venue(self, workdir)
                for symbol in self._priced:
                    highs, lows = venue.ranges(symbol)
                    self._ranges[symbol] = BarRanges(lows, highs)
                return await self._loop(venue)
        finally:
            if venue is not None:
                venue.close()
            if tmp is not None:
                tmp.cleanup()

    # ------------------------------------------------------------------------------------------
    def _wake_bars(self, n: int) -> np.ndarray:
        """Tick indices k (1..n-1) where the nodes run."""
        every = np.arange(1, n)
        mask_fn = getattr(self.strategy, "wake_mask", None)
        if self.path == "graph" or not self.skip_idle or mask_fn is None:
            return every
        wake = np.zeros(n, dtype=bool)
        for b in self.bars:
            m = np.asarray(mask_fn(b.close), dtype=bool)
            if len(m) != n:
                return every
            wake |= m
        return np.flatnonzero(wake[:-1]) + 1

    def _venue_ticks(self, n: int) -> np.ndarray:
        """Bars at whose open funding settles: the venue steps there even if the strategy sleeps."""
        master = self.bars[0].times
        out: list[np.ndarray] = []
        for series in self.funding.values():
            pos = np.searchsorted(master, series.times)
            pos = pos[(pos > 0) & (pos < n)]
            out.append(pos)
        return np.unique(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)

    async def _loop(self, venue: VenueHandle) -> ReplayResult:
        master = self.bars[0]
        n = len(master)
        closes = {b.symbol: b.close for b in self.bars}
        book = TradeBook()
        reader = FillReader(book)
        segments: list[Segment] = [Segment(0, float(self.cash), {})]
        decide_at = self._wake_bars(n)
        venue_at = self._venue_ticks(n)
        ticks = np.union1d(decide_at, venue_at).astype(np.int64)
        decide_set = set(decide_at.tolist())
        errors: list[str] = []
        interval = self.interval_ns
        triggers: Triggers = {}
        next_report = 0
        scan_from = 0
        at_ticks = master.times[ticks].tolist()  # open time (ns) of each tick's bar
        for k, at in zip(ticks.tolist(), at_ticks, strict=True):
            scan_from = self._triggered_steps(venue, reader, segments, triggers, scan_from, k)
            venue.clock.set(utc(at))
            venue.cursor(k)
            if k in decide_set:
                state = await venue.tick(f"bt-{k}")
                errors.extend(state.get("errors", []))
                self._observe_funding(reader, state.get("holdings"))
                fills = venue.drain()
                held = venue.exposure()
            else:
                fills, held = venue.step()
            scan_from = k
            self._after(reader, fills, held, k, segments, venue, triggers)
            if self.progress is not None and k >= next_report:
                self.progress(k, n)
                next_report = k + max(n // 200, 1)
        # end of data: settle the venue through the last bar, then close everything at the last close
        # through the same nodes (as requested actions)
        self._triggered_steps(venue, reader, segments, triggers, scan_from, n)
        end = utc(int(master.times[-1]) + interval)
        venue.clock.set(end)
        venue.cursor(n)
        fills, held = venue.step()
        if fills:
            reader.apply(fills, n - 1, _sides(held))
        self._observe_funding(reader, held)
        closing = _close_all(held, self.cash_asset, self.stables)
        if closing:
            state = await venue.tick("bt-end", requested=closing, strategy=False)
            errors.extend(state.get("errors", []))
            self._observe_funding(reader, state.get("holdings"))
        fills = venue.drain()
        held = venue.exposure()
        reader.apply(fills, n - 1, _sides(held), "end_of_data")
        last_prices = {s: float(c[-1]) for s, c in closes.items()}
        for sym, _pos in list(book.open.items()):  # anything the venue could not close (should not happen)
            errors.append(f"{sym}: position still open at the end; closed in the book at the last close")
            book.close_all({sym: last_prices.get(market_base(sym), 0.0)}, float(self.fill.fee), end, n - 1)
        equity, exposure = curve(segments, closes, n)
        final = equity_at(held, {s: Decimal(repr(float(c[-1]))) for s, c in closes.items()}, self.stables)
        equity[-1] = float(final) if final is not None else equity[-1]
        if self.progress is not None:
            self.progress(n, n)
        return ReplayResult(
            master.times,
            equity,
            book.trades,
            book.fees_paid,
            book.funding_paid,
            exposure,
            errors,
            len(ticks),
            book.gas_paid,
        )

    def _triggered_steps(
        self,
        venue: VenueHandle,
        reader: FillReader,
        segments: list[Segment],
        triggers: Triggers,
        scan_from: int,
        k: int,
    ) -> int:
        """Venue-only steps at the close of each bar in [scan_from, k-1) touching a stop/target/liquidation."""
        master = self.bars[0]
        while True:
            hit = first_trigger(triggers, self._ranges, scan_from, k)
            if hit is None or hit + 1 >= k:
                return scan_from
            scan_from = hit + 1
            venue.clock.set(utc(int(master.times[scan_from])))
            venue.cursor(scan_from)
            fills, held = venue.step()
            self._after(reader, fills, held, scan_from, segments, venue, triggers)

    def _observe_funding(self, reader: FillReader, book: Holdings | Exposure | None) -> None:
        """Charge funding settled since the last look to the open trade it belongs to (the venue settles
        funding only from the replay's funding series: without any, there is none to charge)."""
        if book is None or not self.funding:
            return
        for p in book.positions:
            market = p.market.upper()
            delta = p.funding_paid - self._funding_seen.get(market, Decimal(0))
            if delta:
                reader.book.accrue_funding(market, float(delta))
            self._funding_seen[market] = p.funding_paid

    def _after(
        self,
        reader: FillReader,
        fills: list[Any],
        book: Exposure,
        k: int,
        segments: list[Segment],
        venue: VenueHandle,
        triggers: Triggers,
    ) -> None:
        if fills:
            reader.apply(fills, k, _sides(book))
            if self.funding:  # a market traded here starts a new trade: its funding is counted afresh
                for f in fills:
                    self._funding_seen.pop(f.asset_in.upper(), None)
                    self._funding_seen.pop(f.asset_out.upper(), None)
        self._observe_funding(reader, book)
        seg = segment_of(book, self._priced, k, self.stables)
        if seg.b != segments[-1].b or fills or abs(seg.a - segments[-1].a) > 1e-9:
            if segments[-1].start == k:
                segments[-1] = seg
            else:
                segments.append(seg)
        triggers.clear()
        triggers.update(trigger_levels(book))


def _sides(h: Exposure) -> dict[str, int]:
    return {p.market.upper(): p.sign for p in h.positions}


def _close_all(h: Exposure, cash_asset: str, stables: frozenset[str]) -> list[Action]:
    """Requested actions that flatten the book: close every perp, sell every non-cash asset."""
    actions: list[Action] = [
        ClosePosition(market=p.market, side=Side.LONG if p.sign > 0 else Side.SHORT, reason="end of data")
        for p in h.positions
    ]
    for asset, amount in h.balances.items():
        if amount > 0 and asset.upper() not in stables:
            actions.append(Swap(sell=asset, buy=cash_asset, amount="all", reason="end of data"))
    return actions
