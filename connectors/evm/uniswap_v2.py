"""Uniswap V2: quotes from Router02's getAmountsOut/In over direct and hub routes, and swaps."""

from __future__ import annotations

import asyncio
import itertools

from connectors.errors import RejectedError
from connectors.evm.abi import Fn
from connectors.evm.addresses import Book, Token
from connectors.evm.rpc import Reverted, Rpc
from connectors.evm.sender import Call
from connectors.evm.uniswap_v3 import ZERO, Mode, RouteQuote, best_route

GET_PAIR = Fn("getPair(address,address)", "address")
AMOUNTS_OUT = Fn("getAmountsOut(uint256,address[])", "uint256[]")
AMOUNTS_IN = Fn("getAmountsIn(uint256,address[])", "uint256[]")
SWAP_EXACT_IN = Fn("swapExactTokensForTokens(uint256,uint256,address[],address,uint256)", "uint256[]")
SWAP_EXACT_OUT = Fn("swapTokensForExactTokens(uint256,uint256,address[],address,uint256)", "uint256[]")
V2_FEE = 3000


class UniswapV2:
    venue = "uniswap_v2"

    def __init__(self, rpc: Rpc, book: Book) -> None:
        if not (book.uniswap_v2_router and book.uniswap_v2_factory):
            raise RejectedError(rpc.venue, f"no Uniswap V2 deployment known on {book.network}")
        self.rpc, self.book = rpc, book
        self.router: str = book.uniswap_v2_router
        self._pairs: dict[tuple[str, str], bool] = {}

    async def _has_pair(self, a: Token, b: Token) -> bool:
        key = (min(a.address.lower(), b.address.lower()), max(a.address.lower(), b.address.lower()))
        if key not in self._pairs:
            pair = await self.rpc.read_one(self.book.uniswap_v2_factory or "", GET_PAIR, a.address, b.address)
            self._pairs[key] = pair != ZERO
        return self._pairs[key]

    async def _routes(self, sell: Token, buy: Token) -> list[tuple[Token, ...]]:
        candidates: list[tuple[Token, ...]] = [(sell, buy)]
        for hub_symbol in self.book.hub_tokens:
            hub = self.book.tokens.get(hub_symbol)
            if hub is not None and hub.symbol not in (sell.symbol, buy.symbol):
                candidates.append((sell, hub, buy))
        ok = await asyncio.gather(*(self._route_exists(route) for route in candidates))
        return [route for route, exists in zip(candidates, ok, strict=True) if exists]

    async def _route_exists(self, route: tuple[Token, ...]) -> bool:
        checks = await asyncio.gather(*(self._has_pair(a, b) for a, b in itertools.pairwise(route)))
        return all(checks)

    async def quote(self, sell: Token, buy: Token, raw: int, mode: Mode) -> RouteQuote:
        routes = await self._routes(sell, buy)
        if not routes:
            raise RejectedError(
                self.rpc.venue, f"no Uniswap V2 pair route from {sell.symbol} to {buy.symbol}"
            )
        quotes = await asyncio.gather(
            *(self.quote_route(r, (V2_FEE,) * (len(r) - 1), raw, mode) for r in routes)
        )
        best = best_route(quotes, mode)
        if best is None:
            raise RejectedError(self.rpc.venue, f"no Uniswap V2 liquidity for {sell.symbol} -> {buy.symbol}")
        return best

    async def quote_route(
        self, route: tuple[Token, ...], fees: tuple[int, ...], raw: int, mode: Mode
    ) -> RouteQuote | None:
        """One route's price; `fees` are its hops' (every V2 pair charges `V2_FEE`), as V3 takes them."""
        path = [t.address for t in route]
        try:
            if mode == "exact_in":
                amounts = await self.rpc.read_one(self.router, AMOUNTS_OUT, raw, path)
                return RouteQuote(self.venue, mode, route, fees, raw, int(amounts[-1]))
            amounts = await self.rpc.read_one(self.router, AMOUNTS_IN, raw, path)
            return RouteQuote(self.venue, mode, route, fees, int(amounts[0]), raw)
        except Reverted:
            return None

    def swap_call(self, quote: RouteQuote, limit: int, recipient: str, deadline: int) -> Call:
        path = [t.address for t in quote.tokens]
        label = f"swap via {quote.describe()}"
        if quote.mode == "exact_in":
            data = SWAP_EXACT_IN.data(quote.amount_in, limit, path, recipient, deadline)
        else:
            data = SWAP_EXACT_OUT.data(quote.amount_out, limit, path, recipient, deadline)
        return Call(self.router, data, label, gas_cap=600_000)
