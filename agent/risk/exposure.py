"""USD notional of an action and whether it reduces risk: the numbers the gate's rules compare."""

from __future__ import annotations

from decimal import Decimal

from agent.risk.policy import STABLECOINS
from connectors.domain import (
    Action,
    Borrow,
    ClosePosition,
    Holdings,
    MarketView,
    OpenPosition,
    Position,
    Repay,
    SizeUnit,
    Supply,
    Swap,
    Transfer,
    Unwrap,
    Withdraw,
    Wrap,
)
from connectors.domain.market import market_base

WRAPPED_NATIVE = {"WETH": "ETH", "WBTC": "BTC"}
"""Wrapped tokens priced as the native asset they wrap."""


def usd_price(symbol: str, view: MarketView) -> Decimal | None:
    """USD per unit; stablecoins are 1 when unpriced; wrapped assets fall back to their native price."""
    sym = symbol.upper()
    if sym in view.prices:
        return view.prices[sym]
    if sym in WRAPPED_NATIVE and WRAPPED_NATIVE[sym] in view.prices:
        return view.prices[WRAPPED_NATIVE[sym]]
    if sym in STABLECOINS:
        return Decimal(1)
    return None


def _amount(action_amount: Decimal | str, held: Decimal) -> Decimal:
    return held if action_amount == "all" else Decimal(action_amount)


def assets_of(action: Action) -> tuple[str, ...]:
    match action:
        case Swap():
            return (action.sell.upper(), action.buy.upper())
        case Wrap() | Unwrap():
            return ("ETH", "WETH")
        case Transfer() | Supply() | Withdraw() | Borrow() | Repay():
            return (action.asset.upper(),)
        case OpenPosition() | ClosePosition():
            return (market_base(action.market),)
    return ()


def notional_usd(action: Action, book: Holdings, view: MarketView) -> Decimal | None:
    """The action's size in USD at current prices; None when an asset has no price."""
    match action:  # trades first: the cases a backtest asks about on every tick
        case Swap():
            counted = action.sell if action.amount_in == "sell" else action.buy
            price = usd_price(counted, view)
            held = book.balance(action.sell)
            return None if price is None else _amount(action.amount, held) * price
        case OpenPosition():
            opened = opened_usd(action, view)
            if opened is None or not action.reverse:
                return opened
            other = book.position(action.market)
            if other is None or other.side is action.side:
                return opened
            return opened + _held_usd(other, view)  # one order trades both legs
        case ClosePosition():
            pos = book.position(action.market)
            return Decimal(0) if pos is None else _held_usd(pos, view) * action.fraction
        case Wrap() | Unwrap():
            price = usd_price("ETH", view)
            held = book.balance("ETH" if isinstance(action, Wrap) else "WETH")
            return None if price is None else _amount(action.amount, held) * price
        case Transfer():
            price = usd_price(action.asset, view)
            return None if price is None else action.amount * price
        case Supply() | Withdraw() | Borrow() | Repay():
            price = usd_price(action.asset, view)
            pool = {
                "supply": book.balances,
                "withdraw": book.supplied,
                "borrow": {},
                "repay": book.borrowed,
            }[action.kind]
            held = pool.get(action.asset.upper(), Decimal(0))
            return None if price is None else _amount(action.amount, held) * price
    return None


def _held_usd(pos: Position, view: MarketView) -> Decimal:
    """What closing all of `pos` trades, in USD (at its entry price when the market is unpriced)."""
    return pos.size * (usd_price(market_base(pos.market), view) or pos.entry_price)


def opened_usd(action: OpenPosition, view: MarketView) -> Decimal | None:
    """USD notional of the position `action` opens or adds (a reversal's closing leg not included)."""
    if action.size_unit is SizeUnit.USD:
        return action.size
    price = usd_price(market_base(action.market), view)
    return None if price is None else action.size * price


def reduces_risk(action: Action, book: Holdings) -> bool:
    """True for actions that only shrink exposure: allowed while the kill switch says REDUCING."""
    match action:  # trades first, as in notional_usd
        case OpenPosition():
            if action.reduce_only:
                return True
            if action.reverse:
                return False
            pos = book.position(action.market)
            return pos is not None and pos.side is not action.side and action.size <= pos.size
        case Swap():
            return action.buy.upper() in STABLECOINS and action.sell.upper() not in STABLECOINS
        case ClosePosition() | Repay():
            return True
        case Withdraw():
            return not any(v > 0 for v in book.borrowed.values())
        case Unwrap():
            return True
    return False
