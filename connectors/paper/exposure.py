"""What the account holds, without marking it to market: the cheap read a replay loop needs per tick.

`Holdings` is the full snapshot (mark prices, unrealised PnL, equity, health factor, validated). A
backtest only needs the quantities behind its equity curve and the trigger levels to watch, after
every decision, so this reads them straight from the account as of its last step.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from connectors.paper.account import Account
from connectors.paper.perps import PerpEngine


class OpenPerp(NamedTuple):  # immutable like a frozen dataclass, built at a fraction of its cost
    market: str
    sign: int
    size: Decimal
    entry_price: Decimal
    margin: Decimal
    funding_paid: Decimal
    liquidation_price: Decimal | None
    stop_loss: Decimal | None
    take_profit: Decimal | None


class Exposure(NamedTuple):
    """Balances and lending by asset, open perps; amounts in each asset's own units."""

    balances: dict[str, Decimal]
    supplied: dict[str, Decimal]
    borrowed: dict[str, Decimal]
    positions: tuple[OpenPerp, ...]


def exposure_of(acct: Account, perps: PerpEngine, marks: dict[str, Decimal]) -> Exposure:
    """Copies of the account's books; `marks` (market -> mark) only feed the liquidation prices."""
    return Exposure(
        balances=dict(acct.balances),
        supplied=dict(acct.supplied),
        borrowed=dict(acct.borrowed),
        positions=tuple(
            [
                OpenPerp(
                    p.market,
                    p.sign,
                    p.size,
                    p.entry_price,
                    p.margin,
                    p.funding_paid,
                    perps.liquidation_price(acct, p, marks),
                    p.stop_loss,
                    p.take_profit,
                )
                for p in acct.positions.values()
            ]
        ),
    )
