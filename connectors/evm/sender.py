"""Send transactions safely: simulate, estimate gas under a cap, local nonces, receipts, reconciliation.

A signed transaction's hash is known before it is broadcast, so it is journaled first: a send whose
outcome is unknown is reconciled by that hash and nonce, and at most the *same* signed bytes are
rebroadcast (which cannot execute twice), never a fresh transaction.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from connectors.errors import InsufficientFunds, RejectedError, TransientError, UnknownOutcome
from connectors.evm.journal import Journal, SentTx
from connectors.evm.revert import decode_revert
from connectors.evm.rpc import Reverted, Rpc, RpcError

DEFAULT_GAS_CAP = 3_000_000


@dataclass(frozen=True)
class Receipt:
    tx_hash: str
    status: int
    block_number: int
    gas_used: int
    effective_gas_price: int
    logs: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_rpc(cls, doc: dict[str, Any]) -> Receipt:
        return cls(
            tx_hash=doc["transactionHash"],
            status=int(doc["status"], 16),
            block_number=int(doc["blockNumber"], 16),
            gas_used=int(doc["gasUsed"], 16),
            effective_gas_price=int(doc.get("effectiveGasPrice", "0x0"), 16),
            logs=list(doc.get("logs", [])),
        )


@dataclass(frozen=True)
class Call:
    """One transaction to send: where, what, how much native value, and a label for messages."""

    to: str
    data: bytes
    label: str
    value: int = 0
    gas_cap: int = DEFAULT_GAS_CAP


class TxSender:
    """Signs and sends for one account. Nonces are tracked locally and resynced after any doubt."""

    def __init__(
        self,
        rpc: Rpc,
        account: LocalAccount,
        chain_id: int,
        *,
        journal: Journal | None = None,
        poll_interval: float = 0.003,
        receipt_timeout: float = 120.0,
    ) -> None:
        self.rpc = rpc
        self.venue = rpc.venue
        self._account = account
        self.address: str = account.address
        self.chain_id = chain_id
        self.journal = journal or Journal()
        self.poll_interval = poll_interval
        self.receipt_timeout = receipt_timeout
        self._nonce: int | None = None
        self._lock = asyncio.Lock()

    async def simulate(self, call: Call) -> bytes:
        """eth_call from our address; a revert becomes RejectedError with the decoded reason."""
        try:
            return await self.rpc.call(call.to, call.data, sender=self.address, value=call.value)
        except Reverted as exc:
            raise RejectedError(self.venue, f"{call.label} would revert: {decode_revert(exc.data)}") from exc

    async def send(self, call: Call, *, client_id: str) -> Receipt:
        """Simulate, estimate, sign, journal, broadcast, wait. Raises Rejected/InsufficientFunds/UnknownOutcome."""
        sim, gas, block, tip, balance = await asyncio.gather(
            self.simulate(call),
            self._estimate(call),
            self.rpc.block("latest"),
            self.rpc.request("eth_maxPriorityFeePerGas", []),
            self.rpc.eth_balance(self.address),
            return_exceptions=True,
        )
        for result in (sim, gas, block, tip, balance):
            if isinstance(result, BaseException):
                raise result
        assert isinstance(gas, int) and isinstance(block, dict) and isinstance(balance, int)
        priority = int(str(tip), 16)
        max_fee = 2 * int(block.get("baseFeePerGas", "0x0"), 16) + priority
        if balance < gas * max_fee + call.value:
            raise InsufficientFunds(
                self.venue,
                f"{call.label}: native balance {balance} wei < gas + value {gas * max_fee + call.value} wei",
            )
        async with self._lock:
            nonce = await self._next_nonce()
            tx: dict[str, Any] = {
                "type": 2,
                "chainId": self.chain_id,
                "nonce": nonce,
                "to": call.to,
                "value": call.value,
                "data": "0x" + call.data.hex(),
                "gas": gas,
                "maxFeePerGas": max_fee,
                "maxPriorityFeePerGas": priority,
            }
            raw = bytes(self._account.sign_transaction(tx).raw_transaction)
            sent = SentTx(
                client_id=client_id, tx_hash="0x" + keccak(raw).hex(), nonce=nonce, raw="0x" + raw.hex()
            )
            self.journal.record(sent)
            await self._broadcast(sent, call.label)
            self._nonce = nonce + 1
        return await self._finish(sent, call.label)

    async def _estimate(self, call: Call) -> int:
        tx: dict[str, Any] = {"from": self.address, "to": call.to, "data": "0x" + call.data.hex()}
        if call.value:
            tx["value"] = hex(call.value)
        try:
            estimate = int(await self.rpc.request("eth_estimateGas", [tx]), 16)
        except Reverted as exc:
            raise RejectedError(self.venue, f"{call.label} would revert: {decode_revert(exc.data)}") from exc
        if estimate > call.gas_cap:
            raise RejectedError(
                self.venue, f"{call.label} needs {estimate} gas, above the cap of {call.gas_cap}"
            )
        return min(call.gas_cap, estimate * 5 // 4 + 10_000)

    async def _next_nonce(self) -> int:
        if self._nonce is None:
            self._nonce = int(
                await self.rpc.request("eth_getTransactionCount", [self.address, "pending"]), 16
            )
        return self._nonce

    async def _broadcast(self, sent: SentTx, label: str) -> None:
        try:
            await self.rpc.request("eth_sendRawTransaction", [sent.raw])
        except TransientError as exc:
            self._nonce = None
            raise UnknownOutcome(
                self.venue, f"{label}: broadcast failed mid-flight ({exc.message})",
                client_id=sent.client_id, reference=sent.tx_hash,
            ) from exc  # fmt: skip
        except RpcError as exc:
            message = str(exc).lower()
            if "already known" in message:
                return
            self._nonce = None
            self.journal.forget(sent.client_id)
            if "insufficient funds" in message:
                raise InsufficientFunds(self.venue, f"{label}: not enough native balance for gas") from exc
            raise RejectedError(self.venue, f"{label}: node refused the transaction: {exc}") from exc

    async def _finish(self, sent: SentTx, label: str) -> Receipt:
        receipt = await self.wait_receipt(sent)
        if receipt is None:
            raise UnknownOutcome(
                self.venue, f"{label}: no receipt within {self.receipt_timeout:.0f} s",
                client_id=sent.client_id, reference=sent.tx_hash,
            )  # fmt: skip
        if receipt.status != 1:
            raise RejectedError(self.venue, f"{label} reverted on chain in tx {sent.tx_hash}")
        return receipt

    async def wait_receipt(self, sent: SentTx, timeout: float | None = None) -> Receipt | None:
        deadline = time.monotonic() + (self.receipt_timeout if timeout is None else timeout)
        while True:
            try:
                doc = await self.rpc.request("eth_getTransactionReceipt", [sent.tx_hash])
            except TransientError:
                doc = None
            if doc:
                return self._settled(sent, doc)
            if time.monotonic() >= deadline:
                return None
            await asyncio.sleep(self.poll_interval)

    def _settled(self, sent: SentTx, doc: dict[str, Any]) -> Receipt:
        """The mined receipt `doc` of `sent`; the journal records how it ended."""
        receipt = Receipt.from_rpc(doc)
        self.journal.settle(sent.client_id, receipt.status == 1)
        return receipt

    async def reconcile(self, client_id: str, timeout: float | None = None) -> Receipt | None:
        """Find out what became of a journaled send. None: never sent, or dropped for good."""
        sent = self.journal.get(client_id)
        if sent is None:
            return None
        found = await self.rpc.request("eth_getTransactionReceipt", [sent.tx_hash])
        if found:
            return self._settled(sent, found)
        if await self.rpc.request("eth_getTransactionByHash", [sent.tx_hash]):
            return await self.wait_receipt(sent, timeout)
        mined_nonce = int(await self.rpc.request("eth_getTransactionCount", [self.address, "latest"]), 16)
        if mined_nonce > sent.nonce:
            self.journal.forget(client_id)  # the nonce went to another tx: ours can never execute
            self._nonce = None
            return None
        async with self._lock:  # same signed bytes: at most one of them can ever execute
            await self._broadcast(sent, f"rebroadcast of {sent.tx_hash}")
        return await self.wait_receipt(sent, timeout)
