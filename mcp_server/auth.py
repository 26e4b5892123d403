"""Bearer tokens for the HTTP transport: a read token and optional trade tokens, compared in constant time."""

from __future__ import annotations

import hmac
import ipaddress

from mcp.server.auth.provider import AccessToken

from agent.tools import READ_SCOPE, TRADE_SCOPE

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class StaticTokenVerifier:
    """`TokenVerifier` for configured static tokens. Read tokens get `read`; trade tokens `read` + `trade`."""

    def __init__(self, read_tokens: list[str], trade_tokens: list[str] | None = None) -> None:
        self._tokens: list[tuple[bytes, list[str]]] = [(t.encode(), [READ_SCOPE]) for t in read_tokens if t]
        self._tokens += [(t.encode(), [READ_SCOPE, TRADE_SCOPE]) for t in trade_tokens or [] if t]
        if not self._tokens:
            raise ValueError("at least one non-empty token is required")

    async def verify_token(self, token: str) -> AccessToken | None:
        offered = token.encode()
        match: list[str] | None = None
        for known, scopes in self._tokens:
            if hmac.compare_digest(known, offered):
                match = scopes
        if match is None:
            return None
        client = "defai-trade" if TRADE_SCOPE in match else "defai-read"
        return AccessToken(token="<redacted>", client_id=client, scopes=list(match))
