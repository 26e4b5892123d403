"""Where yield options come from: lending rates read from the venue, funding carry from history.

Each reader returns YieldOptions and never guesses: a source that cannot be read contributes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from agent.intents.lexicon import WRAPPED
from agent.intents.plan_models import YieldOption
from agent.intents.yield_plan import carry_option
from connectors.errors import FrameworkError


async def lending_options(venue: Any, asset: str) -> list[YieldOption]:
    """Supply rates the venue itself reports for `asset` (Aave reserves on chain, paper lending markets)."""
    asset = asset.upper()
    options: list[YieldOption] = []
    aave = getattr(getattr(venue, "lending", None), "aave", None)
    book = getattr(venue, "book", None)
    if aave is not None and book is not None:
        symbol = WRAPPED.get(asset, asset)
        try:
            reserve = await aave.reserve(book.token(symbol))
        except (FrameworkError, KeyError, ValueError):
            reserve = None
        if reserve is not None and reserve.supply_apy > 0:
            options.append(
                YieldOption(name=f"Aave V3 {symbol} supply", kind="lending", asset=asset, apy=reserve.supply_apy,
                            risk="low", venue="aave", source=f"Aave reserve data on {getattr(venue, 'name', '?')}")
            )  # fmt: skip
    markets = getattr(getattr(venue, "config", None), "lending", None)
    if isinstance(markets, dict):
        market = markets.get(asset) or markets.get(WRAPPED.get(asset, asset))
        if market is not None and market.supply_apy > 0:
            options.append(
                YieldOption(name=f"paper lending {asset} supply", kind="lending", asset=asset, apy=market.supply_apy,
                            risk="low", venue=getattr(venue, "name", "paper"), source="paper venue lending market")
            )  # fmt: skip
    return options


def funding_rates_from_feather(path: Path, last: int | None = 90) -> list[Decimal]:
    """Per-interval funding rates from a freqtrade `*-funding_rate.feather` file (rate in `open`)."""
    import pandas as pd

    frame = pd.read_feather(path)
    if "open" not in frame.columns:
        raise ValueError(f"{path} has no 'open' column with funding rates")
    rates = [Decimal(str(x)) for x in frame["open"].dropna().tolist()]
    return rates[-last:] if last else rates


def funding_options(
    asset: str, rates: Sequence[Decimal], venue: str, interval_hours: Decimal = Decimal(8)
) -> list[YieldOption]:
    """A funding-carry option when the history is non-empty and carry was positive on average."""
    if not rates:
        return []
    option = carry_option(asset.upper(), rates, venue, interval_hours)
    return [option] if option.apy > 0 else []
