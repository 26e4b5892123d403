"""Sending safely on the devnet: lost answers are reconciled by tx hash, never resent; wrap/transfer."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from connectors.domain import OpenPosition, Side, Supply, Swap, Transfer, Unwrap, Wrap
from connectors.errors import RejectedError, TransientError, UnknownOutcome
from connectors.evm import EvmConnector, book_for, load_account
from connectors.evm.devnet.testing import DevnetHandle
from connectors.evm.journal import Journal
from connectors.evm.rpc import Rpc
from connectors.evm.sender import TxSender
from connectors.protocol import Connector

pytestmark = pytest.mark.chain


class LostAnswerRpc(Rpc):
    """Delivers eth_sendRawTransaction to the node, then loses the answer (a fault we cannot cause)."""

    lose = True

    async def request(self, method: str, params: list[Any]) -> Any:
        result = await super().request(method, params)
        if method == "eth_sendRawTransaction" and self.lose:
            raise TransientError(self.venue, "connection reset while reading the answer")
        return result


def _connector(journal: Journal, rpc_cls: type[Rpc] = Rpc) -> EvmConnector:
    book = book_for("devnet")
    rpc = rpc_cls(book.rpc_url, venue="evm:devnet")
    sender = TxSender(rpc, load_account("devnet"), book.chain_id, journal=journal)
    return EvmConnector(rpc, sender, book)


async def _nonce(c: EvmConnector) -> int:
    return int(await c.rpc.request("eth_getTransactionCount", [c.address, "latest"]), 16)


async def test_lost_answer_is_reconciled_not_resent(devnet: DevnetHandle, tmp_path: Path) -> None:
    journal_file = tmp_path / "journal.jsonl"
    lossy = _connector(Journal(journal_file), LostAnswerRpc)
    action = Wrap(amount=Decimal(2))
    try:
        nonce_before = await _nonce(lossy)
        with pytest.raises(UnknownOutcome) as lost:
            await lossy.execute(action, client_id="wrap-1")
        assert lost.value.reference and lost.value.client_id == "wrap-1"
    finally:
        await lossy.close()
    # A restarted process reads the journal and asks the chain, by tx hash, what happened.
    fresh = _connector(Journal(journal_file))
    try:
        fill = await fresh.execute(action, client_id="wrap-1")
        assert fill.tx_hash == lost.value.reference
        # exactly one transaction from this account was mined (anvil mines asynchronously, so compare
        # with the nonce before the first send, not with one read while the first may still be pending)
        assert await _nonce(fresh) == nonce_before + 1
        assert (await fresh.snapshot()).balance("WETH") == Decimal(102)
    finally:
        await fresh.close()


async def test_unsent_journal_entry_rebroadcasts_the_same_signed_bytes(devnet: DevnetHandle) -> None:
    journal = Journal()
    lossy = _connector(journal, LostAnswerRpc)
    try:
        devnet.rpc("evm_setAutomine", [False])
        with pytest.raises(UnknownOutcome) as lost:
            await lossy.execute(Wrap(amount=Decimal(1)), client_id="wrap-2")
        devnet.rpc("anvil_dropAllTransactions")  # the node forgets it, as a mempool might
        devnet.rpc("evm_setAutomine", [True])
        LostAnswerRpc.lose = False
        fill = await lossy.execute(Wrap(amount=Decimal(1)), client_id="wrap-2")
        assert fill.tx_hash == lost.value.reference  # the same transaction, not a new one
        assert (await lossy.snapshot()).balance("WETH") == Decimal(101)
    finally:
        LostAnswerRpc.lose = True
        devnet.rpc("evm_setAutomine", [True])
        await lossy.close()


async def test_wrap_unwrap_and_transfer(evm: EvmConnector, other: EvmConnector) -> None:
    await evm.execute(Wrap(amount=Decimal("1.5")), client_id="w")
    await evm.execute(Unwrap(amount=Decimal("0.5")), client_id="u")
    assert (await evm.snapshot()).balance("WETH") == Decimal(101)
    fill = await evm.execute(Transfer(asset="USDC", amount=Decimal(250), to=other.address), client_id="t")
    assert fill.amount_in == Decimal(250)
    assert (await other.snapshot()).balance("USDC") == Decimal(1_000_250)


async def test_quote_then_execute_reports_the_quote(evm: EvmConnector) -> None:
    action = Swap(sell="WETH", buy="USDC", amount=Decimal(1))
    quote = await evm.quote(action)
    fill = await evm.execute(action, client_id="q")
    assert evm.quote_for("q") is not None
    assert evm.quote_for("q").amount_out == fill.amount_out == quote.amount_out  # type: ignore[union-attr]


async def test_connector_meets_the_protocol(evm: EvmConnector) -> None:
    assert isinstance(evm, Connector)
    assert evm.name == "evm:devnet"
    assert evm.supports(Wrap(amount=Decimal(1)))
    assert evm.supports(Supply(asset="USDC", amount=Decimal(1), protocol="dvUSDC"))
    assert not evm.supports(Supply(asset="USDC", amount=Decimal(1), protocol="compound"))
    assert not evm.supports(OpenPosition(market="ETH-PERP", side=Side.LONG, size=Decimal(1)))


async def test_revert_on_chain_after_a_clean_simulation_is_reported(
    evm: EvmConnector, other: EvmConnector, devnet: DevnetHandle
) -> None:
    """Two transfers race in one block: both simulate fine, whichever is mined second reverts."""
    devnet.rpc("evm_setAutomine", [False])
    try:
        tasks = [
            asyncio.create_task(
                evm.execute(Transfer(asset="USDC", amount=Decimal(600_000), to=other.address), client_id=cid)
            )
            for cid in ("t1", "t2")
        ]
        for _ in range(500):
            pending = int(await evm.rpc.request("eth_getTransactionCount", [evm.address, "pending"]), 16)
            if pending - await _nonce(evm) == 2:
                break
            await asyncio.sleep(0.01)
        devnet.rpc("evm_mine")
        outcomes = dict(zip(("t1", "t2"), await asyncio.gather(*tasks, return_exceptions=True), strict=True))
    finally:
        devnet.rpc("evm_setAutomine", [True])
    # which of the two got the lower nonce depends on task scheduling; exactly one fills
    fills = {cid: o for cid, o in outcomes.items() if not isinstance(o, BaseException)}
    failed = {cid: o for cid, o in outcomes.items() if isinstance(o, BaseException)}
    assert len(fills) == 1 and len(failed) == 1, outcomes
    (loser, error), (fill,) = next(iter(failed.items())), fills.values()
    assert isinstance(error, RejectedError) and "reverted on chain" in str(error)
    assert fill.amount_in == Decimal(600_000)
    assert evm.sender.journal.get(loser).settled is False  # type: ignore[union-attr]
    again = Transfer(asset="USDC", amount=Decimal(600_000), to=other.address)
    with pytest.raises(RejectedError, match="reverted on chain"):  # the same id stays rejected, not resent
        await evm.execute(again, client_id=loser)
    rejected = await evm.lookup(loser)
    assert rejected is not None and rejected.status == "rejected"
    with pytest.raises(RejectedError):
        await evm.execute(again, client_id=loser)
    assert (await evm.snapshot()).balance("USDC") == Decimal(400_000)
