"""Read compiled contracts from the npm packages and link their libraries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from connectors.evm.devnet import home

# name -> path under node_modules (the packages ship several layouts).
_PATHS = {
    "WETH9": "canonical-weth/build/contracts/WETH9.json",
    "UniswapV2Factory": "@uniswap/v2-core/build/UniswapV2Factory.json",
    "UniswapV2Pair": "@uniswap/v2-core/build/UniswapV2Pair.json",
    "UniswapV2Router02": "@uniswap/v2-periphery/build/UniswapV2Router02.json",
    "UniswapV3Factory": "@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json",
    "UniswapV3Pool": "@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json",
}
_V3P = "@uniswap/v3-periphery/artifacts/contracts/"
for _name, _sub in {
    "SwapRouter": "SwapRouter.sol",
    "NonfungiblePositionManager": "NonfungiblePositionManager.sol",
    "NonfungibleTokenPositionDescriptor": "NonfungibleTokenPositionDescriptor.sol",
    "QuoterV2": "lens/QuoterV2.sol",
    "NFTDescriptor": "libraries/NFTDescriptor.sol",
}.items():
    _PATHS[_name] = f"{_V3P}{_sub}/{_name}.json"
_AAVE = "@aave/core-v3/artifacts/contracts/"
for _name, _sub in {
    "MintableERC20": "mocks/tokens/MintableERC20.sol",
    "MockAggregator": "mocks/oracle/CLAggregators/MockAggregator.sol",
    "PoolAddressesProvider": "protocol/configuration/PoolAddressesProvider.sol",
    "ACLManager": "protocol/configuration/ACLManager.sol",
    "Pool": "protocol/pool/Pool.sol",
    "PoolConfigurator": "protocol/pool/PoolConfigurator.sol",
    "DefaultReserveInterestRateStrategy": "protocol/pool/DefaultReserveInterestRateStrategy.sol",
    "AaveOracle": "misc/AaveOracle.sol",
    "AaveProtocolDataProvider": "misc/AaveProtocolDataProvider.sol",
    "AToken": "protocol/tokenization/AToken.sol",
    "VariableDebtToken": "protocol/tokenization/VariableDebtToken.sol",
    "StableDebtToken": "protocol/tokenization/StableDebtToken.sol",
    **{
        lib: f"protocol/libraries/logic/{lib}.sol"
        for lib in (
            "SupplyLogic",
            "BorrowLogic",
            "LiquidationLogic",
            "EModeLogic",
            "BridgeLogic",
            "FlashLoanLogic",
            "PoolLogic",
            "ConfiguratorLogic",
        )
    },
}.items():
    _PATHS[_name] = f"{_AAVE}{_sub}/{_name}.json"


@dataclass(frozen=True)
class Artifact:
    name: str
    abi: list[dict[str, Any]]
    bytecode: str  # hex without 0x, may hold unlinked placeholders
    link_references: dict[str, dict[str, list[dict[str, int]]]]

    def linked(self, libraries: dict[str, str]) -> str:
        """Bytecode (0x-hex) with each library placeholder replaced by its deployed address."""
        code = self.bytecode
        for refs in self.link_references.values():
            for lib, spots in refs.items():
                if lib not in libraries:
                    raise KeyError(f"{self.name} needs library {lib} linked")
                address = libraries[lib].lower().removeprefix("0x")
                for spot in spots:
                    start = spot["start"] * 2
                    code = code[:start] + address + code[start + spot["length"] * 2 :]
        if "__" in code:
            raise ValueError(f"{self.name} still has unlinked library placeholders")
        return "0x" + code

    def needs(self) -> list[str]:
        return sorted({lib for refs in self.link_references.values() for lib in refs})


def _load(path: Path, name: str) -> Artifact:
    doc = json.loads(path.read_text())
    code = doc.get("bytecode") or doc.get("evm", {}).get("bytecode", {}).get("object", "")
    if isinstance(code, dict):
        code = code.get("object", "")
    return Artifact(name, doc["abi"], str(code).removeprefix("0x"), doc.get("linkReferences") or {})


@cache
def artifact(name: str) -> Artifact:
    return _load(home.node_modules() / _PATHS[name], name)


def from_solc(name: str, compiled: dict[str, Any]) -> Artifact:
    """An artifact from solc standard-JSON output (the vault we compile ourselves)."""
    for contracts in compiled["contracts"].values():
        if name in contracts:
            c = contracts[name]
            return Artifact(
                name, c["abi"], c["evm"]["bytecode"]["object"], c["evm"]["bytecode"]["linkReferences"]
            )
    raise KeyError(f"{name} not in solc output")
