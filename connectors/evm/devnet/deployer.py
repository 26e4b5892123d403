"""A small blocking deploy helper over anvil's unlocked accounts (deploy-time only, never for users)."""

from __future__ import annotations

from typing import Any

from eth_typing import ChecksumAddress
from web3 import Web3
from web3.contract import Contract

from connectors.evm.devnet.artifacts import Artifact, artifact


class DeployError(RuntimeError):
    pass


class Deployer:
    """Deploys artifacts and sends transactions from an unlocked anvil account, waiting for each."""

    def __init__(self, url: str) -> None:
        self.w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 60}))
        self.accounts: list[ChecksumAddress] = list(self.w3.eth.accounts)
        self.me = self.accounts[0]
        self.libraries: dict[str, str] = {}

    def wait(self, tx_hash: Any) -> Any:
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60, poll_latency=0.002)
        if receipt["status"] != 1:
            raise DeployError(f"transaction {tx_hash.hex()} reverted")
        return receipt

    def deploy(self, name: str | Artifact, *args: Any) -> Contract:
        art = artifact(name) if isinstance(name, str) else name
        for lib in art.needs():
            if lib not in self.libraries:
                self.libraries[lib] = self.deploy(lib).address
        factory = self.w3.eth.contract(abi=art.abi, bytecode=art.linked(self.libraries))
        try:
            tx_hash = factory.constructor(*args).transact({"from": self.me, "gas": 29_000_000})
        except Exception as exc:
            raise DeployError(f"deploying {art.name}: {exc}") from exc
        receipt = self.wait(tx_hash)
        return self.at(art, receipt["contractAddress"])

    def at(self, name: str | Artifact, address: str) -> Contract:
        art = artifact(name) if isinstance(name, str) else name
        return self.w3.eth.contract(address=Web3.to_checksum_address(address), abi=art.abi)

    def send(self, fn: Any, *, sender: str | None = None, value: int = 0) -> Any:
        """Call a state-changing contract function; raise with the revert reason if it fails."""
        tx: dict[str, Any] = {"from": sender or self.me, "value": value}
        try:
            fn.call(tx)
            tx_hash = fn.transact(tx)
        except Exception as exc:
            raise DeployError(f"{fn.fn_name}: {exc}") from exc
        return self.wait(tx_hash)

    def rpc(self, method: str, params: list[Any]) -> Any:
        resp = self.w3.provider.make_request(method, params)  # type: ignore[arg-type]
        if "error" in resp:
            raise DeployError(f"{method}: {resp['error']}")
        return resp["result"]
