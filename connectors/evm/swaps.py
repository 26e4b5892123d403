"""Swap actions: route quotes (V3 by default, V2 on request) -> domain Quote; execution with limits."""

from __future__ import annotations

import time
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from connectors.domain import Fill, Quote, Swap, utc_now
from connectors.errors import RejectedError
from connectors.evm.addresses import Token
from connectors.evm.fills import make_fill, moved
from connectors.evm.sender import Receipt
from connectors.evm.tokens import Tokens, to_raw, units
from connectors.evm.uniswap_v2 import UniswapV2
from connectors.evm.uniswap_v3 import RouteQuote, UniswapV3

V2_NAMES = {"uniswap_v2", "uniswapv2", "v2"}
DEADLINE_SECONDS = 600


class SwapDesk:
    """Quotes and fills swaps for one account; `quote` amounts are in token units like the fill's."""

    def __init__(self, tokens: Tokens, default_slippage_bps: int) -> None:
        self.tokens = tokens
        self.default_slippage_bps = default_slippage_bps
        book = tokens.book
        self.v3 = UniswapV3(tokens.rpc, book) if book.uniswap_v3_router else None
        self.v2 = UniswapV2(tokens.rpc, book) if book.uniswap_v2_router else None

    def _dex(self, action: Swap) -> UniswapV3 | UniswapV2:
        wants_v2 = (action.venue or "").lower() in V2_NAMES
        dex = self.v2 if wants_v2 or self.v3 is None else self.v3
        if dex is None:
            raise RejectedError(self.tokens.rpc.venue, f"no Uniswap deployment on {self.tokens.book.network}")
        return dex

    async def route(self, action: Swap) -> RouteQuote:
        book = self.tokens.book
        sell, buy = book.token(action.sell), book.token(action.buy)
        if action.amount == "all":
            raw = await self.tokens.balance(sell)
            if raw == 0:
                raise RejectedError(self.tokens.rpc.venue, f"no {sell.symbol} to swap")
            return await self._dex(action).quote(sell, buy, raw, "exact_in")
        if action.amount_in == "sell":
            return await self._dex(action).quote(sell, buy, to_raw(sell, action.amount), "exact_in")
        return await self._dex(action).quote(sell, buy, to_raw(buy, action.amount), "exact_out")

    async def quote(self, action: Swap, venue: str) -> Quote:
        """The best route now, with its price impact against a 1/1000-size probe on the same path."""
        route = await self.route(action)
        dex = self._dex(action)
        small = max(1, route.amount_in // 1000)
        probe = await dex.quote_route(route.tokens, route.fees, small, "exact_in")
        quote = self.to_quote(route, venue)
        if probe is None or probe.amount_out == 0 or route.amount_in == 0:
            return quote
        spot = Decimal(probe.amount_out) / probe.amount_in
        paid = Decimal(route.amount_out) / route.amount_in
        impact = max(Decimal(0), (1 - paid / spot) * 10_000).quantize(Decimal("0.01"))
        return quote.model_copy(update={"price_impact_bps": impact})

    @staticmethod
    def to_quote(route: RouteQuote, venue: str) -> Quote:
        sell, buy = route.tokens[0], route.tokens[-1]
        amount_in, amount_out = units(sell, route.amount_in), units(buy, route.amount_out)
        kept = Decimal(1)
        for fee in route.fees:
            kept *= 1 - Decimal(fee) / 1_000_000
        return Quote(
            venue=venue,
            asset_in=sell.symbol,
            amount_in=amount_in,
            asset_out=buy.symbol,
            amount_out=amount_out,
            price=amount_in / amount_out if amount_out else Decimal(0),
            fee=(amount_in * (1 - kept)).quantize(Decimal(1).scaleb(-sell.decimals)),
            fee_asset=sell.symbol,
            route=route.describe(),
            gas_estimate=route.gas_estimate,
            at=utc_now(),
        )

    def _limit(self, route: RouteQuote, reference: Quote | None, bps: int) -> int:
        """min-out (exact-in) or max-in (exact-out), raw, from the reference quote and the slippage limit."""
        sell, buy = route.tokens[0], route.tokens[-1]
        if route.mode == "exact_in":
            expected = to_raw(buy, reference.amount_out) if reference else route.amount_out
            return int((Decimal(expected) * (10_000 - bps) / 10_000).to_integral_value(ROUND_FLOOR))
        expected = to_raw(sell, reference.amount_in) if reference else route.amount_in
        return int((Decimal(expected) * (10_000 + bps) / 10_000).to_integral_value(ROUND_CEILING))

    async def execute(
        self, action: Swap, *, client_id: str, venue: str, reference: Quote | None
    ) -> tuple[Fill, Quote]:
        """Quote now, refuse what the wallet cannot pay, approve exactly, swap with the limit, read the fill."""
        route = await self.route(action)
        quote = self.to_quote(route, venue)
        if reference is not None and (reference.asset_in, reference.asset_out) != (
            quote.asset_in,
            quote.asset_out,
        ):
            raise RejectedError(venue, "the reference quote is for a different pair")
        bps = self.default_slippage_bps if action.max_slippage_bps is None else action.max_slippage_bps
        limit = self._limit(route, reference, bps)
        sell: Token = route.tokens[0]
        buy: Token = route.tokens[-1]
        self._check_limit(route, limit, bps, venue)
        pay = route.amount_in if route.mode == "exact_in" else limit
        await self.tokens.require_balance(sell, pay, f"swap {sell.symbol} -> {buy.symbol}")
        dex = self._dex(action)
        await self.tokens.ensure_allowance(sell, dex.router, pay, client_id=client_id)
        deadline = await self._deadline()
        receipt = await self.tokens.sender.send(
            dex.swap_call(route, limit, self.tokens.me, deadline), client_id=client_id
        )
        return self.fill_from(receipt, client_id, venue, sell, buy, reference or quote), reference or quote

    def fill_from(
        self, receipt: Receipt, client_id: str, venue: str, sell: Token, buy: Token, quote: Quote
    ) -> Fill:
        paid, _ = moved(receipt, sell.address, self.tokens.me)
        _, got = moved(receipt, buy.address, self.tokens.me)
        note = f"quoted {quote.amount_out} {buy.symbol} for {quote.amount_in} {sell.symbol} via {quote.route}"
        return make_fill(client_id, venue, "swap", receipt, asset_in=sell.symbol, amount_in=units(sell, paid),
                         asset_out=buy.symbol, amount_out=units(buy, got), note=note)  # fmt: skip

    @staticmethod
    def _check_limit(route: RouteQuote, limit: int, bps: int, venue: str) -> None:
        """Refuse before approving anything when the price has already moved past the limit."""
        sell, buy = route.tokens[0], route.tokens[-1]
        if route.mode == "exact_in" and route.amount_out < limit:
            raise RejectedError(venue, f"slippage limit ({bps} bps): {units(sell, route.amount_in)} {sell.symbol} "
                                f"now buys {units(buy, route.amount_out)} {buy.symbol}, below the minimum "
                                f"{units(buy, limit)}")  # fmt: skip
        if route.mode == "exact_out" and route.amount_in > limit:
            raise RejectedError(venue, f"slippage limit ({bps} bps): {units(buy, route.amount_out)} {buy.symbol} "
                                f"now costs {units(sell, route.amount_in)} {sell.symbol}, above the maximum "
                                f"{units(sell, limit)}")  # fmt: skip

    async def _deadline(self) -> int:
        block = await self.tokens.rpc.block("latest")
        return max(int(block["timestamp"], 16), int(time.time())) + DEADLINE_SECONDS
