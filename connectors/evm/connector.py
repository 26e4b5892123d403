"""EvmConnector: the Connector protocol over Uniswap V2/V3, Aave V3, ERC-4626 and plain tokens on one chain."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors.domain import (
    Action,
    Borrow,
    Fill,
    FillStatus,
    Holdings,
    Quote,
    Repay,
    Supply,
    Swap,
    Transfer,
    Unwrap,
    Withdraw,
    Wrap,
    utc_now,
)
from connectors.errors import RejectedError, TransientError
from connectors.evm.addresses import Book
from connectors.evm.fills import make_fill, moved
from connectors.evm.lending import LendingDesk
from connectors.evm.rpc import Rpc
from connectors.evm.sender import TxSender
from connectors.evm.swaps import SwapDesk
from connectors.evm.tokens import Tokens, to_raw, units, units_eth

GAS_RESERVE_WEI = 5 * 10**16  # kept back when wrapping "all" ETH
_ORACLE_SYMBOLS = ("WETH", "USDC", "DAI", "WBTC", "USDT")
_SUPPORTED = (Swap, Wrap, Unwrap, Transfer, Supply, Withdraw, Borrow, Repay)


class EvmConnector:
    """One account on one EVM network. `execute` is idempotent on client_id (reconciles, never resends)."""

    def __init__(self, rpc: Rpc, sender: TxSender, book: Book, *, default_slippage_bps: int = 50) -> None:
        self.name = f"evm:{book.network}"
        self.network = book.network
        self.book = book
        self.rpc = rpc
        self.sender = sender
        self.tokens = Tokens(rpc, sender, book)
        self.swaps = SwapDesk(self.tokens, default_slippage_bps)
        self.lending = LendingDesk(self.tokens)
        self._fills: dict[str, Fill] = {}
        self._actions: dict[str, Action] = {}
        self._quotes: dict[str, Quote] = {}

    @property
    def address(self) -> str:
        return self.sender.address

    def supports(self, action: Action) -> bool:
        if not isinstance(action, _SUPPORTED):
            return False
        if isinstance(action, Supply | Withdraw | Borrow | Repay):
            try:
                self.lending.target(action)
            except RejectedError:
                return False
        return True

    async def quote(self, action: Action) -> Quote:
        """Swaps: the best route's price now. Other actions: what would move, at no price."""
        if isinstance(action, Swap):
            return await self.swaps.quote(action, self.name)
        if not self.supports(action):
            raise RejectedError(self.name, f"{action.describe()} is not supported on {self.name}")
        amount = getattr(action, "amount", Decimal(0))
        asset = {"wrap": "ETH", "unwrap": "WETH"}.get(action.kind, getattr(action, "asset", ""))
        value = Decimal(0) if amount == "all" else Decimal(amount)
        return Quote(venue=self.name, asset_in=asset, amount_in=value, asset_out=asset, amount_out=value,
                     price=Decimal(1), route=action.kind, at=utc_now())  # fmt: skip

    async def execute(self, action: Action, *, client_id: str, quote: Quote | None = None) -> Fill:
        """Run `action` once. With `quote`, swap limits come from that (approved) quote, else from a fresh one."""
        self._actions.setdefault(client_id, action)
        known = await self.lookup(client_id)
        if known is not None and known.status is FillStatus.REJECTED:
            raise RejectedError(self.name, f"{action.describe()} reverted on chain in tx {known.tx_hash}")
        if known is not None:
            return known
        fill = await self._run(action, client_id, quote)
        self._fills[client_id] = fill
        return fill

    async def _run(self, action: Action, client_id: str, quote: Quote | None) -> Fill:
        if isinstance(action, Swap):
            fill, used = await self.swaps.execute(
                action, client_id=client_id, venue=self.name, reference=quote
            )
            self._quotes[client_id] = used
            return fill
        if isinstance(action, Supply | Withdraw | Borrow | Repay):
            return await self.lending.execute(action, client_id=client_id, venue=self.name)
        if isinstance(action, Wrap | Unwrap):
            return await self._wrap(action, client_id)
        if isinstance(action, Transfer):
            return await self._transfer(action, client_id)
        raise RejectedError(self.name, f"{action.describe()} is not supported on {self.name}")

    async def _wrap(self, action: Wrap | Unwrap, client_id: str) -> Fill:
        weth = self.book.token("WETH")
        if isinstance(action, Wrap):
            if action.amount == "all":
                wei = await self.rpc.eth_balance(self.address) - GAS_RESERVE_WEI
                if wei <= 0:
                    raise RejectedError(self.name, "not enough ETH to wrap after keeping gas money")
            else:
                wei = to_raw(weth, action.amount)
            receipt = await self.tokens.wrap(wei, client_id=client_id)
            return make_fill(client_id, self.name, "wrap", receipt, asset_in="ETH", amount_in=units_eth(wei),
                             asset_out="WETH", amount_out=units_eth(wei))  # fmt: skip
        raw = await self.tokens.balance(weth) if action.amount == "all" else to_raw(weth, action.amount)
        receipt = await self.tokens.unwrap(raw, client_id=client_id)
        return make_fill(client_id, self.name, "unwrap", receipt, asset_in="WETH", amount_in=units(weth, raw),
                         asset_out="ETH", amount_out=units(weth, raw))  # fmt: skip

    async def _transfer(self, action: Transfer, client_id: str) -> Fill:
        to = action.to
        if not (to.startswith("0x") and len(to) == 42):
            raise RejectedError(self.name, f"transfer target {to!r} is not an 0x address")
        if action.asset.upper() == "ETH":
            wei = to_raw(self.book.token("WETH"), action.amount)
            receipt = await self.tokens.transfer_native(to, wei, client_id=client_id)
            return make_fill(
                client_id, self.name, "transfer", receipt, asset_in="ETH", amount_in=action.amount
            )
        token = self.book.token(action.asset)
        receipt = await self.tokens.transfer(token, to, to_raw(token, action.amount), client_id=client_id)
        sent, _ = moved(receipt, token.address, self.address)
        return make_fill(
            client_id, self.name, "transfer", receipt, asset_in=token.symbol, amount_in=units(token, sent)
        )

    def quote_for(self, client_id: str) -> Quote | None:
        """The quote a swap's limits were computed from (what `quoted_amount_out` reports)."""
        return self._quotes.get(client_id)

    async def lookup(self, client_id: str) -> Fill | None:
        """The fill for `client_id`, reconciling a journaled transaction with the chain if needed."""
        if client_id in self._fills:
            return self._fills[client_id]
        sent = self.sender.journal.get(client_id)
        if sent is None:
            return None
        receipt = await self.sender.reconcile(client_id, timeout=self.sender.receipt_timeout)
        if receipt is None:
            return None
        action = self._actions.get(client_id)
        kind = getattr(action, "kind", "tx")
        if receipt.status != 1:
            fill = Fill(client_id=client_id, venue=self.name, kind=kind, status=FillStatus.REJECTED,
                        tx_hash=receipt.tx_hash, note="reverted on chain", at=utc_now())  # fmt: skip
        elif isinstance(action, Swap):
            sell, buy = self.book.token(action.sell), self.book.token(action.buy)
            ref = self._quotes.get(client_id) or Quote(venue=self.name, asset_in=sell.symbol, amount_in=Decimal(0),
                                                       asset_out=buy.symbol, amount_out=Decimal(0),
                                                       price=Decimal(0), at=utc_now())  # fmt: skip
            fill = self.swaps.fill_from(receipt, client_id, self.name, sell, buy, ref)
        else:
            fill = make_fill(client_id, self.name, kind, receipt, note="recovered from the chain by tx hash")
        self._fills[client_id] = fill
        return fill

    async def snapshot(self) -> Holdings:
        """Wallet balances (ETH, book tokens, vault shares) plus Aave supplied/borrowed and health factor."""
        symbols = list(self.book.tokens)
        vaults = list(self.book.vaults.values())
        reads: list[Any] = [self.rpc.eth_balance(self.address)]
        reads += [self.tokens.balance(self.book.tokens[s]) for s in symbols]
        reads += [self.lending.vaults.shares(v) for v in vaults]
        raw = await asyncio.gather(*reads)
        balances = {"ETH": units_eth(raw[0])}
        balances.update({s: units(self.book.tokens[s], r) for s, r in zip(symbols, raw[1:], strict=False)})
        for vault, shares in zip(vaults, raw[1 + len(symbols) :], strict=True):
            decimals = await self.lending.vaults.share_decimals(vault)
            balances[vault.symbol.upper()] = Decimal(shares).scaleb(-decimals)
        supplied: dict[str, Decimal] = {}
        borrowed: dict[str, Decimal] = {}
        health = None
        equity: Decimal | None = None
        if self.lending.aave is not None:
            aave = self.lending.aave
            listed = [s for s in symbols if s in _ORACLE_SYMBOLS]
            amounts = await asyncio.gather(
                *(aave.supplied(self.book.tokens[s]) for s in listed), *(aave.debt(self.book.tokens[s]) for s in listed),
                return_exceptions=True,
            )  # fmt: skip
            for i, s in enumerate(listed):
                sup, debt = amounts[i], amounts[len(listed) + i]
                if isinstance(sup, int) and sup:
                    supplied[s] = units(self.book.tokens[s], sup)
                if isinstance(debt, int) and debt:
                    borrowed[s] = units(self.book.tokens[s], debt)
            health = (await aave.account()).health_factor
            equity = await self._equity_usd(balances, supplied, borrowed)
        return Holdings(
            balances=balances,
            supplied=supplied,
            borrowed=borrowed,
            health_factor=health,
            equity_usd=equity,
            at=utc_now(),
        )

    async def prices_usd(self) -> dict[str, Decimal]:
        """USD per unit for the book's tokens (and ETH), from the Aave market's oracle."""
        if self.lending.aave is None:
            raise RejectedError(self.name, f"no price oracle known on {self.network}")
        listed = [self.book.tokens[s] for s in self.book.tokens if s in _ORACLE_SYMBOLS]
        prices = await self.lending.aave.prices_usd(listed)
        if "WETH" in prices:
            prices["ETH"] = prices["WETH"]
        return prices

    async def _equity_usd(
        self, balances: dict[str, Decimal], supplied: dict[str, Decimal], borrowed: dict[str, Decimal]
    ) -> Decimal | None:
        try:
            prices = await self.prices_usd()
        except (RejectedError, TransientError):
            return None
        value = sum((amount * prices[s] for s, amount in balances.items() if s in prices), Decimal(0))
        value += sum((amount * prices[s] for s, amount in supplied.items() if s in prices), Decimal(0))
        value -= sum((amount * prices[s] for s, amount in borrowed.items() if s in prices), Decimal(0))
        return value.quantize(Decimal("0.01"))

    async def close(self) -> None:
        await self.rpc.close()

    async def __aenter__(self) -> EvmConnector:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def journal_path(network: str, address: str) -> Path | None:
    """Mainnets journal to disk (survives a crash); the devnet is recreated often, so it stays in memory."""
    if network == "devnet":
        return None
    import os

    base = Path(
        os.environ.get("DEFAI_EVM__JOURNAL_DIR") or Path.home() / ".local" / "share" / "defai" / "evm"
    )
    return base / f"{network}-{address.lower()}.jsonl"
