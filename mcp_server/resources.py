"""Read-only MCP resources: the portfolio, open positions and the risk policy, as JSON."""

from __future__ import annotations

import json
from typing import Any

from mcp.server.mcpserver import MCPServer

from agent.tools import BY_NAME, ToolContext
from agent.tools.models import NoInput

PORTFOLIO_URI = "defai://portfolio"
POSITIONS_URI = "defai://positions"
RISK_POLICY_URI = "defai://risk-policy"


def register_resources(server: MCPServer[Any], current: Any) -> None:
    """`current()` returns the lifespan's ToolContext (static resources get no Context argument)."""

    def tools() -> ToolContext:
        ctx: ToolContext = current()
        return ctx

    @server.resource(
        PORTFOLIO_URI,
        name="portfolio",
        mime_type="application/json",
        description="Holdings on every venue, valued in USD (same as the get_portfolio tool)",
    )
    async def portfolio() -> str:
        result = await BY_NAME["get_portfolio"].fn(tools(), NoInput())
        return result.model_dump_json(indent=2)

    @server.resource(
        POSITIONS_URI,
        name="positions",
        mime_type="application/json",
        description="Open perpetual positions across venues",
    )
    async def positions() -> str:
        result = await BY_NAME["get_portfolio"].fn(tools(), NoInput())
        rows = [p.model_dump(mode="json") | {"venue": v.venue} for v in result.venues for p in v.positions]  # type: ignore[attr-defined]
        return json.dumps(rows, indent=2)

    @server.resource(
        RISK_POLICY_URI,
        name="risk-policy",
        mime_type="application/json",
        description="The risk limits the gate enforces on every action",
    )
    async def risk_policy() -> str:
        return tools().settings.risk.model_dump_json(indent=2)
