"""Address books per network: the devnet's (read from its JSON) and real Ethereum, Base and Arbitrum."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from web3 import Web3

from connectors.errors import ConfigError, RejectedError


@dataclass(frozen=True)
class Token:
    symbol: str
    address: str
    decimals: int


@dataclass(frozen=True)
class Vault:
    symbol: str
    address: str
    asset: str  # underlying symbol


@dataclass(frozen=True)
class Book:
    """Everything a connector needs to know about one network. Missing protocols are None."""

    network: str
    chain_id: int
    rpc_url: str
    tokens: dict[str, Token]
    uniswap_v3_router: str | None = None
    uniswap_v3_router_kind: Literal["swaprouter", "swaprouter02"] = "swaprouter"
    uniswap_v3_quoter: str | None = None
    uniswap_v3_factory: str | None = None
    uniswap_v2_router: str | None = None
    uniswap_v2_factory: str | None = None
    aave_pool: str | None = None
    vaults: dict[str, Vault] = field(default_factory=dict)
    fee_tiers: tuple[int, ...] = (100, 500, 3000, 10000)
    hub_tokens: tuple[str, ...] = ("WETH", "USDC")

    def token(self, symbol: str) -> Token:
        """The token for a symbol; an unknown symbol is a rejection naming the known ones."""
        key = symbol.upper()
        venue = f"evm:{self.network}"
        if key == "ETH" and "WETH" in self.tokens:
            raise RejectedError(venue, "use WETH here (ETH is the native coin: wrap it first)")
        try:
            return self.tokens[key]
        except KeyError:
            known = ", ".join(sorted(self.tokens))
            raise RejectedError(
                venue, f"unknown token {symbol!r} on {self.network} (known: {known})"
            ) from None

    def by_address(self, address: str) -> Token | None:
        address = address.lower()
        return next((t for t in self.tokens.values() if t.address.lower() == address), None)


def _tokens(*items: tuple[str, str, int]) -> dict[str, Token]:
    return {s: Token(s, Web3.to_checksum_address(a), d) for s, a, d in items}


_V3_FACTORY = "0x1F98431c8aD98523631AE4a59f267346ea31F984"
_V3_ROUTER = "0xE592427A0AEce92De3Edee1F18E0157C05861564"
_V3_QUOTER_V2 = "0x61fFE014bA17989E743c5F6cB21bF9697530B21e"

MAINNETS: dict[str, Book] = {
    "ethereum": Book(
        network="ethereum",
        chain_id=1,
        rpc_url="",
        tokens=_tokens(
            ("WETH", "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", 18),
            ("USDC", "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", 6),
            ("USDT", "0xdAC17F958D2ee523a2206206994597C13D831ec7", 6),
            ("DAI", "0x6B175474E89094C44Da98b954EedeAC495271d0F", 18),
            ("WBTC", "0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599", 8),
        ),
        uniswap_v3_router=_V3_ROUTER,
        uniswap_v3_quoter=_V3_QUOTER_V2,
        uniswap_v3_factory=_V3_FACTORY,
        uniswap_v2_router="0x7a250d5630B4cF539739dF2C5dAcb4c659F2488D",
        uniswap_v2_factory="0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f",
        aave_pool="0x87870Bca3F3fD6335C3F4ce8392D69350B4fA4E2",
    ),
    "base": Book(
        network="base",
        chain_id=8453,
        rpc_url="",
        tokens=_tokens(
            ("WETH", "0x4200000000000000000000000000000000000006", 18),
            ("USDC", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", 6),
        ),
        uniswap_v3_router="0x2626664c2603336E57B271c5C0b26F421741e481",
        uniswap_v3_router_kind="swaprouter02",
        uniswap_v3_quoter="0x3d4e44Eb1374240CE5F1B871ab261CD16335B76a",
        uniswap_v3_factory="0x33128a8fC17869897dcE68Ed026d694621f6FDfD",
        uniswap_v2_router="0x4752ba5DBc23f44D87826276BF6Fd6b1C372aD24",
        uniswap_v2_factory="0x8909Dc15e40173Ff4699343b6eB8132c65e18eC6",
        aave_pool="0xA238Dd80C259a72e81d7e4664a9801593F98d1c5",
    ),
    "arbitrum": Book(
        network="arbitrum",
        chain_id=42161,
        rpc_url="",
        tokens=_tokens(
            ("WETH", "0x82aF49447D8a07e3bd95BD0d56f35241523fBab1", 18),
            ("USDC", "0xaf88d065e77c8cC2239327C5EDb3A432268e5831", 6),
            ("DAI", "0xDA10009cBd5D07dd0CeCc66161FC93D7c9000da1", 18),
            ("WBTC", "0x2f2a2543B76A4166549F7aaB2e75Bef0aefC5B0f", 8),
        ),
        uniswap_v3_router=_V3_ROUTER,
        uniswap_v3_quoter=_V3_QUOTER_V2,
        uniswap_v3_factory=_V3_FACTORY,
        uniswap_v2_router="0x4752ba5DBc23f44D87826276BF6Fd6b1C372aD24",
        uniswap_v2_factory="0xf1D7CC64Fb4452F05c498126312eBE29f30Fbcf9",
        aave_pool="0x794a61358D6845594F94dc1DB02A252b5b4814aD",
    ),
}
NETWORKS = ("devnet", *MAINNETS)
ALIASES = {"mainnet": "ethereum", "eth": "ethereum", "arbitrum-one": "arbitrum", "arb": "arbitrum"}


def devnet_book(path: Path | None = None) -> Book:
    """The running devnet's book from its JSON (written by `defai devnet up` or the test fixture)."""
    if path is None:
        from connectors.evm.devnet.home import info_path

        path = (
            Path(os.environ.get("DEFAI_DEVNET_INFO", ""))
            if os.environ.get("DEFAI_DEVNET_INFO")
            else info_path()
        )
    if not path.is_file():
        raise ConfigError(
            f"no running devnet ({path} missing): start one with `defai devnet up --background`"
        )
    doc = json.loads(path.read_text())
    a = doc["addresses"]
    return Book(
        network="devnet",
        chain_id=int(doc["chain_id"]),
        rpc_url=str(doc["rpc_url"]),
        tokens={s: Token(s, t["address"], int(t["decimals"])) for s, t in doc["tokens"].items()},
        uniswap_v3_router=a["uniswap_v3_router"],
        uniswap_v3_quoter=a["uniswap_v3_quoter"],
        uniswap_v3_factory=a["uniswap_v3_factory"],
        uniswap_v2_router=a["uniswap_v2_router"],
        uniswap_v2_factory=a["uniswap_v2_factory"],
        aave_pool=a["aave_pool"],
        vaults={
            v["symbol"].upper(): Vault(v["symbol"], v["address"], v["asset"]) for v in doc.get("vaults", [])
        },
    )


def book_for(network: str, *, rpc_url: str | None = None) -> Book:
    """The book for a network name; mainnets take their RPC URL from the argument or DEFAI_EVM__RPC_URL."""
    name = ALIASES.get(network.lower(), network.lower())
    if name == "devnet":
        book = devnet_book()
        return book if rpc_url is None else _with_url(book, rpc_url)
    if name not in MAINNETS:
        raise ConfigError(f"unknown network {network!r}; choose one of {', '.join(NETWORKS)}")
    url = (
        rpc_url
        or os.environ.get(f"DEFAI_EVM__RPC_URL_{name.upper()}")
        or os.environ.get("DEFAI_EVM__RPC_URL")
    )
    if not url:
        raise ConfigError(
            f"no RPC URL for {name}: set DEFAI_EVM__RPC_URL (or DEFAI_EVM__RPC_URL_{name.upper()})"
        )
    return _with_url(MAINNETS[name], url)


def _with_url(book: Book, url: str) -> Book:
    from dataclasses import replace

    return replace(book, rpc_url=url)
