"""Compile the ERC-4626 vault offline with the npm `solc` and deploy it."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from web3.contract import Contract

from connectors.evm.devnet import home
from connectors.evm.devnet.artifacts import Artifact, from_solc
from connectors.evm.devnet.deployer import Deployer, DeployError

VAULT_SOURCE = "contracts/DefaiVault.sol"


def compile_vault() -> Artifact:
    source = (home.npm_source_dir() / VAULT_SOURCE).read_text()
    request = {
        "language": "Solidity",
        "sources": {"DefaiVault.sol": {"content": source}},
        "settings": {
            "optimizer": {"enabled": True, "runs": 200},
            "evmVersion": "cancun",
            "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object", "evm.bytecode.linkReferences"]}},
        },
    }
    solcjs = home.node_modules() / ".bin" / "solcjs"
    proc = subprocess.run(
        [str(solcjs), "--standard-json", "--base-path", ".", "--include-path", str(home.node_modules())],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=home.npm_dir(),
        check=False,
    )
    text = "\n".join(line for line in proc.stdout.splitlines() if not line.startswith(">>>"))
    try:
        out: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DeployError(f"solcjs failed: {proc.stderr.strip()[-1000:]}") from exc
    errors = [e["formattedMessage"] for e in out.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise DeployError("vault compile errors:\n" + "\n".join(errors))
    return from_solc("DefaiVault", out)


def deploy_vaults(d: Deployer, tokens: dict[str, Contract]) -> tuple[dict[str, str], list[dict[str, str]]]:
    """One vault per listed underlying; returns (address book entries, vault descriptions)."""
    art = compile_vault()
    book: dict[str, str] = {}
    vaults: list[dict[str, str]] = []
    for underlying in ("USDC", "WETH"):
        symbol = f"dv{underlying}"
        vault: Contract = d.deploy(
            art, tokens[underlying].address, f"defai devnet {underlying} vault", symbol
        )
        book[f"vault_{symbol}"] = vault.address
        vaults.append({"symbol": symbol, "address": vault.address, "asset": underlying})
    return book, vaults
