"""Static bearer tokens: scopes per token, nothing for a wrong or empty token; loopback detection."""

from __future__ import annotations

import pytest

import mcp_server
from mcp_server import StaticTokenVerifier, is_loopback


def test_public_api() -> None:
    assert sorted(mcp_server.__all__) == ["StaticTokenVerifier", "build_server", "is_loopback"]


async def test_read_and_trade_tokens_get_their_scopes() -> None:
    verifier = StaticTokenVerifier(["r-token"], ["t-token"])
    read = await verifier.verify_token("r-token")
    trade = await verifier.verify_token("t-token")
    assert read is not None and read.scopes == ["read"]
    assert trade is not None and trade.scopes == ["read", "trade"]
    assert "r-token" not in read.model_dump_json() and "t-token" not in trade.model_dump_json()


@pytest.mark.parametrize("offered", ["", "r-toke", "r-token ", "R-TOKEN", "t-token-extra"])
async def test_anything_else_is_rejected(offered: str) -> None:
    assert await StaticTokenVerifier(["r-token"], ["t-token"]).verify_token(offered) is None


def test_no_usable_token_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        StaticTokenVerifier([""], [])


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True), ("127.0.0.2", True),
     ("0.0.0.0", False), ("192.168.1.5", False), ("example.com", False)],
)  # fmt: skip
def test_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
