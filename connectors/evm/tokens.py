"""ERC-20 balances, exact-amount approvals, transfers; WETH wrap/unwrap."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from connectors.errors import InsufficientFunds, RejectedError
from connectors.evm.abi import Fn
from connectors.evm.addresses import Book, Token
from connectors.evm.rpc import Rpc
from connectors.evm.sender import Call, Receipt, TxSender

BALANCE_OF = Fn("balanceOf(address)", "uint256")
ALLOWANCE = Fn("allowance(address,address)", "uint256")
APPROVE = Fn("approve(address,uint256)", "bool")
TRANSFER = Fn("transfer(address,uint256)", "bool")
DECIMALS = Fn("decimals()", "uint8")
TOTAL_SUPPLY = Fn("totalSupply()", "uint256")
WETH_DEPOSIT = Fn("deposit()")
WETH_WITHDRAW = Fn("withdraw(uint256)")


def units(token: Token, raw: int) -> Decimal:
    return Decimal(raw).scaleb(-token.decimals)


def to_raw(token: Token, amount: Decimal) -> int:
    """Token units -> base units; refuses amounts finer than the token allows."""
    scaled = amount.scaleb(token.decimals)
    if scaled != scaled.to_integral_value():
        raise RejectedError("evm", f"{amount} {token.symbol} has more than {token.decimals} decimals")
    return int(scaled)


@dataclass
class Tokens:
    """Token operations for one account on one network."""

    rpc: Rpc
    sender: TxSender
    book: Book

    @property
    def me(self) -> str:
        return self.sender.address

    async def balance(self, token: Token, owner: str | None = None) -> int:
        return int(await self.rpc.read_one(token.address, BALANCE_OF, owner or self.me))

    async def allowance(self, token: Token, spender: str) -> int:
        return int(await self.rpc.read_one(token.address, ALLOWANCE, self.me, spender))

    async def require_balance(self, token: Token, raw: int, what: str) -> None:
        """Refuse before sending anything when the wallet cannot cover `raw`."""
        have = await self.balance(token)
        if have < raw:
            raise InsufficientFunds(
                self.rpc.venue,
                f"{what} needs {units(token, raw)} {token.symbol}, wallet holds {units(token, have)}",
            )

    async def ensure_allowance(self, token: Token, spender: str, raw: int, *, client_id: str) -> None:
        """Approve exactly `raw` for `spender` unless the current allowance already covers it."""
        current = await self.allowance(token, spender)
        if current >= raw:
            return
        label = f"approve {units(token, raw)} {token.symbol}"
        if current > 0:  # tokens like USDT refuse to change a non-zero allowance directly
            try:
                await self.sender.simulate(Call(token.address, APPROVE.data(spender, raw), label))
            except RejectedError:
                await self.sender.send(Call(token.address, APPROVE.data(spender, 0), "reset allowance"),
                                       client_id=f"{client_id}:approve0")  # fmt: skip
        await self.sender.send(
            Call(token.address, APPROVE.data(spender, raw), label), client_id=f"{client_id}:approve"
        )

    async def transfer(self, token: Token, to: str, raw: int, *, client_id: str) -> Receipt:
        await self.require_balance(token, raw, "transfer")
        call = Call(token.address, TRANSFER.data(to, raw), f"transfer {units(token, raw)} {token.symbol}")
        return await self.sender.send(call, client_id=client_id)

    async def transfer_native(self, to: str, wei: int, *, client_id: str) -> Receipt:
        return await self.sender.send(
            Call(to, b"", f"send {units_eth(wei)} ETH", value=wei), client_id=client_id
        )

    async def wrap(self, wei: int, *, client_id: str) -> Receipt:
        weth = self.book.token("WETH")
        call = Call(weth.address, WETH_DEPOSIT.data(), f"wrap {units_eth(wei)} ETH", value=wei)
        return await self.sender.send(call, client_id=client_id)

    async def unwrap(self, raw: int, *, client_id: str) -> Receipt:
        weth = self.book.token("WETH")
        await self.require_balance(weth, raw, "unwrap")
        call = Call(weth.address, WETH_WITHDRAW.data(raw), f"unwrap {units(weth, raw)} WETH")
        return await self.sender.send(call, client_id=client_id)


def units_eth(wei: int) -> Decimal:
    return Decimal(wei).scaleb(-18)
