"""Devnet fixtures (real bytecode on anvil) and a connected EvmConnector per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from connectors.evm import EvmConnector, connect
from connectors.evm.devnet.testing import DevnetHandle, devnet, devnet_chain

__all__ = ["devnet", "devnet_chain"]


@pytest.fixture
async def evm(devnet: DevnetHandle) -> AsyncIterator[EvmConnector]:
    """anvil's account 0 on the devnet, with a fresh nonce cache (the chain is reverted after each test)."""
    connector = await connect("devnet")
    try:
        yield connector
    finally:
        await connector.close()


@pytest.fixture
async def other(devnet: DevnetHandle) -> AsyncIterator[EvmConnector]:
    """A second funded account (anvil's account 1): moves prices and pays vault yield."""
    connector = await connect("devnet", account="1")
    try:
        yield connector
    finally:
        await connector.close()
