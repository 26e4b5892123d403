"""Stepping over a long stretch in one call (one numpy pass per quiet run of bars) settles exactly
what stepping bar by bar settles: same stops, targets, liquidations and funding, at the same bars."""

from __future__ import annotations

import math
import random
from array import array
from collections.abc import Sequence
from decimal import Decimal

import pytest

from connectors.domain import Fill, OpenPosition, Side
from connectors.paper import PaperVenue, PriceFeed, steps
from connectors.paper.steps import VECTOR_SPAN
from connectors.protocol import SimClock
from tests.connectors.paper.paper_helpers import HOUR, T0, D

BARS = 400


def _path(seed: int) -> list[tuple[float, float, float, float]]:
    """A random walk of 1h bars (open, high, low, close), drifting enough to reach stops and targets."""
    rng = random.Random(seed)
    bars, price = [], 60_000.0
    for _ in range(BARS):
        close = price * (1 + rng.gauss(0, 0.004))
        high = max(price, close) * (1 + abs(rng.gauss(0, 0.002)))
        low = min(price, close) * (1 - abs(rng.gauss(0, 0.002)))
        bars.append((price, high, low, close))
        price = close
    return bars


async def _run(
    seed: int, side: Side, leverage: int, funding_every: int, bar_by_bar: bool
) -> tuple[list[Fill], object]:
    clock = SimClock(T0)
    feed = PriceFeed(clock, interval=HOUR)
    feed.append("BTC", T0 - HOUR, 60_000.0, 60_000.0, 60_000.0, 60_000.0)
    every = funding_every * HOUR
    feed.constant_funding("BTC", 0.0003, T0 + every, T0 + BARS * HOUR, every=every)
    venue = PaperVenue.with_defaults(clock, feed, cash={"USDC": D(10_000)})
    sign = side.sign
    await venue.execute(
        OpenPosition(
            market="BTC-PERP",
            side=side,
            size=D("0.1"),
            leverage=Decimal(leverage),
            stop_loss=D(60_000 * (1 - sign * 0.06)),
            take_profit=D(60_000 * (1 + sign * 0.09)),
        ),
        client_id="P",
    )
    fills: list[Fill] = []
    for i, (o, h, lo, c) in enumerate(_path(seed)):
        feed.append("BTC", T0 + i * HOUR, o, h, lo, c)
        if bar_by_bar:
            clock.set(T0 + (i + 1) * HOUR)
            fills += venue.advance()
    if not bar_by_bar:
        clock.set(T0 + BARS * HOUR)
        fills += venue.advance()
    return fills, await venue.snapshot()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(("side", "leverage"), [(Side.LONG, 3), (Side.SHORT, 3), (Side.LONG, 40)])
@pytest.mark.parametrize("funding_every", [8, 200])  # 200 h: stretches long enough for the numpy pass
async def test_one_long_step_equals_bar_by_bar(
    seed: int, side: Side, leverage: int, funding_every: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    spans: list[int] = []
    real = steps._first_reaching

    def spy(lows: Sequence[float], highs: Sequence[float], i: int, n: int, down: float, up: float) -> int:
        spans.append(n - i)
        return real(lows, highs, i, n, down, up)

    monkeypatch.setattr(steps, "_first_reaching", spy)
    once, book_once = await _run(seed, side, leverage, funding_every, bar_by_bar=False)
    assert max(spans) >= VECTOR_SPAN if funding_every > VECTOR_SPAN else max(spans) <= funding_every
    stepwise, book_stepwise = await _run(seed, side, leverage, funding_every, bar_by_bar=True)
    assert once == stepwise
    assert book_once == book_stepwise


@pytest.mark.parametrize(("side", "leverage"), [(Side.LONG, 3), (Side.SHORT, 3), (Side.LONG, 40)])
async def test_the_paths_do_reach_the_levels(side: Side, leverage: int) -> None:
    """Otherwise the equality above would hold vacuously."""
    kinds = set()
    for seed in range(6):
        fills, _ = await _run(seed, side, leverage, 100, bar_by_bar=False)
        kinds |= {f.kind for f in fills}
    assert kinds & {"stop_loss", "take_profit", "liquidation"}


def test_scan_helpers_agree_with_the_plain_definitions() -> None:
    rng = random.Random(3)
    for _ in range(3000):
        n = rng.randrange(0, 3 * VECTOR_SPAN)
        step = rng.choice([0.1, 0.2, 0.3, 300.0, 3600.0, 1 / 3])
        times = array("d", sorted(rng.uniform(0, 50) for _ in range(n)))
        lows = array("d", (rng.uniform(90, 100) for _ in range(n)))
        highs = array("d", (lo + rng.uniform(0, 20) for lo in lows))
        i = rng.randrange(0, n + 1)
        t = rng.choice([*times, rng.uniform(0, 60)]) + rng.choice([0.0, step, 0.1, 0.2])
        assert steps._ending_by(times, step, i, n, t) == next(
            (k for k in range(i, n) if times[k] + step > t), n
        )
        down = rng.choice([-math.inf, rng.uniform(85, 95)])  # a side without a level is infinite
        up = rng.choice([math.inf, rng.uniform(105, 125)])
        assert steps._first_reaching(lows, highs, i, n, down, up) == next(
            (k for k in range(i, n) if lows[k] <= down or highs[k] >= up), n
        )
