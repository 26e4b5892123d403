"""Streamable HTTP on 127.0.0.1 with bearer tokens: 401 without, 200 with, trade scope per token."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest
import uvicorn
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from agent.settings import Settings
from agent.tools.testing import fixed_price_tool_context
from mcp_server.auth import StaticTokenVerifier
from mcp_server.server import build_server

READ_TOKEN = "read-token-for-tests-0123456789"
TRADE_TOKEN = "trade-token-for-tests-0123456789"
LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
MCP_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[str]:
    port = free_port()
    verifier = StaticTokenVerifier([READ_TOKEN], [TRADE_TOKEN])
    mcp = build_server(settings, token_verifier=verifier, context_factory=fixed_price_tool_context)
    app = mcp.streamable_http_app(host="127.0.0.1")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
        if task.done():
            task.result()
    try:
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        server.should_exit = True
        await task


def client(url: str, token: str) -> Client:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30)
    return Client(streamable_http_client(url, http_client=http))


@pytest.fixture
async def url(settings: Settings) -> AsyncIterator[str]:
    async with serving(settings) as address:
        yield address


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "Basic x"}]
)
async def test_unauthenticated_requests_get_401(url: str, headers: dict[str, str]) -> None:
    async with httpx2.AsyncClient() as http:
        response = await http.post(url, json=LIST_TOOLS, headers=MCP_HEADERS | headers)
    assert response.status_code == 401
    assert READ_TOKEN not in response.text and TRADE_TOKEN not in response.text


async def test_token_gets_200_and_tools(url: str) -> None:
    init = {
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    }  # fmt: skip
    async with httpx2.AsyncClient() as http:
        response = await http.post(
            url, json=init, headers=MCP_HEADERS | {"Authorization": f"Bearer {READ_TOKEN}"}
        )
    assert response.status_code == 200
    assert "defai" in response.text
    async with client(url, READ_TOKEN) as session:
        names = {t.name for t in (await session.list_tools()).tools}
        portfolio = await session.call_tool("get_portfolio", {})
    assert {"get_portfolio", "execute_plan", "pause_trading"} <= names
    assert portfolio.structured_content is not None and portfolio.structured_content["mode"] == "paper"


async def test_read_token_cannot_use_write_tools(url: str) -> None:
    async with client(url, READ_TOKEN) as session:
        denied = await session.call_tool("pause_trading", {"reason": "try"})
        state = await session.call_tool("risk_status", {})
    assert denied.is_error and "needs the 'trade' scope" in denied.content[0].text  # type: ignore[union-attr]
    assert state.structured_content is not None and state.structured_content["trading_state"] == "active"


async def test_trade_token_can_use_write_tools(url: str) -> None:
    async with client(url, TRADE_TOKEN) as session:
        halted = await session.call_tool("pause_trading", {"reason": "from http"})
        resumed = await session.call_tool("resume_trading", {"reason": "done"})
    assert halted.structured_content is not None and halted.structured_content["trading_state"] == "halted"
    assert resumed.structured_content is not None and resumed.structured_content["trading_state"] == "active"


async def test_resource_over_http(url: str) -> None:
    async with client(url, READ_TOKEN) as session:
        policy: Any = await session.read_resource("defai://risk-policy")
    assert json.loads(policy.contents[0].text)["approval_threshold_usd"] == "10000"
