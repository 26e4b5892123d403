"""Round-trip trades rebuilt from position changes, the way a trader reads them.

The book sees signed position deltas per symbol (from the venue's holdings before and after each
execution) with their fill price and fees, and pairs entries with exits; a reversal closes one trade
and opens the next. Funding accrues to the open trade.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

EPS = 1e-12


@dataclass(slots=True)
class Trade:
    """One closed round trip; money in the quote asset (USD), sizes in base units."""

    symbol: str
    side: str
    size: float
    entry_time: datetime
    entry_price: float
    exit_time: datetime
    exit_price: float
    entry_bar: int
    exit_bar: int
    fees: float
    funding: float
    pnl: float
    return_pct: float
    closed_by: str = "strategy"

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["entry_time"] = self.entry_time.isoformat()
        out["exit_time"] = self.exit_time.isoformat()
        return out


@dataclass(slots=True)
class _Open:
    side: int
    size: float
    entry_time: datetime
    entry_price: float
    entry_bar: int
    fees: float = 0.0
    funding: float = 0.0


@dataclass
class TradeBook:
    """Turns position deltas into trades. `fill()` for each change, `close_all()` at the end."""

    trades: list[Trade] = field(default_factory=list)
    open: dict[str, _Open] = field(default_factory=dict)
    fees_paid: float = 0.0
    funding_paid: float = 0.0
    gas_paid: float = 0.0
    """Part of `fees_paid`: network fees of on-chain actions (in USD)."""

    def pay_gas(self, usd: float) -> None:
        """Gas of an on-chain action that opens or closes no trade (a wrap, a lending move)."""
        self.gas_paid += usd
        self.fees_paid += usd

    def fill(
        self,
        symbol: str,
        delta: float,
        price: float,
        fee: float,
        when: datetime,
        bar: int,
        closed_by: str = "strategy",
        gas: float = 0.0,
    ) -> None:
        """Apply a signed size change at `price`; `fee` is in USD and split pro rata on reversals.

        `gas` (USD, on-chain fills) is paid like the fee: it counts in the trade's fees and `fees_paid`.
        """
        self.gas_paid += gas
        fee += gas
        self.fees_paid += fee
        if abs(delta) <= EPS:
            pos = self.open.get(symbol)
            if pos is not None:
                pos.fees += fee
            return
        pos = self.open.get(symbol)
        remaining = delta
        if pos is not None and pos.side * delta < 0:
            closing = min(abs(delta), pos.size)
            share = closing / abs(delta)
            self._close(symbol, pos, closing, price, fee * share, when, bar, closed_by)
            remaining = delta + pos.side * closing
            fee *= 1 - share
            if pos.size <= EPS:
                del self.open[symbol]
                pos = None
        if abs(remaining) <= EPS:
            return
        if pos is None:
            self.open[symbol] = _Open(1 if remaining > 0 else -1, abs(remaining), when, price, bar, fee)
        else:
            total = pos.size + abs(remaining)
            pos.entry_price = (pos.entry_price * pos.size + price * abs(remaining)) / total
            pos.size = total
            pos.fees += fee

    def accrue_funding(self, symbol: str, amount: float) -> None:
        """Funding paid (positive) or received (negative) by the open position on `symbol`."""
        self.funding_paid += amount
        pos = self.open.get(symbol)
        if pos is not None:
            pos.funding += amount

    def _close(
        self,
        symbol: str,
        pos: _Open,
        size: float,
        price: float,
        fee: float,
        when: datetime,
        bar: int,
        closed_by: str,
    ) -> None:
        share = size / pos.size
        entry_fee, funding = pos.fees * share, pos.funding * share
        gross = pos.side * size * (price - pos.entry_price)
        fees = entry_fee + fee
        pnl = gross - fees - funding
        basis = size * pos.entry_price
        self.trades.append(
            Trade(
                symbol=symbol,
                side="long" if pos.side > 0 else "short",
                size=size,
                entry_time=pos.entry_time,
                entry_price=pos.entry_price,
                exit_time=when,
                exit_price=price,
                entry_bar=pos.entry_bar,
                exit_bar=bar,
                fees=fees,
                funding=funding,
                pnl=pnl,
                return_pct=(pnl / basis * 100) if basis else 0.0,
                closed_by=closed_by,
            )
        )
        pos.size -= size
        pos.fees -= entry_fee
        pos.funding -= funding

    def close_all(self, prices: dict[str, float], fee_rate: float, when: datetime, bar: int) -> float:
        """Close every open trade at `prices` (the last close) paying `fee_rate`; returns fees charged."""
        charged = 0.0
        for symbol, pos in list(self.open.items()):
            fee = pos.size * prices[symbol] * fee_rate
            charged += fee
            self.fees_paid += fee
            self._close(symbol, pos, pos.size, prices[symbol], fee, when, bar, "end_of_data")
            del self.open[symbol]
        return charged


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def utc(ns: int) -> datetime:
    """Epoch nanoseconds -> UTC datetime, truncated to the microsecond (a timedelta times an int is
    exact and about twice as fast as building the timedelta from keywords: once per replay tick)."""
    return _EPOCH + _MICROSECOND * (ns // 1000)
