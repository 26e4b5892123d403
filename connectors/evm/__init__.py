"""On-chain DeFi over web3.py (async): Uniswap V2/V3, Aave V3, ERC-4626, tokens; devnet, Ethereum, Base, Arbitrum.

connector = await connect("devnet")               # anvil's first test account on the local devnet
quote = await connector.quote(Swap(sell="WETH", buy="USDC", amount=Decimal(1)))
fill = await connector.execute(action, client_id=cid, quote=quote)
"""

from __future__ import annotations

from connectors.errors import ConfigError, TransientError
from connectors.evm.aave import AccountData, Reserve
from connectors.evm.addresses import NETWORKS, Book, Token, Vault, book_for
from connectors.evm.connector import EvmConnector, journal_path
from connectors.evm.erc4626 import PricePoint, apy_from_history
from connectors.evm.journal import Journal
from connectors.evm.keys import load_account
from connectors.evm.rpc import Rpc
from connectors.evm.sender import TxSender

__all__ = [
    "NETWORKS",
    "AccountData",
    "Book",
    "EvmConnector",
    "Journal",
    "PricePoint",
    "Reserve",
    "Rpc",
    "Token",
    "TxSender",
    "Vault",
    "apy_from_history",
    "book_for",
    "connect",
    "load_account",
]


async def connect(
    network: str = "devnet",
    *,
    account: str | None = None,
    rpc_url: str | None = None,
    default_slippage_bps: int = 50,
    poll_interval: float = 0.003,
) -> EvmConnector:
    """An EvmConnector for `network` (devnet | ethereum | base | arbitrum), checked against the chain id.

    `account`: a keystore path, or on devnet a test-account index/address; default: env key, then
    keystore, then (devnet only) anvil's first funded account. Close it with `await connector.close()`.
    """
    book = book_for(network, rpc_url=rpc_url)
    signer = load_account(book.network, account)
    rpc = Rpc(book.rpc_url, venue=f"evm:{book.network}")
    try:
        chain_id = await rpc.chain_id()
    except TransientError as exc:
        await rpc.close()
        raise ConfigError(f"cannot reach the {book.network} RPC at {book.rpc_url}: {exc.message}") from exc
    if chain_id != book.chain_id:
        await rpc.close()
        raise ConfigError(f"{book.rpc_url} serves chain {chain_id}, not {book.network} ({book.chain_id})")
    sender = TxSender(
        rpc,
        signer,
        chain_id,
        journal=Journal(journal_path(book.network, signer.address)),
        poll_interval=poll_interval,
    )
    return EvmConnector(rpc, sender, book, default_slippage_bps=default_slippage_bps)
