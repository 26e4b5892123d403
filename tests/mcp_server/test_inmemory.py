"""The SDK's in-process client against the real server: tools, scopes, confirmation, resources, errors."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from mcp import Client

from agent.settings import Settings
from agent.tools import READ_SCOPE, TOOLS, TRADE_SCOPE
from agent.tools.testing import fixed_price_tool_context
from mcp_server.server import build_server

ERAS = ["legacy", "auto"]
READ_ONLY = (READ_SCOPE,)
TRADER = (READ_SCOPE, TRADE_SCOPE)


def server(settings: Settings, scopes: tuple[str, ...] = READ_ONLY) -> Any:
    return build_server(settings, default_scopes=scopes, context_factory=fixed_price_tool_context)


def text_of(result: Any) -> str:
    return " ".join(c.text for c in result.content if getattr(c, "type", "") == "text")


@pytest.mark.parametrize("mode", ERAS)
async def test_lists_every_tool_with_schemas(settings: Settings, mode: str) -> None:
    async with Client(server(settings), mode=mode) as client:  # type: ignore[arg-type]
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == {t.name for t in TOOLS}
    for spec in TOOLS:
        tool = tools[spec.name]
        assert tool.output_schema is not None and tool.description == spec.description
        assert set(tool.input_schema.get("properties", {})) == set(spec.input.model_fields)
        assert tool.annotations is not None and tool.annotations.read_only_hint is (not spec.write)


@pytest.mark.parametrize("mode", ERAS)
async def test_get_portfolio_returns_structured_content(settings: Settings, mode: str) -> None:
    async with Client(server(settings), mode=mode) as client:  # type: ignore[arg-type]
        result = await client.call_tool("get_portfolio", {})
    assert not result.is_error
    data = result.structured_content
    assert data is not None and data["mode"] == "paper"
    assert Decimal(data["total_value_usd"]) == Decimal("35000.00")


async def test_parse_intent_and_clarification(settings: Settings) -> None:
    async with Client(server(settings)) as client:
        swap = await client.call_tool("parse_intent", {"text": "swap 4 WETH for DAI"})
        unclear = await client.call_tool("parse_intent", {"text": "buy some eth"})
    assert swap.structured_content is not None
    assert swap.structured_content["kind"] == "swap"
    assert swap.structured_content["fields"] == {
        "sell": "WETH",
        "buy": "DAI",
        "amount": 4,
        "amount_in": "sell",
    }
    assert unclear.structured_content is not None and unclear.structured_content["kind"] == "clarify"
    assert unclear.structured_content["question"]


@pytest.mark.parametrize("tool,args", [
    ("pause_trading", {"reason": "x"}),
    ("resume_trading", {"reason": "x"}),
    ("execute_plan", {"token": "cfm-whatever-token"}),
    ("schedule", {"strategy": "sma_cross", "every": "1h"}),
    ("cancel_schedule", {"job_id": "x"}),
])  # fmt: skip
async def test_write_tools_need_the_trade_scope(settings: Settings, tool: str, args: dict[str, Any]) -> None:
    async with Client(server(settings, READ_ONLY)) as client:
        result = await client.call_tool(tool, args)
        state = await client.call_tool("risk_status", {})
    assert result.is_error
    assert "needs the 'trade' scope" in text_of(result) and "Nothing was done" in text_of(result)
    assert state.structured_content is not None and state.structured_content["trading_state"] == "active"


async def test_kill_switch_over_mcp_with_trade_scope(settings: Settings) -> None:
    async with Client(server(settings, TRADER)) as client:
        halted = await client.call_tool("pause_trading", {"reason": "operator"})
        resumed = await client.call_tool("resume_trading", {"reason": "ok"})
    assert halted.structured_content is not None and halted.structured_content["trading_state"] == "halted"
    assert resumed.structured_content is not None and resumed.structured_content["trading_state"] == "active"


async def test_errors_are_tool_errors_without_tracebacks(settings: Settings) -> None:
    async with Client(server(settings, TRADER)) as client:
        bad_token = await client.call_tool("execute_plan", {"token": "cfm-not-a-real-token"})
        bad_args = await client.call_tool("get_prices", {"symbols": "ETH"})
        bad_quote = await client.call_tool(
            "quote", {"action": {"kind": "swap", "sell": "USDC", "buy": "USDC", "amount": "1"}}
        )
    for result in (bad_token, bad_args, bad_quote):
        assert result.is_error
        assert "Traceback" not in text_of(result) and 'File "' not in text_of(result)
    assert "call preview_intent again" in text_of(bad_token)
    assert "cannot swap USDC for itself" in text_of(bad_quote)


async def test_resources_portfolio_positions_policy(settings: Settings) -> None:
    async with Client(server(settings)) as client:
        uris = {str(r.uri) for r in (await client.list_resources()).resources}
        policy = await client.read_resource("defai://risk-policy")
        portfolio = await client.read_resource("defai://portfolio")
        positions = await client.read_resource("defai://positions")
    assert uris == {"defai://portfolio", "defai://positions", "defai://risk-policy"}
    assert json.loads(policy.contents[0].text)["max_slippage_bps"] == 100  # type: ignore[union-attr]
    assert json.loads(portfolio.contents[0].text)["mode"] == "paper"  # type: ignore[union-attr]
    assert json.loads(positions.contents[0].text) == []  # type: ignore[union-attr]
