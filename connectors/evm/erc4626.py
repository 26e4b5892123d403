"""ERC-4626 vaults: deposit, withdraw, redeem, share price, and an APY estimate from share-price history."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from connectors.errors import InsufficientFunds, RejectedError
from connectors.evm.abi import Fn
from connectors.evm.addresses import Token, Vault
from connectors.evm.sender import Call, Receipt
from connectors.evm.tokens import BALANCE_OF, DECIMALS, Tokens, units

CONVERT_TO_ASSETS = Fn("convertToAssets(uint256)", "uint256")
TOTAL_ASSETS = Fn("totalAssets()", "uint256")
MAX_WITHDRAW = Fn("maxWithdraw(address)", "uint256")
DEPOSIT = Fn("deposit(uint256,address)", "uint256")
WITHDRAW = Fn("withdraw(uint256,address,address)", "uint256")
REDEEM = Fn("redeem(uint256,address,address)", "uint256")
HARVEST = Fn("harvest(uint256)")  # the devnet vault's yield entry point
SECONDS_PER_YEAR = Decimal(365 * 24 * 3600)


@dataclass(frozen=True)
class PricePoint:
    at: datetime
    block: int
    price: Decimal  # underlying units per whole share


def apy_from_history(points: Sequence[PricePoint]) -> Decimal | None:
    """Annualised growth between the first and last share price; None without enough history."""
    if len(points) < 2:
        return None
    first, last = points[0], points[-1]
    seconds = Decimal((last.at - first.at).total_seconds())
    if seconds <= 0 or first.price <= 0:
        return None
    growth = float(last.price / first.price)
    return Decimal(str(round(growth ** float(SECONDS_PER_YEAR / seconds) - 1, 12)))


class Vaults:
    venue = "erc4626"

    def __init__(self, tokens: Tokens) -> None:
        self.tokens = tokens
        self.rpc = tokens.rpc
        self._share_decimals: dict[str, int] = {}

    def vault(self, name: str) -> Vault:
        """A vault by its share symbol (e.g. dvUSDC) or by underlying symbol if exactly one matches."""
        vaults = self.tokens.book.vaults
        if name.upper() in vaults:
            return vaults[name.upper()]
        matches = [v for v in vaults.values() if v.asset.upper() == name.upper()]
        if len(matches) == 1:
            return matches[0]
        raise RejectedError(
            self.rpc.venue, f"no single ERC-4626 vault for {name!r} on {self.tokens.book.network}"
        )

    def underlying(self, vault: Vault) -> Token:
        return self.tokens.book.token(vault.asset)

    async def share_decimals(self, vault: Vault) -> int:
        if vault.address not in self._share_decimals:
            self._share_decimals[vault.address] = int(await self.rpc.read_one(vault.address, DECIMALS))
        return self._share_decimals[vault.address]

    async def share_price(self, vault: Vault, block: int | str = "latest") -> Decimal:
        tag = hex(block) if isinstance(block, int) else block
        one_share = 10 ** await self.share_decimals(vault)
        assets = await self.rpc.read_one(vault.address, CONVERT_TO_ASSETS, one_share, block=tag)
        return units(self.underlying(vault), int(assets))

    async def price_point(self, vault: Vault, block: int | str = "latest") -> PricePoint:
        header, price = await asyncio.gather(self.rpc.block(block), self.share_price(vault, block))
        at = datetime.fromtimestamp(int(header["timestamp"], 16), UTC)
        return PricePoint(at, int(header["number"], 16), price)

    async def apy_estimate(self, vault: Vault, lookback_blocks: int = 7200) -> Decimal | None:
        """APY implied by the share price now versus `lookback_blocks` ago (None if too little history)."""
        head = int(await self.rpc.request("eth_blockNumber", []), 16)
        start = max(0, head - lookback_blocks)
        try:
            points = await asyncio.gather(self.price_point(vault, start), self.price_point(vault, head))
        except Exception:  # the node may not keep state that old, or the vault did not exist yet
            return None
        return apy_from_history(points)

    async def shares(self, vault: Vault) -> int:
        return int(await self.rpc.read_one(vault.address, BALANCE_OF, self.tokens.me))

    async def deposit(self, vault: Vault, raw: int, *, client_id: str) -> Receipt:
        token = self.underlying(vault)
        await self.tokens.require_balance(token, raw, f"deposit into {vault.symbol}")
        await self.tokens.ensure_allowance(token, vault.address, raw, client_id=client_id)
        label = f"deposit {units(token, raw)} {token.symbol} into {vault.symbol}"
        call = Call(vault.address, DEPOSIT.data(raw, self.tokens.me), label)
        return await self.tokens.sender.send(call, client_id=client_id)

    async def withdraw(self, vault: Vault, raw: int, *, client_id: str) -> Receipt:
        """Withdraw exactly `raw` of the underlying (burns however many shares that takes)."""
        token = self.underlying(vault)
        most = int(await self.rpc.read_one(vault.address, MAX_WITHDRAW, self.tokens.me))
        if raw > most:
            raise InsufficientFunds(
                self.rpc.venue,
                f"withdraw {units(token, raw)} {token.symbol}: {vault.symbol} holds {units(token, most)}",
            )
        label = f"withdraw {units(token, raw)} {token.symbol} from {vault.symbol}"
        call = Call(vault.address, WITHDRAW.data(raw, self.tokens.me, self.tokens.me), label)
        return await self.tokens.sender.send(call, client_id=client_id)

    async def redeem(self, vault: Vault, shares: int | None, *, client_id: str) -> Receipt:
        """Redeem `shares` (all of them when None) for the underlying."""
        held = await self.shares(vault)
        amount = held if shares is None else shares
        if amount == 0 or amount > held:
            raise InsufficientFunds(self.rpc.venue, f"redeem from {vault.symbol}: {held} raw shares held")
        call = Call(
            vault.address, REDEEM.data(amount, self.tokens.me, self.tokens.me), f"redeem {vault.symbol}"
        )
        return await self.tokens.sender.send(call, client_id=client_id)

    async def harvest(self, vault: Vault, raw: int, *, client_id: str) -> Receipt:
        """Pay yield into the devnet vault (only the devnet's DefaiVault has this)."""
        token = self.underlying(vault)
        await self.tokens.require_balance(token, raw, "harvest")
        await self.tokens.ensure_allowance(token, vault.address, raw, client_id=client_id)
        call = Call(
            vault.address,
            HARVEST.data(raw),
            f"harvest {units(token, raw)} {token.symbol} into {vault.symbol}",
        )
        return await self.tokens.sender.send(call, client_id=client_id)
