"""pytest fixtures for tests on the devnet (real bytecode on anvil). Import them in a conftest:

    from connectors.evm.devnet.testing import devnet, devnet_chain  # noqa: F401

`devnet_chain` (session): installs/deploys once (cached), starts anvil on a free port with --load-state,
points DEFAI_DEVNET_INFO at its book so `connect("devnet")` uses it. `devnet` (function): the same chain,
rolled back with evm_snapshot / evm_revert after each test. Without node/npm the tests skip, except
under CI (env CI set), where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from connectors.evm.devnet import anvil, home, runtime, state


@dataclass
class DevnetHandle:
    url: str
    info: dict[str, Any]
    info_path: Path

    def rpc(self, method: str, params: list[Any] | None = None) -> Any:
        return anvil.rpc(self.url, method, params)

    def address(self, name: str) -> str:
        if name in self.info["tokens"]:
            return str(self.info["tokens"][name]["address"])
        return str(self.info["addresses"][name])


@pytest.fixture(scope="session")
def devnet_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevnetHandle]:
    if shutil.which("node") is None or shutil.which("npm") is None:
        message = "devnet tests need Node.js and npm (to install anvil and the protocol artifacts)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    state_path, book = state.ensure_state()
    log = tmp_path_factory.mktemp("devnet") / "anvil.log"
    node = anvil.start(load_state=state_path, log_path=log)
    info_path = log.parent / "devnet.json"
    info = runtime.describe(node.url, book, pid=node.process.pid if node.process else None, port=node.port)
    home.write_json(info_path, info)
    previous = os.environ.get("DEFAI_DEVNET_INFO")
    os.environ["DEFAI_DEVNET_INFO"] = str(info_path)
    try:
        yield DevnetHandle(node.url, info, info_path)
    finally:
        if previous is None:
            os.environ.pop("DEFAI_DEVNET_INFO", None)
        else:
            os.environ["DEFAI_DEVNET_INFO"] = previous
        node.stop()


@pytest.fixture
def devnet(devnet_chain: DevnetHandle) -> Iterator[DevnetHandle]:
    snapshot = devnet_chain.rpc("evm_snapshot")
    try:
        yield devnet_chain
    finally:
        devnet_chain.rpc("evm_revert", [snapshot])
