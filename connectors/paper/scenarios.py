"""Small reproducible runs of the paper venue that explain its numbers (used by tests and the CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from connectors.domain import Fill, OpenPosition, Side, SizeUnit
from connectors.paper.feed import PriceFeed
from connectors.paper.venue import PaperVenue
from connectors.protocol import SimClock

START = datetime(2025, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class StopDemoReport:
    """What happened to one stopped-out long: margin, liquidation price, funding, the stop fill."""

    entry_price: Decimal
    size: Decimal
    leverage: Decimal
    margin: Decimal
    open_fee: Decimal
    liquidation_price: Decimal
    stop_price: Decimal
    funding_payments: tuple[tuple[datetime, Decimal], ...]
    funding_paid: Decimal
    stop_fill: Fill
    cash_before: Decimal
    cash_after: Decimal
    fills: tuple[Fill, ...] = field(default=())

    @property
    def net_pnl(self) -> Decimal:
        return self.cash_after - self.cash_before

    def lines(self) -> list[str]:
        """Human-readable report, one fact per line (USDC to the cent, BTC to the satoshi)."""

        def usd(x: Decimal | None) -> str:
            return f"{(x or Decimal(0)).quantize(Decimal('0.01'))}"

        def btc(x: Decimal) -> str:
            return f"{x.quantize(Decimal('1e-8')).normalize():f}"

        fill = self.stop_fill
        out = [
            f"open long {btc(self.size)} BTC at {usd(self.entry_price)} ({self.leverage}x isolated)",
            f"margin posted {usd(self.margin)} USDC, open fee {usd(self.open_fee)} USDC",
            f"liquidation price {usd(self.liquidation_price)} (maintenance margin 0.5%)",
            f"stop loss at {usd(self.stop_price)}",
        ]
        out += [f"funding {t:%Y-%m-%d %H:%M} paid {usd(amt)} USDC" for t, amt in self.funding_payments]
        out += [
            f"funding paid in total {usd(self.funding_paid)} USDC",
            f"stop filled at {usd(fill.price)} on {fill.at:%Y-%m-%d %H:%M}: realized PnL "
            f"{usd(fill.realized_pnl)} USDC, fee {usd(fill.fee)} USDC",
            f"USDC {usd(self.cash_before)} -> {usd(self.cash_after)} (net {usd(self.net_pnl)})",
        ]
        return out


def _bars(
    entry: float, hours_flat: int, drop: float, count: int
) -> list[tuple[datetime, float, float, float, float]]:
    """Flat around `entry` for `hours_flat` hours, then falling `drop` per hour (lows 0.5% below close)."""
    bars: list[tuple[datetime, float, float, float, float]] = []
    price = entry
    for i in range(count):
        t = START + i * HOUR
        if i < hours_flat:
            bars.append((t, price, price * 1.005, price * 0.995, price))
        else:
            close = price * (1 - drop)
            bars.append((t, price, price * 1.002, close * 0.995, close))
            price = close
    return bars


def long_with_stop_demo(
    *,
    margin: Decimal = Decimal(1000),
    leverage: Decimal = Decimal(3),
    stop_pct: Decimal = Decimal("0.05"),
    funding_rate: Decimal = Decimal("0.0001"),
    entry: float = 60_000.0,
    cash: Decimal = Decimal(10_000),
) -> StopDemoReport:
    """Long BTC with `margin` USDC at `leverage`x, stop `stop_pct` below entry, funding every 8h.

    Price is flat for 24h (three funding settlements at 08:00, 16:00, 00:00 are paid) and then falls
    1% an hour until a bar's low crosses the stop, which fills at the stop price.
    """
    clock = SimClock(START)
    feed = PriceFeed(clock, interval=HOUR)
    bars = _bars(entry, hours_flat=24, drop=0.01, count=96)
    feed.add_candles("BTC", bars)
    feed.constant_funding("BTC", funding_rate, START, START + 4 * timedelta(days=1))
    venue = PaperVenue.with_defaults(clock, feed, cash={"USDC": cash})
    price = Decimal(repr(entry))
    stop = price * (1 - stop_pct)
    opened = venue.execute_sync(
        OpenPosition(
            market="BTC",
            side=Side.LONG,
            size=margin * leverage,
            size_unit=SizeUnit.USD,
            leverage=leverage,
            stop_loss=stop,
            reason="demo",
        ),
        client_id="demo-long",
    )
    liq = venue.holdings().positions[0].liquidation_price
    assert liq is not None
    payments: list[tuple[datetime, Decimal]] = []
    paid = Decimal(0)
    stop_fill: Fill | None = None
    for bar in bars:
        pos = venue.holdings().position("BTC")
        clock.set(bar[0] + HOUR)
        fills = venue.advance()
        after = venue.holdings().position("BTC")
        stop_fill = next((f for f in fills if f.kind == "stop_loss"), None)
        if pos is not None and after is not None and after.funding_paid != pos.funding_paid:
            payments.append((clock.now(), after.funding_paid - pos.funding_paid))
            paid = after.funding_paid
        if stop_fill is not None:
            break
    if stop_fill is None:
        raise RuntimeError("demo price path never reached the stop")
    return StopDemoReport(
        entry_price=opened.price or price,
        size=opened.amount_out,
        leverage=leverage,
        margin=opened.amount_in,
        open_fee=opened.fee,
        liquidation_price=liq,
        stop_price=stop,
        funding_payments=tuple(payments),
        funding_paid=paid,
        stop_fill=stop_fill,
        cash_before=cash,
        cash_after=venue.holdings().balance("USDC"),
        fills=venue.fills,
    )
