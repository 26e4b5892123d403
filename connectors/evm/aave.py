"""Aave V3: supply, withdraw, borrow (variable), repay; account and reserve data read from the Pool."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal, localcontext

from connectors.errors import InsufficientFunds, RejectedError
from connectors.evm.abi import MAX_UINT256, Fn
from connectors.evm.addresses import Token
from connectors.evm.sender import Call, Receipt
from connectors.evm.tokens import BALANCE_OF, Tokens, units

SUPPLY = Fn("supply(address,uint256,address,uint16)")
WITHDRAW = Fn("withdraw(address,uint256,address)", "uint256")
BORROW = Fn("borrow(address,uint256,uint256,uint16,address)")
REPAY = Fn("repay(address,uint256,uint256,address)", "uint256")
ACCOUNT_DATA = Fn("getUserAccountData(address)", "uint256,uint256,uint256,uint256,uint256,uint256")
RESERVE_DATA = Fn(
    "getReserveData(address)",
    "uint256,uint128,uint128,uint128,uint128,uint128,uint40,uint16,address,address,address,address,uint128,uint128,uint128",
)
ADDRESSES_PROVIDER = Fn("ADDRESSES_PROVIDER()", "address")
GET_PRICE_ORACLE = Fn("getPriceOracle()", "address")
ASSET_PRICES = Fn("getAssetsPrices(address[])", "uint256[]")
VARIABLE = 2
RAY = Decimal(10) ** 27
SECONDS_PER_YEAR = 365 * 24 * 3600
_BASE = Decimal(10) ** 8  # Aave prices and account values: USD with 8 decimals


@dataclass(frozen=True)
class AccountData:
    """`getUserAccountData`, in USD and fractions. `health_factor` is None when there is no debt."""

    collateral_usd: Decimal
    debt_usd: Decimal
    available_borrows_usd: Decimal
    liquidation_threshold: Decimal
    ltv: Decimal
    health_factor: Decimal | None
    health_factor_raw: int


@dataclass(frozen=True)
class Reserve:
    symbol: str
    a_token: str
    variable_debt_token: str
    supply_apy: Decimal
    borrow_apy: Decimal
    liquidity_rate_ray: int
    variable_borrow_rate_ray: int


def apy_from_ray(rate_ray: int) -> Decimal:
    """Aave rates are yearly APRs in ray, compounded per second for supply/borrow APY."""
    with localcontext() as ctx:
        ctx.prec = 40
        per_second = Decimal(rate_ray) / RAY / SECONDS_PER_YEAR
        return ((1 + per_second) ** SECONDS_PER_YEAR - 1).quantize(Decimal("1e-12"))


class Aave:
    venue = "aave_v3"

    def __init__(self, tokens: Tokens) -> None:
        if not tokens.book.aave_pool:
            raise RejectedError(tokens.rpc.venue, f"no Aave V3 pool known on {tokens.book.network}")
        self.tokens = tokens
        self.rpc = tokens.rpc
        self.pool: str = tokens.book.aave_pool
        self._reserves: dict[str, tuple[str, str]] = {}
        self._looking_up: dict[str, asyncio.Lock] = {}  # concurrent readers of one reserve share its lookup
        self._oracle: str | None = None

    @property
    def me(self) -> str:
        return self.tokens.me

    async def account(self, user: str | None = None) -> AccountData:
        c, d, avail, lt, ltv, hf = await self.rpc.read(self.pool, ACCOUNT_DATA, user or self.me)
        return AccountData(
            collateral_usd=Decimal(c) / _BASE,
            debt_usd=Decimal(d) / _BASE,
            available_borrows_usd=Decimal(avail) / _BASE,
            liquidation_threshold=Decimal(lt) / 10_000,
            ltv=Decimal(ltv) / 10_000,
            health_factor=None if d == 0 else Decimal(hf).scaleb(-18),
            health_factor_raw=int(hf),
        )

    async def prices_usd(self, tokens: list[Token]) -> dict[str, Decimal]:
        """USD prices from the market's own oracle (the prices its health factors use)."""
        if self._oracle is None:
            provider = await self.rpc.read_one(self.pool, ADDRESSES_PROVIDER)
            self._oracle = str(await self.rpc.read_one(provider, GET_PRICE_ORACLE))
        raw = await self.rpc.read_one(self._oracle, ASSET_PRICES, [t.address for t in tokens])
        return {t.symbol: Decimal(p) / _BASE for t, p in zip(tokens, raw, strict=True)}

    async def reserve(self, token: Token) -> Reserve:
        data = await self.rpc.read(self.pool, RESERVE_DATA, token.address)
        a_token, variable_debt = str(data[8]), str(data[10])
        if int(a_token, 16) == 0:
            raise RejectedError(
                self.rpc.venue, f"{token.symbol} is not listed on Aave on {self.tokens.book.network}"
            )
        self._reserves[token.symbol] = (a_token, variable_debt)
        return Reserve(
            token.symbol,
            a_token,
            variable_debt,
            apy_from_ray(data[2]),
            apy_from_ray(data[4]),
            int(data[2]),
            int(data[4]),
        )

    async def _reserve_tokens(self, token: Token) -> tuple[str, str]:
        async with self._looking_up.setdefault(token.symbol, asyncio.Lock()):
            if token.symbol not in self._reserves:
                await self.reserve(token)
        return self._reserves[token.symbol]

    async def supplied(self, token: Token) -> int:
        a_token, _ = await self._reserve_tokens(token)
        return int(await self.rpc.read_one(a_token, BALANCE_OF, self.me))

    async def debt(self, token: Token) -> int:
        _, debt_token = await self._reserve_tokens(token)
        return int(await self.rpc.read_one(debt_token, BALANCE_OF, self.me))

    async def supply(self, token: Token, raw: int, *, client_id: str) -> Receipt:
        await self.tokens.require_balance(token, raw, "Aave supply")
        await self.tokens.ensure_allowance(token, self.pool, raw, client_id=client_id)
        label = f"Aave supply {units(token, raw)} {token.symbol}"
        return await self.tokens.sender.send(Call(self.pool, SUPPLY.data(token.address, raw, self.me, 0), label),
                                             client_id=client_id)  # fmt: skip

    async def withdraw(self, token: Token, raw: int | None, *, client_id: str) -> Receipt:
        """Withdraw `raw` base units, or everything supplied when `raw` is None."""
        have = await self.supplied(token)
        if have == 0 or (raw is not None and raw > have):
            wanted = "everything" if raw is None else f"{units(token, raw)} {token.symbol}"
            raise InsufficientFunds(
                self.rpc.venue, f"Aave withdraw of {wanted}: {units(token, have)} supplied"
            )
        amount = MAX_UINT256 if raw is None else raw
        label = f"Aave withdraw {'all' if raw is None else units(token, raw)} {token.symbol}"
        call = Call(self.pool, WITHDRAW.data(token.address, amount, self.me), label)
        return await self.tokens.sender.send(call, client_id=client_id)

    async def borrow(self, token: Token, raw: int, *, client_id: str) -> Receipt:
        label = f"Aave borrow {units(token, raw)} {token.symbol}"
        call = Call(self.pool, BORROW.data(token.address, raw, VARIABLE, 0, self.me), label)
        return await self.tokens.sender.send(call, client_id=client_id)

    async def repay(self, token: Token, raw: int | None, *, client_id: str) -> Receipt:
        """Repay `raw`, or the whole variable debt when `raw` is None (no dust left behind)."""
        debt = await self.debt(token)
        if debt == 0:
            raise RejectedError(self.rpc.venue, f"no {token.symbol} debt on Aave to repay")
        if raw is None:
            # interest accrues until the block that repays: allow a hair over today's debt
            need, amount, allowance = debt, MAX_UINT256, debt + debt // 10_000 + 10
            allowance = min(allowance, await self.tokens.balance(token))
        else:
            need = amount = allowance = min(raw, debt + debt // 10_000 + 10)
        await self.tokens.require_balance(token, need, "Aave repay")
        await self.tokens.ensure_allowance(token, self.pool, allowance, client_id=client_id)
        label = f"Aave repay {'all' if raw is None else units(token, raw)} {token.symbol}"
        call = Call(self.pool, REPAY.data(token.address, amount, VARIABLE, self.me), label)
        return await self.tokens.sender.send(call, client_id=client_id)
