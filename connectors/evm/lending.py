"""Supply / Withdraw / Borrow / Repay actions on Aave V3, or on an ERC-4626 vault when `protocol` names one."""

from __future__ import annotations

from connectors.domain import Borrow, Fill, Repay, Supply, Withdraw
from connectors.errors import RejectedError
from connectors.evm.aave import Aave
from connectors.evm.addresses import Token, Vault
from connectors.evm.erc4626 import Vaults
from connectors.evm.fills import make_fill, moved
from connectors.evm.sender import Receipt
from connectors.evm.tokens import Tokens, to_raw, units

LendingAction = Supply | Withdraw | Borrow | Repay
AAVE_NAMES = {None, "", "aave", "aave_v3", "aave-v3", "aavev3"}
VAULT_NAMES = {"erc4626", "erc-4626", "vault"}


class LendingDesk:
    def __init__(self, tokens: Tokens) -> None:
        self.tokens = tokens
        self.aave = Aave(tokens) if tokens.book.aave_pool else None
        self.vaults = Vaults(tokens)

    def target(self, action: LendingAction) -> Aave | Vault:
        """Aave by default; a vault when `protocol` is 'erc4626'/'vault' or a vault's share symbol."""
        protocol = (action.protocol or "").lower()
        if protocol in AAVE_NAMES:
            if self.aave is None:
                raise RejectedError(self.tokens.rpc.venue, f"no Aave V3 pool on {self.tokens.book.network}")
            return self.aave
        if isinstance(action, Borrow | Repay):
            raise RejectedError(self.tokens.rpc.venue, f"{action.kind} is only supported on Aave")
        if protocol in VAULT_NAMES:
            return self.vaults.vault(action.asset)
        vault = self.vaults.vault(protocol)
        if vault.asset.upper() != action.asset.upper():
            raise RejectedError(
                self.tokens.rpc.venue, f"{vault.symbol} holds {vault.asset}, not {action.asset}"
            )
        return vault

    async def execute(self, action: LendingAction, *, client_id: str, venue: str) -> Fill:
        target = self.target(action)
        if isinstance(target, Aave):
            return await self._aave(target, action, client_id, venue)
        return await self._vault(target, action, client_id, venue)

    async def _aave(self, aave: Aave, action: LendingAction, client_id: str, venue: str) -> Fill:
        token = self.tokens.book.token(action.asset)
        raw = None if action.amount == "all" else to_raw(token, action.amount)
        receipt: Receipt
        if isinstance(action, Supply):
            raw = await self.tokens.balance(token) if raw is None else raw
            if raw == 0:
                raise RejectedError(venue, f"no {token.symbol} in the wallet to supply")
            receipt = await aave.supply(token, raw, client_id=client_id)
        elif isinstance(action, Withdraw):
            receipt = await aave.withdraw(token, raw, client_id=client_id)
        elif isinstance(action, Borrow):
            if raw is None:
                raise RejectedError(venue, "borrow needs an amount, not 'all'")
            receipt = await aave.borrow(token, raw, client_id=client_id)
        else:
            receipt = await aave.repay(token, raw, client_id=client_id)
        return self._fill(receipt, action, client_id, f"{venue}:aave_v3", token)

    async def _vault(self, vault: Vault, action: LendingAction, client_id: str, venue: str) -> Fill:
        token = self.vaults.underlying(vault)
        raw = None if action.amount == "all" else to_raw(token, action.amount)
        if isinstance(action, Supply):
            raw = await self.tokens.balance(token) if raw is None else raw
            receipt = await self.vaults.deposit(vault, raw, client_id=client_id)
        elif raw is None:
            receipt = await self.vaults.redeem(vault, None, client_id=client_id)
        else:
            receipt = await self.vaults.withdraw(vault, raw, client_id=client_id)
        fill = self._fill(receipt, action, client_id, f"{venue}:{vault.symbol}", token)
        shares_out, shares_in = moved(receipt, vault.address, self.tokens.me)
        decimals = await self.vaults.share_decimals(vault)
        shares = shares_in if isinstance(action, Supply) else shares_out
        note = (
            f"{'minted' if isinstance(action, Supply) else 'burned'} {shares / 10**decimals} {vault.symbol}"
        )
        return fill.model_copy(update={"note": note})

    def _fill(
        self, receipt: Receipt, action: LendingAction, client_id: str, venue: str, token: Token
    ) -> Fill:
        out, into = moved(receipt, token.address, self.tokens.me)
        if isinstance(action, Supply | Repay):
            return make_fill(
                client_id, venue, action.kind, receipt, asset_in=token.symbol, amount_in=units(token, out)
            )
        return make_fill(
            client_id, venue, action.kind, receipt, asset_out=token.symbol, amount_out=units(token, into)
        )
