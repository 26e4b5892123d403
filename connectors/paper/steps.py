"""One simulation step of the paper venue, in a fixed order (see `run_step`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from connectors.domain import Fill
from connectors.paper.account import Account, PerpState
from connectors.paper.config import BPS
from connectors.paper.feed import Bar, PriceFeed, dec
from connectors.paper.lending import LendingEngine
from connectors.paper.perps import ONE, PerpEngine
from connectors.paper.pricing import Pricer


def current_marks(acct: Account, pricer: Pricer, ts: float) -> dict[str, Decimal]:
    """Mark per open market (entry price when nothing prices the market yet)."""
    marks: dict[str, Decimal] = {}
    for market, pos in acct.positions.items():
        mark = pricer.mark(market, ts)
        marks[market] = mark if mark is not None else pos.entry_price
    return marks


def run_step(
    acct: Account, perps: PerpEngine, lending: LendingEngine, pricer: Pricer, feed: PriceFeed, now: datetime
) -> list[Fill]:
    """Advance `acct` from `acct.last_step` to `now`; returns the fills the venue generated.

    Order, and why:
      1. Per open position, each bar that ended in (last step, now] and after the position opened:
         stop-loss / take-profit / liquidation along the conservative path open -> worst -> best
         (a bar touching both the stop and the target stops out; a gap fills at the open).
      2. Funding settlements in (last step, now] after the position opened, at the current mark
         (funding stamps fall at bar ends, so positions stopped earlier in the window do not pay).
      3. Maintenance check at the mark (funding can push a position under maintenance).
      4. Lending interest accrual to now, then one lending liquidation call if HF < 1.
    """
    fills: list[Fill] = []
    last = acct.last_step or now
    ts_last, ts_now = last.timestamp(), now.timestamp()
    if acct.positions:
        marks = current_marks(acct, pricer, ts_now)
        for market in list(acct.positions):
            pos = acct.positions.get(market)
            symbol = pricer.symbol_for(market)
            if pos is None or symbol is None:
                continue
            after = max(ts_last, pos.opened_at.timestamp())
            for bar in feed.bars_ending_between(symbol, after, ts_now):
                fills.extend(check_bar(acct, perps, pos, bar, marks, now))
                if market not in acct.positions:
                    break
        for market, pos in acct.positions.items():
            fsym = pricer.funding_symbol(market)
            if fsym is None:
                continue
            after = max(ts_last, pos.opened_at.timestamp())
            for _, rate in feed.funding_between(fsym, after, ts_now):
                perps.settle_funding(pos, dec(rate), marks[market])
        for market in list(acct.positions):
            pos = acct.positions.get(market)
            if pos is not None and perps.underwater(acct, pos, marks):
                fills.extend(_liquidate(acct, perps, pos, marks[market], marks, now))
    lending.accrue(acct, now)
    if acct.borrowed:
        liq = lending.liquidate_if_unhealthy(acct, now)
        if liq is not None:
            fills.append(liq)
    acct.last_step = now
    return fills


def check_bar(
    acct: Account, perps: PerpEngine, pos: PerpState, bar: Bar, marks: dict[str, Decimal], now: datetime
) -> list[Fill]:
    """Triggers for one position over one bar; at most one event closes the position."""
    s = pos.sign
    o = dec(bar.open)
    worst = dec(bar.low if s > 0 else bar.high)
    best = dec(bar.high if s > 0 else bar.low)
    liq = perps.liquidation_price(acct, pos, marks)
    sl, tp = pos.stop_loss, pos.take_profit

    def beyond(level: Decimal, px: Decimal) -> bool:
        return (px - level) * s <= 0

    def reached(level: Decimal, px: Decimal) -> bool:
        return (px - level) * s >= 0

    if liq is not None and beyond(liq, o):
        return _liquidate(acct, perps, pos, o, marks, now)
    if sl is not None and beyond(sl, o):
        return [_stop(acct, perps, pos, o, now)]
    if tp is not None and reached(tp, o):
        return [_take(acct, perps, pos, o, now)]
    hits: list[tuple[Decimal, int]] = []
    if liq is not None and beyond(liq, worst):
        hits.append((liq, 0))
    if sl is not None and beyond(sl, worst):
        hits.append((sl, 1))
    if hits:
        level, kind = max(hits, key=lambda h: (h[0] * s, -h[1]))  # first level the falling path meets
        if kind == 0:
            return _liquidate(acct, perps, pos, level, marks, now)
        return [_stop(acct, perps, pos, level, now)]
    if tp is not None and reached(tp, best):
        return [_take(acct, perps, pos, tp, now)]
    return []


def _stop(acct: Account, perps: PerpEngine, pos: PerpState, px: Decimal, now: datetime) -> Fill:
    fill_px = px * (ONE - pos.sign * perps.cfg.perp_slippage_bps / BPS)
    return perps.reduce(
        acct,
        pos,
        pos.size,
        fill_px,
        perps.cfg.perp_taker_fee_bps,
        now,
        f"{pos.client_id}:sl",
        "stop_loss",
        "stop loss",
    )


def _take(acct: Account, perps: PerpEngine, pos: PerpState, px: Decimal, now: datetime) -> Fill:
    return perps.reduce(
        acct,
        pos,
        pos.size,
        px,
        perps.cfg.perp_maker_fee_bps,
        now,
        f"{pos.client_id}:tp",
        "take_profit",
        "take profit",
    )


def _liquidate(
    acct: Account, perps: PerpEngine, pos: PerpState, px: Decimal, marks: dict[str, Decimal], now: datetime
) -> list[Fill]:
    """Isolated: this position. Cross: every cross position (this one at `px`, others at their mark)."""
    if pos.margin_mode == "isolated":
        return [perps.liquidate(acct, pos, px, now)]
    fills = [perps.liquidate(acct, pos, px, now, forfeit_pool=True)]
    for other in [p for p in acct.positions.values() if p.margin_mode == "cross"]:
        fills.append(perps.liquidate(acct, other, marks.get(other.market, other.entry_price), now))
    return fills
