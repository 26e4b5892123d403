"""Swaps on the devnet's real Uniswap bytecode fill exactly at their quotes; limits hold."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.domain import Swap
from connectors.errors import InsufficientFunds, RejectedError
from connectors.evm import EvmConnector

pytestmark = pytest.mark.chain


async def _nonce(c: EvmConnector) -> int:
    return int(await c.rpc.request("eth_getTransactionCount", [c.address, "latest"]), 16)


async def test_v3_exact_in_fills_at_quote(evm: EvmConnector) -> None:
    action = Swap(sell="WETH", buy="USDC", amount=Decimal(1))
    before = await evm.snapshot()
    quote = await evm.quote(action)
    assert quote.route.startswith("uniswap_v3")
    assert Decimal(2900) < quote.amount_out < Decimal(3000)  # ETH ≈ 3000 USDC less fee and impact
    fill = await evm.execute(action, client_id="v3-in", quote=quote)
    after = await evm.snapshot()
    assert fill.amount_in == Decimal(1)
    assert fill.amount_out == quote.amount_out
    assert fill.tx_hash and fill.tx_hash.startswith("0x")
    assert after.balance("USDC") - before.balance("USDC") == quote.amount_out
    assert before.balance("WETH") - after.balance("WETH") == Decimal(1)


async def test_v3_multi_hop_exact_out_pays_the_quote(evm: EvmConnector) -> None:
    action = Swap(sell="USDC", buy="WBTC", amount=Decimal("0.5"), amount_in="buy")
    quote = await evm.quote(action)
    fill = await evm.execute(action, client_id="v3-out", quote=quote)
    assert fill.amount_out == Decimal("0.5")
    assert fill.amount_in == quote.amount_in
    assert Decimal(29_000) < fill.amount_in < Decimal(31_500)  # BTC ≈ 60000 USDC
    # Exact approval: max-in (quote + 0.5% default slippage), of which the swap used the quote.
    usdc = evm.book.token("USDC")
    max_in = -(-int(quote.amount_in * 10**6) * 10_050 // 10_000)
    left = await evm.tokens.allowance(usdc, evm.swaps.v3.router)  # type: ignore[union-attr]
    assert left == max_in - int(fill.amount_in * 10**6)


async def test_best_fee_tier_is_chosen(evm: EvmConnector) -> None:
    small = await evm.quote(Swap(sell="WETH", buy="USDC", amount=Decimal(1)))
    assert "0.05%" in small.route  # the deeper, cheaper 0.05% pool beats the 0.3% one
    big = await evm.quote(Swap(sell="WETH", buy="USDC", amount=Decimal(200)))
    assert Decimal(0) <= small.price_impact_bps < Decimal(1)  # 1 ETH barely moves a deep pool
    assert Decimal(50) < big.price_impact_bps < Decimal(2000)
    hop = await evm.quote(Swap(sell="WBTC", buy="DAI", amount=Decimal("0.1")))
    assert hop.route.count("->") == 2  # no direct WBTC/DAI pool: routed through a hub


async def test_v2_swap_fills_at_quote(evm: EvmConnector) -> None:
    action = Swap(sell="DAI", buy="WETH", amount=Decimal(3000), venue="uniswap_v2")
    quote = await evm.quote(action)
    assert quote.route.startswith("uniswap_v2")
    fill = await evm.execute(action, client_id="v2-in", quote=quote)
    assert fill.amount_out == quote.amount_out
    assert Decimal("0.95") < fill.amount_out < Decimal(1)


async def test_slippage_violation_is_refused_and_reported(evm: EvmConnector, other: EvmConnector) -> None:
    action = Swap(sell="WETH", buy="USDC", amount=Decimal(1), max_slippage_bps=10)
    stale = await evm.quote(action)
    # Someone else moves the price a lot (dumps WETH) before our swap lands.
    await other.execute(Swap(sell="WETH", buy="USDC", amount=Decimal(80)), client_id="dump")
    nonce = await _nonce(evm)
    with pytest.raises(RejectedError, match=r"slippage limit \(10 bps\)"):
        await evm.execute(action, client_id="stale", quote=stale)
    assert await _nonce(evm) == nonce  # refused before anything was sent, not even an approval
    assert (await evm.snapshot()).balance("WETH") == Decimal(100)


async def test_router_revert_on_limit_is_decoded(evm: EvmConnector) -> None:
    """The router itself enforces the limit: its revert comes back as a readable rejection."""
    dex = evm.swaps.v3
    assert dex is not None
    weth, usdc = evm.book.token("WETH"), evm.book.token("USDC")
    route = await dex.quote(weth, usdc, 10**18, "exact_in")
    await evm.tokens.ensure_allowance(weth, dex.router, 10**18, client_id="approve")
    greedy = dex.swap_call(route, route.amount_out + 1, evm.address, 2**40)
    with pytest.raises(RejectedError, match=r"Too little received.*slippage limit"):
        await evm.sender.send(greedy, client_id="greedy")
    assert evm.sender.journal.get("greedy") is None  # never signed, never sent


async def test_insufficient_balance_is_refused_before_sending(evm: EvmConnector) -> None:
    nonce = await _nonce(evm)
    with pytest.raises(InsufficientFunds, match="WETH"):
        await evm.execute(Swap(sell="WETH", buy="USDC", amount=Decimal(1000)), client_id="too-big")
    assert await _nonce(evm) == nonce  # not even an approval was sent


async def test_execute_is_idempotent_on_client_id(evm: EvmConnector) -> None:
    action = Swap(sell="USDC", buy="DAI", amount=Decimal(100))
    first = await evm.execute(action, client_id="once")
    nonce = await _nonce(evm)
    again = await evm.execute(action, client_id="once")
    assert again == first
    assert await _nonce(evm) == nonce
    assert await evm.lookup("once") == first
    assert await evm.lookup("never-sent") is None
