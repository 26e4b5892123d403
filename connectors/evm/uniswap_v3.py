"""Uniswap V3: best-route quotes with QuoterV2 (fee tiers, one hub hop) and swaps through SwapRouter."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from connectors.errors import RejectedError
from connectors.evm.abi import Fn, encode_v3_path
from connectors.evm.addresses import Book, Token
from connectors.evm.rpc import Reverted, Rpc
from connectors.evm.sender import Call

ZERO = "0x0000000000000000000000000000000000000000"
GET_POOL = Fn("getPool(address,address,uint24)", "address")
QUOTE_IN = Fn("quoteExactInput(bytes,uint256)", "uint256,uint160[],uint32[],uint256")
QUOTE_OUT = Fn("quoteExactOutput(bytes,uint256)", "uint256,uint160[],uint32[],uint256")
_V1_IN = Fn("exactInput((bytes,address,uint256,uint256,uint256))", "uint256")
_V1_OUT = Fn("exactOutput((bytes,address,uint256,uint256,uint256))", "uint256")
_V2_IN = Fn("exactInput((bytes,address,uint256,uint256))", "uint256")
_V2_OUT = Fn("exactOutput((bytes,address,uint256,uint256))", "uint256")

Mode = Literal["exact_in", "exact_out"]


@dataclass(frozen=True)
class RouteQuote:
    """A priced route. Raw amounts: `amount_in` of tokens[0], `amount_out` of tokens[-1]."""

    venue: str
    mode: Mode
    tokens: tuple[Token, ...]
    fees: tuple[int, ...]  # V3 fee tiers in hundredths of a bip; V2 hops carry 3000
    amount_in: int
    amount_out: int
    gas_estimate: int | None = None

    def describe(self) -> str:
        hops = [self.tokens[0].symbol]
        for fee, token in zip(self.fees, self.tokens[1:], strict=True):
            hops.append(f"-{fee / 10_000:g}%->{token.symbol}")
        return f"{self.venue} " + "".join(hops)


def best_route(quotes: Sequence[RouteQuote | None], mode: Mode) -> RouteQuote | None:
    """Most out for exact-in, least in for exact-out (fewer hops on a tie); None if nothing priced."""
    priced = [q for q in quotes if q is not None]
    if not priced:
        return None
    if mode == "exact_in":
        return max(priced, key=lambda q: (q.amount_out, -len(q.fees)))
    return min(priced, key=lambda q: (q.amount_in, len(q.fees)))


class UniswapV3:
    venue = "uniswap_v3"

    def __init__(self, rpc: Rpc, book: Book) -> None:
        if not (book.uniswap_v3_quoter and book.uniswap_v3_router and book.uniswap_v3_factory):
            raise RejectedError(rpc.venue, f"no Uniswap V3 deployment known on {book.network}")
        self.rpc, self.book = rpc, book
        self.router: str = book.uniswap_v3_router
        self._pools: dict[tuple[str, str], tuple[int, ...]] = {}

    async def _tiers(self, a: Token, b: Token) -> tuple[int, ...]:
        """Fee tiers with a deployed pool for the pair (cached: pools are never removed)."""
        key = tuple(sorted((a.address.lower(), b.address.lower())))
        if key not in self._pools:
            factory = self.book.uniswap_v3_factory or ""
            found = await asyncio.gather(
                *(
                    self.rpc.read_one(factory, GET_POOL, a.address, b.address, fee)
                    for fee in self.book.fee_tiers
                )
            )
            self._pools[key] = tuple(  # type: ignore[index]
                fee for fee, pool in zip(self.book.fee_tiers, found, strict=True) if pool != ZERO
            )
        return self._pools[key]  # type: ignore[index]

    async def _routes(self, sell: Token, buy: Token) -> list[tuple[tuple[Token, ...], tuple[int, ...]]]:
        routes: list[tuple[tuple[Token, ...], tuple[int, ...]]] = [
            ((sell, buy), (fee,)) for fee in await self._tiers(sell, buy)
        ]
        for hub_symbol in self.book.hub_tokens:
            hub = self.book.tokens.get(hub_symbol)
            if hub is None or hub.symbol in (sell.symbol, buy.symbol):
                continue
            first, second = await asyncio.gather(self._tiers(sell, hub), self._tiers(hub, buy))
            routes += [((sell, hub, buy), (f1, f2)) for f1, f2 in itertools.product(first, second)]
        return routes

    async def quote(self, sell: Token, buy: Token, raw: int, mode: Mode) -> RouteQuote:
        """The best route: most out for exact-in, least in for exact-out."""
        routes = await self._routes(sell, buy)
        if not routes:
            raise RejectedError(
                self.rpc.venue, f"no Uniswap V3 pool route from {sell.symbol} to {buy.symbol}"
            )
        best = best_route(await asyncio.gather(*(self.quote_route(t, f, raw, mode) for t, f in routes)), mode)
        if best is None:
            raise RejectedError(self.rpc.venue, f"no Uniswap V3 liquidity for {sell.symbol} -> {buy.symbol}")
        return best

    async def quote_route(
        self, tokens: tuple[Token, ...], fees: tuple[int, ...], raw: int, mode: Mode
    ) -> RouteQuote | None:
        addresses = [t.address for t in tokens]
        quoter = self.book.uniswap_v3_quoter or ""
        try:
            if mode == "exact_in":
                out, _, _, gas = await self.rpc.read(quoter, QUOTE_IN, encode_v3_path(addresses, fees), raw)
                return RouteQuote(self.venue, mode, tokens, fees, raw, int(out), int(gas))
            path = encode_v3_path(addresses[::-1], fees[::-1])
            needed, _, _, gas = await self.rpc.read(quoter, QUOTE_OUT, path, raw)
            return RouteQuote(self.venue, mode, tokens, fees, int(needed), raw, int(gas))
        except Reverted:
            return None  # not enough liquidity on this route

    def swap_call(self, quote: RouteQuote, limit: int, recipient: str, deadline: int) -> Call:
        """The router call for a quote; `limit` is min-out (exact-in) or max-in (exact-out), raw."""
        addresses = [t.address for t in quote.tokens]
        label = f"swap via {quote.describe()}"
        v02 = self.book.uniswap_v3_router_kind == "swaprouter02"
        if quote.mode == "exact_in":
            path = encode_v3_path(addresses, quote.fees)
            if v02:
                data = _V2_IN.data((path, recipient, quote.amount_in, limit))
            else:
                data = _V1_IN.data((path, recipient, deadline, quote.amount_in, limit))
        else:
            path = encode_v3_path(addresses[::-1], quote.fees[::-1])
            if v02:
                data = _V2_OUT.data((path, recipient, quote.amount_out, limit))
            else:
                data = _V1_OUT.data((path, recipient, deadline, quote.amount_out, limit))
        return Call(self.router, data, label, gas_cap=1_000_000)
