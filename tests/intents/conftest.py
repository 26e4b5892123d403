"""Devnet fixtures for the chain-marked intent tests (skip without Node.js/npm)."""

from connectors.evm.devnet.testing import devnet, devnet_chain

__all__ = ["devnet", "devnet_chain"]
