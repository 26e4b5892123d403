"""`PaperVenue`: the simulated venue behind paper trading, the daemon and the backtester.

It implements the `Connector` and `MarketData` protocols over a `Clock` and a `PriceFeed`. Every
state change works on a clone of the account and is swapped in only after the optional
`SqlitePaperStore` committed it, so memory and disk never disagree.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from connectors.domain import (
    ACTION_TYPES,
    Action,
    Candle,
    Fill,
    Holdings,
    MarketView,
    Quote,
    validated,
)
from connectors.errors import RejectedError, TransientError
from connectors.paper.account import ZERO, Account, fill_from_json, fill_to_json
from connectors.paper.config import PaperConfig
from connectors.paper.dispatch import Dispatcher
from connectors.paper.exposure import Exposure, exposure_of
from connectors.paper.feed import PriceFeed
from connectors.paper.lending import LendingEngine
from connectors.paper.perps import PerpEngine
from connectors.paper.pricing import Pricer
from connectors.paper.series import Bar
from connectors.paper.steps import current_marks, run_step
from connectors.paper.store import SqlitePaperStore
from connectors.protocol import Clock

BarInput = Bar | Candle | Sequence[Any]
DEFAULT_CASH = {"USDC": Decimal(10_000)}
_ACTION_CLASSES = frozenset(ACTION_TYPES)


class PaperVenue:
    """Simulated spot, perps and lending venue; idempotent on `client_id`, persistent with a store."""

    def __init__(
        self,
        clock: Clock,
        feed: PriceFeed,
        *,
        config: PaperConfig | None = None,
        cash: Mapping[str, Decimal] | None = None,
        store: SqlitePaperStore | None = None,
        name: str = "paper",
        recent_fills: int | None = None,
    ) -> None:
        """`recent_fills`: keep only that many of the latest fills in memory (`lookup` and `fills` answer
        for those; a long replay needs no more); None keeps every fill."""
        self.name = name
        self._recent_fills = recent_fills
        self.clock = clock
        self.feed = feed
        self.config = config or PaperConfig()
        self.pricer = Pricer(feed, self.config)
        self.perps = PerpEngine(name, self.config)
        self.lending = LendingEngine(name, self.config, self.pricer)
        self._dispatch = Dispatcher(name, self.config, self.pricer, self.lending, self.perps)
        self._store = store
        self._lock = threading.RLock()
        self._apy = {k.upper(): m.supply_apy for k, m in self.config.lending.items()}
        self._fills: OrderedDict[str, Fill] = OrderedDict()  # oldest first, O(1) to find the oldest
        self._instant_seen: tuple[datetime, float] | None = None  # see `_instant`
        saved = store.load(name) if store is not None else None
        if saved is not None:
            self._account = Account.from_json(saved.account)
            self._fills = OrderedDict((f.client_id, f) for f in saved.fills)
            return
        now = clock.now()
        self._account = Account(last_step=now, last_accrual=now)
        for asset, amount in (cash or {}).items():
            if not Decimal(amount).is_finite() or Decimal(amount) < 0:
                raise ValueError(f"starting cash for {asset} must be a non-negative number, got {amount}")
            if amount:
                self._account.credit(asset.upper(), Decimal(amount))
        if store is not None:
            self._commit(self._account, [])

    @classmethod
    def with_defaults(
        cls,
        clock: Clock,
        feed: PriceFeed,
        cash: Mapping[str, Decimal] | None = None,
        *,
        store: SqlitePaperStore | None = None,
        name: str = "paper",
        **overrides: Any,
    ) -> PaperVenue:
        """Default fees (spot 30 bps + 5 bps slippage, perps 5/2 bps taker/maker, 0.5% maintenance);
        `cash` defaults to 10,000 USDC; keyword overrides go to `PaperConfig`."""
        return cls(
            clock,
            feed,
            config=PaperConfig(**overrides),
            cash=DEFAULT_CASH if cash is None else cash,
            store=store,
            name=name,
        )

    # ---- Connector ------------------------------------------------------------------------------
    def supports(self, action: Action) -> bool:
        # the exact-type test first: isinstance on pydantic models goes through ABCMeta, per class
        return type(action) in _ACTION_CLASSES or isinstance(action, ACTION_TYPES)

    async def quote(self, action: Action) -> Quote:
        return self.quote_sync(action)

    async def execute(self, action: Action, *, client_id: str) -> Fill:
        return self.execute_sync(action, client_id=client_id)

    async def lookup(self, client_id: str) -> Fill | None:
        return self._fills.get(client_id)

    async def snapshot(self) -> Holdings:
        return self.holdings()

    async def market_view(self, symbols: Sequence[str], lookback: int) -> MarketView:
        return self.view(symbols, lookback)

    # ---- synchronous core (the backtester calls these directly) ---------------------------------
    def quote_sync(self, action: Action) -> Quote:
        """What `execute` would fill right now, from a throw-away copy of the account.

        Swaps: `price` is asset_in per asset_out, fee included. Perps: `price` is the fill price in USD
        per base unit, `amount_in` the margin posted (open) or the size closed (close), fee separate.
        """
        with self._lock:
            acct, _, now, ts, _ = self._stepped()
            fill, impact = self._dispatch.apply(acct, action, "quote", now, ts)
        price = fill.price
        if price is None:
            price = fill.amount_in / fill.amount_out if fill.amount_out and fill.amount_in else Decimal(1)
        return Quote(
            venue=self.name,
            asset_in=fill.asset_in,
            amount_in=fill.amount_in,
            asset_out=fill.asset_out,
            amount_out=fill.amount_out,
            price=price,
            fee=fill.fee,
            fee_asset=fill.fee_asset,
            price_impact_bps=impact,
            route=f"paper:{fill.kind}",
            at=now,
        )

    def execute_sync(self, action: Action, *, client_id: str) -> Fill:
        if not client_id:
            raise ValueError("execute needs a non-empty client_id")
        with self._lock:
            done = self._fills.get(client_id)
            if done is not None:
                return done
            acct, pending, now, ts, _ = self._stepped()
            fill, _ = self._dispatch.apply(acct, action, client_id, now, ts)
            self._commit(acct, [*pending, fill])
            return fill

    def advance(self, bars: Mapping[str, BarInput] | None = None) -> list[Fill]:
        """Append `bars` (symbol -> Bar/Candle/(time, o, h, l, c)), then step the account to `clock.now()`
        (SL/TP and liquidation per bar, funding, maintenance, lending interest: see `steps.run_step`).

        Every public call steps lazily to now first; whichever call materialized them, the fills the
        venue generated on its own (stops, targets, liquidations) are returned by exactly one
        `advance()`, oldest first (the queue survives a restart through the store).
        """
        with self._lock:
            for symbol, bar in (bars or {}).items():
                if isinstance(bar, Candle):
                    self.feed.append_candle(symbol, bar)
                else:
                    self.feed.append(symbol, *bar)
            acct, fills, _, _, ran = self._stepped()
            if not acct.unreported:  # nothing to hand out: the step, if one ran, made no fills
                if ran:
                    self._commit(acct, fills)
                return []
            fresh = {f.client_id: f for f in fills}
            out = [fresh.get(cid) or self._fills[cid] for cid in acct.unreported]
            acct.unreported = []
            self._commit(acct, fills)
            return out

    def deposit(self, asset: str, amount: Decimal, *, client_id: str | None = None) -> Fill:
        """Fund the paper wallet (a faucet); idempotent when a `client_id` is given."""
        if not amount.is_finite() or amount <= 0:
            raise ValueError(f"deposit amount must be positive, got {amount}")
        with self._lock:
            client_id = client_id or f"deposit:{uuid.uuid4().hex}"
            if client_id in self._fills:
                return self._fills[client_id]
            acct, pending, now, _, _ = self._stepped()
            acct.credit(asset.upper(), amount)
            fill = Fill(
                client_id=client_id,
                venue=self.name,
                kind="deposit",
                asset_out=asset.upper(),
                amount_out=amount,
                note="paper faucet",
                at=now,
            )
            self._commit(acct, [*pending, fill])
            return fill

    def set_triggers(
        self, market: str, *, stop_loss: Decimal | None = None, take_profit: Decimal | None = None
    ) -> None:
        """Replace the stop-loss / take-profit of an open position (None clears it)."""
        market = market.upper()
        with self._lock:
            acct, pending, _, ts, _ = self._stepped()
            pos = acct.positions.get(market)
            if pos is None:
                raise RejectedError(self.name, f"no open position in {market}")
            price = self.pricer.require(market, ts, self.name)
            self.perps.set_triggers(pos, price, stop_loss, take_profit)
            self._commit(acct, pending)

    def holdings(self) -> Holdings:
        """Snapshot as of now: the account is stepped to now first (committed), positions are marked."""
        acct, now, ts = self._current()
        marks = current_marks(acct, self.pricer, ts)
        positions = tuple([self.perps.position_view(acct, p, marks) for p in acct.positions.values()])
        equity = ZERO
        for book, sign in ((acct.balances, 1), (acct.supplied, 1), (acct.borrowed, -1)):
            for asset, amount in book.items():
                price = self.pricer.usd(asset, ts)  # unpriced assets count as 0
                if price is not None:
                    equity += sign * amount * price
        perps_value = ZERO  # summed on its own first, then added: the order the equity is rounded in
        for p in positions:
            perps_value += p.margin + p.unrealized_pnl
        equity += perps_value
        try:
            hf = self.lending.health_factor(acct, now)
        except RejectedError:
            hf = None
        fields = {  # validation copies the books: the snapshot never shares them with the account
            "balances": acct.balances,
            "positions": positions,
            "supplied": acct.supplied,
            "borrowed": acct.borrowed,
            "health_factor": hf,
            "equity_usd": equity,
            "at": now,
        }
        return validated(Holdings, fields)

    def exposure(self) -> Exposure:
        """Balances, lending and open perps as of now, not marked to market (see `exposure.py`)."""
        acct, _, ts = self._current()
        return exposure_of(acct, self.perps, current_marks(acct, self.pricer, ts))

    def view(self, symbols: Sequence[str], lookback: int) -> MarketView:
        """Synchronous `market_view`; symbols may be assets (WETH) or markets, resolved like prices."""
        now, ts = self._instant()
        prices: dict[str, Decimal] = {}
        closes: dict[str, tuple[float, ...]] = {}
        funding: dict[str, Decimal] = {}
        for raw in symbols:
            key = raw.upper()
            price = self.pricer.usd(key, ts)
            if price is not None:
                prices[key] = price
                sym = self.pricer.symbol_for(key)
                closes[key] = self.feed.closes(sym, lookback, ts) if sym else ()
            fsym = self.pricer.funding_symbol(key)
            rate = self.feed.funding_rate(fsym, ts) if fsym else None
            if rate is not None:
                funding[key] = rate
        return MarketView.model_construct(
            at=now, prices=prices, closes=closes, funding_rates=funding, lending_apy=dict(self._apy)
        )

    def price(self, asset: str) -> Decimal | None:
        return self.pricer.usd(asset.upper(), self.clock.now().timestamp())

    @property
    def fills(self) -> tuple[Fill, ...]:
        """Every fill this venue made, oldest first."""
        return tuple(self._fills.values())

    # ---- persistence ----------------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        """JSON-able state (Decimals as strings): config, account, fills."""
        return {
            "venue": self.name,
            "config": self.config.model_dump(mode="json"),
            "account": self._account.to_json(),
            "fills": [fill_to_json(f) for f in self._fills.values()],
        }

    @classmethod
    def from_state(
        cls,
        state: Mapping[str, Any],
        clock: Clock,
        feed: PriceFeed,
        *,
        store: SqlitePaperStore | None = None,
        config: PaperConfig | None = None,
    ) -> PaperVenue:
        """Rebuild a venue from `to_state()`; with a store, the store is overwritten to match."""
        venue = cls(
            clock, feed, config=config or PaperConfig.model_validate(state["config"]), name=state["venue"]
        )
        venue._account = Account.from_json(state["account"])
        venue._fills = OrderedDict((f.client_id, f) for f in (fill_from_json(d) for d in state["fills"]))
        if store is not None:
            venue._store = store
            known = store.load(venue.name)
            seen = {f.client_id for f in known.fills} if known else set()
            venue._commit(venue._account, [f for f in venue._fills.values() if f.client_id not in seen])
        return venue

    def _current(self) -> tuple[Account, datetime, float]:
        """The committed account stepped to now (reading it needs no clone when no step is due), now, and
        now in epoch seconds."""
        with self._lock:
            now, ts = self._instant()
            last = self._account.last_step
            if last is None or now > last:
                acct, pending, now, ts, ran = self._stepped()
                if ran:
                    self._commit(acct, pending)
            return self._account, now, ts

    def _instant(self) -> tuple[datetime, float]:
        """The clock's now and its epoch seconds. A tick asks for them several times and `timestamp()` is
        not free: the pair is kept while the clock hands out the same (immutable) datetime, in one
        attribute so that a thread never sees one instant's datetime with another's seconds."""
        now = self.clock.now()
        seen = self._instant_seen
        if seen is None or seen[0] is not now:
            seen = self._instant_seen = (now, now.timestamp())
        return seen

    def _stepped(self) -> tuple[Account, list[Fill], datetime, float, bool]:
        """A clone of the account stepped to now, the step's fills, now (and in epoch seconds), and whether
        a step ran.

        A clock at or behind the last step (same instant, restored state, jitter) never steps back.
        """
        now, ts = self._instant()
        acct = self._account.clone()
        last = acct.last_step
        if last is not None and now <= last:
            return acct, [], now, ts, False
        fills = run_step(acct, self.perps, self.lending, self.pricer, self.feed, now, ts)
        if fills:
            acct.unreported.extend(f.client_id for f in fills)
        return acct, fills, now, ts, True

    def _commit(self, acct: Account, fills: list[Fill]) -> None:
        if self._store is not None:
            try:
                self._store.commit(self.name, fills, acct.to_json(), self.clock.now().isoformat())
            except sqlite3.Error as e:
                raise TransientError(
                    self.name,
                    f"could not persist the paper account ({e}); nothing "
                    "changed, retry with the same client_id",
                ) from e
        self._account = acct
        for fill in fills:
            self._fills[fill.client_id] = fill
        cap = self._recent_fills
        while cap is not None and len(self._fills) > cap:
            oldest = next(iter(self._fills))
            if oldest in acct.unreported:  # not handed out yet: keep it (and everything newer)
                break
            del self._fills[oldest]
