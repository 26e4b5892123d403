"""Deploy every devnet protocol into a fresh anvil and fund the test accounts; returns the address book."""

from __future__ import annotations

from typing import Any

from web3 import Web3

from connectors.evm.devnet.deploy_aave import deploy_aave
from connectors.evm.devnet.deploy_uniswap import deploy_v2, deploy_v3
from connectors.evm.devnet.deploy_vault import deploy_vaults
from connectors.evm.devnet.deployer import Deployer

# A dedicated (impersonated) deployer, so the users' test accounts start with round balances.
DEPLOYER = Web3.to_checksum_address("0x00000000000000000000000000000000defa1000")
DECIMALS = {"WETH": 18, "USDC": 6, "DAI": 18, "WBTC": 8}
TEST_FUNDS = {"WETH": 100, "USDC": 1_000_000, "DAI": 1_000_000, "WBTC": 10}
_DEPLOYER_MINT = {"USDC": 10**9, "DAI": 10**9, "WBTC": 10**5}
_DEPLOYER_ETH = 10**6


def deploy_all(url: str) -> dict[str, Any]:
    d = Deployer(url)
    users = list(d.accounts)
    d.rpc("anvil_impersonateAccount", [DEPLOYER])
    d.rpc("anvil_setBalance", [DEPLOYER, hex((_DEPLOYER_ETH + 1) * 10**18)])
    d.me = DEPLOYER

    tokens = {"WETH": d.deploy("WETH9")}
    d.send(tokens["WETH"].functions.deposit(), value=_DEPLOYER_ETH * 10**18)
    for symbol, name in (("USDC", "USD Coin"), ("DAI", "Dai Stablecoin"), ("WBTC", "Wrapped BTC")):
        tokens[symbol] = d.deploy("MintableERC20", name, symbol, DECIMALS[symbol])
        d.send(tokens[symbol].functions.mint(DEPLOYER, _DEPLOYER_MINT[symbol] * 10 ** DECIMALS[symbol]))

    addresses: dict[str, str] = {}
    addresses.update(deploy_v2(d, tokens, DECIMALS))
    addresses.update(deploy_v3(d, tokens, DECIMALS))
    addresses.update(deploy_aave(d, tokens, DECIMALS))
    vault_book, vaults = deploy_vaults(d, tokens)
    addresses.update(vault_book)

    for user in users:
        for symbol, units in TEST_FUNDS.items():
            raw = units * 10 ** DECIMALS[symbol]
            if symbol == "WETH":
                d.send(tokens["WETH"].functions.deposit(), sender=user, value=raw)
            else:
                d.send(tokens[symbol].functions.mint(user, raw))
    d.rpc("anvil_stopImpersonatingAccount", [DEPLOYER])
    return {
        "chain_id": d.w3.eth.chain_id,
        "tokens": {s: {"address": tokens[s].address, "decimals": DECIMALS[s]} for s in tokens},
        "addresses": addresses,
        "vaults": vaults,
        "funded_accounts": [str(u) for u in users],
        "test_funds": TEST_FUNDS,
    }
