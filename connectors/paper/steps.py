"""One simulation step of the paper venue, in a fixed order (see `run_step`)."""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from connectors.domain import Fill
from connectors.errors import RejectedError
from connectors.paper.account import Account, PerpState
from connectors.paper.config import BPS
from connectors.paper.feed import PriceFeed
from connectors.paper.lending import LendingEngine
from connectors.paper.perps import ONE, PerpEngine
from connectors.paper.pricing import Pricer
from connectors.paper.series import Bar, dec, from_epoch


def current_marks(acct: Account, pricer: Pricer, ts: float) -> dict[str, Decimal]:
    """Mark per open market (entry price when nothing prices the market yet)."""
    marks: dict[str, Decimal] = {}
    for market, pos in acct.positions.items():
        mark = pricer.mark(market, ts)
        marks[market] = mark if mark is not None else pos.entry_price
    return marks


def run_step(
    acct: Account,
    perps: PerpEngine,
    lending: LendingEngine,
    pricer: Pricer,
    feed: PriceFeed,
    now: datetime,
    ts_now: float,
) -> list[Fill]:
    """Advance `acct` from `acct.last_step` to `now` (`ts_now` in epoch seconds); returns the fills the
    venue generated.

    Per open position, in time order over (last step, now] and after the position opened:
      - each bar that ended: stop-loss / take-profit / liquidation along the conservative path
        open -> worst -> best (a bar touching both stop and target stops out; a gap fills at the open);
      - each funding settlement: `size x mark(t) x rate` into the margin, then a maintenance check at
        that mark. A bar ending at the settlement instant is processed first.
    Then a maintenance check of every position at the current mark (the cross pool as a whole), then
    lending interest accrual to now and one lending liquidation call if HF < 1.
    Intrabar triggers use traded-price extremes (a mark series is only sampled at points; the traded
    range is the wider, conservative one). Cross liquidation prices hold other positions at their mark.
    """
    fills: list[Fill] = []
    last = acct.last_step or now
    ts_last = ts_now if last is now else last.timestamp()
    if acct.positions:
        marks = current_marks(acct, pricer, ts_now)
        for market in list(acct.positions):
            pos = acct.positions.get(market)
            if pos is not None:
                fills.extend(
                    _replay(
                        acct,
                        perps,
                        pricer,
                        feed,
                        pos,
                        # max(ts_last, opened_at's seconds), converting only an opening after the last step
                        ts_last if pos.opened_at <= last else pos.opened_at.timestamp(),
                        ts_now,
                        marks,
                        now,
                    )
                )
        for market in list(acct.positions):
            pos = acct.positions.get(market)
            if pos is not None and perps.underwater(acct, pos, marks):
                fills.extend(_liquidate(acct, perps, pos, marks[market], marks, now))
    lending.accrue(acct, now)
    if acct.borrowed:
        try:
            liq = lending.liquidate_if_unhealthy(acct, now)
        except RejectedError:  # a debt asset lost its price (new feed): cannot judge health this step
            liq = None
        if liq is not None:
            fills.append(liq)
    acct.last_step = now
    return fills


def _replay(
    acct: Account,
    perps: PerpEngine,
    pricer: Pricer,
    feed: PriceFeed,
    pos: PerpState,
    after: float,
    upto: float,
    marks: dict[str, Decimal],
    now: datetime,
) -> list[Fill]:
    """Bars and funding settlements of one position between `after` and `upto`, merged by time.

    The liquidation price only changes when the account does (a funding settlement, an event), so it
    is computed once per stretch; a float pre-screen of each bar's low/high against the trigger levels
    skips bars that cannot touch any of them before any Decimal work (`check_bar` decides the rest). A
    stretch without settlements for a position without levels (a 1x long, no stops) reads no bars.
    """
    fsym = pricer.funding_symbol(pos.market)
    funding = feed.funding_between(fsym, after, upto) if fsym else []
    liq = perps.liquidation_price(acct, pos, marks)
    down, up = _screen(pos, liq)
    if not funding and down == -INF and up == INF:  # no settlement and no level: nothing can happen
        return []
    symbol = pricer.symbol_for(pos.market)
    span = feed.bar_span(symbol, after, upto) if symbol else range(0)
    step = feed.bar_seconds(symbol) if symbol and span else 0.0
    times, lows, highs = feed.bar_columns(symbol) if symbol and span else (_NONE, _NONE, _NONE)
    fills: list[Fill] = []
    i, n, j = span.start, span.stop, 0
    while pos.market in acct.positions and (i < n or j < len(funding)):
        next_funding = funding[j][0] if j < len(funding) else INF
        stop = n if next_funding == INF else _ending_by(times, step, i, n, next_funding)
        i = _first_reaching(lows, highs, i, stop, down, up)  # skip quiet bars: no level in their range
        if i < stop:
            bar = feed.bar_at(symbol or "", i)  # i < n: the span is only non-empty with a symbol
            i += 1
            hit = check_bar(acct, perps, pos, bar, marks, from_epoch(bar.time + step), liq)
            if hit:
                fills.extend(hit)
                if pos.market in acct.positions:
                    liq = perps.liquidation_price(acct, pos, marks)
                    down, up = _screen(pos, liq)
            continue
        if j == len(funding):
            break
        t, rate = funding[j]
        j += 1
        mark = (feed.mark(symbol, t) if symbol else None) or marks[pos.market]
        perps.settle_funding(pos, dec(rate), mark)
        at_t = {**marks, pos.market: mark}
        if perps.underwater(acct, pos, at_t):
            fills.extend(_liquidate(acct, perps, pos, mark, at_t, from_epoch(t)))
        if pos.market in acct.positions:
            liq = perps.liquidation_price(acct, pos, marks)
            down, up = _screen(pos, liq)
    return fills


INF = float("inf")
_NONE: array[float] = array("d")  # the columns of a position whose market has no bars (read only)
VECTOR_SPAN = 128  # from about this many bars on, numpy's min / max beat Python's over an array slice


def _ending_by(times: Sequence[float], step: float, i: int, n: int, t: float) -> int:
    """First index k in [i, n] whose bar ends after `t` (`times[k] + step > t`), else n."""
    k = bisect_right(times, t - step, i, n)
    while k > i and times[k - 1] + step > t:  # the subtraction may round: settle on the exact test
        k -= 1
    while k < n and times[k] + step <= t:
        k += 1
    return k


def _first_reaching(lows: array[float], highs: array[float], i: int, n: int, down: float, up: float) -> int:
    """First index in [i, n) whose bar reaches a level (low <= down or high >= up), else n.

    Most stretches reach no level: the stretch's lowest low and highest high say so without a loop
    over its bars; only a stretch that does reach one is searched bar by bar.
    """
    if down == -INF and up == INF:  # no level to reach (say, a 1x long without stops)
        return n
    if n - i < VECTOR_SPAN:
        if i < n and (down == -INF or min(lows[i:n]) > down) and (up == INF or max(highs[i:n]) < up):
            return n
        while i < n and lows[i] > down and highs[i] < up:
            i += 1
        return i
    import numpy as np  # only long quiet stretches (a replay) get here

    lo = np.frombuffer(lows, dtype=np.float64, count=n)[i:]
    hi = np.frombuffer(highs, dtype=np.float64, count=n)[i:]
    if (down == -INF or lo.min() > down) and (up == INF or hi.max() < up):
        return n
    return i + int(np.argmax((lo <= down) | (hi >= up)))


SCREEN_EPS = 1e-9  # relative slack: float levels vs the Decimal ones `check_bar` compares exactly


def _screen(pos: PerpState, liq: Decimal | None) -> tuple[float, float]:
    """(down, up): a bar can trigger something only if its low <= down or its high >= up.

    The adverse levels (liquidation, stop) are met first at the nearest one: the higher for a long,
    the lower for a short; the take-profit is the favourable level.
    """
    long = pos.sign > 0
    stop, take = pos.stop_loss, pos.take_profit
    if stop is None:
        adverse = None if liq is None else float(liq)
    elif liq is None:
        adverse = float(stop)
    else:
        adverse = max(float(liq), float(stop)) if long else min(float(liq), float(stop))
    favourable = None if take is None else float(take)
    if long:
        down = -INF if adverse is None else adverse * (1 + SCREEN_EPS)
        up = INF if favourable is None else favourable * (1 - SCREEN_EPS)
    else:
        down = -INF if favourable is None else favourable * (1 + SCREEN_EPS)
        up = INF if adverse is None else adverse * (1 - SCREEN_EPS)
    return down, up


def check_bar(
    acct: Account,
    perps: PerpEngine,
    pos: PerpState,
    bar: Bar,
    marks: dict[str, Decimal],
    now: datetime,
    liq: Decimal | None,
) -> list[Fill]:
    s = pos.sign
    o = dec(bar.open)
    worst = dec(bar.low if s > 0 else bar.high)
    best = dec(bar.high if s > 0 else bar.low)
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
