"""Deploy a complete Aave V3 market (1.19 bytecode) with WETH/USDC/DAI/WBTC reserves and price feeds."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from web3 import Web3
from web3.contract import Contract

from connectors.evm.devnet.deployer import Deployer

RAY = 10**27
ZERO = "0x0000000000000000000000000000000000000000"


def _ray(x: str) -> int:
    return int(Decimal(x) * RAY)


@dataclass(frozen=True)
class ReserveSpec:
    price_usd: int
    ltv_bps: int
    liquidation_threshold_bps: int
    liquidation_bonus_bps: int
    stable: bool
    seed_units: int  # liquidity the deployer supplies so borrows are possible
    borrowed_units: int  # what the deployer borrows back, so rates (and APYs) are not zero


RESERVES = {
    "WETH": ReserveSpec(3000, 8000, 8250, 10500, False, 1000, 300),
    "USDC": ReserveSpec(1, 7700, 8000, 10450, True, 2_000_000, 1_200_000),
    "DAI": ReserveSpec(1, 7500, 8000, 10500, True, 2_000_000, 1_000_000),
    "WBTC": ReserveSpec(60000, 7000, 7500, 10650, False, 50, 5),
}


def _strategy(d: Deployer, provider: str, stable: bool) -> Contract:
    if stable:  # optimal 90%, slopes 4% / 60%
        rates = [_ray("0.9"), 0, _ray("0.04"), _ray("0.6"), _ray("0.005"), _ray("0.6")]
    else:  # optimal 45%, slopes 7% / 300%
        rates = [_ray("0.45"), 0, _ray("0.07"), _ray("3"), _ray("0.07"), _ray("3")]
    return d.deploy(
        "DefaultReserveInterestRateStrategy", provider, *rates, _ray("0.01"), _ray("0.08"), _ray("0.2")
    )


def deploy_aave(d: Deployer, tokens: dict[str, Contract], decimals: dict[str, int]) -> dict[str, str]:
    provider = d.deploy("PoolAddressesProvider", "defai-devnet", d.me)
    d.send(provider.functions.setACLAdmin(d.me))
    acl = d.deploy("ACLManager", provider.address)
    d.send(provider.functions.setACLManager(acl.address))
    d.send(acl.functions.addPoolAdmin(d.me))
    d.send(acl.functions.addRiskAdmin(d.me))
    d.send(acl.functions.addAssetListingAdmin(d.me))

    pool_impl = d.deploy("Pool", provider.address)
    d.send(pool_impl.functions.initialize(provider.address))
    d.send(provider.functions.setPoolImpl(pool_impl.address))
    pool = d.at("Pool", provider.functions.getPool().call())
    configurator_impl = d.deploy("PoolConfigurator")
    d.send(provider.functions.setPoolConfiguratorImpl(configurator_impl.address))
    configurator = d.at("PoolConfigurator", provider.functions.getPoolConfigurator().call())

    symbols = list(RESERVES)
    feeds = {s: d.deploy("MockAggregator", RESERVES[s].price_usd * 10**8) for s in symbols}
    assets = [tokens[s].address for s in symbols]
    oracle = d.deploy(
        "AaveOracle", provider.address, assets, [feeds[s].address for s in symbols], ZERO, ZERO, 10**8
    )
    d.send(provider.functions.setPriceOracle(oracle.address))
    data_provider = d.deploy("AaveProtocolDataProvider", provider.address)
    d.send(provider.functions.setPoolDataProvider(data_provider.address))

    a_impl = d.deploy("AToken", pool.address)
    v_impl = d.deploy("VariableDebtToken", pool.address)
    s_impl = d.deploy("StableDebtToken", pool.address)
    strategies = {flag: _strategy(d, provider.address, flag).address for flag in (True, False)}
    inputs = [
        (
            a_impl.address, s_impl.address, v_impl.address, decimals[s],
            strategies[RESERVES[s].stable], tokens[s].address, d.me, ZERO,
            f"Aave devnet {s}", f"a{s}", f"Aave devnet variable debt {s}", f"variableDebt{s}",
            f"Aave devnet stable debt {s}", f"stableDebt{s}", b"",
        )
        for s in symbols
    ]  # fmt: skip
    d.send(configurator.functions.initReserves(inputs))
    for s in symbols:
        spec, asset = RESERVES[s], tokens[s].address
        d.send(
            configurator.functions.configureReserveAsCollateral(
                asset, spec.ltv_bps, spec.liquidation_threshold_bps, spec.liquidation_bonus_bps
            )
        )
        d.send(configurator.functions.setReserveBorrowing(asset, True))
        d.send(configurator.functions.setReserveFactor(asset, 1000))
        raw = spec.seed_units * 10 ** decimals[s]
        d.send(tokens[s].functions.approve(pool.address, raw))
        d.send(pool.functions.supply(asset, raw, d.me, 0))
    for s in symbols:
        raw = RESERVES[s].borrowed_units * 10 ** decimals[s]
        d.send(pool.functions.borrow(tokens[s].address, raw, 2, 0, d.me))

    book: dict[str, str] = {
        "aave_addresses_provider": provider.address,
        "aave_acl_manager": acl.address,
        "aave_pool": pool.address,
        "aave_pool_configurator": configurator.address,
        "aave_oracle": oracle.address,
        "aave_data_provider": data_provider.address,
    }
    book.update({f"aave_feed_{s}": Web3.to_checksum_address(feeds[s].address) for s in symbols})
    return book
