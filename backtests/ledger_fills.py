"""Venue fills -> signed position changes in the trade book (spot swaps, perps, liquidations)."""

from __future__ import annotations

from collections.abc import Iterable

from backtests.trades import TradeBook
from connectors.domain import Fill, FillStatus

STABLES = frozenset({"USD", "USDT", "USDC", "DAI", "BUSD", "USDC.E", "FDUSD"})
PERP_KINDS = frozenset(
    {"open_position", "reverse_position", "close_position", "liquidation", "stop_loss", "take_profit"}
)


class FillReader:
    """Feeds fills into a TradeBook: spot trades keyed by asset, perp trades by market."""

    def __init__(self, book: TradeBook) -> None:
        self.book = book

    def apply(
        self, fills: Iterable[Fill], bar: int, new_sides: dict[str, int], why: str = "strategy"
    ) -> None:
        """`new_sides`: the direction of each perp market after these fills (from the venue snapshot)."""
        for f in fills:
            if f.status is FillStatus.REJECTED:
                continue
            self._one(f, bar, new_sides, why)

    def _one(self, f: Fill, bar: int, new_sides: dict[str, int], why: str) -> None:
        kind = f.kind
        gas = float(f.gas_usd) if f.gas_usd else 0.0
        if kind == "swap":
            sell, buy = f.asset_in.upper(), f.asset_out.upper()
            if buy not in STABLES and sell in STABLES and f.amount_out > 0:
                net_in = f.amount_in - (f.fee if f.fee_asset.upper() == sell else 0)
                price = float(net_in / f.amount_out)
                fee = float(f.fee) if f.fee_asset.upper() == sell else float(f.fee) * price
                self.book.fill(buy, float(f.amount_out), price, fee, f.at, bar, gas=gas)
            elif sell not in STABLES and buy in STABLES and f.amount_in > 0:
                fee_base = f.fee if f.fee_asset.upper() == sell else 0
                price = float(f.amount_out / (f.amount_in - fee_base)) if f.amount_in > fee_base else 0.0
                fee = float(fee_base) * price if fee_base else float(f.fee)
                self.book.fill(sell, -float(f.amount_in), price, fee, f.at, bar, why, gas)
            elif gas:
                self.book.pay_gas(gas)
            return
        if gas:  # wraps, transfers, lending: no trade of their own
            self.book.pay_gas(gas)
        if kind in PERP_KINDS or f.asset_in.upper().endswith("PERP") or f.asset_out.upper().endswith("PERP"):
            self._perp(f, bar, new_sides, why)

    def _perp(self, f: Fill, bar: int, new_sides: dict[str, int], why: str) -> None:
        price = float(f.price or 0)
        fee = float(f.fee)
        opening = f.kind == "open_position" and f.amount_out > 0 and f.asset_in.upper() in STABLES
        reversing = f.kind == "reverse_position"
        market = (f.asset_out if opening or reversing else f.asset_in).upper()
        held = self.book.open.get(market)
        side = held.side if held is not None else new_sides.get(market, 1)
        if opening:
            self.book.fill(market, side * float(f.amount_out), price, fee, f.at, bar)
        elif reversing:  # one order of held + new size: closes the held trade, opens the rest the other way
            turn = -side if held is not None else side
            self.book.fill(market, turn * float(f.amount_out), price, fee, f.at, bar, why)
        else:
            closed_by = why if f.kind in ("open_position", "close_position") else f.kind
            self.book.fill(market, -side * float(f.amount_in), price, fee, f.at, bar, closed_by)
