"""A fake HTTP boundary for ccxt: the real exchange class runs, recorded replies answer its requests.

Every ccxt REST call goes through ``exchange.fetch(url, method, headers, body)``. `ReplayTransport`
replaces that one method on an exchange instance, records each request, answers from routes
(recorded venue payloads) and then runs the exchange's own `handle_errors` /
`handle_http_status_code`, so vendor error bodies raise the same ccxt exceptions as live.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import ccxt.async_support as ccxt_async

_PLACEHOLDER = re.compile(r"\{param:([A-Za-z0-9_]+)\}")
"""`{param:NAME}` in a recorded reply echoes the request's NAME parameter (e.g. a client order id)."""


class UnexpectedRequest(AssertionError):
    """The exchange sent a request no route answers (shown with its method, path and params)."""


@dataclass
class Route:
    """Answers requests with `method` to URL `path` whose params contain `match`."""

    method: str
    path: str
    body: Any = None
    status: int = 200
    match: dict[str, Any] = field(default_factory=dict)
    fault: str | None = None
    once: bool = False
    name: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Route:
        return cls(
            method=data["method"].upper(),
            path=data["path"],
            body=data.get("body"),
            status=int(data.get("status", 200)),
            match=dict(data.get("match") or {}),
            fault=data.get("fault"),
            once=bool(data.get("once", False)),
            name=data.get("name", ""),
        )


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    url: str
    path: str
    params: dict[str, Any]
    headers: dict[str, Any]
    body: str | None


def _params(url: str, body: str | None) -> dict[str, Any]:
    params: dict[str, Any] = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    if body:
        try:
            decoded = json.loads(body)
        except ValueError:
            decoded = dict(parse_qsl(body, keep_blank_values=True))
        if isinstance(decoded, dict):
            params.update(decoded)
        elif isinstance(decoded, list):
            params["__list__"] = decoded
    return params


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) >= len(expected)
            and all(_contains(a, e) for a, e in zip(actual, expected, strict=False))
        )
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and _contains(actual[k], v) for k, v in expected.items()
        )
    if expected == "*":
        return actual is not None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return str(actual).lower() == str(expected).lower()
    return str(actual) == str(expected)


class ReplayTransport:
    """Routes checked in order (first match wins); `once` routes are used up after one answer."""

    def __init__(self, routes: list[Route] | None = None) -> None:
        self.routes: list[Route] = list(routes or [])
        self.requests: list[RecordedRequest] = []

    @classmethod
    def from_file(cls, path: Path) -> ReplayTransport:
        data = json.loads(path.read_text())
        return cls([Route.from_dict(r) for r in data["routes"]])

    def push(self, route: Route) -> None:
        """Add a route that takes precedence over the loaded ones (e.g. a one-off fault)."""
        self.routes.insert(0, route)

    def install(self, exchange: ccxt_async.Exchange) -> None:
        async def fetch(url: str, method: str = "GET", headers: Any = None, body: Any = None) -> Any:
            return await self.answer(exchange, url, method, headers, body)

        exchange.fetch = fetch  # type: ignore[method-assign]

    def sent(self, method: str, path: str, match: dict[str, Any] | None = None) -> list[RecordedRequest]:
        """Requests sent to `method path` whose parameters contain `match` (same rules as routes)."""
        return [
            r
            for r in self.requests
            if r.method == method.upper() and r.path == path and _contains(r.params, match or {})
        ]

    async def answer(
        self, exchange: ccxt_async.Exchange, url: str, method: str, headers: Any, body: Any
    ) -> Any:
        method = method.upper()
        path = urlsplit(url).path
        params = _params(url, body)
        self.requests.append(RecordedRequest(method, url, path, params, dict(headers or {}), body))
        route = self._find(method, path, params)
        if route is None:
            shown = {k: v for k, v in params.items() if k not in ("signature", "nonce")}
            raise UnexpectedRequest(
                f"no recorded reply for {method} {path} {json.dumps(shown, default=str)[:400]}"
            )
        if route.once:
            self.routes.remove(route)
        if route.fault == "timeout":
            raise ccxt_async.RequestTimeout(f"{exchange.id} {method} {url}")
        if route.fault == "unavailable":
            raise ccxt_async.ExchangeNotAvailable(f"{exchange.id} {method} {url}")
        text = route.body if isinstance(route.body, str) else json.dumps(route.body)
        text = _PLACEHOLDER.sub(lambda m: str(params.get(m.group(1), "")), text)
        decoded = exchange.parse_json(text)
        reason = "OK" if route.status < 400 else "Error"
        exchange.handle_errors(route.status, reason, url, method, {}, text, decoded, headers, body)
        exchange.handle_http_status_code(route.status, reason, url, method, text)
        return decoded if decoded is not None else text

    def _find(self, method: str, path: str, params: dict[str, Any]) -> Route | None:
        for route in self.routes:
            if route.method == method and route.path == path and _contains(params, route.match):
                return route
        return None
