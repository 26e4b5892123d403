"""The simulated venue ("paper") used by paper trading, the daemon and the backtester.

`PaperVenue` implements `Connector` and `MarketData` over a `Clock` and a `PriceFeed`; spot swaps,
perps (isolated/cross, funding, SL/TP, liquidation) and an Aave-like money market share one account,
persisted atomically per fill by `SqlitePaperStore`.
"""

from connectors.paper.config import LendingMarket, PaperConfig, default_lending
from connectors.paper.feed import PriceFeed
from connectors.paper.series import Bar
from connectors.paper.store import SqlitePaperStore, StoredVenue
from connectors.paper.venue import PaperVenue

__all__ = [
    "Bar",
    "LendingMarket",
    "PaperConfig",
    "PaperVenue",
    "PriceFeed",
    "SqlitePaperStore",
    "StoredVenue",
    "default_lending",
]
