"""Aave V3 and ERC-4626 on the devnet's real bytecode: the numbers are the chain's own."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.domain import Borrow, Repay, Supply, Withdraw
from connectors.errors import InsufficientFunds, RejectedError
from connectors.evm import EvmConnector
from connectors.evm.abi import Fn
from connectors.evm.devnet.testing import DevnetHandle

pytestmark = pytest.mark.chain

PRICE = Fn("getAssetPrice(address)", "uint256")
THIRTY_DAYS = 30 * 24 * 3600


def _warp(devnet: DevnetHandle, seconds: int) -> None:
    devnet.rpc("evm_increaseTime", [seconds])
    devnet.rpc("evm_mine")


async def test_aave_supply_borrow_repay_withdraw_leaves_no_dust(
    evm: EvmConnector, devnet: DevnetHandle
) -> None:
    aave = evm.lending.aave
    assert aave is not None
    weth, usdc = evm.book.token("WETH"), evm.book.token("USDC")
    supplied = await evm.execute(Supply(asset="WETH", amount=Decimal(10)), client_id="s")
    assert (supplied.asset_in, supplied.amount_in) == ("WETH", Decimal(10))
    borrowed = await evm.execute(Borrow(asset="USDC", amount=Decimal(12_000)), client_id="b")
    assert (borrowed.asset_out, borrowed.amount_out) == ("USDC", Decimal(12_000))

    # Health factor: the chain's getUserAccountData, and the same from oracle prices by hand.
    oracle = devnet.address("aave_oracle")
    eth_usd = Decimal(await evm.rpc.read_one(oracle, PRICE, weth.address)) / 10**8
    usdc_usd = Decimal(await evm.rpc.read_one(oracle, PRICE, usdc.address)) / 10**8
    account = await aave.account()
    book = await evm.snapshot()
    assert book.health_factor == account.health_factor == Decimal(account.health_factor_raw).scaleb(-18)
    by_hand = Decimal(10) * eth_usd * Decimal("0.825") / (Decimal(12_000) * usdc_usd)
    assert account.health_factor is not None
    assert abs(account.health_factor - by_hand) < Decimal("1e-6")
    assert account.ltv == Decimal("0.8")
    assert account.available_borrows_usd == pytest.approx(
        Decimal(30_000) * Decimal("0.8") - Decimal(12_000), abs=1
    )
    assert book.supplied["WETH"] >= Decimal(10) and book.borrowed["USDC"] >= Decimal(12_000)

    _warp(devnet, THIRTY_DAYS)  # interest accrues: repaying "all" must cover it exactly
    debt_now = await aave.debt(usdc)
    assert debt_now > 12_000 * 10**6
    repaid = await evm.execute(Repay(asset="USDC", amount="all"), client_id="r")
    assert repaid.amount_in >= Decimal(debt_now) / 10**6
    assert await aave.debt(usdc) == 0
    withdrawn = await evm.execute(Withdraw(asset="WETH", amount="all"), client_id="w")
    assert withdrawn.amount_out > Decimal(10)  # plus the supply interest earned
    assert await aave.supplied(weth) == 0
    final = await aave.account()
    assert final.debt_usd == 0 and final.collateral_usd == 0 and final.health_factor is None


async def test_aave_reserve_apys_come_from_the_chain(evm: EvmConnector) -> None:
    aave = evm.lending.aave
    assert aave is not None
    reserve = await aave.reserve(evm.book.token("USDC"))
    assert 0 < reserve.supply_apy < reserve.borrow_apy < Decimal("0.2")
    assert reserve.liquidity_rate_ray > 0


async def test_aave_over_borrow_is_rejected_with_the_reason(evm: EvmConnector) -> None:
    await evm.execute(Supply(asset="WETH", amount=Decimal(1)), client_id="s")
    with pytest.raises(RejectedError, match="not enough collateral"):
        await evm.execute(Borrow(asset="USDC", amount=Decimal(5000)), client_id="b")
    with pytest.raises(InsufficientFunds):
        await evm.execute(Withdraw(asset="WETH", amount=Decimal(2)), client_id="w")


async def test_vault_yield_shows_in_the_share_price(
    evm: EvmConnector, other: EvmConnector, devnet: DevnetHandle
) -> None:
    vaults = evm.lending.vaults
    vault = vaults.vault("dvUSDC")
    deposit = await evm.execute(Supply(asset="USDC", amount=Decimal(1000), protocol="dvUSDC"), client_id="d")
    assert deposit.amount_in == Decimal(1000)
    before = await vaults.price_point(vault)
    _warp(devnet, THIRTY_DAYS)
    await other.lending.vaults.harvest(vault, 10 * 10**6, client_id="harvest")  # 1% yield on 1000
    after = await vaults.price_point(vault)
    assert after.price > before.price
    assert after.price == pytest.approx(before.price * Decimal("1.01"), rel=Decimal("1e-5"))
    apy = await vaults.apy_estimate(vault, lookback_blocks=after.block - before.block)
    assert apy is not None and Decimal("0.10") < apy < Decimal("0.14")  # 1% a month, compounded
    out = await evm.execute(Withdraw(asset="USDC", amount="all", protocol="erc4626"), client_id="r")
    assert out.amount_out == pytest.approx(Decimal(1010), abs=Decimal("0.01"))
    assert await vaults.shares(vault) == 0


async def test_prices_and_equity_come_from_the_market_oracle(evm: EvmConnector) -> None:
    prices = await evm.prices_usd()
    assert prices == {"WETH": 3000, "USDC": 1, "DAI": 1, "WBTC": 60000, "ETH": 3000}
    book = await evm.snapshot()
    # 9,900 ETH + 100 WETH (wrapped from the 10,000) at 3000, 1M USDC, 1M DAI, 10 WBTC at 60000, less gas
    assert book.equity_usd is not None
    assert Decimal(32_599_900) < book.equity_usd <= Decimal(32_600_000)
    await evm.execute(Supply(asset="WETH", amount=Decimal(10)), client_id="s")
    await evm.execute(Borrow(asset="USDC", amount=Decimal(1000)), client_id="b")
    after = await evm.snapshot()
    assert after.equity_usd == pytest.approx(book.equity_usd, abs=Decimal(5))  # moved, not lost
