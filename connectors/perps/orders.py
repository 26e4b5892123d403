"""Idempotent order submission: derive the venue client id, look it up before (re)sending, never resend blindly.

submit(leg) -> lookup(client id) -> found? return it
            -> create_order -> ok? return it
               timeout / network / 429 -> lookup(client id) -> found? return it
                                            -> lookup failed? UnknownOutcome (reconcile first)
                                            -> not there? back off, resend with the SAME client id
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import ccxt.async_support as ccxt_async

from connectors.errors import TransientError, UnknownOutcome
from connectors.perps.client_ids import Leg, venue_client_order_id
from connectors.perps.edge import RetryPolicy, Sleep, call_with_retry, translate
from connectors.perps.models import OrderState
from connectors.perps.parse import order_state
from connectors.perps.sizing import MarketSpec
from connectors.perps.venues import VenueProfile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OrderRequest:
    """One order leg in venue contracts. `trigger_price` + `trigger_kind` make it a stop/TP order."""

    spec: MarketSpec
    side: Literal["buy", "sell"]
    contracts: Decimal
    order_type: Literal["market", "limit"] = "market"
    price: Decimal | None = None
    reduce_only: bool = False
    trigger_kind: Literal["sl", "tp"] | None = None
    trigger_price: Decimal | None = None
    reference_price: Decimal | None = None
    margin_mode: Literal["isolated", "cross"] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_trigger(self) -> bool:
        return self.trigger_kind is not None


class OrderDesk:
    """Places, looks up and cancels orders for one venue; every write is keyed by a client id."""

    def __init__(
        self,
        exchange: ccxt_async.Exchange,
        profile: VenueProfile,
        *,
        policy: RetryPolicy,
        sleep: Sleep = asyncio.sleep,
        secrets: tuple[str, ...] = (),
        lookup_first: bool = True,
    ) -> None:
        self._ex = exchange
        self._profile = profile
        self._policy = policy
        self._sleep = sleep
        self._secrets = secrets
        self._lookup_first = lookup_first
        self._placed: dict[str, OrderState] = {}

    @property
    def venue(self) -> str:
        return self._profile.id

    def client_order_id(self, client_id: str, leg: Leg) -> str:
        return venue_client_order_id(self._profile, client_id, leg)

    async def submit(self, request: OrderRequest, client_id: str, leg: Leg = "entry") -> OrderState:
        """Place `request` at most once for (`client_id`, `leg`); returns the venue's order state."""
        coid = self.client_order_id(client_id, leg)
        if coid in self._placed:
            return self._placed[coid]
        if self._lookup_first:
            found = await self.find(request.spec, coid, trigger=request.is_trigger)
            if found is not None:
                log.info("perps.order.already_placed venue=%s client_order_id=%s", self.venue, coid)
                return self._remember(coid, found)
        attempt = 0
        while True:
            attempt += 1
            try:
                raw = await self._create(request, coid)
                return self._remember(coid, order_state(raw, request.spec, self.venue))
            except ccxt_async.BaseError as exc:
                error = translate(self.venue, exc, f"placing {leg} order {coid}", self._secrets)
                if not isinstance(error, TransientError):
                    # A rejected *resend* may mean the first send landed (venues reject a reused client id).
                    if attempt > 1 and (found := await self._reconcile(request, coid, client_id, exc)):
                        return found
                    raise error from exc
                log.warning(
                    "perps.order.unconfirmed venue=%s client_order_id=%s error=%s", self.venue, coid, error
                )
                await self._sleep(self._policy.delay(attempt))  # let a late order surface before looking
                if found := await self._reconcile(request, coid, client_id, exc):
                    return found
                if attempt >= self._policy.attempts:
                    if isinstance(exc, ccxt_async.RequestTimeout):
                        raise UnknownOutcome(
                            self.venue,
                            f"order {coid} timed out {attempt} times and is not visible yet; reconcile with "
                            "lookup before sending anything else",
                            client_id=client_id,
                            reference=coid,
                        ) from exc
                    raise error from exc

    async def _reconcile(
        self, request: OrderRequest, coid: str, client_id: str, cause: BaseException
    ) -> OrderState | None:
        """Look the order up after an unclear send; a failing lookup is an UnknownOutcome."""
        try:
            found = await self.find(request.spec, coid, trigger=request.is_trigger)
        except TransientError as lookup_error:
            raise UnknownOutcome(
                self.venue,
                f"order {coid} was sent but not confirmed and the lookup failed ({lookup_error.message}); "
                "reconcile before sending anything else",
                client_id=client_id,
                reference=coid,
            ) from cause
        return None if found is None else self._remember(coid, found)

    async def find(self, spec: MarketSpec, coid: str, *, trigger: bool = False) -> OrderState | None:
        """The venue's order with client id `coid`, or None if the venue says it does not exist."""
        params: dict[str, Any] = {**self._profile.lookup_params, self._profile.lookup_id_param: coid}
        if trigger and self._profile.lookup_trigger_flag:
            params["trigger"] = True

        async def fetch() -> OrderState | None:
            try:
                order_id = {"client": coid, "empty": "", "none": None}[self._profile.lookup_order_id]
                raw = await self._ex.fetch_order(order_id, spec.symbol, params)
            except ccxt_async.OrderNotFound:
                return None
            state = order_state(raw, spec, self.venue)
            return state if state.status != "unknown" or state.order_id else None

        return await call_with_retry(
            self.venue,
            f"looking up order {coid}",
            fetch,
            policy=self._policy,
            sleep=self._sleep,
            secrets=self._secrets,
        )

    async def cancel(
        self, spec: MarketSpec, *, order_id: str | None = None, coid: str | None = None
    ) -> OrderState:
        if order_id is None and coid is None:
            raise ValueError("cancel needs order_id or client order id")
        params: dict[str, Any] = {} if coid is None else {"clientOrderId": coid}

        async def do() -> OrderState:
            raw = await self._ex.cancel_order(order_id or "", spec.symbol, params)
            return order_state(raw, spec, self.venue)

        return await call_with_retry(
            self.venue,
            f"cancelling order {order_id or coid}",
            do,
            policy=self._policy,
            sleep=self._sleep,
            secrets=self._secrets,
        )

    async def _create(self, request: OrderRequest, coid: str) -> dict[str, Any]:
        spec = request.spec
        params: dict[str, Any] = {"clientOrderId": coid, **request.extra}
        if request.reduce_only:
            params["reduceOnly"] = True
        if request.margin_mode is not None and self._profile.margin_mode_on_order:
            params["marginMode"] = request.margin_mode
        price = request.price
        if request.trigger_kind is not None:
            key = "stopLossPrice" if request.trigger_kind == "sl" else "takeProfitPrice"
            params[key] = float(request.trigger_price or 0)
            if self._profile.market_order_needs_price and price is None:
                price = request.trigger_price
        elif request.order_type == "market" and self._profile.market_order_needs_price:
            price = request.reference_price
        # ccxt's typed API takes floats; amounts are already whole steps, so repr() round-trips exactly.
        amount = float(request.contracts)
        price_arg = None if price is None else float(spec.round_price(price))
        result: dict[str, Any] = await self._ex.create_order(
            spec.symbol, request.order_type, request.side, amount, price_arg, params
        )
        return result

    def _remember(self, coid: str, state: OrderState) -> OrderState:
        if state.client_order_id is None:
            state = state.model_copy(update={"client_order_id": coid})
        self._placed[coid] = state
        return state
