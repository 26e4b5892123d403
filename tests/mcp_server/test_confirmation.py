"""Preview -> execute over MCP: exactly the previewed plan runs; above the approval threshold the user
is asked through elicitation when the client supports it (both protocol eras)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import pytest
from mcp import Client
from mcp_types import ElicitRequestParams, ElicitResult

from agent.settings import Settings
from agent.tools import READ_SCOPE, TRADE_SCOPE, ToolContext
from agent.tools.testing import fixed_price_tool_context
from agent.tools.trading import preview_actions
from connectors.domain import Swap
from mcp_server.server import build_server

ERAS = ["legacy", "auto"]
SMALL = Swap(sell="USDC", buy="ETH", amount=Decimal(500))
LARGE = Swap(sell="WETH", buy="USDC", amount=Decimal(4))  # $12,000 > the $10,000 approval threshold


class Harness:
    """A trading server whose tool context the test can reach (to stage previews and read balances)."""

    def __init__(self, settings: Settings) -> None:
        self.tools: ToolContext | None = None

        @asynccontextmanager
        async def factory(s: Settings) -> AsyncIterator[ToolContext]:
            async with fixed_price_tool_context(s) as ctx:
                self.tools = ctx
                yield ctx

        self.server = build_server(
            settings, default_scopes=(READ_SCOPE, TRADE_SCOPE), context_factory=factory
        )

    async def preview(self, action: Swap) -> str:
        assert self.tools is not None
        preview = await preview_actions(self.tools, "test", [action])
        assert preview.executable and preview.confirmation_token
        return preview.confirmation_token

    async def balance(self, asset: str) -> Decimal:
        assert self.tools is not None
        return (await self.tools.deps.venues["paper"].snapshot()).balance(asset)


def answering(action: str, asked: list[str]) -> Any:
    async def callback(context: Any, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action=action, content={"confirm": True} if action == "accept" else None)  # type: ignore[arg-type]

    return callback


@pytest.mark.parametrize("mode", ERAS)
async def test_small_plan_executes_without_asking(settings: Settings, mode: str) -> None:
    h, asked = Harness(settings), []
    async with Client(h.server, mode=mode, elicitation_callback=answering("accept", asked)) as client:  # type: ignore[arg-type]
        token = await h.preview(SMALL)
        result = await client.call_tool("execute_plan", {"token": token})
        again = await client.call_tool("execute_plan", {"token": token})
        assert not result.is_error and result.structured_content is not None
        assert result.structured_content["executed"] is True
        assert await h.balance("USDC") == Decimal(19_500)
    assert asked == []
    assert again.is_error, "a token runs once"


@pytest.mark.parametrize("mode", ERAS)
async def test_large_plan_asks_the_user_and_executes_on_accept(settings: Settings, mode: str) -> None:
    h, asked = Harness(settings), []
    async with Client(h.server, mode=mode, elicitation_callback=answering("accept", asked)) as client:  # type: ignore[arg-type]
        token = await h.preview(LARGE)
        result = await client.call_tool("execute_plan", {"token": token})
        assert not result.is_error, result.content
        assert await h.balance("WETH") == Decimal(1)
    assert len(asked) == 1 and "swap 4 WETH" in asked[0] and "approval threshold" in asked[0]


@pytest.mark.parametrize("mode", ERAS)
@pytest.mark.parametrize("answer", ["decline", "cancel"])
async def test_large_plan_declined_executes_nothing_and_voids_the_token(
    settings: Settings, mode: str, answer: str
) -> None:
    h, asked = Harness(settings), []
    async with Client(h.server, mode=mode, elicitation_callback=answering(answer, asked)) as client:  # type: ignore[arg-type]
        token = await h.preview(LARGE)
        result = await client.call_tool("execute_plan", {"token": token})
        assert result.is_error and "declined" in result.content[0].text  # type: ignore[union-attr]
        assert await h.balance("WETH") == Decimal(5)
        assert h.tools is not None and len(h.tools.plans) == 0
    assert len(asked) == 1


async def test_without_elicitation_support_the_preview_is_the_confirmation(settings: Settings) -> None:
    h = Harness(settings)
    async with Client(h.server, mode="legacy") as client:
        token = await h.preview(LARGE)
        result = await client.call_tool("execute_plan", {"token": token})
        assert not result.is_error, result.content
        assert await h.balance("WETH") == Decimal(1)


@pytest.mark.parametrize("mode", ERAS)
async def test_preview_then_execute_in_words_over_mcp(settings: Settings, mode: str) -> None:
    h, asked = Harness(settings), []
    async with Client(h.server, mode=mode, elicitation_callback=answering("accept", asked)) as client:  # type: ignore[arg-type]
        preview = await client.call_tool("preview_intent", {"text": "swap 4 WETH for DAI"})
        data = preview.structured_content
        assert data is not None and data["executable"] and data["needs_approval"]
        result = await client.call_tool("execute_plan", {"token": data["confirmation_token"]})
        assert not result.is_error, result.content
        assert await h.balance("WETH") == Decimal(1) and await h.balance("DAI") > Decimal(11_000)
    assert len(asked) == 1
