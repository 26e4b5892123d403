"""Deploy Uniswap V2 and V3 from their npm bytecode and seed pools at realistic prices."""

from __future__ import annotations

from decimal import Decimal
from math import isqrt

from web3 import Web3
from web3.contract import Contract

from connectors.evm.devnet.artifacts import artifact
from connectors.evm.devnet.deployer import Deployer, DeployError

V2_INIT_CODE_HASH = "96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f"
V3_INIT_CODE_HASH = "e34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54"
DEADLINE = 2**63
_SPACING = {100: 1, 500: 10, 3000: 60, 10000: 200}
_MAX_TICK = 887272

# (token a, amount a, token b, amount b, fee tiers) — amounts in token units, priced in USD:
# ETH 3000, BTC 60000, stables 1.
V3_POOLS: list[tuple[str, int, str, int, tuple[int, ...]]] = [
    ("WETH", 20_000, "USDC", 60_000_000, (500,)),
    ("WETH", 1000, "USDC", 3_000_000, (3000,)),
    ("WBTC", 100, "WETH", 2000, (3000,)),
    ("WBTC", 50, "USDC", 3_000_000, (3000,)),
    ("USDC", 5_000_000, "DAI", 5_000_000, (100,)),
    ("WETH", 1000, "DAI", 3_000_000, (3000,)),
]
V2_POOLS: list[tuple[str, int, str, int]] = [
    ("WETH", 1000, "USDC", 3_000_000),
    ("WBTC", 50, "WETH", 1000),
    ("USDC", 2_000_000, "DAI", 2_000_000),
    ("WETH", 500, "DAI", 1_500_000),
]


def _check_init_code(name: str, expected: str) -> None:
    code = bytes.fromhex(artifact(name).bytecode)
    got = Web3.keccak(code).hex().removeprefix("0x")
    if got != expected:
        raise DeployError(f"{name} init-code hash {got} differs from the routers' {expected}")


def _raw(units: int, decimals: int) -> int:
    return int(Decimal(units).scaleb(decimals))


def deploy_v2(d: Deployer, tokens: dict[str, Contract], decimals: dict[str, int]) -> dict[str, str]:
    _check_init_code("UniswapV2Pair", V2_INIT_CODE_HASH)
    factory = d.deploy("UniswapV2Factory", d.me)
    router = d.deploy("UniswapV2Router02", factory.address, tokens["WETH"].address)
    for a, amount_a, b, amount_b in V2_POOLS:
        raw_a, raw_b = _raw(amount_a, decimals[a]), _raw(amount_b, decimals[b])
        d.send(tokens[a].functions.approve(router.address, raw_a))
        d.send(tokens[b].functions.approve(router.address, raw_b))
        d.send(
            router.functions.addLiquidity(
                tokens[a].address, tokens[b].address, raw_a, raw_b, raw_a, raw_b, d.me, DEADLINE
            )
        )
    return {"uniswap_v2_factory": factory.address, "uniswap_v2_router": router.address}


def deploy_v3(d: Deployer, tokens: dict[str, Contract], decimals: dict[str, int]) -> dict[str, str]:
    _check_init_code("UniswapV3Pool", V3_INIT_CODE_HASH)
    weth = tokens["WETH"].address
    factory = d.deploy("UniswapV3Factory")
    d.send(factory.functions.enableFeeAmount(100, 1))
    descriptor = d.deploy("NonfungibleTokenPositionDescriptor", weth, b"ETH".ljust(32, b"\0"))
    manager = d.deploy("NonfungiblePositionManager", factory.address, weth, descriptor.address)
    router = d.deploy("SwapRouter", factory.address, weth)
    quoter = d.deploy("QuoterV2", factory.address, weth)
    for a, amount_a, b, amount_b, fees in V3_POOLS:
        for fee in fees:
            _seed_v3(d, manager, tokens, decimals, (a, amount_a), (b, amount_b), fee)
    return {
        "uniswap_v3_factory": factory.address,
        "uniswap_v3_router": router.address,
        "uniswap_v3_quoter": quoter.address,
        "uniswap_v3_position_manager": manager.address,
        "uniswap_v3_descriptor": descriptor.address,
    }


def _seed_v3(
    d: Deployer,
    manager: Contract,
    tokens: dict[str, Contract],
    decimals: dict[str, int],
    side_a: tuple[str, int],
    side_b: tuple[str, int],
    fee: int,
) -> None:
    """Create a pool at the ratio of the two amounts and add full-range liquidity."""
    (s0, u0), (s1, u1) = sorted([side_a, side_b], key=lambda side: int(tokens[side[0]].address, 16))
    raw0, raw1 = _raw(u0, decimals[s0]), _raw(u1, decimals[s1])
    sqrt_price = isqrt((raw1 << 192) // raw0)
    t0, t1 = tokens[s0].address, tokens[s1].address
    d.send(manager.functions.createAndInitializePoolIfNecessary(t0, t1, fee, sqrt_price))
    d.send(tokens[s0].functions.approve(manager.address, raw0))
    d.send(tokens[s1].functions.approve(manager.address, raw1))
    top = _MAX_TICK - _MAX_TICK % _SPACING[fee]
    params = (t0, t1, fee, -top, top, raw0, raw1, 0, 0, d.me, DEADLINE)
    d.send(manager.functions.mint(params))
