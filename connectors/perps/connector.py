"""`PerpsConnector`: one async connector over ccxt's unified API for any perp venue ccxt supports.

Market data and account reads retry transient failures; writes go through `OrderDesk`, which is
idempotent on the action's client id. Implements the `Connector` protocol for OpenPosition and
ClosePosition.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar

import ccxt.async_support as ccxt_async

from connectors.domain import Action, ClosePosition, Fill, Holdings, OpenPosition, Position, Quote
from connectors.errors import RejectedError
from connectors.perps import parse
from connectors.perps.credentials import VenueCredentials
from connectors.perps.edge import RetryPolicy, Sleep, call_with_retry
from connectors.perps.exchange import build_exchange
from connectors.perps.execution import Executor
from connectors.perps.models import FundingPayment, FundingRate, FundingRecord, OrderBook, OrderState, Ticker
from connectors.perps.orders import OrderDesk, OrderRequest
from connectors.perps.sizing import MarketSpec
from connectors.perps.venues import VenueProfile, profile_for
from connectors.protocol import Clock, SystemClock

T = TypeVar("T")


class PerpsConnector:
    """A perp venue through ccxt. Close it (`await c.close()` or `async with`) to release sessions."""

    def __init__(
        self,
        venue: str,
        exchange: ccxt_async.Exchange | None = None,
        *,
        credentials: VenueCredentials | None = None,
        profile: VenueProfile | None = None,
        clock: Clock | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        sandbox: bool = False,
        lookup_first: bool = True,
    ) -> None:
        self.profile = profile or profile_for(venue)
        self.name = self.profile.id
        self._credentials = credentials
        self._ex = (
            exchange if exchange is not None else build_exchange(self.profile, credentials, sandbox=sandbox)
        )
        self._clock = clock or SystemClock()
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._secrets = tuple(credentials.secret_values()) if credentials else ()
        self._specs: dict[str, MarketSpec] = {}
        self.orders = OrderDesk(
            self._ex,
            self.profile,
            policy=self._retry,
            sleep=sleep,
            secrets=self._secrets,
            lookup_first=lookup_first,
        )
        self._executor = Executor(self)

    @classmethod
    def from_env(
        cls, venue: str, *, environ: Mapping[str, str] | None = None, sandbox: bool = False, **kwargs: Any
    ) -> PerpsConnector:
        """Credentials from DEFAI_PERPS__<VENUE>__* (see connectors.perps.credentials)."""
        profile = profile_for(venue)
        creds = VenueCredentials.from_env(profile.id, environ)
        return cls(profile.id, credentials=creds, profile=profile, sandbox=sandbox, **kwargs)

    @property
    def exchange(self) -> ccxt_async.Exchange:
        """The underlying ccxt exchange (for offline replay or venue-specific calls)."""
        return self._ex

    async def close(self) -> None:
        await self._ex.close()

    async def __aenter__(self) -> PerpsConnector:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _read(self, what: str, op: Callable[[], Awaitable[T]]) -> T:
        return await call_with_retry(
            self.name, what, op, policy=self._retry, sleep=self._sleep, secrets=self._secrets
        )

    # ---- markets -------------------------------------------------------------------------------

    async def load_markets(self, reload: bool = False) -> dict[str, MarketSpec]:
        """Perpetual (swap) markets by unified symbol, e.g. ``BTC/USDT:USDT``."""
        if self._specs and not reload:
            return self._specs
        markets: dict[str, Any] = await self._read("loading markets", lambda: self._ex.load_markets(reload))
        fallback = Decimal(self.profile.min_cost_fallback) if self.profile.min_cost_fallback else None
        self._specs = {
            sym: MarketSpec.from_ccxt(self.name, m, min_cost_fallback=fallback)
            for sym, m in sorted(markets.items())
            if m.get("swap")
        }
        return self._specs

    async def markets(self, *, active_only: bool = True) -> list[MarketSpec]:
        specs = await self.load_markets()
        return [s for s in specs.values() if s.active or not active_only]

    async def market(self, market: str) -> MarketSpec:
        """Resolve ``BTC``, ``BTC-PERP`` or ``BTC/USDT:USDT`` to this venue's linear perp."""
        specs = await self.load_markets()
        wanted = market.strip().upper()
        if wanted in specs:
            return specs[wanted]
        base = wanted.removesuffix("-PERP").removesuffix("PERP").split("/")[0]
        candidate = f"{base}/{self.profile.settle}:{self.profile.settle}"
        if candidate in specs:
            return specs[candidate]
        sample = ", ".join(list(specs)[:5])
        raise RejectedError(self.name, f"no perpetual market {market!r} on {self.name} (e.g. {sample})")

    async def ticker(self, market: str) -> Ticker:
        spec = await self.market(market)
        raw = await self._read(f"fetching ticker {spec.symbol}", lambda: self._ex.fetch_ticker(spec.symbol))
        return parse.ticker(raw)

    async def order_book(self, market: str, limit: int | None = None) -> OrderBook:
        spec = await self.market(market)
        raw = await self._read(
            f"fetching order book {spec.symbol}", lambda: self._ex.fetch_order_book(spec.symbol, limit)
        )
        return parse.order_book(raw, spec)

    async def funding_rate(self, market: str) -> FundingRate:
        spec = await self.market(market)
        raw = await self._read(
            f"fetching funding rate {spec.symbol}", lambda: self._ex.fetch_funding_rate(spec.symbol)
        )
        return parse.funding_rate(raw)

    async def funding_rate_history(
        self, market: str, *, since: datetime | None = None, limit: int | None = None
    ) -> list[FundingRecord]:
        """Historical funding prints for `market`, oldest first."""
        spec = await self.market(market)
        since_ms = None if since is None else int(since.timestamp() * 1000)
        rows = await self._read(
            f"fetching funding history {spec.symbol}",
            lambda: self._ex.fetch_funding_rate_history(spec.symbol, since_ms, limit),
        )
        return parse.funding_records(rows)

    async def funding_payments(
        self, market: str | None = None, *, since: datetime | None = None, limit: int | None = None
    ) -> list[FundingPayment]:
        """Funding this account paid or received, oldest first."""
        symbol = None if market is None else (await self.market(market)).symbol
        since_ms = None if since is None else int(since.timestamp() * 1000)
        rows = await self._read(
            "fetching funding payments", lambda: self._ex.fetch_funding_history(symbol, since_ms, limit)
        )
        return parse.funding_payments(rows)

    # ---- account -------------------------------------------------------------------------------

    async def balance(self) -> dict[str, Decimal]:
        raw = await self._read("fetching balance", lambda: self._ex.fetch_balance())
        return parse.balances(raw)

    async def positions(self, markets: Sequence[str] | None = None) -> list[Position]:
        specs = await self.load_markets()
        symbols = None if markets is None else [(await self.market(m)).symbol for m in markets]
        rows = await self._read("fetching positions", lambda: self._ex.fetch_positions(symbols))
        out = []
        for row in rows:
            pos = parse.position(row, specs.get(row.get("symbol", "")), self.name)
            if pos is not None and (symbols is None or pos.market in symbols):
                out.append(pos)
        return out

    async def set_leverage(
        self, market: str, leverage: Decimal, *, margin_mode: Literal["isolated", "cross"] | None = None
    ) -> None:
        """Set leverage; venues that store it per margin mode (Hyperliquid, OKX, Bybit) get the mode too."""
        spec = await self.market(market)
        if leverage < 1 or leverage != leverage.to_integral_value():
            raise RejectedError(self.name, f"leverage must be a whole number >= 1, got {leverage}x")
        if spec.max_leverage is not None and leverage > spec.max_leverage:
            raise RejectedError(
                self.name, f"leverage {leverage}x is above {spec.symbol}'s maximum {spec.max_leverage}x"
            )
        params: dict[str, Any] = {}
        if margin_mode is not None and self.profile.leverage_with_margin_mode:
            params["marginMode"] = margin_mode
        await self._idempotent_setting(
            f"setting leverage {leverage}x on {spec.symbol}",
            lambda: self._ex.set_leverage(int(leverage), spec.symbol, params),
        )

    async def set_margin_mode(
        self, market: str, mode: Literal["isolated", "cross"], *, leverage: Decimal | None = None
    ) -> None:
        """Set isolated/cross margin for `market` (Bybit unified accounts switch it account-wide)."""
        spec = await self.market(market)
        params: dict[str, Any] = {}
        if self.profile.leverage_with_margin_mode:
            if leverage is None:
                raise ValueError(f"{self.name} sets margin mode together with leverage; pass leverage=")
            params["leverage"] = int(leverage)
        await self._idempotent_setting(
            f"setting {mode} margin on {spec.symbol}",
            lambda: self._ex.set_margin_mode(mode, spec.symbol, params),
        )

    async def _idempotent_setting(self, what: str, op: Callable[[], Awaitable[Any]]) -> None:
        async def run() -> None:
            try:
                await op()
            except ccxt_async.NoChange:
                return

        await self._read(what, run)

    # ---- orders --------------------------------------------------------------------------------

    async def place_order(self, request: OrderRequest, *, client_id: str) -> OrderState:
        """Place one order leg, idempotently on `client_id` (see OrderDesk)."""
        self.require_credentials()
        return await self.orders.submit(request, client_id)

    def require_credentials(self) -> None:
        """ConfigError naming the missing DEFAI_PERPS__<VENUE>__* variables, before any request."""
        creds = self._credentials or VenueCredentials(venue=self.name)
        creds.require(self.profile.credentials)

    async def order_status(self, market: str, *, client_id: str) -> OrderState | None:
        spec = await self.market(market)
        return await self.orders.find(spec, self.orders.client_order_id(client_id, "entry"))

    async def cancel_order(
        self, market: str, *, order_id: str | None = None, client_id: str | None = None
    ) -> OrderState:
        spec = await self.market(market)
        coid = None if client_id is None else self.orders.client_order_id(client_id, "entry")
        return await self.orders.cancel(spec, order_id=order_id, coid=coid)

    # ---- Connector protocol --------------------------------------------------------------------

    def supports(self, action: Action) -> bool:
        return isinstance(action, OpenPosition | ClosePosition) and action.venue in (None, self.name)

    async def quote(self, action: Action) -> Quote:
        return await self._executor.quote(self._checked(action))

    async def execute(self, action: Action, *, client_id: str) -> Fill:
        checked = self._checked(action)
        self.require_credentials()
        return await self._executor.execute(checked, client_id)

    async def lookup(self, client_id: str, *, market: str | None = None) -> Fill | None:
        return await self._executor.lookup(client_id, market)

    async def snapshot(self) -> Holdings:
        balances = await self.balance()
        return Holdings(balances=balances, positions=tuple(await self.positions()), at=self._clock.now())

    def now(self) -> datetime:
        return self._clock.now()

    def _checked(self, action: Action) -> OpenPosition | ClosePosition:
        if not isinstance(action, OpenPosition | ClosePosition):
            raise RejectedError(self.name, f"{action.describe()} is not a perps action")
        if action.venue not in (None, self.name):
            raise RejectedError(self.name, f"action is for venue {action.venue}, not {self.name}")
        if isinstance(action, OpenPosition) and action.reverse:
            # one order of held + size flips only in one-way position mode; in hedge mode it would open
            # a second position instead, and the mode is not checked here
            raise RejectedError(
                self.name,
                f"{action.describe()}: reversing in one order is not supported on {self.name}; "
                "close the position, then open the other side",
            )
        return action
